/*
 * t-spool - names, ids, parsers and the spool's single-rename moves.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"
#include "unit.h"
#include "util.h"

int
main(void)
{
	struct spool_name n = { .id = "msg_A", .attempts = 3, .time = 1700000000 };
	struct spool_name p;
	char buf[64], dir[64], id1[40], id2[40];
	struct spool sp;
	struct stat st;
	int64_t ms;
	size_t sz;

	CHECK(spool_format_name(buf, sizeof(buf), &n) == 0 &&
	    strcmp(buf, "msg_A:3:1700000000") == 0, "a name formats");
	snprintf(n.reason, sizeof(n.reason), "max-age");
	CHECK(spool_format_name(buf, sizeof(buf), &n) == 0 &&
	    strcmp(buf, "msg_A:3:1700000000:max-age") == 0,
	    "a dead name formats with its reason");
	CHECK(spool_format_name(buf, 18, &n) < 0 && errno == ENAMETOOLONG &&
	    strlen(buf) == 17, "a name too long for the buffer is refused");
	n.reason[0] = '\0';

	/* The string builders under the names and paths. */
	CHECK(util_copy(buf, sizeof(buf), "new") == 0 &&
	    util_append(buf, sizeof(buf), "/x") == 0 &&
	    strcmp(buf, "new/x") == 0, "copy then append");
	CHECK(util_join(buf, sizeof(buf), "later/60", "m:1:2") == 0 &&
	    strcmp(buf, "later/60/m:1:2") == 0, "join puts one slash");
	CHECK(util_join(buf, 8, "later", "m:1:2") < 0 &&
	    errno == ENAMETOOLONG && strcmp(buf, "later/m") == 0,
	    "join cuts to fit, terminated, and says so");
	CHECK(util_join(buf, 6, "later", "m") < 0 && strcmp(buf, "later") == 0,
	    "join with no room for the slash cuts there");
	CHECK(util_copy(buf, 1, "x") < 0 && buf[0] == '\0',
	    "a one-byte buffer holds the empty string");
	CHECK(util_copy(buf, 0, "") < 0 && errno == ENAMETOOLONG,
	    "a zero-byte buffer holds nothing, not even the NUL");
	buf[0] = '\0';
	CHECK(util_decimal(buf, sizeof(buf), INT64_MIN) == 0 &&
	    strcmp(buf, "-9223372036854775808") == 0, "INT64_MIN in decimal");
	buf[0] = '\0';
	CHECK(util_decimal(buf, sizeof(buf), 0) == 0 && strcmp(buf, "0") == 0,
	    "zero in decimal");
	CHECK(util_copy(buf, 4, "t=") == 0 &&
	    util_decimal(buf, 4, 1234) < 0 && strcmp(buf, "t=1") == 0,
	    "a number that does not fit is cut and refused");
	CHECK(spool_parse_name("msg_A:3:1700000000:max-age", &p) == 0 &&
	    strcmp(p.id, "msg_A") == 0 && p.attempts == 3 &&
	    p.time == 1700000000 && strcmp(p.reason, "max-age") == 0,
	    "a dead name parses with its reason");
	CHECK(spool_parse_name("msg_A", &p) < 0, "a bare id is not a name");
	CHECK(spool_parse_name("msg_A:x:1", &p) < 0, "bad attempts refused");
	CHECK(spool_parse_name("../a:1:1", &p) < 0, "a path is refused");
	CHECK(spool_parse_name("a:1:-5", &p) < 0, "negative time refused");
	CHECK(spool_parse_name(".x:1:1", &p) < 0, "a leading dot is refused");

	spool_later_dir(dir, sizeof(dir), 1700000059);
	CHECK(strcmp(dir, "later/1700000040") == 0,
	    "a due time falls in its minute's directory");

	CHECK(spool_new_id(id1, sizeof(id1), 1700000000000) == 0 &&
	    spool_new_id(id2, sizeof(id2), 1700000000000) == 0 &&
	    strlen(id1) == 30 && strncmp(id1, "msg_", 4) == 0 &&
	    strcmp(id1, id2) < 0, "ids in one millisecond still sort");
	CHECK(spool_new_id(id2, sizeof(id2), 1700000000001) == 0 &&
	    strcmp(id1, id2) < 0, "a later id sorts after");
	CHECK(spool_valid_id(id1), "made ids are valid ids");

	CHECK(util_parse_duration_ms("1h30m", &ms) == 0 && ms == 5400000,
	    "durations add up");
	CHECK(util_parse_duration_ms("250ms", &ms) == 0 && ms == 250,
	    "milliseconds");
	CHECK(util_parse_duration_ms("5x", &ms) < 0, "unknown unit refused");
	CHECK(util_parse_duration_ms("", &ms) < 0, "empty refused");
	CHECK(util_parse_size("1M", &sz) == 0 && sz == 1048576, "sizes");
	CHECK(util_parse_size("12q", &sz) < 0, "bad size refused");
	CHECK(util_parse_time_ms("2026-12-03T10:00:00Z", 0, &ms) == 0 &&
	    ms == 1796292000000LL, "ISO 8601 in UTC");
	CHECK(util_parse_time_ms("2026-12-03T11:00:00+01:00", 0, &ms) == 0 &&
	    ms == 1796292000000LL, "ISO 8601 with an offset");
	CHECK(util_parse_time_ms("+5m", 1000, &ms) == 0 && ms == 301000,
	    "relative times");
	CHECK(util_parse_time_ms("+9223372036854775807ms", 1764756000000LL,
	    &ms) < 0 && errno == ERANGE,
	    "a relative time past the range of the clock is refused");
	CHECK(util_parse_time_ms("@1700000000", 0, &ms) == 0 &&
	    ms == 1700000000000LL, "epoch seconds");
	CHECK(util_parse_time_ms("tomorrow", 0, &ms) < 0, "words refused");

	snprintf(buf, sizeof(buf), "/tmp/t-spool.%ld", (long)getpid());
	umask(0);
	CHECK(spool_open(&sp, buf, 1) == 0, "a new spool is created");
	CHECK(fstatat(sp.fd, "new", &st, 0) == 0 &&
	    (st.st_mode & 0777) == 0700, "state directories are 0700 "
	    "under umask 000");
	CHECK(spool_commit(&sp, "new", "m1:0:1", "abc", 3, 1) == 0,
	    "a commit lands in new/");
	CHECK(fstatat(sp.fd, "new/m1:0:1", &st, 0) == 0 &&
	    (st.st_mode & 0777) == 0600, "committed files are 0600");
	CHECK(spool_commit(&sp, "new", "m1:0:1", "xyz", 3, 1) < 0 &&
	    errno == EEXIST, "a commit never replaces a file");
	CHECK(spool_move(&sp, "new/m1:0:1", "later/60/m1:1:61") == 0,
	    "a move creates a missing minute directory");
	CHECK(spool_quarantine(&sp, "later/60", "m1:1:61", "checksum") == 0,
	    "a damaged file can be quarantined");
	spool_close(&sp);
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "ls %s/corrupt | grep -q "
		    "'^m1:1:[0-9]*:checksum$' && rm -rf %s", buf, buf);
		CHECK(system(cmd) == 0, "the quarantined name keeps the reason");
	}
	return unit_done();
}
