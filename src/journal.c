/*
 * journal.c - see journal.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "util.h"

void
journal_init(struct journal *j, struct spool *sp)
{
	j->sp = sp;
	j->fd = -1;
	j->day = -1;
}

void
journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	j->day = -1;
}

int
journal_sync(struct journal *j)
{
	return j->fd >= 0 ? fsync(j->fd) : 0;
}

static int
open_day(struct journal *j, int64_t day)
{
	char path[64];
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	/* Lines of the day before must not stay behind in the cache. */
	if (j->fd >= 0)
		fsync(j->fd);
	journal_close(j);
	gmtime_r(&t, &tm);
	snprintf(path, sizeof(path), "journal/%04d-%02d-%02d.jsonl",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	j->fd = openat(j->sp->fd, path, O_WRONLY | O_APPEND | O_CREAT |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (j->fd < 0)
		return -1;
	j->day = day;
	return 0;
}

int64_t
journal_day(int64_t at_ms)
{
	return (at_ms / 1000) / 86400;
}

int
journal_append(struct journal *j, int64_t at_ms, const char *line,
    size_t len)
{
	int64_t day = journal_day(at_ms);
	ssize_t n;

	if ((j->fd < 0 || day != j->day) && open_day(j, day) < 0)
		return -1;
	/* One write, never split: a short write is reported, not retried. */
	do
		n = write(j->fd, line, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int
journal_escape(char *out, size_t cap, const void *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = s;
	size_t o = 0;

	if (cap < 3)
		goto full;
	out[o++] = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];
		char esc = 0;

		switch (c) {
		case '"': esc = '"'; break;
		case '\\': esc = '\\'; break;
		case '\n': esc = 'n'; break;
		case '\r': esc = 'r'; break;
		case '\t': esc = 't'; break;
		}
		if (esc) {
			if (o + 2 >= cap)
				goto full;
			out[o++] = '\\';
			out[o++] = esc;
		} else if (c < 0x20 || c >= 0x7f) {
			if (o + 6 >= cap)
				goto full;
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
			o += 6;
		} else {
			if (o + 1 >= cap)
				goto full;
			out[o++] = (char)c;
		}
	}
	if (o + 2 > cap)
		goto full;
	out[o++] = '"';
	out[o] = '\0';
	return (int)o;
full:
	errno = ENOSPC;
	return -1;
}

/* A line being built in buf (cap bytes); once full, it stays failed. */
struct line {
	char *buf;
	size_t cap, len;
	int failed;
};

/*
 * The pieces are copied, not printed: hook-send formats a line per
 * attempt, and vsnprintf was most of the cost.
 */
static void
add_mem(struct line *l, const char *s, size_t n)
{
	if (l->failed)
		return;
	if (n >= l->cap - l->len) {
		l->failed = 1;
		return;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
}

static void
add(struct line *l, const char *s)
{
	add_mem(l, s, strlen(s));
}

static void
add_key(struct line *l, const char *key)
{
	add(l, ",\"");
	add(l, key);
	add(l, "\":");
}

static void
add_int(struct line *l, const char *key, int64_t v)
{
	char digits[24] = "";

	util_decimal(digits, sizeof(digits), v);
	add_key(l, key);
	add(l, digits);
}

static void
add_string(struct line *l, const char *key, const void *s, size_t len)
{
	int n;

	add_key(l, key);
	if (l->failed)
		return;
	if (s == NULL) {
		add(l, "null");
		return;
	}
	n = journal_escape(l->buf + l->len, l->cap - l->len, s, len);
	if (n < 0)
		l->failed = 1;
	else
		l->len += (size_t)n;
}

static void
add_str(struct line *l, const char *key, const char *s)
{
	add_string(l, key, s, s ? strlen(s) : 0);
}

int
journal_format_attempt(const struct journal_attempt *a, char *out,
    size_t cap)
{
	struct line l = { out, cap, 0, 0 };
	size_t rlen = a->response_len;

	add(&l, "{\"kind\":\"attempt\"");
	add_str(&l, "id", a->id);
	add_str(&l, "endpoint", a->endpoint);
	if (a->endpoint == NULL)
		add_str(&l, "url", a->url);
	add_str(&l, "event", a->event);
	add_int(&l, "attempt", a->attempt);
	add_int(&l, "start", a->start_ms);
	add_int(&l, "duration_ms", a->duration_ms);
	if (a->status > 0)
		add_int(&l, "status", a->status);
	else
		add(&l, ",\"status\":null");
	add_str(&l, "error", a->error);
	if (a->error)
		add_str(&l, "detail", a->detail ? a->detail : "");
	add_str(&l, "class", a->class);
	add_str(&l, "outcome", a->outcome);
	add_str(&l, "reason", a->reason);
	if (a->next_due > 0)
		add_int(&l, "next_due", a->next_due);
	else
		add(&l, ",\"next_due\":null");
	if (rlen > JOURNAL_RESPONSE_MAX)
		rlen = JOURNAL_RESPONSE_MAX;
	add_string(&l, "response", a->response ? a->response : "", rlen);
	add(&l, "}\n");
	if (l.failed) {
		errno = ENOSPC;
		return -1;
	}
	return (int)l.len;
}
