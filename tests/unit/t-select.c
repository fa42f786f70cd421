/*
 * t-select.c - the filter engine's small promises: option parsing,
 * outcome words, name and message filters through select_add, and an
 * archive written and read back through arc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"
#include "message.h"
#include "select.h"
#include "unit.h"

static char *
encode(const char *id, const char *endpoint, const char *event,
    int64_t created, size_t *len)
{
	struct message m = {
		.id = id, .created_ms = created, .event = event,
		.endpoint = endpoint, .content_type = "application/json",
		.body = (const unsigned char *)"{}", .body_len = 2,
	};
	char *out;

	if (message_encode(&m, &out, len) < 0)
		return NULL;
	return out;
}

static void
test_outcomes(void)
{
	struct select_last l = { .found = 1, .status = 503 };

	snprintf(l.class, sizeof(l.class), "5xx");
	snprintf(l.outcome, sizeof(l.outcome), "dead");
	CHECK(select_outcome_match(&l, "503"), "a status matches");
	CHECK(!select_outcome_match(&l, "502"), "another status does not");
	CHECK(select_outcome_match(&l, "5xx"), "a class matches");
	CHECK(select_outcome_match(&l, "dead"), "an outcome matches");
	CHECK(!select_outcome_match(&l, "timeout"), "an absent error does not");
	CHECK(!select_outcome_match(&l, "none"), "none needs no attempt");
	l.found = 0;
	CHECK(select_outcome_match(&l, "none"), "none matches no attempt");
	CHECK(!select_outcome_match(&l, "5xx"), "no attempt has no class");
}

static void
test_options(void)
{
	struct select_filter f = { 0 };
	char err[128];

	CHECK(select_option(&f, "limit", "0", err, sizeof(err)) < 0,
	    "a limit of 0 is refused");
	CHECK(select_option(&f, "limit", "7", err, sizeof(err)) == 0 &&
	    f.limit == 7, "a limit is read");
	CHECK(select_option(&f, "outcome", "5xx,,timeout", err,
	    sizeof(err)) == 0 && f.noutcomes == 2, "lists skip empty words");
	CHECK(select_option(&f, "by", "moon", err, sizeof(err)) < 0 &&
	    strstr(err, "moon") != NULL, "a bad --by names the word");
	CHECK(select_option(&f, "since", "@100", err, sizeof(err)) == 0 &&
	    f.has_since && f.since_ms == 100000, "--since takes @EPOCH");
	CHECK(select_option(&f, "id", "a/b", err, sizeof(err)) < 0,
	    "an id with a slash is refused");
	CHECK(select_option(&f, "colour", "red", err, sizeof(err)) == 1,
	    "an unknown name is not a filter option");
	select_filter_free(&f);
}

static void
test_add(void)
{
	struct select_filter f = { 0 };
	struct select_set set = { 0 };
	char why[64], err[128], *b1, *b2, *b3;
	size_t l1, l2, l3;

	b1 = encode("m1", "shop", "order.created", 1000, &l1);
	b2 = encode("m2", "crm", "order.created", 2000, &l2);
	b3 = encode("m3", "shop", "user.created", 3000, &l3);
	select_option(&f, "event", "order.*", err, sizeof(err));
	select_option(&f, "endpoint", "shop", err, sizeof(err));
	select_prepare(&f);
	CHECK(select_add(&set, &f, "dead", "m1:1:5:r", b1, l1, why,
	    sizeof(why)) == 1, "a matching message is taken");
	CHECK(select_add(&set, &f, "dead", "m2:1:5:r", b2, l2, why,
	    sizeof(why)) == 0, "another endpoint is left out");
	CHECK(select_add(&set, &f, "dead", "m3:1:5:r", b3, l3, why,
	    sizeof(why)) == 0, "another event is left out");
	CHECK(select_add(&set, &f, "dead", "mX:1:5:r", b2, l2, why,
	    sizeof(why)) < 0 && strcmp(why, "id-mismatch") == 0,
	    "a name whose id is not the message's is refused");
	b3[l3 / 2] ^= 1;
	CHECK(select_add(&set, &f, "dead", "m3:1:5:r", b3, l3, why,
	    sizeof(why)) < 0 && strcmp(why, "checksum") == 0,
	    "a damaged message is refused");
	CHECK(set.n == 1 && set.v[0].bytes == b1 && set.v[0].len == l1,
	    "the set owns the exact bytes it took");
	select_free(&set);
	select_filter_free(&f);
	free(b2);
	free(b3);
}

static void
test_arc(void)
{
	char err[256], member[256], *data, *b1;
	struct arc_writer *w;
	struct arc_reader *r;
	FILE *tmp = tmpfile();
	size_t len, l1;
	int fd = fileno(tmp), rc, n = 0;

	b1 = encode("m1", "shop", "a.b", 1000, &l1);
	w = arc_create(fd, ARC_GZIP, 1, err, sizeof(err));
	CHECK(w != NULL, "an archive starts");
	CHECK(arc_add(w, "dead/m1:1:5:r", b1, l1, 5, err, sizeof(err)) == 0,
	    "a member is added");
	CHECK(arc_finish(w, err, sizeof(err)) == 0, "the archive is ended");
	lseek(fd, 0, SEEK_SET);
	r = arc_open(fd, err, sizeof(err));
	CHECK(r != NULL, "the archive opens for reading");
	while (r && (rc = arc_next(r, member, sizeof(member), &data, &len,
	    err, sizeof(err))) == 1) {
		CHECK_STR(member, "dead/m1:1:5:r", "the member keeps its name");
		CHECK(len == l1 && memcmp(data, b1, l1) == 0,
		    "the member keeps its bytes");
		free(data);
		n++;
	}
	CHECK(r && rc == 0 && n == 1 && arc_had_manifest(r),
	    "one member, then a sound end with our markers");
	arc_close(r);
	fclose(tmp);
	free(b1);
}

int
main(void)
{
	test_outcomes();
	test_options();
	test_add();
	test_arc();
	return unit_done();
}
