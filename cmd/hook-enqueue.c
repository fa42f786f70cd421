/*
 * hook-enqueue - write events into the spool; durable when it exits 0.
 */
static const char usage[] =
"usage: hook-enqueue [-d DIR] -e TYPE [-t ENDPOINT]... [-u URL]\n"
"                    [--data TEXT | -f FILE] [-c CONTENT-TYPE]\n"
"                    [-H 'Name: value']... [--id ID] [--key KEY]\n"
"                    [--key-window DURATION] [--at TIME | --delay DURATION]\n"
"                    [--max-size SIZE] [--json] [-q]\n"
"       hook-enqueue [-d DIR] --batch [-e TYPE] [-t ENDPOINT]... [-u URL]\n"
"                    [--batch-size N] [--max-size SIZE] [--json] [-q]\n"
"\n"
"  -d, --spool DIR      the spool (default $HOOK_SPOOL, then\n"
"                       $XDG_STATE_HOME/hookspool, ~/.local/state/hookspool)\n"
"  -e, --event TYPE     the event type, such as order.created\n"
"  -t, --to ENDPOINT    send to this endpoint (repeatable); with neither -t\n"
"                       nor -u, to every endpoint subscribed to TYPE\n"
"  -u, --url URL        send to this http(s) URL, unsigned\n"
"      --data TEXT      the payload (default: standard input)\n"
"  -f, --file FILE      read the payload from FILE\n"
"  -c, --content-type T payload type (default application/json, checked)\n"
"  -H, --header LINE    an extra request header 'Name: value' (repeatable)\n"
"      --id ID          the message id (one destination only)\n"
"  -k, --key KEY        idempotency key: a repeat within the window makes\n"
"                       nothing new and prints the first ids\n"
"      --key-window D   how long a key is remembered (default 24h)\n"
"      --at TIME        first attempt at TIME (@EPOCH, ISO 8601, +DURATION)\n"
"      --delay DURATION first attempt after DURATION\n"
"      --max-size SIZE  largest payload accepted (default 1M)\n"
"      --batch          one event per line of standard input, flushed to\n"
"                       disk once per batch\n"
"      --batch-size N   events per flush in --batch (default 1000)\n"
"      --json           print one JSON object per message\n"
"  -q, --quiet          print nothing on success\n"
"  -h, --help           this text\n";

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "endpoint.h"
#include "exits.h"
#include "message.h"
#include "spool.h"
#include "util.h"

#define MAX_HEADERS 64
#define MAX_TARGETS 64
#define KEY_MAX 128

struct options {
	const char *spool;
	const char *event;
	const char *targets[MAX_TARGETS];
	size_t ntargets;
	const char *url;
	const char *data;
	const char *file;
	const char *content_type;
	const char *headers[MAX_HEADERS];
	size_t nheaders;
	const char *id;
	const char *key;
	int64_t key_window_ms;
	int64_t due_ms;		/* 0: now */
	size_t max_size;
	size_t batch_size;
	int batch;
	int json;
	int quiet;
};

/* A message written to tmp/ and waiting for its rename. */
struct staged {
	char tmp[SPOOL_NAME_MAX + 64];
	char dir[32];		/* "new" or "later/BUCKET" */
	char name[SPOOL_NAME_MAX];
	char id[SPOOL_ID_MAX + 1];
	char dest[ENDPOINT_NAME_MAX + 1];	/* endpoint, or "" for a URL */
	int64_t due;
	int committed;
};

struct batch {
	struct staged *v;
	size_t n, cap;
};

/* Endpoints read once per run: fan-out needs their subscriptions. */
struct endpoints {
	struct endpoint *v;
	size_t n;
	int loaded;
};

static int
load_endpoints(struct spool *sp, struct endpoints *eps)
{
	char **names, err[256];
	size_t n;

	if (eps->loaded)
		return HOOK_OK;
	if (endpoint_list(sp, &names, &n) < 0)
		return util_fail(hook_exit_for_errno(errno),
		    "cannot list endpoints in '%s/endpoints': %s", sp->path,
		    strerror(errno));
	eps->v = calloc(n ? n : 1, sizeof(*eps->v));
	if (eps->v == NULL) {
		endpoint_free_names(names, n);
		return util_fail(HOOK_INTERNAL, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (endpoint_load(sp, names[i], &eps->v[eps->n], err,
		    sizeof(err)) < 0) {
			util_warnx("endpoint '%s' skipped: %s", names[i], err);
			continue;
		}
		eps->n++;
	}
	endpoint_free_names(names, n);
	eps->loaded = 1;
	return HOOK_OK;
}

/*
 * The destinations of one event: the URL, the named endpoints (which
 * must exist), or every endpoint subscribed to the type.
 */
static int
destinations(struct spool *sp, const struct options *o, const char *event,
    struct endpoints *eps, const char **dests, size_t *ndests)
{
	int rc;

	*ndests = 0;
	if (o->url) {
		dests[(*ndests)++] = NULL;
		if (o->ntargets == 0)
			return HOOK_OK;
	}
	if ((rc = load_endpoints(sp, eps)) != HOOK_OK)
		return rc;
	for (size_t i = 0; i < o->ntargets; i++) {
		size_t k;

		for (k = 0; k < eps->n; k++)
			if (strcmp(eps->v[k].name, o->targets[i]) == 0)
				break;
		if (k == eps->n)
			return util_fail(HOOK_DATAERR, "unknown endpoint '%s'",
			    o->targets[i]);
		dests[(*ndests)++] = eps->v[k].name;
	}
	if (*ndests > 0)
		return HOOK_OK;
	for (size_t k = 0; k < eps->n && *ndests < MAX_TARGETS; k++)
		if (endpoint_subscribes(&eps->v[k], event))
			dests[(*ndests)++] = eps->v[k].name;
	if (*ndests == 0)
		return util_fail(HOOK_NO,
		    "no endpoint subscribes to '%s'", event);
	return HOOK_OK;
}

static int
batch_push(struct batch *b, struct staged **s)
{
	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 16;
		struct staged *nv = realloc(b->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		b->v = nv;
		b->cap = ncap;
	}
	*s = &b->v[b->n++];
	memset(*s, 0, sizeof(**s));
	return 0;
}

/*
 * Write one message to tmp/.  In a batch the file is not fsynced here:
 * one syncfs() before the renames flushes them all.
 */
static int
stage(struct spool *sp, struct batch *b, const struct message *m,
    int64_t due, int sync_file)
{
	struct spool_name sn;
	struct staged *s;
	char *bytes;
	size_t len;
	int fd, err;

	if (message_encode(m, &bytes, &len) < 0)
		return -1;
	if (batch_push(b, &s) < 0) {
		free(bytes);
		return -1;
	}
	snprintf(s->id, sizeof(s->id), "%s", m->id);
	snprintf(s->dest, sizeof(s->dest), "%s", m->endpoint ? m->endpoint :
	    "");
	snprintf(sn.id, sizeof(sn.id), "%s", m->id);
	sn.attempts = 0;
	sn.time = due / 1000;
	sn.reason[0] = '\0';
	s->due = due;
	if (spool_format_name(s->name, sizeof(s->name), &sn) < 0)
		goto fail;
	if (due > util_now_ms())
		spool_later_dir(s->dir, sizeof(s->dir), sn.time);
	else
		snprintf(s->dir, sizeof(s->dir), "new");
	if ((fd = spool_tmp_create(sp, m->id, s->tmp, sizeof(s->tmp))) < 0)
		goto fail;
	if (util_write_all(fd, bytes, len) < 0 ||
	    (sync_file && fsync(fd) < 0)) {
		err = errno;
		close(fd);
		unlinkat(sp->fd, s->tmp, 0);
		errno = err;
		goto fail;
	}
	if (close(fd) < 0) {
		err = errno;
		unlinkat(sp->fd, s->tmp, 0);
		errno = err;
		goto fail;
	}
	free(bytes);
	return 0;
fail:
	err = errno;
	b->n--;
	free(bytes);
	errno = err;
	return -1;
}

static void
discard(struct spool *sp, struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (!b->v[i].committed)
			unlinkat(sp->fd, b->v[i].tmp, 0);
	b->n = 0;
}

static void
print_staged(const struct options *o, const struct staged *s, int dup)
{
	char when[40];

	if (o->quiet)
		return;
	if (!o->json) {
		printf("%s\n", s->id);
		return;
	}
	util_format_time(s->due, when, sizeof(when));
	printf("{\"id\":");
	util_json_string(stdout, s->id);
	if (s->dest[0]) {
		printf(",\"endpoint\":");
		util_json_string(stdout, s->dest);
	}
	printf(",\"state\":\"%s\",\"due\":\"%s\",\"duplicate\":%s}\n",
	    strncmp(s->dir, "later", 5) == 0 ? "later" : "new", when,
	    dup ? "true" : "false");
}

/*
 * Make the staged messages visible: flush (a batch's files in one
 * syncfs), rename each into its state directory, and fsync each
 * directory that changed.  Only then are their ids printed.
 */
static int
commit(struct spool *sp, const struct options *o, struct batch *b,
    int flushed)
{
	char synced[8][32];
	size_t nsynced = 0;

	if (!flushed && b->n > 0 && syncfs(sp->fd) < 0)
		goto fail;
	for (size_t i = 0; i < b->n; i++) {
		struct staged *s = &b->v[i];
		char dest[SPOOL_NAME_MAX + 40];

		snprintf(dest, sizeof(dest), "%s/%s", s->dir, s->name);
		if (spool_move(sp, s->tmp, dest) < 0)
			goto fail;
		s->committed = 1;
	}
	for (size_t i = 0; i < b->n; i++) {
		size_t k;

		for (k = 0; k < nsynced; k++)
			if (strcmp(synced[k], b->v[i].dir) == 0)
				break;
		if (k < nsynced)
			continue;
		if (spool_sync_dir(sp, b->v[i].dir) < 0)
			goto fail;
		if (strncmp(b->v[i].dir, "later/", 6) == 0 &&
		    spool_sync_dir(sp, "later") < 0)
			goto fail;
		if (nsynced < 8)
			snprintf(synced[nsynced++], sizeof(synced[0]), "%s",
			    b->v[i].dir);
	}
	for (size_t i = 0; i < b->n; i++)
		print_staged(o, &b->v[i], 0);
	fflush(stdout);
	return HOOK_OK;
fail:
	{
		int err = errno;

		util_warnx("cannot commit messages in '%s': %s", sp->path,
		    strerror(err));
		discard(sp, b);
		return hook_exit_for_errno(err);
	}
}

/* Fill in and stage one message per destination of one event. */
static int
stage_event(struct spool *sp, const struct options *o,
    struct endpoints *eps, struct batch *b, const char *event,
    const char *id, const char *const *headers, size_t nheaders,
    const char *payload, size_t len, int64_t due, int sync_file)
{
	const char *dests[MAX_TARGETS + 1];
	char idbuf[SPOOL_ID_MAX + 1];
	size_t ndests;
	int64_t now = util_now_ms();
	int rc;

	if ((rc = destinations(sp, o, event, eps, dests, &ndests)) != 0)
		return rc;
	if (id && ndests > 1)
		return util_fail(HOOK_USAGE,
		    "an id names one message, but '%s' "
		    "goes to %zu destinations", event, ndests);
	for (size_t i = 0; i < ndests; i++) {
		struct message m = {
			.created_ms = now,
			.event = event,
			.endpoint = dests[i],
			.url = dests[i] ? NULL : o->url,
			.content_type = o->content_type,
			.key = o->key,
			.headers = (const char **)headers,
			.nheaders = nheaders,
			.body = (const unsigned char *)payload,
			.body_len = len,
		};

		if (id == NULL && spool_new_id(idbuf, sizeof(idbuf), now) < 0)
			return util_fail(HOOK_TEMPFAIL, "cannot make an id: %s",
			    strerror(errno));
		m.id = id ? id : idbuf;
		if (stage(sp, b, &m, due ? due : now, sync_file) < 0)
			return util_fail(hook_exit_for_errno(errno),
			    "cannot write '%s/tmp/%s': %s", sp->path, m.id,
			    strerror(errno));
	}
	return HOOK_OK;
}

static int
check_payload(const struct options *o, const char *payload, size_t len,
    const char *where)
{
	json_error_t jerr;
	json_t *j;

	if (len > o->max_size)
		return util_fail(HOOK_DATAERR,
		    "%spayload of %zu bytes is over the "
		    "limit of %zu", where, len, o->max_size);
	if (!message_is_json(o->content_type))
		return HOOK_OK;
	j = json_loadb(payload, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (j == NULL)
		return util_fail(HOOK_DATAERR,
		    "%spayload is not valid JSON: %s "
		    "(column %d)", where, jerr.text, jerr.column);
	json_decref(j);
	return HOOK_OK;
}

/* --- idempotency keys ------------------------------------------------ */

/*
 * A key is a file keys/KEY listing the ids it created.  The whole
 * check-enqueue-record sequence runs under a lock on keys/, so two
 * processes with the same key cannot both enqueue.
 */
static int
key_lock(struct spool *sp)
{
	int fd = openat(sp->fd, "keys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* 1 and the ids printed if key is fresh; 0 if unknown or expired. */
static int
key_lookup(struct spool *sp, const struct options *o)
{
	char path[KEY_MAX + 8], *ids, *line, *save;
	struct stat st;
	size_t len;

	snprintf(path, sizeof(path), "keys/%s", o->key);
	if (fstatat(sp->fd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if ((int64_t)st.st_mtime * 1000 + o->key_window_ms < util_now_ms()) {
		if (unlinkat(sp->fd, path, 0) < 0)
			return -1;
		return 0;
	}
	if (util_read_file(sp->fd, path, 1 << 20, &ids, &len) < 0)
		return -1;
	for (line = strtok_r(ids, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		struct staged s = { .due = (int64_t)st.st_mtime * 1000 };
		char *tab = strchr(line, '\t');

		if (tab) {
			*tab = '\0';
			snprintf(s.dest, sizeof(s.dest), "%s", tab + 1);
		}
		snprintf(s.id, sizeof(s.id), "%s", line);
		snprintf(s.dir, sizeof(s.dir), "new");
		print_staged(o, &s, 1);
	}
	free(ids);
	return 1;
}

static int
key_record(struct spool *sp, const char *key, const struct batch *b)
{
	char path[KEY_MAX + 8], *text;
	size_t len = 0, cap = 1;
	int rc;

	for (size_t i = 0; i < b->n; i++)
		cap += strlen(b->v[i].id) + strlen(b->v[i].dest) + 2;
	if ((text = malloc(cap)) == NULL)
		return -1;
	for (size_t i = 0; i < b->n; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s\t%s\n",
		    b->v[i].id, b->v[i].dest);
	snprintf(path, sizeof(path), "%s", key);
	rc = spool_commit(sp, "keys", path, text, len, 1);
	free(text);
	return rc;
}

/* --- one event ------------------------------------------------------- */

static int
read_payload(const struct options *o, char **buf, size_t *len)
{
	int fd = 0;

	if (o->data) {
		*len = strlen(o->data);
		*buf = strdup(o->data);
		return *buf ? HOOK_OK : util_fail(HOOK_INTERNAL,
		    "out of memory");
	}
	if (o->file && strcmp(o->file, "-") != 0 &&
	    (fd = open(o->file, O_RDONLY | O_CLOEXEC)) < 0)
		return util_fail(HOOK_DATAERR, "cannot open '%s': %s", o->file,
		    strerror(errno));
	if (util_read_all(fd, o->max_size, buf, len) < 0) {
		int err = errno;

		if (fd)
			close(fd);
		if (err == EFBIG)
			return util_fail(HOOK_DATAERR,
			    "payload is over the limit "
			    "of %zu bytes", o->max_size);
		return util_fail(HOOK_IOERR, "cannot read '%s': %s",
		    o->file ? o->file : "standard input", strerror(err));
	}
	if (fd)
		close(fd);
	return HOOK_OK;
}

static int
enqueue_one(struct spool *sp, const struct options *o)
{
	struct endpoints eps = { 0 };
	struct batch b = { 0 };
	char *payload = NULL;
	size_t len;
	int rc, lockfd = -1;

	if ((rc = read_payload(o, &payload, &len)) != HOOK_OK)
		return rc;
	if ((rc = check_payload(o, payload, len, "")) != HOOK_OK)
		goto out;
	if (o->key) {
		if ((lockfd = key_lock(sp)) < 0) {
			rc = util_fail(hook_exit_for_errno(errno),
			    "cannot lock '%s/keys': %s", sp->path,
			    strerror(errno));
			goto out;
		}
		if ((rc = key_lookup(sp, o)) > 0) {
			rc = HOOK_OK;	/* a known key: its ids are printed */
			goto out;
		}
		if (rc < 0) {
			rc = util_fail(hook_exit_for_errno(errno),
			    "cannot read key '%s': %s", o->key,
			    strerror(errno));
			goto out;
		}
	}

	/* All files are written before any is renamed: all or nothing. */
	rc = stage_event(sp, o, &eps, &b, o->event, o->id, o->headers,
	    o->nheaders, payload, len, o->due_ms, 1);
	if (rc != HOOK_OK) {
		discard(sp, &b);
		goto out;
	}
	if ((rc = commit(sp, o, &b, 1)) != HOOK_OK)
		goto out;

	/*
	 * The key is recorded after the messages are durable: a crash in
	 * between costs a duplicate on the next try, never a lost event.
	 */
	if (o->key && key_record(sp, o->key, &b) < 0)
		util_warn("messages enqueued, but cannot record key '%s'",
		    o->key);
out:
	if (lockfd >= 0)
		close(lockfd);
	for (size_t i = 0; i < eps.n; i++)
		endpoint_free(&eps.v[i]);
	free(eps.v);
	free(b.v);
	free(payload);
	return rc;
}

/* --- batches --------------------------------------------------------- */

struct reader {
	int fd;
	char *buf;
	size_t len, off, cap, max;
	int eof;
};

/* Is there input ready now?  Decides when to flush a partial batch. */
static int
input_ready(struct reader *r)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };

	if (memchr(r->buf + r->off, '\n', r->len - r->off) || r->eof)
		return 1;
	return poll(&p, 1, 0) > 0;
}

/*
 * The next line, without its newline; 1 if one, 0 at the end, -1 on a
 * read error, -2 for a line longer than r->max.
 */
static int
next_line(struct reader *r, char **line, size_t *len)
{
	for (;;) {
		char *nl = memchr(r->buf + r->off, '\n', r->len - r->off);
		ssize_t n;

		if (nl || (r->eof && r->len > r->off)) {
			*line = r->buf + r->off;
			*len = nl ? (size_t)(nl - *line) : r->len - r->off;
			(*line)[*len] = '\0';
			r->off += *len + (nl != NULL);
			return 1;
		}
		if (r->eof)
			return 0;
		if (r->off > 0) {
			memmove(r->buf, r->buf + r->off, r->len - r->off);
			r->len -= r->off;
			r->off = 0;
		}
		if (r->len > r->max)
			return -2;
		if (r->cap - r->len < 65536) {
			char *nb = realloc(r->buf, r->cap * 2);

			if (nb == NULL)
				return -1;
			r->buf = nb;
			r->cap *= 2;
		}
		n = read(r->fd, r->buf + r->len, r->cap - r->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			r->eof = 1;
		r->len += (size_t)n;
	}
}

/* The envelope form of a line: {"event": ..., "payload": ...}. */
static int
stage_envelope(struct spool *sp, const struct options *o,
    struct endpoints *eps, struct batch *b, char *line, size_t len,
    const char *where)
{
	const char *headers[MAX_HEADERS], *event, *id = NULL;
	char hbuf[MAX_HEADERS][1024], err[256];
	struct options lo = *o;
	json_error_t jerr;
	json_t *j, *v, *hv;
	size_t off, plen, nh = 0;
	int64_t due = o->due_ms;
	const char *key;
	int rc = HOOK_DATAERR;

	j = json_loadb(line, len, 0, &jerr);
	if (j == NULL || !json_is_object(j)) {
		if (j == NULL)
			util_warnx("%snot valid JSON: %s (column %d)", where,
			    jerr.text, jerr.column);
		else
			util_warnx("%snot a JSON object", where);
		json_decref(j);
		return HOOK_DATAERR;
	}
	event = json_string_value(json_object_get(j, "event"));
	if (event == NULL || !message_valid_event(event)) {
		util_warnx("%smissing or bad \"event\"", where);
		goto out;
	}
	if (json_object_get(j, "payload") == NULL ||
	    util_json_member(line, len, "payload", &off, &plen) < 0) {
		util_warnx("%smissing \"payload\"", where);
		goto out;
	}
	if ((v = json_object_get(j, "endpoint")) != NULL) {
		if (!json_is_string(v)) {
			util_warnx("%s\"endpoint\" is not a string", where);
			goto out;
		}
		lo.targets[0] = json_string_value(v);
		lo.ntargets = 1;
		lo.url = NULL;
	}
	if ((v = json_object_get(j, "url")) != NULL) {
		if (!json_is_string(v) || endpoint_valid_url(
		    json_string_value(v), err, sizeof(err)) < 0) {
			util_warnx("%sbad \"url\": %s", where,
			    json_is_string(v) ? err : "not a string");
			goto out;
		}
		lo.url = json_string_value(v);
		if (json_object_get(j, "endpoint") == NULL)
			lo.ntargets = 0;
	}
	if ((v = json_object_get(j, "id")) != NULL && (!json_is_string(v) ||
	    !spool_valid_id(id = json_string_value(v)))) {
		util_warnx("%sbad \"id\"", where);
		goto out;
	}
	if ((v = json_object_get(j, "headers")) != NULL) {
		if (!json_is_object(v)) {
			util_warnx("%s\"headers\" is not an object", where);
			goto out;
		}
		json_object_foreach(v, key, hv) {
			const char *s = json_string_value(hv);

			if (s == NULL || nh == MAX_HEADERS ||
			    snprintf(hbuf[nh], sizeof(hbuf[nh]), "%s: %s", key,
			    s) >= (int)sizeof(hbuf[nh]) ||
			    endpoint_valid_header(hbuf[nh], err,
			    sizeof(err)) < 0) {
				util_warnx("%sbad header '%s'", where, key);
				goto out;
			}
			headers[nh] = hbuf[nh];
			nh++;
		}
	}
	if ((v = json_object_get(j, "at")) != NULL &&
	    (!json_is_string(v) || util_parse_time_ms(json_string_value(v),
	    util_now_ms(), &due) < 0)) {
		util_warnx("%sbad \"at\" time", where);
		goto out;
	}
	lo.content_type = "application/json";
	if (plen > o->max_size) {
		util_warnx("%spayload of %zu bytes is over the limit of %zu",
		    where, plen, o->max_size);
		goto out;
	}
	for (size_t i = 0; i < o->nheaders && nh < MAX_HEADERS; i++)
		headers[nh++] = o->headers[i];
	rc = stage_event(sp, &lo, eps, b, event, id, headers, nh, line + off,
	    plen, due, 0);
out:
	json_decref(j);
	return rc;
}

static int
enqueue_batch(struct spool *sp, const struct options *o)
{
	struct reader r = { .fd = 0, .cap = 1 << 17 };
	struct endpoints eps = { 0 };
	struct batch b = { 0 };
	size_t lineno = 0, len;
	char *line, where[64];
	int rc = HOOK_OK, got;

	r.max = o->max_size + 65536;
	if ((r.buf = malloc(r.cap)) == NULL)
		return util_fail(HOOK_INTERNAL, "out of memory");
	for (;;) {
		/* Flush when the batch is full or the input pauses. */
		if (b.n > 0 && (b.n >= o->batch_size || !input_ready(&r))) {
			if ((rc = commit(sp, o, &b, 0)) != HOOK_OK)
				break;
			b.n = 0;
		}
		got = next_line(&r, &line, &len);
		if (got == 0)
			break;
		lineno++;
		snprintf(where, sizeof(where), "line %zu: ", lineno);
		if (got < 0) {
			rc = got == -2 ? util_fail(HOOK_DATAERR,
			    "%sline is over the "
			    "limit of %zu bytes", where, r.max) :
			    util_fail(HOOK_IOERR,
			    "cannot read standard input: %s",
			    strerror(errno));
			break;
		}
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (o->event) {
			rc = check_payload(o, line, len, where);
			if (rc == HOOK_OK)
				rc = stage_event(sp, o, &eps, &b, o->event,
				    NULL, o->headers, o->nheaders, line, len,
				    o->due_ms, 0);
		} else {
			rc = stage_envelope(sp, o, &eps, &b, line, len, where);
		}
		if (rc != HOOK_OK) {
			/* What came before the bad line stays accepted. */
			int crc = commit(sp, o, &b, 0);

			if (crc != HOOK_OK)
				rc = crc;
			util_warnx("stopped at line %zu; lines after it "
			    "were not read", lineno);
			break;
		}
	}
	if (rc == HOOK_OK && b.n > 0)
		rc = commit(sp, o, &b, 0);
	for (size_t i = 0; i < eps.n; i++)
		endpoint_free(&eps.v[i]);
	free(eps.v);
	free(b.v);
	free(r.buf);
	return rc;
}

/* --- options --------------------------------------------------------- */

enum {
	OPT_DATA = 256, OPT_ID, OPT_KEY_WINDOW, OPT_AT, OPT_DELAY,
	OPT_MAX_SIZE, OPT_BATCH, OPT_BATCH_SIZE, OPT_JSON,
};

static const struct option longopts[] = {
	{ "spool", required_argument, NULL, 'd' },
	{ "event", required_argument, NULL, 'e' },
	{ "to", required_argument, NULL, 't' },
	{ "url", required_argument, NULL, 'u' },
	{ "data", required_argument, NULL, OPT_DATA },
	{ "file", required_argument, NULL, 'f' },
	{ "content-type", required_argument, NULL, 'c' },
	{ "header", required_argument, NULL, 'H' },
	{ "id", required_argument, NULL, OPT_ID },
	{ "key", required_argument, NULL, 'k' },
	{ "key-window", required_argument, NULL, OPT_KEY_WINDOW },
	{ "at", required_argument, NULL, OPT_AT },
	{ "delay", required_argument, NULL, OPT_DELAY },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "batch", no_argument, NULL, OPT_BATCH },
	{ "batch-size", required_argument, NULL, OPT_BATCH_SIZE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
parse_options(int argc, char **argv, struct options *o)
{
	char err[256];
	int64_t ms;
	int c, has_time = 0;

	o->content_type = "application/json";
	o->max_size = 1024 * 1024;
	o->batch_size = 1000;
	o->key_window_ms = 24 * 3600 * 1000LL;
	while ((c = getopt_long(argc, argv, "d:e:t:u:f:c:H:k:qh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd':
			o->spool = optarg;
			break;
		case 'e':
			if (!message_valid_event(optarg))
				return util_fail(HOOK_DATAERR,
				    "bad event type '%s': "
				    "use 1 to %d of A-Z a-z 0-9 _ . : -",
				    optarg, MESSAGE_EVENT_MAX);
			o->event = optarg;
			break;
		case 't':
			if (!util_valid_name(optarg, ENDPOINT_NAME_MAX))
				return util_fail(HOOK_DATAERR,
				    "bad endpoint name "
				    "'%s'", optarg);
			if (o->ntargets == MAX_TARGETS)
				return util_fail(HOOK_USAGE,
				    "too many -t options");
			o->targets[o->ntargets++] = optarg;
			break;
		case 'u':
			if (endpoint_valid_url(optarg, err, sizeof(err)) < 0)
				return util_fail(HOOK_DATAERR,
				    "bad URL: %s", err);
			o->url = optarg;
			break;
		case OPT_DATA:
			o->data = optarg;
			break;
		case 'f':
			o->file = optarg;
			break;
		case 'c':
			if (strpbrk(optarg, "\r\n") || *optarg == '\0' ||
			    strlen(optarg) > 256)
				return util_fail(HOOK_DATAERR,
				    "bad content type");
			o->content_type = optarg;
			break;
		case 'H':
			if (endpoint_valid_header(optarg, err, sizeof(err)) < 0)
				return util_fail(HOOK_DATAERR,
				    "bad header: %s", err);
			if (o->nheaders == MAX_HEADERS)
				return util_fail(HOOK_USAGE,
				    "too many -H options");
			o->headers[o->nheaders++] = optarg;
			break;
		case OPT_ID:
			if (!spool_valid_id(optarg))
				return util_fail(HOOK_DATAERR,
				    "bad id '%s': use 1 to "
				    "%d of A-Z a-z 0-9 _ . -, not starting "
				    "with '.'", optarg, SPOOL_ID_MAX);
			o->id = optarg;
			break;
		case 'k':
			if (!util_valid_name(optarg, KEY_MAX))
				return util_fail(HOOK_DATAERR,
				    "bad key '%s': use 1 "
				    "to %d of A-Z a-z 0-9 _ . -, not starting "
				    "with '.'", optarg, KEY_MAX);
			o->key = optarg;
			break;
		case OPT_KEY_WINDOW:
			if (util_parse_duration_ms(optarg,
			    &o->key_window_ms) < 0)
				return util_fail(HOOK_USAGE,
				    "bad duration '%s'",
				    optarg);
			break;
		case OPT_AT:
		case OPT_DELAY:
			if (has_time++)
				return util_fail(HOOK_USAGE, "--at and --delay "
				    "exclude each other");
			if (c == OPT_AT ? util_parse_time_ms(optarg,
			    util_now_ms(), &o->due_ms) < 0 :
			    util_parse_duration_ms(optarg, &ms) < 0)
				return util_fail(HOOK_USAGE, "bad %s '%s'",
				    c == OPT_AT ? "time" : "duration", optarg);
			if (c == OPT_DELAY)
				o->due_ms = util_now_ms() + ms;
			break;
		case OPT_MAX_SIZE:
			if (util_parse_size(optarg, &o->max_size) < 0 ||
			    o->max_size > MESSAGE_BODY_MAX)
				return util_fail(HOOK_USAGE,
				    "bad size '%s' (at most "
				    "256M)", optarg);
			break;
		case OPT_BATCH:
			o->batch = 1;
			break;
		case OPT_BATCH_SIZE:
			o->batch_size = (size_t)strtoul(optarg, NULL, 10);
			if (o->batch_size == 0)
				return util_fail(HOOK_USAGE,
				    "bad batch size '%s'",
				    optarg);
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(HOOK_OK);
		default:
			fputs(usage, stderr);
			return HOOK_USAGE;
		}
	}
	if (optind < argc)
		return util_fail(HOOK_USAGE, "unexpected argument '%s'",
		    argv[optind]);
	if (!o->batch && o->event == NULL)
		return util_fail(HOOK_USAGE,
		    "an event type (-e TYPE) is needed");
	if (o->data && o->file)
		return util_fail(HOOK_USAGE,
		    "--data and -f exclude each other");
	if (o->batch && (o->data || o->file || o->key || o->id))
		return util_fail(HOOK_USAGE, "--batch reads standard input and "
		    "takes neither --data, -f, --key nor --id");
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
		return rc;
	if (spool_open(&sp, o.spool, 1) < 0)
		return util_fail(hook_exit_for_errno(errno),
		    "cannot open spool '%s': %s", o.spool ? o.spool :
		    "(default)", strerror(errno));

	rc = o.batch ? enqueue_batch(&sp, &o) : enqueue_one(&sp, &o);

	spool_close(&sp);
	if (fflush(stdout) != 0 || ferror(stdout))
		return util_fail(HOOK_IOERR, "cannot write standard output");
	return rc;
}
