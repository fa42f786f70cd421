/*
 * journal_read.c - see journal_read.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal_read.h"

#define CHUNK (4 * 1024 * 1024)
#define DAY_MS (86400 * 1000LL)

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The first millisecond of the day a file "YYYY-MM-DD.jsonl" covers. */
static int
day_of_name(const char *name, int64_t *ms)
{
	int y, m, d, used = 0;

	if (strlen(name) != 16 || strcmp(name + 10, ".jsonl") != 0)
		return -1;
	for (int i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? name[i] != '-' :
		    (name[i] < '0' || name[i] > '9'))
			return -1;
	if (sscanf(name, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 ||
	    used != 10 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*ms = days_from_civil(y, m, d) * DAY_MS;
	return 0;
}

void
journal_read_day_name(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(buf, len, "%04d-%02d-%02d.jsonl", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
journal_read_file(int dirfd, const char *path, journal_line_fn *fn,
    void *ctx, struct journal_read_counts *counts)
{
	char *buf;
	size_t have = 0;
	int fd, skipping = 0, err;
	struct stat st;

	fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = S_ISREG(st.st_mode) ? errno : EINVAL;
		close(fd);
		errno = err;
		return -1;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((buf = malloc(CHUNK)) == NULL) {
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t n = read(fd, buf + have, CHUNK - have);
		size_t off = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		counts->bytes += (size_t)n;
		have += (size_t)n;
		for (;;) {
			char *nl = memchr(buf + off, '\n', have - off);
			size_t len;

			if (nl == NULL)
				break;
			len = (size_t)(nl - (buf + off));
			if (!skipping) {
				counts->lines++;
				fn(ctx, buf + off, len);
			}
			skipping = 0;
			off += len + 1;
		}
		if (n == 0) {
			if (have > off && !skipping) {
				counts->lines++;
				fn(ctx, buf + off, have - off);
			}
			break;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (have >= JOURNAL_READ_LINE_MAX) {
			/* Too long to be ours: pass a piece, drop the rest. */
			if (!skipping) {
				counts->lines++;
				fn(ctx, buf, JOURNAL_READ_LINE_MAX);
			}
			skipping = 1;
			have = 0;
		}
	}
	free(buf);
	close(fd);
	counts->files++;
	return 0;
fail:
	err = errno;
	free(buf);
	close(fd);
	errno = err;
	return -1;
}

int
journal_read_days(int dirfd, int64_t from_ms, int64_t until_ms,
    journal_line_fn *fn, void *ctx, struct journal_read_counts *counts)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	int fd, err;

	fd = dup(dirfd);
	if (fd < 0)
		return -1;
	if ((dir = fdopendir(fd)) == NULL) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	rewinddir(dir);
	while ((de = readdir(dir)) != NULL) {
		int64_t day;

		if (day_of_name(de->d_name, &day) < 0 ||
		    day + DAY_MS <= from_ms || day >= until_ms)
			continue;
		if (n == cap) {
			char **nv = realloc(names, (cap ? cap * 2 : 16) *
			    sizeof(*nv));

			if (nv == NULL)
				goto fail;
			names = nv;
			cap = cap ? cap * 2 : 16;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto fail;
		n++;
	}
	closedir(dir);
	dir = NULL;
	if (n > 1)
		qsort(names, n, sizeof(*names), compare_names);
	for (size_t i = 0; i < n; i++) {
		if (journal_read_file(dirfd, names[i], fn, ctx, counts) < 0)
			counts->files_failed++;
		free(names[i]);
	}
	free(names);
	return 0;
fail:
	err = errno;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (dir)
		closedir(dir);
	errno = err;
	return -1;
}

static const char *const class_names[JC_COUNT] = {
	"2xx", "3xx", "4xx", "5xx", "timeout", "connect", "tls", "network",
	"other",
};

const char *
journal_read_class_name(enum journal_read_class c)
{
	return c < JC_COUNT ? class_names[c] : "other";
}

enum {
	F_KIND, F_ID, F_ENDPOINT, F_EVENT, F_ATTEMPT, F_START, F_DURATION,
	F_STATUS, F_ERROR, F_CLASS, F_OUTCOME, F_REASON, F_NEXT_DUE, F_URL,
	F_DETAIL, F_RESPONSE, F_COUNT
};

static const char *const fields[F_COUNT] = {
	"kind", "id", "endpoint", "event", "attempt", "start", "duration_ms",
	"status", "error", "class", "outcome", "reason", "next_due", "url",
	"detail", "response",
};

/* A short string member into buf, or "" when null, absent or unfit. */
static void
copy_string(const struct jscan_value *v, char *buf, size_t size)
{
	if (jscan_string(v, buf, size) < 0)
		buf[0] = '\0';
}

int
journal_read_attempt(const char *line, size_t len,
    struct journal_read_attempt *a)
{
	struct jscan_value v[F_COUNT];
	int64_t n;

	if (jscan_object(line, len, fields, F_COUNT, v) < 0)
		return -1;
	if (!jscan_string_is(&v[F_KIND], "attempt"))
		return 0;
	if (jscan_string(&v[F_ID], a->id, sizeof(a->id)) <= 0 ||
	    jscan_int(&v[F_START], &a->start_ms) < 0)
		return -1;
	copy_string(&v[F_ENDPOINT], a->endpoint, sizeof(a->endpoint));
	copy_string(&v[F_EVENT], a->event, sizeof(a->event));
	copy_string(&v[F_ERROR], a->error, sizeof(a->error));
	copy_string(&v[F_REASON], a->reason, sizeof(a->reason));
	copy_string(&v[F_CLASS], a->class_name, sizeof(a->class_name));
	a->attempt = jscan_int(&v[F_ATTEMPT], &n) == 0 && n >= 0 &&
	    n < 1000000 ? (unsigned)n : 0;
	a->duration_ms = jscan_int(&v[F_DURATION], &n) == 0 && n >= 0 ? n :
	    -1;
	a->status = jscan_int(&v[F_STATUS], &n) == 0 && n > 0 && n < 1000 ?
	    (int)n : 0;
	a->next_due = jscan_int(&v[F_NEXT_DUE], &n) == 0 && n > 0 ? n : 0;

	a->cls = JC_OTHER;
	for (int c = 0; c < JC_OTHER; c++)
		if (strcmp(a->class_name, class_names[c]) == 0)
			a->cls = (enum journal_read_class)c;
	if (jscan_string_is(&v[F_OUTCOME], "delivered"))
		a->outcome = JO_DELIVERED;
	else if (jscan_string_is(&v[F_OUTCOME], "retry"))
		a->outcome = JO_RETRY;
	else if (jscan_string_is(&v[F_OUTCOME], "dead"))
		a->outcome = JO_DEAD;
	else if (v[F_OUTCOME].type == JSCAN_STRING)
		a->outcome = JO_OTHER;
	else
		return -1;
	a->url = v[F_URL];
	a->detail = v[F_DETAIL];
	a->response = v[F_RESPONSE];
	return 1;
}
