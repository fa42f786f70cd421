/*
 * select.c - see select.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "arc.h"
#include "endpoint.h"
#include "message.h"
#include "select.h"
#include "spool.h"
#include "util.h"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
select_add_id(struct select_filter *f, const char *id)
{
	char **v;

	if (!spool_valid_id(id)) {
		errno = EINVAL;
		return -1;
	}
	v = realloc(f->ids, (f->nids + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	f->ids = v;
	if ((v[f->nids] = strdup(id)) == NULL)
		return -1;
	f->nids++;
	return 0;
}

int
select_read_ids(struct select_filter *f, FILE *in, char *bad,
    size_t badlen)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0, err = 0;

	bad[0] = '\0';
	while ((n = getline(&line, &cap, in)) >= 0) {
		char *p = line, *end = line + n;

		while (end > p && (end[-1] == '\n' || end[-1] == '\r' ||
		    end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		if (select_add_id(f, p) < 0) {
			snprintf(bad, badlen, "%s", p);
			rc = -1;
			err = EINVAL;
			break;
		}
	}
	if (rc == 0 && ferror(in)) {
		rc = -1;
		err = errno;
	}
	free(line);
	errno = err;
	return rc;
}

int
select_parse_list(const char *s, char ***list, size_t *n)
{
	const char *p = s;

	for (;;) {
		size_t len = strcspn(p, ",");
		char **v;

		if (len > 0) {
			v = realloc(*list, (*n + 1) * sizeof(*v));
			if (v == NULL)
				return -1;
			*list = v;
			if ((v[*n] = strndup(p, len)) == NULL)
				return -1;
			(*n)++;
		}
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	if (*n == 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static void
free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void
select_filter_free(struct select_filter *f)
{
	free_list(f->ids, f->nids);
	free_list(f->reasons, f->nreasons);
	free_list(f->outcomes, f->noutcomes);
	f->ids = f->reasons = f->outcomes = NULL;
	f->nids = f->nreasons = f->noutcomes = 0;
}

int
select_valid_state(const char *state)
{
	return strcmp(state, "dead") == 0 || strcmp(state, "done") == 0;
}

/* "http-4*" matches by prefix; anything else must be equal. */
static int
reason_match(const char *pattern, const char *reason)
{
	size_t n = strlen(pattern);

	if (n > 0 && pattern[n - 1] == '*')
		return strncmp(pattern, reason, n - 1) == 0;
	return strcmp(pattern, reason) == 0;
}

static int
in_window(const struct select_filter *f, int64_t ms)
{
	if (f->has_since && ms < f->since_ms)
		return 0;
	if (f->has_until && ms >= f->until_ms)
		return 0;
	return 1;
}

/* The filters a file name decides.  ids must be sorted. */
static int
match_name(const struct select_filter *f, const struct spool_name *sn)
{
	const char *key = sn->id;
	size_t i;

	if (f->nids > 0 && bsearch(&key, f->ids, f->nids, sizeof(*f->ids),
	    cmp_str) == NULL)
		return 0;
	if (f->nreasons > 0) {
		for (i = 0; i < f->nreasons; i++)
			if (sn->reason[0] &&
			    reason_match(f->reasons[i], sn->reason))
				break;
		if (i == f->nreasons)
			return 0;
	}
	if (f->by_attempt && !in_window(f, sn->time * 1000))
		return 0;
	return 1;
}

static int
needs_message(const struct select_filter *f)
{
	return f->want_message || f->endpoint || f->event ||
	    (!f->by_attempt && (f->has_since || f->has_until));
}

/* The filters that need the message file. */
static int
match_message(const struct select_filter *f, const struct message *m)
{
	if (f->endpoint && (m->endpoint == NULL ||
	    strcmp(f->endpoint, m->endpoint) != 0))
		return 0;
	if (f->event && !endpoint_pattern_match(f->event, m->event))
		return 0;
	if (!f->by_attempt && !in_window(f, m->created_ms))
		return 0;
	return 1;
}

static struct select_item *
push_item(struct select_set *set, const char *state, const char *name,
    const struct spool_name *sn)
{
	struct select_item *it;

	if (set->n == set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 256;
		struct select_item *nv = realloc(set->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return NULL;
		set->v = nv;
		set->cap = ncap;
	}
	it = &set->v[set->n++];
	memset(it, 0, sizeof(*it));
	memcpy(it->id, sn->id, sizeof(it->id));
	snprintf(it->name, sizeof(it->name), "%s", name);
	it->state = strcmp(state, "dead") == 0 ? "dead" : "done";
	it->attempts = sn->attempts;
	it->time = sn->time;
	return it;
}

static void
item_release(struct select_item *it)
{
	free(it->event);
	free(it->endpoint);
	free(it->url);
	free(it->bytes);
	it->event = it->endpoint = it->url = it->bytes = NULL;
}

static int
item_fill(struct select_item *it, const struct message *m)
{
	it->created_ms = m->created_ms;
	it->event = strdup(m->event);
	it->endpoint = m->endpoint ? strdup(m->endpoint) : NULL;
	it->url = m->url ? strdup(m->url) : NULL;
	if (it->event == NULL || (m->endpoint && it->endpoint == NULL) ||
	    (m->url && it->url == NULL))
		return -1;
	it->loaded = 1;
	return 0;
}

static int
bad(char *err, size_t errlen, const char *fmt, const char *arg)
{
	snprintf(err, errlen, fmt, arg);
	errno = EINVAL;
	return -1;
}

int
select_option(struct select_filter *f, const char *name, const char *arg,
    char *err, size_t errlen)
{
	char *end;

	if (strcmp(name, "id") == 0) {
		if (select_add_id(f, arg) < 0)
			return bad(err, errlen, "bad id '%s'", arg);
	} else if (strcmp(name, "endpoint") == 0) {
		if (!util_valid_name(arg, ENDPOINT_NAME_MAX))
			return bad(err, errlen, "bad endpoint name '%s'", arg);
		f->endpoint = arg;
	} else if (strcmp(name, "event") == 0) {
		f->event = arg;
	} else if (strcmp(name, "since") == 0 || strcmp(name, "until") == 0) {
		int since = name[0] == 's';

		if (util_parse_time_ms(arg, util_now_ms(), since ?
		    &f->since_ms : &f->until_ms) < 0)
			return bad(err, errlen, "bad time '%s'", arg);
		*(since ? &f->has_since : &f->has_until) = 1;
	} else if (strcmp(name, "by") == 0) {
		if (strcmp(arg, "created") != 0 && strcmp(arg, "attempt") != 0)
			return bad(err, errlen, "--by takes created or "
			    "attempt, not '%s'", arg);
		f->by_attempt = strcmp(arg, "attempt") == 0;
	} else if (strcmp(name, "outcome") == 0 ||
	    strcmp(name, "reason") == 0) {
		int outcome = name[0] == 'o';

		if (select_parse_list(arg, outcome ? &f->outcomes :
		    &f->reasons, outcome ? &f->noutcomes : &f->nreasons) < 0)
			return bad(err, errlen, "bad list '%s'", arg);
	} else if (strcmp(name, "limit") == 0) {
		errno = 0;
		f->limit = (size_t)strtoull(arg, &end, 10);
		if (errno || *end || end == arg || *arg == '-' ||
		    f->limit == 0)
			return bad(err, errlen, "bad limit '%s'", arg);
	} else {
		return 1;
	}
	return 0;
}

void
select_prepare(struct select_filter *f)
{
	if (f->nids > 1)
		qsort(f->ids, f->nids, sizeof(*f->ids), cmp_str);
}

static int
scan_entry(int dirfd, const char *state, const char *name,
    const struct select_filter *f, struct select_set *set)
{
	struct select_item *it;
	struct spool_name sn;
	struct message m;
	char why[32];

	if (spool_parse_name(name, &sn) < 0) {
		set->skipped++;
		return 0;
	}
	if (!match_name(f, &sn))
		return 0;
	if (!needs_message(f))
		return push_item(set, state, name, &sn) ? 0 : -1;

	if (message_load(dirfd, name, &m, why, sizeof(why)) < 0) {
		/* Gone meanwhile (replayed, archived): not an error. */
		if (errno != ENOENT)
			set->skipped++;
		return 0;
	}
	if (!match_message(f, &m)) {
		message_free(&m);
		return 0;
	}
	if ((it = push_item(set, state, name, &sn)) == NULL ||
	    item_fill(it, &m) < 0) {
		message_free(&m);
		return -1;
	}
	message_free(&m);
	return 0;
}

int
select_scan(struct spool *sp, const char *state,
    const struct select_filter *f, struct select_set *set)
{
	struct dirent *de;
	DIR *d;
	int fd, rc = 0, err;

	fd = openat(sp->fd, state, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		err = errno;
		if (fd >= 0)
			close(fd);
		errno = err;
		return -1;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((rc = scan_entry(fd, state, de->d_name, f, set)) < 0)
			break;
		errno = 0;
	}
	err = errno;
	if (de == NULL && err != 0)
		rc = -1;
	closedir(d);
	errno = err;
	return rc;
}

int
select_add(struct select_set *set, const struct select_filter *f,
    const char *state, const char *name, char *bytes, size_t len,
    char *why, size_t whylen)
{
	struct select_item *it;
	struct spool_name sn;
	struct message m;
	char *copy;
	int keep, err;

	if (spool_parse_name(name, &sn) < 0) {
		snprintf(why, whylen, "not a message file name");
		errno = EBADMSG;
		return -1;
	}

	/* Decoding writes into its buffer; the bytes kept stay exact. */
	if ((copy = malloc(len + 1)) == NULL)
		return -1;
	memcpy(copy, bytes, len);
	if (message_decode(copy, len, &m, why, whylen) < 0) {
		free(copy);
		return -1;
	}
	if (strcmp(m.id, sn.id) != 0) {
		message_free(&m);
		snprintf(why, whylen, "id-mismatch");
		errno = EBADMSG;
		return -1;
	}

	keep = match_name(f, &sn) && match_message(f, &m);
	if (!keep) {
		message_free(&m);
		return 0;
	}
	if ((it = push_item(set, state, name, &sn)) == NULL ||
	    item_fill(it, &m) < 0) {
		err = errno;
		if (it)
			item_release(it), set->n--;
		message_free(&m);
		errno = err;
		return -1;
	}
	message_free(&m);
	it->bytes = bytes;
	it->len = len;
	return 1;
}

/* --- outcomes from the journal ------------------------------------ */

int
select_outcome_match(const struct select_last *last, const char *word)
{
	char *end;
	long v;

	if (!last->found)
		return strcmp(word, "none") == 0;
	if (word[0] >= '0' && word[0] <= '9' && strlen(word) == 3 &&
	    word[1] != 'x') {
		v = strtol(word, &end, 10);
		return *end == '\0' && v == last->status;
	}
	return strcmp(word, last->class) == 0 ||
	    strcmp(word, last->error) == 0 ||
	    strcmp(word, last->outcome) == 0;
}

static int
cmp_item_id(const void *a, const void *b)
{
	const struct select_item *x = *(struct select_item *const *)a;
	const struct select_item *y = *(struct select_item *const *)b;

	return strcmp(x->id, y->id);
}

static void
copy_string(json_t *o, const char *key, char *buf, size_t len)
{
	const char *s = json_string_value(json_object_get(o, key));

	snprintf(buf, len, "%s", s ? s : "");
}

/* One journal line: if it is an attempt of a candidate, remember it. */
static void
take_line(struct select_item **byid, size_t n, const char *line,
    size_t len)
{
	struct select_item key, *kp = &key, **hit;
	struct select_last *last;
	json_t *o, *v;
	const char *id;
	int64_t start;

	o = json_loadb(line, len, 0, NULL);
	if (o == NULL)
		return;		/* a torn last line, or not ours */
	id = json_string_value(json_object_get(o, "id"));
	v = json_object_get(o, "kind");
	if (id == NULL || !json_is_string(v) ||
	    strcmp(json_string_value(v), "attempt") != 0 ||
	    strlen(id) > SPOOL_ID_MAX)
		goto out;
	snprintf(key.id, sizeof(key.id), "%s", id);
	hit = bsearch(&kp, byid, n, sizeof(*byid), cmp_item_id);
	if (hit == NULL)
		goto out;
	last = &(*hit)->last;
	start = json_integer_value(json_object_get(o, "start"));
	if (last->found && start < last->start_ms)
		goto out;
	last->found = 1;
	last->start_ms = start;
	last->status = (int)json_integer_value(json_object_get(o, "status"));
	copy_string(o, "class", last->class, sizeof(last->class));
	copy_string(o, "error", last->error, sizeof(last->error));
	copy_string(o, "outcome", last->outcome, sizeof(last->outcome));
out:
	json_decref(o);
}

static void
day_name(int64_t day, char *buf, size_t len)
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
}

static int
read_days(struct select_set *set, select_day_reader reader, void *ctx)
{
	struct select_item **byid;
	int64_t first = INT64_MAX, last = INT64_MIN;
	int rc = 0;

	if (set->n == 0)
		return 0;
	byid = malloc(set->n * sizeof(*byid));
	if (byid == NULL)
		return -1;
	for (size_t i = 0; i < set->n; i++) {
		int64_t day = set->v[i].time / 86400;

		byid[i] = &set->v[i];
		if (day < first)
			first = day;
		if (day > last)
			last = day;
	}
	qsort(byid, set->n, sizeof(*byid), cmp_item_id);

	/*
	 * The last attempt ends at or before TIME; one that started just
	 * before midnight is in the day before, so read that day too.
	 */
	for (int64_t day = first - 1; day <= last && rc == 0; day++) {
		char name[16], *buf, *p, *end;
		size_t len;
		int r;

		day_name(day, name, sizeof(name));
		r = reader(ctx, name, &buf, &len);
		if (r == 1)
			continue;
		if (r < 0) {
			rc = -1;
			break;
		}
		for (p = buf, end = buf + len; p < end; ) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

			take_line(byid, set->n, p, l);
			p += l + 1;
		}
		free(buf);
	}
	free(byid);
	return rc;
}

int
select_outcomes(struct select_set *set, const struct select_filter *f,
    select_day_reader reader, void *ctx)
{
	size_t kept = 0;

	if (read_days(set, reader, ctx) < 0)
		return -1;
	if (f->noutcomes == 0)
		return 0;
	for (size_t i = 0; i < set->n; i++) {
		size_t k;

		for (k = 0; k < f->noutcomes; k++)
			if (select_outcome_match(&set->v[i].last,
			    f->outcomes[k]))
				break;
		if (k == f->noutcomes)
			item_release(&set->v[i]);
		else
			set->v[kept++] = set->v[i];
	}
	set->n = kept;
	return 0;
}

/* Mark the items whose id has a file in dir (relative to the spool). */
static int
mark_queued(struct spool *sp, const char *dir, struct select_item **byid,
    size_t n, unsigned char *queued, struct select_set *set)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(sp->fd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return errno == ENOENT ? 0 : -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct select_item key, *kp = &key, **hit;
		char sub[64];
		size_t len = strcspn(de->d_name, ":");

		if (de->d_name[0] == '.')
			continue;
		if (strcmp(dir, "later") == 0) {
			snprintf(sub, sizeof(sub), "later/%.50s", de->d_name);
			if (mark_queued(sp, sub, byid, n, queued, set) < 0) {
				closedir(d);
				return -1;
			}
			continue;
		}
		if (len > SPOOL_ID_MAX)
			continue;
		memcpy(key.id, de->d_name, len);
		key.id[len] = '\0';
		hit = bsearch(&kp, byid, n, sizeof(*byid), cmp_item_id);
		if (hit)
			queued[*hit - set->v] = 1;
	}
	closedir(d);
	return 0;
}

long
select_drop_queued(struct spool *sp, struct select_set *set)
{
	static const char *const dirs[] = { "new", "cur", "later" };
	struct select_item **byid;
	unsigned char *queued;
	size_t kept = 0;
	long dropped;
	int rc = 0;

	if (set->n == 0)
		return 0;
	byid = malloc(set->n * sizeof(*byid));
	queued = calloc(set->n, 1);
	if (byid == NULL || queued == NULL) {
		free(byid);
		free(queued);
		return -1;
	}
	for (size_t i = 0; i < set->n; i++)
		byid[i] = &set->v[i];
	qsort(byid, set->n, sizeof(*byid), cmp_item_id);
	for (size_t k = 0; k < 3 && rc == 0; k++)
		rc = mark_queued(sp, dirs[k], byid, set->n, queued, set);
	free(byid);
	if (rc < 0) {
		free(queued);
		return -1;
	}
	for (size_t i = 0; i < set->n; i++) {
		if (queued[i])
			item_release(&set->v[i]);
		else
			set->v[kept++] = set->v[i];
	}
	dropped = (long)(set->n - kept);
	set->n = kept;
	free(queued);
	return dropped;
}

static int
cmp_item_time(const void *a, const void *b)
{
	const struct select_item *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->id, y->id);
}

void
select_finish(struct select_set *set, const struct select_filter *f)
{
	if (set->n > 1)
		qsort(set->v, set->n, sizeof(*set->v), cmp_item_time);
	if (f->limit > 0)
		while (set->n > f->limit)
			item_release(&set->v[--set->n]);
}

void
select_free(struct select_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		item_release(&set->v[i]);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

/* --- archives ------------------------------------------------------ */

static int
keep_day(struct select_days *days, const char *file, char *buf, size_t len)
{
	size_t n = days->n + 1;
	void *d, *b, *l;

	if (strlen(file) != 16 || strcmp(file + 10, ".jsonl") != 0)
		return 0;	/* not a day file; nothing to read in it */
	d = realloc(days->day, n * sizeof(*days->day));
	if (d)
		days->day = d;
	b = realloc(days->buf, n * sizeof(*days->buf));
	if (b)
		days->buf = b;
	l = realloc(days->len, n * sizeof(*days->len));
	if (l)
		days->len = l;
	if (d == NULL || b == NULL || l == NULL)
		return -1;
	memcpy(days->day[days->n], file, 10);
	days->day[days->n][10] = '\0';
	days->buf[days->n] = buf;
	days->len[days->n] = len;
	days->n++;
	return 1;
}

/* One member: 1 if its buffer was kept, 0 if not, -1 to refuse all. */
static int
take_member(const char *member, char *data, size_t len,
    const struct select_filter *f, struct select_set *set,
    struct select_days *days, char *err, size_t errlen)
{
	const char *slash, *file;
	char state[16], why[64];
	int r;

	while (strncmp(member, "./", 2) == 0)
		member += 2;
	slash = strchr(member, '/');
	if (slash == NULL || (size_t)(slash - member) >= sizeof(state) ||
	    strchr(slash + 1, '/') != NULL || slash[1] == '\0')
		goto unknown;
	memcpy(state, member, (size_t)(slash - member));
	state[slash - member] = '\0';
	file = slash + 1;

	if (strcmp(state, "journal") == 0) {
		if (f->noutcomes == 0 && !f->want_message)
			return 0;
		if ((r = keep_day(days, file, data, len)) < 0)
			snprintf(err, errlen, "out of memory");
		return r;
	}
	if (!select_valid_state(state))
		goto unknown;
	r = select_add(set, f, state, file, data, len, why, sizeof(why));
	if (r < 0) {
		if (errno == EBADMSG)
			snprintf(err, errlen, "member '%s' is damaged: %s",
			    member, why);
		else
			snprintf(err, errlen, "member '%s': %s", member,
			    strerror(errno));
	}
	return r;
unknown:
	snprintf(err, errlen, "member '%s' is neither a dead or done "
	    "message nor a journal day", member);
	errno = EBADMSG;
	return -1;
}

int
select_read_archive(struct arc_reader *r, const struct select_filter *f,
    struct select_set *set, struct select_days *days, char *err,
    size_t errlen)
{
	char member[SPOOL_NAME_MAX + 64], *data;
	size_t len;
	int rc;

	while ((rc = arc_next(r, member, sizeof(member), &data, &len, err,
	    errlen)) == 1) {
		rc = take_member(member, data, len, f, set, days, err,
		    errlen);
		if (rc <= 0)
			free(data);
		if (rc < 0)
			return -1;
	}
	return rc;
}

int
select_spool_days_reader(void *ctx, const char *day, char **buf,
    size_t *len)
{
	struct spool *sp = ctx;
	char path[64];

	snprintf(path, sizeof(path), "journal/%s.jsonl", day);
	if (util_read_file(sp->fd, path, SELECT_DAY_MAX, buf, len) == 0)
		return 0;
	return errno == ENOENT ? 1 : -1;
}

int
select_days_reader(void *ctx, const char *day, char **buf, size_t *len)
{
	struct select_days *days = ctx;

	for (size_t i = 0; i < days->n; i++) {
		if (strcmp(days->day[i], day) != 0)
			continue;
		if ((*buf = malloc(days->len[i] + 1)) == NULL)
			return -1;
		memcpy(*buf, days->buf[i], days->len[i]);
		*len = days->len[i];
		return 0;
	}
	return 1;
}

void
select_days_free(struct select_days *days)
{
	for (size_t i = 0; i < days->n; i++)
		free(days->buf[i]);
	free(days->day);
	free(days->buf);
	free(days->len);
	memset(days, 0, sizeof(*days));
}
