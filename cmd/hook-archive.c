/*
 * hook-archive - pack old delivered and dead messages, with their
 * journal days, into compressed archives; or export a selection.
 */
static const char usage[] =
"usage: hook-archive [-d DIR] [--older-than DURATION]\n"
"                    [-z LEVEL | --zstd | --xz] [-n] [-q] [-v]\n"
"       hook-archive [-d DIR] --export [-o FILE] [--from dead|done]...\n"
"                    [--id ID|-]... [-t ENDPOINT] [-e PATTERN]\n"
"                    [--since TIME] [--until TIME] [--by created|attempt]\n"
"                    [--outcome LIST] [--reason LIST] [--limit N]\n"
"                    [-z LEVEL | --zstd | --xz] [-n] [-q] [-v]\n"
"\n"
"  -d, --spool DIR      the spool (default $HOOK_SPOOL, then\n"
"                       $XDG_STATE_HOME/hookspool, ~/.local/state/hookspool)\n"
"      --older-than D   archive messages finished more than D ago, and\n"
"                       journal days wholly before then (default 30d)\n"
"      --export         write the selected messages to an archive and\n"
"                       remove nothing\n"
"  -o, --output FILE    where --export writes (default standard output)\n"
"      --from STATE     dead (default) or done; repeat for both\n"
"      --id ID          only this message (repeatable); '-' reads ids,\n"
"                       one a line, from standard input\n"
"  -t, --endpoint NAME  only messages for this endpoint\n"
"  -e, --event PATTERN  only these event types (order.created, order.*)\n"
"      --since TIME     only messages at or after TIME\n"
"      --until TIME     only messages before TIME\n"
"      --by WHAT        created (enqueue time, default) or attempt\n"
"      --outcome LIST   only these last outcomes (503, 5xx, timeout, ...)\n"
"      --reason LIST    only dead letters with this reason (or prefix*)\n"
"      --limit N        at most N messages, oldest first\n"
"  -z, --level LEVEL    compression level (default 6)\n"
"      --zstd           compress with zstd instead of gzip\n"
"      --xz             compress with xz instead of gzip\n"
"  -n, --dry-run        list the members that would be written\n"
"  -q, --quiet          no notes\n"
"  -v, --verbose        say what was archived, and where\n"
"  -h, --help           this text\n";

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "arc.h"
#include "exits.h"
#include "message.h"
#include "select.h"
#include "spool.h"
#include "util.h"

#define FILE_MAX ((size_t)MESSAGE_HEADER_MAX + MESSAGE_BODY_MAX + 64)

struct options {
	const char *spool;
	int64_t older_than_ms;
	int export;
	const char *output;
	const char *from[2];
	size_t nfrom;
	int ids_stdin;
	struct select_filter filter;
	enum arc_compression compression;
	int level;
	int dry_run;
	int quiet;
	int verbose;
};

/* Journal days (file names) to archive. */
struct days {
	char (*v)[32];
	size_t n;
};

/* An archive being written: where, and what went into it. */
struct out {
	struct arc_writer *w;
	int fd;
	char tmp[128];		/* tmp/NAME, or an -o FILE's temporary */
	char final[PATH_MAX];
	size_t messages, damaged, vanished;
	int64_t first, last;	/* seconds: earliest and latest times seen */
	unsigned char *archived;	/* per item: went into the archive */
	int state_fd;		/* the state directory last read, or -1 */
	char state[16];		/* its name */
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
choose(struct spool *sp, const struct options *o, struct select_set *set)
{
	for (size_t i = 0; i < o->nfrom; i++)
		if (select_scan(sp, o->from[i], &o->filter, set) < 0)
			return util_fail(hook_exit_for_errno(errno),
			    "cannot read "
			    "'%s/%s': %s", sp->path, o->from[i],
			    strerror(errno));
	if (set->skipped > 0 && !o->quiet)
		util_warnx("%zu files are not readable messages and were left "
		    "alone", set->skipped);
	if (o->filter.noutcomes > 0 && select_outcomes(set, &o->filter,
	    select_spool_days_reader, sp) < 0)
		return util_fail(hook_exit_for_errno(errno), "cannot read the "
		    "journal in '%s/journal': %s", sp->path, strerror(errno));
	select_finish(set, &o->filter);
	return HOOK_OK;
}

/* Day files "YYYY-MM-DD.jsonl" whose whole day ends at or before cut. */
static int
old_days(struct spool *sp, int64_t cut, struct days *days)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(sp->fd, "journal", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return errno == ENOENT ? 0 : -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct tm tm = { 0 };
		const char *end;
		void *nv;

		if (strlen(de->d_name) != 16 ||
		    strcmp(de->d_name + 10, ".jsonl") != 0 ||
		    (end = strptime(de->d_name, "%Y-%m-%d", &tm)) == NULL ||
		    end != de->d_name + 10)
			continue;
		if ((int64_t)timegm(&tm) + 86400 > cut)
			continue;
		if ((nv = realloc(days->v, (days->n + 1) *
		    sizeof(*days->v))) == NULL) {
			closedir(d);
			return -1;
		}
		days->v = nv;
		snprintf(days->v[days->n++], sizeof(*days->v), "%s",
		    de->d_name);
	}
	closedir(d);
	return 0;
}

/* --- writing ------------------------------------------------------- */

/* archive/YYYYMMDDTHHMMSSZ-RANDOM.tar.gz, written first as tmp/NAME. */
static int
open_spool_archive(struct spool *sp, const struct options *o,
    struct out *out)
{
	unsigned char r[4];
	char stamp[32], name[96];
	time_t now = (time_t)(util_now_ms() / 1000);
	struct tm tm;

	if (util_random(r, sizeof(r)) < 0)
		return -1;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(name, sizeof(name), "%s-%02x%02x%02x%02x%s", stamp, r[0],
	    r[1], r[2], r[3], arc_suffix(o->compression));
	snprintf(out->tmp, sizeof(out->tmp), "tmp/%s", name);
	snprintf(out->final, sizeof(out->final), "archive/%s", name);
	out->fd = openat(sp->fd, out->tmp, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	return out->fd < 0 ? -1 : 0;
}

/* One message into the archive, checked first: damage is not packed. */
static int
add_message(struct spool *sp, struct out *out,
    const struct select_item *it, size_t index)
{
	char path[SPOOL_NAME_MAX + 16], why[32], err[256], *buf, *copy;
	struct message m;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", it->state, it->name);
	/* Each name is looked up in its directory, not walked to anew. */
	if (out->state_fd < 0 || strcmp(out->state, it->state) != 0) {
		if (out->state_fd >= 0)
			close(out->state_fd);
		util_copy(out->state, sizeof(out->state), it->state);
		out->state_fd = openat(sp->fd, it->state,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (out->state_fd < 0 || util_read_file(out->state_fd, it->name,
	    FILE_MAX, &buf, &len) < 0) {
		if (errno == ENOENT) {
			out->vanished++;	/* replayed meanwhile */
			return 0;
		}
		return util_fail(hook_exit_for_errno(errno),
		    "cannot read '%s/%s': "
		    "%s", sp->path, path, strerror(errno));
	}
	if ((copy = malloc(len + 1)) == NULL) {
		free(buf);
		return util_fail(HOOK_INTERNAL, "out of memory");
	}
	memcpy(copy, buf, len);
	if (message_decode(copy, len, &m, why, sizeof(why)) < 0) {
		free(copy);
		free(buf);
		out->damaged++;
		util_warnx("'%s/%s' is damaged (%s); not archived", sp->path,
		    path, why);
		return 0;
	}
	/* Any of them may be odd (a clock stepped back): take both. */
	for (int k = 0; k < 2; k++) {
		int64_t t = k ? it->time : m.created_ms / 1000;

		if (out->messages == 0 && k == 0)
			out->first = out->last = t;
		if (t < out->first)
			out->first = t;
		if (t > out->last)
			out->last = t;
	}
	message_free(&m);
	if (arc_add(out->w, path, buf, len, it->time, err, sizeof(err)) < 0) {
		free(buf);
		return util_fail(HOOK_IOERR, "cannot write archive: %s", err);
	}
	free(buf);
	out->messages++;
	out->archived[index] = 1;
	return HOOK_OK;
}

static int
add_day(struct spool *sp, struct out *out, const char *file)
{
	char path[64], err[256], *buf;
	struct tm tm = { 0 };
	size_t len;
	int rc = HOOK_OK;

	snprintf(path, sizeof(path), "journal/%s", file);
	if (util_read_file(sp->fd, path, SELECT_DAY_MAX, &buf, &len) < 0)
		return util_fail(hook_exit_for_errno(errno),
		    "cannot read '%s/%s': "
		    "%s", sp->path, path, strerror(errno));
	strptime(file, "%Y-%m-%d", &tm);
	if (arc_add(out->w, path, buf, len, (int64_t)timegm(&tm) + 86399,
	    err, sizeof(err)) < 0)
		rc = util_fail(HOOK_IOERR, "cannot write archive: %s", err);
	free(buf);
	return rc;
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * For an export, the journal lines about the exported messages, from
 * the day of the first one's enqueue to the day of the last one's end.
 */
static int
add_journal_lines(struct spool *sp, struct out *out,
    const struct select_set *set)
{
	const char **ids = malloc((set->n ? set->n : 1) * sizeof(*ids));
	int rc = HOOK_OK;

	if (ids == NULL)
		return util_fail(HOOK_INTERNAL, "out of memory");
	for (size_t i = 0; i < set->n; i++)
		ids[i] = set->v[i].id;
	qsort(ids, set->n, sizeof(*ids), cmp_id);
	for (int64_t day = out->first / 86400 - 1;
	    day <= out->last / 86400 && rc == HOOK_OK; day++) {
		char name[16], path[64], err[256], *buf, *kept;
		time_t t = (time_t)(day * 86400);
		struct tm tm;
		size_t len, nkept = 0;

		gmtime_r(&t, &tm);
		strftime(name, sizeof(name), "%Y-%m-%d", &tm);
		if (select_spool_days_reader(sp, name, &buf, &len) != 0)
			continue;
		if ((kept = malloc(len + 1)) == NULL) {
			free(buf);
			return util_fail(HOOK_INTERNAL, "out of memory");
		}
		for (char *p = buf, *end = buf + len; p < end; ) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
			json_t *j = json_loadb(p, l, 0, NULL);
			const char *id = json_string_value(json_object_get(j,
			    "id"));

			if (id && bsearch(&id, ids, set->n, sizeof(*ids),
			    cmp_id)) {
				memcpy(kept + nkept, p, l);
				nkept += l;
				kept[nkept++] = '\n';
			}
			json_decref(j);
			p += l + 1;
		}
		snprintf(path, sizeof(path), "journal/%s.jsonl", name);
		if (nkept > 0 && arc_add(out->w, path, kept, nkept,
		    day * 86400 + 86399, err, sizeof(err)) < 0)
			rc = util_fail(HOOK_IOERR,
			    "cannot write archive: %s", err);
		free(kept);
		free(buf);
	}
	free(ids);
	return rc;
}

/* Pack set (and days) into out->w; on failure the archive is void. */
static int
pack(struct spool *sp, struct out *out, const struct select_set *set,
    const struct days *days, int export)
{
	int rc;

	for (size_t i = 0; i < set->n; i++)
		if ((rc = add_message(sp, out, &set->v[i], i)) != HOOK_OK)
			return rc;
	if (export && out->messages > 0)
		return add_journal_lines(sp, out, set);
	for (size_t i = 0; days && i < days->n; i++)
		if ((rc = add_day(sp, out, days->v[i])) != HOOK_OK)
			return rc;
	return HOOK_OK;
}

static int
write_archive(struct spool *sp, const struct options *o, struct out *out,
    const struct select_set *set, const struct days *days)
{
	char err[256];
	int rc;

	out->archived = calloc(set->n ? set->n : 1, 1);
	out->w = arc_create(out->fd, o->compression, o->level, err,
	    sizeof(err));
	if (out->archived == NULL || out->w == NULL)
		return util_fail(out->w ? HOOK_INTERNAL : HOOK_IOERR, "cannot "
		    "start archive: %s", out->w ? "out of memory" : err);
	out->state_fd = -1;
	rc = pack(sp, out, set, days, o->export);
	if (out->state_fd >= 0)
		close(out->state_fd);
	if (rc != HOOK_OK) {
		arc_abandon(out->w);
		out->w = NULL;
		return rc;
	}
	rc = arc_finish(out->w, err, sizeof(err));
	out->w = NULL;
	if (rc < 0)
		return util_fail(HOOK_IOERR,
		    "cannot complete archive: %s", err);
	return HOOK_OK;
}

/* --- retention ----------------------------------------------------- */

static void
list_members(const struct select_set *set, const struct days *days)
{
	for (size_t i = 0; i < set->n; i++)
		printf("%s/%s\n", set->v[i].state, set->v[i].name);
	for (size_t i = 0; days && i < days->n; i++)
		printf("journal/%s\n", days->v[i]);
}

/*
 * The originals go only once the archive is durable under its final
 * name; a crash before that leaves them all in place (and, at worst, a
 * stray file in tmp/), a crash during it leaves duplicates, never a loss.
 */
static int
remove_originals(struct spool *sp, const struct out *out,
    const struct select_set *set, const struct days *days)
{
	char path[SPOOL_NAME_MAX + 16];
	int rc = HOOK_OK;

	for (size_t i = 0; i < set->n; i++) {
		if (!out->archived[i])
			continue;
		snprintf(path, sizeof(path), "%s/%s", set->v[i].state,
		    set->v[i].name);
		if (unlinkat(sp->fd, path, 0) < 0 && errno != ENOENT)
			rc = util_fail(hook_exit_for_errno(errno),
			    "cannot remove "
			    "'%s/%s': %s", sp->path, path, strerror(errno));
	}
	for (size_t i = 0; i < days->n; i++) {
		snprintf(path, sizeof(path), "journal/%s", days->v[i]);
		if (unlinkat(sp->fd, path, 0) < 0 && errno != ENOENT)
			rc = util_fail(hook_exit_for_errno(errno),
			    "cannot remove "
			    "'%s/%s': %s", sp->path, path, strerror(errno));
	}
	if (spool_sync_dir(sp, "done") < 0 || spool_sync_dir(sp, "dead") < 0 ||
	    spool_sync_dir(sp, "journal") < 0)
		rc = util_fail(hook_exit_for_errno(errno),
		    "cannot sync '%s': %s",
		    sp->path, strerror(errno));
	return rc;
}

static int
lock_archive(struct spool *sp, int *lockfd)
{
	*lockfd = openat(sp->fd, "archive", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);
	if (*lockfd < 0)
		return util_fail(hook_exit_for_errno(errno), "cannot open '%s/"
		    "archive': %s", sp->path, strerror(errno));
	if (flock(*lockfd, LOCK_EX | LOCK_NB) < 0)
		return util_fail(HOOK_TEMPFAIL,
		    "another hook-archive is running "
		    "on '%s'", sp->path);
	return HOOK_OK;
}

static int
retain(struct spool *sp, const struct options *o)
{
	struct select_filter f = { 0 };
	struct select_set set = { 0 };
	struct days days = { 0 };
	struct out out = { .fd = -1 };
	int64_t cut = util_now_ms() - o->older_than_ms;
	int rc, lockfd = -1;

	f.by_attempt = 1;
	f.has_until = 1;
	f.until_ms = cut;
	if (!o->dry_run && (rc = lock_archive(sp, &lockfd)) != HOOK_OK)
		goto out;
	if (select_scan(sp, "done", &f, &set) < 0 ||
	    select_scan(sp, "dead", &f, &set) < 0 ||
	    old_days(sp, cut / 1000, &days) < 0) {
		rc = util_fail(hook_exit_for_errno(errno),
		    "cannot read '%s': %s",
		    sp->path, strerror(errno));
		goto out;
	}
	select_finish(&set, &f);
	rc = HOOK_OK;
	if (o->dry_run) {
		list_members(&set, &days);
		goto out;
	}
	if (set.n == 0 && days.n == 0) {
		if (o->verbose)
			util_warnx("nothing older than the cut-off");
		goto out;
	}

	if (open_spool_archive(sp, o, &out) < 0) {
		rc = util_fail(hook_exit_for_errno(errno),
		    "cannot create '%s/%s': "
		    "%s", sp->path, out.tmp, strerror(errno));
		goto out;
	}
	rc = write_archive(sp, o, &out, &set, &days);
	if (rc == HOOK_OK && (fsync(out.fd) < 0 || close(out.fd) < 0))
		rc = util_fail(hook_exit_for_errno(errno),
		    "cannot write '%s/%s': "
		    "%s", sp->path, out.tmp, strerror(errno));
	else if (rc != HOOK_OK)
		close(out.fd);
	out.fd = -1;
	if (rc == HOOK_OK && (spool_move(sp, out.tmp, out.final) < 0 ||
	    spool_sync_dir(sp, "archive") < 0))
		rc = util_fail(hook_exit_for_errno(errno),
		    "cannot rename '%s' to "
		    "'%s': %s", out.tmp, out.final, strerror(errno));
	if (rc != HOOK_OK) {
		unlinkat(sp->fd, out.tmp, 0);
		goto out;
	}
	rc = remove_originals(sp, &out, &set, &days);
	if (o->verbose)
		printf("archived=%s messages=%zu journal_days=%zu damaged=%zu\n",
		    out.final, out.messages, days.n, out.damaged);
	if (rc == HOOK_OK && out.damaged > 0)
		rc = HOOK_DATAERR;
out:
	if (lockfd >= 0)
		close(lockfd);
	free(out.archived);
	free(days.v);
	select_free(&set);
	return rc;
}

/* --- export -------------------------------------------------------- */

static int
export(struct spool *sp, const struct options *o)
{
	struct select_set set = { 0 };
	struct out out = { .fd = -1 };
	int rc, to_file;

	if ((rc = choose(sp, o, &set)) != HOOK_OK)
		goto out;
	if (set.n == 0) {
		if (!o->quiet)
			util_warnx("no message matched");
		rc = HOOK_NO;
		goto out;
	}
	if (o->dry_run) {
		list_members(&set, NULL);
		goto out;
	}

	/* A file is written whole under a temporary name, then renamed. */
	to_file = o->output && strcmp(o->output, "-") != 0;
	if (to_file) {
		unsigned char r[4];

		if (util_random(r, sizeof(r)) < 0 ||
		    snprintf(out.tmp, sizeof(out.tmp), "%.96s.%02x%02x%02x%02x",
		    o->output, r[0], r[1], r[2], r[3]) >= (int)sizeof(out.tmp)) {
			rc = util_fail(HOOK_USAGE, "output name too long");
			goto out;
		}
		out.fd = open(out.tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (out.fd < 0) {
			rc = util_fail(hook_exit_for_errno(errno),
			    "cannot create "
			    "'%s': %s", out.tmp, strerror(errno));
			goto out;
		}
	} else {
		out.fd = STDOUT_FILENO;
	}
	rc = write_archive(sp, o, &out, &set, NULL);
	if (to_file) {
		if (rc == HOOK_OK && (fsync(out.fd) < 0 || close(out.fd) < 0 ||
		    rename(out.tmp, o->output) < 0))
			rc = util_fail(hook_exit_for_errno(errno),
			    "cannot write "
			    "'%s': %s", o->output, strerror(errno));
		else if (rc != HOOK_OK)
			close(out.fd);
		if (rc != HOOK_OK)
			unlink(out.tmp);
	}
	if (o->verbose)
		util_warnx("exported messages=%zu damaged=%zu", out.messages,
		    out.damaged);
	if (rc == HOOK_OK && out.damaged > 0)
		rc = HOOK_DATAERR;
out:
	free(out.archived);
	select_free(&set);
	return rc;
}

/* --- options ------------------------------------------------------- */

enum {
	OPT_OLDER_THAN = 256, OPT_EXPORT, OPT_FROM, OPT_ID, OPT_FILTER,
	OPT_ZSTD, OPT_XZ,
};

static const struct option longopts[] = {
	{ "spool", required_argument, NULL, 'd' },
	{ "older-than", required_argument, NULL, OPT_OLDER_THAN },
	{ "export", no_argument, NULL, OPT_EXPORT },
	{ "output", required_argument, NULL, 'o' },
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
	{ "level", required_argument, NULL, 'z' },
	{ "zstd", no_argument, NULL, OPT_ZSTD },
	{ "xz", no_argument, NULL, OPT_XZ },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
parse_option(int c, const char *name, struct options *o, int *filtered)
{
	char err[256], *end;

	switch (c) {
	case 'd':
		o->spool = optarg;
		return HOOK_OK;
	case OPT_OLDER_THAN:
		if (util_parse_duration_ms(optarg, &o->older_than_ms) < 0 ||
		    o->older_than_ms < 0)
			return util_fail(HOOK_USAGE,
			    "bad duration '%s'", optarg);
		return HOOK_OK;
	case OPT_EXPORT:
		o->export = 1;
		return HOOK_OK;
	case 'o':
		o->output = optarg;
		return HOOK_OK;
	case OPT_FROM:
		if (!select_valid_state(optarg))
			return util_fail(HOOK_USAGE,
			    "--from takes dead or done, "
			    "not '%s'", optarg);
		if (o->nfrom < 2 && (o->nfrom == 0 ||
		    strcmp(o->from[0], optarg) != 0))
			o->from[o->nfrom++] = optarg;
		return HOOK_OK;
	case OPT_ID:
		*filtered = 1;
		if (strcmp(optarg, "-") == 0) {
			o->ids_stdin = 1;
			return HOOK_OK;
		}
		/* FALLTHROUGH */
	case OPT_FILTER:
	case 't':
	case 'e':
		*filtered = 1;
		if (select_option(&o->filter, c == 't' ? "endpoint" :
		    c == 'e' ? "event" : name, optarg, err, sizeof(err)) < 0)
			return util_fail(strncmp(err, "bad id", 6) == 0 ||
			    strncmp(err, "bad endpoint", 12) == 0 ?
			    HOOK_DATAERR : HOOK_USAGE, "%s", err);
		return HOOK_OK;
	case 'z':
		o->level = (int)strtol(optarg, &end, 10);
		if (*end || end == optarg || o->level < 0 || o->level > 22)
			return util_fail(HOOK_USAGE, "bad level '%s'", optarg);
		return HOOK_OK;
	case OPT_ZSTD:
	case OPT_XZ:
		o->compression = c == OPT_ZSTD ? ARC_ZSTD : ARC_XZ;
		if (!arc_supported(o->compression))
			return util_fail(HOOK_PERMFAIL,
			    "this libarchive cannot "
			    "write %s", c == OPT_ZSTD ? "zstd" : "xz");
		return HOOK_OK;
	case 'n':
		o->dry_run = 1;
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
	int c, rc, index = 0, filtered = 0, level_set = 0;

	o->older_than_ms = 30LL * 86400 * 1000;
	o->compression = ARC_GZIP;
	o->level = -1;
	while ((c = getopt_long(argc, argv, "d:o:t:e:z:nqvh", longopts,
	    &index)) != -1) {
		level_set |= c == 'z';
		if ((rc = parse_option(c, longopts[index].name, o,
		    &filtered)) != HOOK_OK)
			return rc;
	}
	if (optind < argc)
		return util_fail(HOOK_USAGE, "unexpected argument '%s'",
		    argv[optind]);
	if (!level_set)
		o->level = o->compression == ARC_GZIP ? 6 : -1;
	if (o->compression == ARC_GZIP && o->level > 9)
		return util_fail(HOOK_USAGE, "gzip levels are 0 to 9");
	if (!o->export && (filtered || o->nfrom || o->output))
		return util_fail(HOOK_USAGE,
		    "selections and -o go with --export; "
		    "retention takes only --older-than");
	if (o->nfrom == 0)
		o->from[o->nfrom++] = "dead";
	if (o->export && !o->dry_run && (!o->output ||
	    strcmp(o->output, "-") == 0) && isatty(STDOUT_FILENO))
		return util_fail(HOOK_USAGE,
		    "refusing to write an archive to a "
		    "terminal; use -o FILE or a pipe");
	if (o->ids_stdin && (rc = read_ids(&o->filter)) != HOOK_OK)
		return rc;
	select_prepare(&o->filter);
	return HOOK_OK;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct spool sp;
	int rc;

	util_setprogname(argv[0]);
	if ((rc = parse_options(argc, argv, &o)) != HOOK_OK)
		goto out;
	if (spool_open(&sp, o.spool, 1) < 0) {
		rc = util_fail(hook_exit_for_errno(errno), "cannot open spool "
		    "'%s': %s", o.spool ? o.spool : "(default)",
		    strerror(errno));
		goto out;
	}

	rc = o.export ? export(&sp, &o) : retain(&sp, &o);

	spool_close(&sp);
out:
	select_filter_free(&o.filter);
	if (fflush(stdout) != 0 || ferror(stdout))
		return util_fail(HOOK_IOERR, "cannot write standard output");
	return rc;
}
