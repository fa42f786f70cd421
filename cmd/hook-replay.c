/*
 * hook-replay - put dead letters, delivered messages or archived ones
 * back on the queue, chosen by id, endpoint, event, time and outcome.
 */
static const char usage[] =
"usage: hook-replay [-d DIR] [--from dead|done|FILE] [--id ID|-]...\n"
"                   [-t ENDPOINT] [-e PATTERN] [--since TIME] [--until TIME]\n"
"                   [--by created|attempt] [--outcome LIST] [--reason LIST]\n"
"                   [--limit N] [-n] [--json] [--new-id] [--to ENDPOINT]\n"
"                   [--at TIME | --delay DURATION] [--rate N] [-q] [-v]\n"
"\n"
"  -d, --spool DIR      the spool (default $HOOK_SPOOL, then\n"
"                       $XDG_STATE_HOME/hookspool, ~/.local/state/hookspool)\n"
"      --from SOURCE    dead (default), done, or an archive FILE ('-' for\n"
"                       standard input) in any format libarchive reads\n"
"      --id ID          only this message (repeatable); '-' reads ids,\n"
"                       one a line, from standard input\n"
"  -t, --endpoint NAME  only messages for this endpoint\n"
"  -e, --event PATTERN  only these event types (order.created, order.*)\n"
"      --since TIME     only messages at or after TIME (@EPOCH, ISO 8601,\n"
"                       -DURATION for that long ago)\n"
"      --until TIME     only messages before TIME\n"
"      --by WHAT        the time --since and --until look at: created\n"
"                       (enqueue time, default) or attempt (the last)\n"
"      --outcome LIST   only messages whose last attempt ended so: a\n"
"                       status (503), class (5xx), or error (timeout,\n"
"                       connect, tls, network, dns), comma-separated\n"
"      --reason LIST    only dead letters with this reason (or prefix*)\n"
"      --limit N        at most N messages, oldest first\n"
"  -n, --dry-run        list what would be replayed; change nothing\n"
"      --json           one JSON object per message\n"
"      --new-id         replay copies under fresh ids; originals stay\n"
"      --to ENDPOINT    send copies to ENDPOINT instead; originals stay\n"
"      --at TIME        first message due at TIME\n"
"      --delay DURATION first message due after DURATION\n"
"      --rate N         at most N messages due per second\n"
"  -q, --quiet          no progress, no notes\n"
"  -v, --verbose        one line per message replayed\n"
"  -h, --help           this text\n";

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"
#include "endpoint.h"
#include "exits.h"
#include "journal.h"
#include "message.h"
#include "select.h"
#include "spool.h"
#include "util.h"


struct options {
	const char *spool;
	const char *from;	/* "dead", "done" or a file */
	int from_file;
	int ids_stdin;
	struct select_filter filter;
	int dry_run;
	int json;
	int new_id;
	const char *to;
	int has_due;
	int64_t due_ms;
	double rate;
	int quiet;
	int verbose;
};

/* What one replay run did, for progress and the summary. */
struct run {
	struct spool *sp;
	struct journal journal;
	const struct options *o;
	size_t done, failed, total;
	int64_t start_ms, shown_ms;
	int progress;		/* stderr is a terminal */
	char synced[16][32];	/* directories to fsync at the end */
	size_t nsynced;
};

/* --- choosing ------------------------------------------------------ */

static int
read_ids(struct select_filter *f)
{
	char bad[80];

	if (select_read_ids(f, stdin, bad, sizeof(bad)) == 0)
		return HOOK_OK;
	if (bad[0])
		return util_fail(HOOK_DATAERR, "bad id '%s' on standard input",
		    bad);
	return util_fail(HOOK_IOERR, "cannot read standard input: %s",
	    strerror(errno));
}

static int
choose_from_spool(struct spool *sp, const struct options *o,
    struct select_set *set)
{
	if (select_scan(sp, o->from, &o->filter, set) < 0)
		return util_fail(hook_exit_for_errno(errno),
		    "cannot read '%s/%s': "
		    "%s", sp->path, o->from, strerror(errno));
	if (set->skipped > 0 && !o->quiet)
		util_warnx("%zu files in '%s/%s' are not readable messages "
		    "and were left alone", set->skipped, sp->path, o->from);
	if ((o->filter.noutcomes > 0 || o->dry_run) &&
	    select_outcomes(set, &o->filter, select_spool_days_reader, sp) < 0)
		return util_fail(hook_exit_for_errno(errno), "cannot read the "
		    "journal in '%s/journal': %s", sp->path, strerror(errno));
	return HOOK_OK;
}

/*
 * Every member is read and checked before anything is imported, so that
 * a damaged archive leaves the spool as it was.
 */
static int
choose_from_file(struct spool *sp, const struct options *o,
    struct select_set *set)
{
	struct select_days days = { 0 };
	struct arc_reader *r;
	char err[512];
	int fd, rc = HOOK_OK;

	if (strcmp(o->from, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(o->from, O_RDONLY | O_CLOEXEC)) < 0)
		return util_fail(hook_exit_for_errno(errno),
		    "cannot open '%s': %s",
		    o->from, strerror(errno));
	if ((r = arc_open(fd, err, sizeof(err))) == NULL) {
		rc = util_fail(HOOK_DATAERR,
		    "refusing archive '%s': %s; nothing "
		    "was imported", o->from, err);
		goto out;
	}
	if (select_read_archive(r, &o->filter, set, &days, err,
	    sizeof(err)) < 0) {
		rc = util_fail(errno == EBADMSG ? HOOK_DATAERR :
		    hook_exit_for_errno(errno), "refusing archive '%s': %s; "
		    "nothing was imported", o->from, err);
		goto out;
	}
	if ((o->filter.noutcomes > 0 || o->dry_run) && select_outcomes(set,
	    &o->filter, select_days_reader, &days) < 0)
		rc = util_fail(HOOK_INTERNAL,
		    "cannot read the archive's journal: "
		    "%s", strerror(errno));

	/* The same archive imported twice queues each message once. */
	if (rc == HOOK_OK && !o->new_id && !o->to) {
		long dropped = select_drop_queued(sp, set);

		if (dropped < 0)
			rc = util_fail(hook_exit_for_errno(errno),
			    "cannot read the "
			    "queue in '%s': %s", sp->path, strerror(errno));
		else if (dropped > 0 && !o->quiet)
			util_warnx("%ld messages of the archive are already on "
			    "the queue and were left out", dropped);
	}
out:
	arc_close(r);
	select_days_free(&days);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

/* --- listing ------------------------------------------------------- */

/* When item i of a run falls due, in seconds. */
static int64_t
due_of(const struct options *o, int64_t now_ms, size_t i)
{
	int64_t base = o->has_due ? o->due_ms : now_ms;
	int64_t due = base / 1000;

	if (o->rate > 0)
		due += (int64_t)((double)i / o->rate);
	return due;
}

static void
print_last_json(const struct select_last *l)
{
	if (!l->found) {
		printf("null");
		return;
	}
	printf("{\"status\":");
	if (l->status)
		printf("%d", l->status);
	else
		printf("null");
	printf(",\"class\":");
	util_json_string(stdout, l->class);
	printf(",\"error\":");
	if (l->error[0])
		util_json_string(stdout, l->error);
	else
		printf("null");
	printf("}");
}

static void
list_json(const struct options *o, const struct select_item *it,
    int64_t due)
{
	struct spool_name sn;

	printf("{\"id\":");
	util_json_string(stdout, it->id);
	printf(",\"from\":\"%s\",\"name\":", o->from_file ? "archive" :
	    it->state);
	util_json_string(stdout, it->name);
	printf(",\"state\":\"%s\",\"attempts\":%u,\"time\":%" PRId64
	    ",\"reason\":", it->state, it->attempts, it->time);
	if (spool_parse_name(it->name, &sn) == 0 && sn.reason[0])
		util_json_string(stdout, sn.reason);
	else
		printf("null");
	printf(",\"created\":%" PRId64 ",\"endpoint\":", it->created_ms);
	if (it->endpoint)
		util_json_string(stdout, it->endpoint);
	else
		printf("null");
	printf(",\"url\":");
	if (it->url)
		util_json_string(stdout, it->url);
	else
		printf("null");
	printf(",\"event\":");
	util_json_string(stdout, it->event ? it->event : "");
	printf(",\"last\":");
	print_last_json(&it->last);
	printf(",\"due\":%" PRId64 "}\n", due);
}

static void
list_row(const struct select_item *it, int64_t due)
{
	char when[40], due_s[40], last[32];
	const char *reason = "-";
	struct spool_name sn;

	if (spool_parse_name(it->name, &sn) == 0 && sn.reason[0])
		reason = sn.reason;
	util_format_time(it->time * 1000, when, sizeof(when));
	when[19] = '\0';	/* to the second */
	util_format_time(due * 1000, due_s, sizeof(due_s));
	due_s[19] = '\0';
	if (!it->last.found)
		snprintf(last, sizeof(last), "-");
	else if (it->last.status)
		snprintf(last, sizeof(last), "%d", it->last.status);
	else
		snprintf(last, sizeof(last), "%s", it->last.error[0] ?
		    it->last.error : it->last.class);
	printf("%-30s %-4s %4u %-19s %-14s %-8s %-16s %-20s %s\n", it->id,
	    it->state, it->attempts, when, reason, last,
	    it->endpoint ? it->endpoint : "(url)",
	    it->event ? it->event : "-", due_s);
}

static void
list(const struct options *o, const struct select_set *set)
{
	int64_t now = util_now_ms();

	if (!o->json)
		printf("%-30s %-4s %4s %-19s %-14s %-8s %-16s %-20s %s\n",
		    "ID", "FROM", "ATT", "TIME", "REASON", "LAST", "ENDPOINT",
		    "EVENT", "DUE");
	for (size_t i = 0; i < set->n; i++) {
		if (o->json)
			list_json(o, &set->v[i], due_of(o, now, i));
		else
			list_row(&set->v[i], due_of(o, now, i));
	}
}

/* --- replaying ----------------------------------------------------- */

static void
note_dir(struct run *run, const char *dir)
{
	for (size_t i = 0; i < run->nsynced; i++)
		if (strcmp(run->synced[i], dir) == 0)
			return;
	if (run->nsynced == sizeof(run->synced) / sizeof(run->synced[0])) {
		/* Too many to track: sync what we have and start over. */
		for (size_t i = 0; i < run->nsynced; i++)
			spool_sync_dir(run->sp, run->synced[i]);
		run->nsynced = 0;
	}
	snprintf(run->synced[run->nsynced++], sizeof(run->synced[0]), "%s",
	    dir);
}

static void
record(struct run *run, const struct select_item *it, const char *new_id,
    int64_t due)
{
	const struct options *o = run->o;
	char line[1024];
	int64_t now = util_now_ms();
	int n;

	n = snprintf(line, sizeof(line), "{\"kind\":\"replay\",\"id\":\"%s\","
	    "\"new_id\":%s%s%s,\"from\":\"%s\",\"to_endpoint\":%s%s%s,"
	    "\"at\":%" PRId64 ",\"due\":%" PRId64 "}\n", it->id,
	    new_id ? "\"" : "", new_id ? new_id : "null", new_id ? "\"" : "",
	    o->from_file ? "archive" : it->state, o->to ? "\"" : "",
	    o->to ? o->to : "null", o->to ? "\"" : "", now, due);
	/* Ids and endpoint names are [A-Za-z0-9_.-]: nothing to escape. */
	if (journal_append(&run->journal, now, line, (size_t)n) < 0 &&
	    !o->quiet)
		util_warn("cannot record the replay of '%s' in '%s/journal'",
		    it->id, run->sp->path);
	if (o->json)
		fputs(line, stdout);
	else if (o->verbose)
		printf("replayed id=%s new_id=%s from=%s due=%" PRId64 "\n",
		    it->id, new_id ? new_id : "-", o->from_file ? "archive" :
		    it->state, due);
}

/* The message as it goes back on the queue: a copy, maybe altered. */
static int
make_copy(const struct options *o, struct message *m, char *new_id,
    size_t idlen, char **bytes, size_t *len)
{
	if (o->new_id || o->to) {
		if (spool_new_id(new_id, idlen, util_now_ms()) < 0)
			return -1;
		m->id = new_id;
	}
	if (o->to) {
		m->endpoint = o->to;
		m->url = NULL;
	}
	return message_encode(m, bytes, len);
}

/* Replay a copy of a spool message: --new-id or --to. */
static int
replay_copy(struct run *run, const struct select_item *it,
    const char *dir, int64_t due)
{
	const struct options *o = run->o;
	struct spool_name sn = { .attempts = 0, .time = due };
	char path[SPOOL_NAME_MAX + 16], why[32], name[SPOOL_NAME_MAX];
	char new_id[SPOOL_ID_MAX + 1], *bytes = NULL;
	struct message m;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", it->state, it->name);
	if (message_load(run->sp->fd, path, &m, why, sizeof(why)) < 0)
		return -1;
	if (make_copy(o, &m, new_id, sizeof(new_id), &bytes, &len) < 0) {
		message_free(&m);
		return -1;
	}
	snprintf(sn.id, sizeof(sn.id), "%s", m.id);
	sn.reason[0] = '\0';
	spool_format_name(name, sizeof(name), &sn);
	rc = spool_commit(run->sp, dir, name, bytes, len, 0);
	message_free(&m);
	free(bytes);
	if (rc == 0)
		record(run, it, new_id, due);
	return rc;
}

/* The common case: one rename from dead/ or done/ back to the queue. */
static int
replay_move(struct run *run, const struct select_item *it,
    const char *dir, int64_t due)
{
	char from[SPOOL_NAME_MAX + 16], to[SPOOL_NAME_MAX + 48];

	snprintf(from, sizeof(from), "%s/%s", it->state, it->name);
	snprintf(to, sizeof(to), "%s/%s:0:%" PRId64, dir, it->id, due);
	if (spool_move(run->sp, from, to) < 0)
		return -1;
	record(run, it, NULL, due);
	return 0;
}

static void
progress(struct run *run, int last)
{
	int64_t now = util_now_ms();
	double secs;

	if (!run->progress || (!last && now - run->shown_ms < 250))
		return;
	if (!last && now - run->start_ms < 1000)
		return;		/* short runs stay silent */
	if (last && run->shown_ms == 0)
		return;
	run->shown_ms = now;
	secs = (double)(now - run->start_ms) / 1000.0;
	fprintf(stderr, "\r%s: %zu/%zu replayed, %.0f/s%s", hook_progname,
	    run->done, run->total, secs > 0 ? (double)run->done / secs : 0.0,
	    last ? "\n" : "");
}

/* Each rename is atomic; the directory syncs make the run durable. */
static int
finish(struct run *run, int last_err)
{
	for (size_t i = 0; i < run->nsynced; i++)
		if (spool_sync_dir(run->sp, run->synced[i]) < 0) {
			last_err = errno;
			run->failed++;
			util_warn("cannot sync '%s/%s'", run->sp->path,
			    run->synced[i]);
		}
	journal_close(&run->journal);
	if (run->failed > 0)
		return util_fail(last_err == EEXIST ? HOOK_DATAERR :
		    hook_exit_for_errno(last_err), "%zu of %zu messages not "
		    "replayed", run->failed, run->total);
	return HOOK_OK;
}

static int
replay(struct spool *sp, const struct options *o, struct select_set *set)
{
	struct run run = { .sp = sp, .o = o, .total = set->n };
	int64_t now = util_now_ms();
	int last_err = 0;

	run.start_ms = now;
	run.progress = !o->quiet && !o->json && !o->verbose &&
	    isatty(STDERR_FILENO);
	journal_init(&run.journal, sp);
	if (!o->new_id && !o->to)
		note_dir(&run, o->from);
	for (size_t i = 0; i < set->n; i++) {
		const struct select_item *it = &set->v[i];
		int64_t due = due_of(o, now, i);
		char dir[32];
		int rc;

		if (due * 1000 > util_now_ms())
			spool_later_dir(dir, sizeof(dir), due);
		else
			snprintf(dir, sizeof(dir), "new");
		if (o->new_id || o->to)
			rc = replay_copy(&run, it, dir, due);
		else
			rc = replay_move(&run, it, dir, due);
		if (rc < 0) {
			last_err = errno;
			run.failed++;
			util_warnx("cannot replay '%s/%s': %s", o->from_file ?
			    o->from : it->state, it->name,
			    errno == EEXIST ? "already on the queue" :
			    strerror(errno));
		} else {
			run.done++;
			note_dir(&run, dir);
			if (strncmp(dir, "later/", 6) == 0)
				note_dir(&run, "later");
		}
		if ((i & 255) == 255)
			progress(&run, 0);
	}
	progress(&run, 1);
	return finish(&run, last_err);
}

/* A message from an archive, written to tmp/ and not yet renamed. */
struct staged {
	char tmp[SPOOL_NAME_MAX + 64];
	char dest[SPOOL_NAME_MAX + 48];
	char new_id[SPOOL_ID_MAX + 1];
	int64_t due;
};

static int
stage(struct spool *sp, const struct options *o,
    const struct select_item *it, int64_t due, struct staged *s)
{
	struct spool_name sn = { .attempts = 0, .time = due };
	char dir[32], name[SPOOL_NAME_MAX], why[32], *copy, *bytes = NULL;
	const char *id = it->id;
	struct message m;
	size_t len = it->len;
	int fd, rc = -1, err;

	s->new_id[0] = '\0';
	s->due = due;
	if (o->new_id || o->to) {
		if ((copy = malloc(it->len + 1)) == NULL)
			return -1;
		memcpy(copy, it->bytes, it->len);
		if (message_decode(copy, it->len, &m, why, sizeof(why)) < 0) {
			free(copy);
			return -1;
		}
		rc = make_copy(o, &m, s->new_id, sizeof(s->new_id), &bytes,
		    &len);
		message_free(&m);
		if (rc < 0)
			return -1;
		id = s->new_id;
	}
	snprintf(sn.id, sizeof(sn.id), "%s", id);
	sn.reason[0] = '\0';
	spool_format_name(name, sizeof(name), &sn);
	if (due * 1000 > util_now_ms())
		spool_later_dir(dir, sizeof(dir), due);
	else
		snprintf(dir, sizeof(dir), "new");
	snprintf(s->dest, sizeof(s->dest), "%s/%s", dir, name);

	rc = -1;
	if ((fd = spool_tmp_create(sp, id, s->tmp, sizeof(s->tmp))) < 0)
		goto out;
	if (util_write_all(fd, bytes ? bytes : it->bytes, len) < 0) {
		err = errno;
		close(fd);
		unlinkat(sp->fd, s->tmp, 0);
		errno = err;
		goto out;
	}
	if (close(fd) < 0) {
		err = errno;
		unlinkat(sp->fd, s->tmp, 0);
		errno = err;
		goto out;
	}
	rc = 0;
out:
	err = errno;
	free(bytes);
	errno = err;
	return rc;
}

/*
 * An archive goes back in two steps: every selected message is written
 * to tmp/ and flushed, and only then renamed into the queue, so that a
 * full disk midway imports nothing rather than half.
 */
static int
replay_archive(struct spool *sp, const struct options *o,
    struct select_set *set)
{
	struct run run = { .sp = sp, .o = o, .total = set->n };
	struct staged *st = calloc(set->n, sizeof(*st));
	int64_t now = util_now_ms();
	size_t i, nstaged = 0;
	int err, last_err = 0;

	if (st == NULL)
		return util_fail(HOOK_INTERNAL, "out of memory");
	for (i = 0; i < set->n; i++, nstaged++)
		if (stage(sp, o, &set->v[i], due_of(o, now, i), &st[i]) < 0)
			break;
	if (i < set->n || syncfs(sp->fd) < 0) {
		err = errno;
		for (i = 0; i < nstaged; i++)
			unlinkat(sp->fd, st[i].tmp, 0);
		free(st);
		return util_fail(hook_exit_for_errno(err), "cannot write to "
		    "'%s/tmp': %s; nothing was imported", sp->path,
		    strerror(err));
	}

	journal_init(&run.journal, sp);
	for (i = 0; i < set->n; i++) {
		char dir[32];

		if (spool_move(sp, st[i].tmp, st[i].dest) < 0) {
			last_err = errno;
			run.failed++;
			util_warnx("cannot import '%s' as '%s': %s",
			    set->v[i].name, st[i].dest, errno == EEXIST ?
			    "already on the queue" : strerror(errno));
			unlinkat(sp->fd, st[i].tmp, 0);
			continue;
		}
		run.done++;
		record(&run, &set->v[i], st[i].new_id[0] ? st[i].new_id :
		    NULL, st[i].due);
		snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(st[i].dest,
		    '/') - st[i].dest), st[i].dest);
		note_dir(&run, dir);
		if (strncmp(dir, "later/", 6) == 0)
			note_dir(&run, "later");
	}
	free(st);
	return finish(&run, last_err);
}

/* --- options ------------------------------------------------------- */

enum {
	OPT_FROM = 256, OPT_ID, OPT_FILTER, OPT_JSON, OPT_NEW_ID, OPT_TO,
	OPT_AT, OPT_DELAY, OPT_RATE,
};

static const struct option longopts[] = {
	{ "spool", required_argument, NULL, 'd' },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "id", required_argument, NULL, OPT_ID },
	{ "endpoint", required_argument, NULL, 't' },
	{ "event", required_argument, NULL, 'e' },
	{ "since", required_argument, NULL, OPT_FILTER },
	{ "until", required_argument, NULL, OPT_FILTER },
	{ "by", required_argument, NULL, OPT_FILTER },
	{ "outcome", required_argument, NULL, OPT_FILTER },
	{ "reason", required_argument, NULL, OPT_FILTER },
	{ "limit", required_argument, NULL, OPT_FILTER },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "new-id", no_argument, NULL, OPT_NEW_ID },
	{ "to", required_argument, NULL, OPT_TO },
	{ "at", required_argument, NULL, OPT_AT },
	{ "delay", required_argument, NULL, OPT_DELAY },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
parse_time(const char *s, int64_t *ms)
{
	if (util_parse_time_ms(s, util_now_ms(), ms) < 0)
		return util_fail(HOOK_USAGE, "bad time '%s'", s);
	return HOOK_OK;
}

static int
parse_option(int c, const char *name, struct options *o, int *has_time)
{
	struct select_filter *f = &o->filter;
	char *end, err[256];
	int64_t ms;

	switch (c) {
	case 'd':
		o->spool = optarg;
		return HOOK_OK;
	case OPT_FROM:
		o->from = optarg;
		return HOOK_OK;
	case OPT_ID:
		if (strcmp(optarg, "-") == 0) {
			o->ids_stdin = 1;
			return HOOK_OK;
		}
		/* FALLTHROUGH */
	case OPT_FILTER:
	case 't':
	case 'e':
		if (select_option(f, c == 't' ? "endpoint" : c == 'e' ?
		    "event" : name, optarg, err, sizeof(err)) < 0)
			return util_fail(strncmp(err, "bad id", 6) == 0 ||
			    strncmp(err, "bad endpoint", 12) == 0 ?
			    HOOK_DATAERR : HOOK_USAGE, "%s", err);
		return HOOK_OK;
	case 'n':
		o->dry_run = 1;
		return HOOK_OK;
	case OPT_JSON:
		o->json = 1;
		return HOOK_OK;
	case OPT_NEW_ID:
		o->new_id = 1;
		return HOOK_OK;
	case OPT_TO:
		if (!util_valid_name(optarg, ENDPOINT_NAME_MAX))
			return util_fail(HOOK_DATAERR, "bad endpoint name '%s'",
			    optarg);
		o->to = optarg;
		return HOOK_OK;
	case OPT_AT:
	case OPT_DELAY:
		if ((*has_time)++)
			return util_fail(HOOK_USAGE, "--at and --delay exclude "
			    "each other");
		o->has_due = 1;
		if (c == OPT_AT)
			return parse_time(optarg, &o->due_ms);
		if (util_parse_duration_ms(optarg, &ms) < 0)
			return util_fail(HOOK_USAGE,
			    "bad duration '%s'", optarg);
		o->due_ms = util_now_ms() + ms;
		return HOOK_OK;
	case OPT_RATE:
		o->rate = strtod(optarg, &end);
		if (*end || end == optarg || !(o->rate > 0) || o->rate > 1e9)
			return util_fail(HOOK_USAGE, "bad rate '%s'", optarg);
		return HOOK_OK;
	case 'q':
		o->quiet = 1;
		return HOOK_OK;
	case 'v':
		o->verbose = 1;
		return HOOK_OK;
	case 'h':
		fputs(usage, stdout);
		exit(HOOK_OK);
	default:
		fputs(usage, stderr);
		return HOOK_USAGE;
	}
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	int c, rc, has_time = 0, index = 0;

	o->from = "dead";
	while ((c = getopt_long(argc, argv, "d:t:e:nqvh", longopts,
	    &index)) != -1)
		if ((rc = parse_option(c, longopts[index].name, o,
		    &has_time)) != HOOK_OK)
			return rc;
	if (optind < argc)
		return util_fail(HOOK_USAGE, "unexpected argument '%s'",
		    argv[optind]);
	o->from_file = !select_valid_state(o->from);
	if (o->ids_stdin && o->from_file && strcmp(o->from, "-") == 0)
		return util_fail(HOOK_USAGE, "--id - and --from - both want "
		    "standard input");
	if (o->new_id && o->to)
		return util_fail(HOOK_USAGE,
		    "--to already makes copies with new "
		    "ids; --new-id is not needed");
	if (o->ids_stdin && (rc = read_ids(&o->filter)) != HOOK_OK)
		return rc;
	if (o->dry_run)
		o->filter.want_message = 1;
	select_prepare(&o->filter);
	return HOOK_OK;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct select_set set = { 0 };
	struct endpoint ep;
	struct spool sp;
	char err[256];
	int rc;

	util_setprogname(argv[0]);
	if ((rc = parse_options(argc, argv, &o)) != HOOK_OK)
		goto out_filter;
	if (spool_open(&sp, o.spool, 1) < 0) {
		rc = util_fail(hook_exit_for_errno(errno), "cannot open spool "
		    "'%s': %s", o.spool ? o.spool : "(default)",
		    strerror(errno));
		goto out_filter;
	}
	if (o.to) {
		if (endpoint_load(&sp, o.to, &ep, err, sizeof(err)) < 0) {
			rc = util_fail(HOOK_PERMFAIL,
			    "cannot use endpoint '%s': %s",
			    o.to, errno == ENOENT ? "no such endpoint" : err);
			goto out;
		}
		endpoint_free(&ep);
	}

	rc = o.from_file ? choose_from_file(&sp, &o, &set) :
	    choose_from_spool(&sp, &o, &set);
	if (rc != HOOK_OK)
		goto out;
	select_finish(&set, &o.filter);
	if (set.n == 0) {
		if (!o.quiet)
			util_warnx("no message matched");
		rc = HOOK_NO;
	} else if (o.dry_run) {
		list(&o, &set);
	} else {
		rc = o.from_file ? replay_archive(&sp, &o, &set) :
		    replay(&sp, &o, &set);
	}
out:
	select_free(&set);
	spool_close(&sp);
out_filter:
	select_filter_free(&o.filter);
	if (fflush(stdout) != 0 || ferror(stdout))
		return util_fail(HOOK_IOERR, "cannot write standard output");
	return rc;
}
