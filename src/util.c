/*
 * util.c - see util.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exits.h"
#include "util.h"

const char *hook_progname = "hookspool";

void
util_setprogname(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	hook_progname = slash ? slash + 1 : argv0;
}

static void
vwarn(int err, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err)
		fprintf(stderr, "%s: %s: %s\n", hook_progname, msg,
		    strerror(err));
	else
		fprintf(stderr, "%s: %s\n", hook_progname, msg);
}

void
util_warn(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vwarn(err, fmt, ap);
	va_end(ap);
	errno = err;
}

void
util_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(0, fmt, ap);
	va_end(ap);
}

int
util_fail(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(0, fmt, ap);
	va_end(ap);
	return status;
}

int
hook_exit_for_errno(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
	case EAGAIN:
	case EINTR:
	case EMFILE:
	case ENFILE:
	case ENOMEM:
	case EBUSY:
	case ETIMEDOUT:
		return HOOK_TEMPFAIL;
	case EINVAL:
	case EFBIG:
	case EILSEQ:
		return HOOK_DATAERR;
	default:
		return HOOK_IOERR;
	}
}

static int
unit_ms(const char *u, size_t n, int64_t *mult)
{
	if (n == 0 || (n == 1 && *u == 's'))
		*mult = 1000;
	else if (n == 2 && strncmp(u, "ms", 2) == 0)
		*mult = 1;
	else if (n == 1 && *u == 'm')
		*mult = 60 * 1000;
	else if (n == 1 && *u == 'h')
		*mult = 3600 * 1000;
	else if (n == 1 && *u == 'd')
		*mult = 86400 * 1000;
	else if (n == 1 && *u == 'w')
		*mult = 7 * 86400 * 1000;
	else
		return -1;
	return 0;
}

int
util_parse_duration_ms(const char *s, int64_t *ms)
{
	int64_t total = 0;

	if (s == NULL || *s == '\0')
		goto bad;
	while (*s) {
		const char *u;
		int64_t n = 0, mult;
		size_t ulen;

		if (*s < '0' || *s > '9')
			goto bad;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (n > (INT64_MAX - 9) / 10)
				goto range;
			n = n * 10 + (*s - '0');
		}
		for (u = s; *s && (*s < '0' || *s > '9'); s++)
			;
		ulen = (size_t)(s - u);
		if (unit_ms(u, ulen, &mult) < 0)
			goto bad;
		if (ulen == 0 && *s)
			goto bad;
		if (n > (INT64_MAX - total) / mult)
			goto range;
		total += n * mult;
	}
	*ms = total;
	return 0;
bad:
	errno = EINVAL;
	return -1;
range:
	errno = ERANGE;
	return -1;
}

int
util_parse_size(const char *s, size_t *bytes)
{
	unsigned long long n = 0, mult = 1;

	if (s == NULL || *s < '0' || *s > '9')
		goto bad;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > (ULLONG_MAX - 9) / 10)
			goto range;
		n = n * 10 + (unsigned)(*s - '0');
	}
	switch (*s) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1024;
		break;
	case 'm': case 'M':
		mult = 1024 * 1024;
		break;
	case 'g': case 'G':
		mult = 1024ULL * 1024 * 1024;
		break;
	default:
		goto bad;
	}
	if (*s && s[1] != '\0' && !(s[1] == 'B' && s[2] == '\0')
	    && !(s[1] == 'i' && s[2] == 'B' && s[3] == '\0'))
		goto bad;
	if (n > SIZE_MAX / mult)
		goto range;
	*bytes = (size_t)(n * mult);
	return 0;
bad:
	errno = EINVAL;
	return -1;
range:
	errno = ERANGE;
	return -1;
}

static int
digits(const char **sp, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*sp)[i] < '0' || (*sp)[i] > '9')
			return -1;
		v = v * 10 + ((*sp)[i] - '0');
	}
	*sp += n;
	*out = v;
	return 0;
}

/* Days since the epoch of a proleptic Gregorian date. */
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

static int
parse_iso(const char *s, int64_t *ms)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, off = 0;

	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) ||
	    *s++ != '-' || digits(&s, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	if (*s == 'T' || *s == ' ') {
		s++;
		if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi))
			return -1;
		if (*s == ':') {
			s++;
			if (digits(&s, 2, &sec))
				return -1;
			if (*s == '.') {
				int scale = 100;

				for (s++; *s >= '0' && *s <= '9'; s++) {
					frac += (*s - '0') * scale;
					scale /= 10;
				}
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
	}
	if (*s == 'Z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s++ == '-' ? -1 : 1, oh, om;

		if (digits(&s, 2, &oh))
			return -1;
		if (*s == ':')
			s++;
		if (digits(&s, 2, &om))
			return -1;
		off = sign * (oh * 60 + om);
	}
	if (*s != '\0')
		return -1;
	*ms = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    sec - (int64_t)off * 60) * 1000) + frac;
	return 0;
}

int
util_parse_time_ms(const char *s, int64_t now_ms, int64_t *ms)
{
	int64_t d;

	if (s == NULL || *s == '\0')
		goto bad;
	if (strcmp(s, "now") == 0) {
		*ms = now_ms;
		return 0;
	}
	if (*s == '+' || *s == '-') {
		if (util_parse_duration_ms(s + 1, &d) < 0)
			return -1;
		if (*s == '+' ? now_ms > INT64_MAX - d : now_ms < INT64_MIN + d) {
			errno = ERANGE;
			return -1;
		}
		*ms = *s == '+' ? now_ms + d : now_ms - d;
		return 0;
	}
	if (*s == '@') {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (end == s + 1 || *end != '\0' || errno || v < 0 ||
		    v > INT64_MAX / 1000)
			goto bad;
		*ms = (int64_t)v * 1000;
		return 0;
	}
	if (parse_iso(s, ms) == 0)
		return 0;
bad:
	errno = EINVAL;
	return -1;
}

void
util_format_time(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "@%lld", (long long)(ms / 1000));
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/*
 * HOOK_NOW is read once per process: the clock is asked for many times
 * per message, and a scan of the environment each time showed up in
 * hook-send's profile.
 */
int64_t
util_now_ms(void)
{
	static int64_t fixed_ms;
	static int state;		/* 0: not read yet, 1: fixed, 2: clock */
	int st = __atomic_load_n(&state, __ATOMIC_ACQUIRE);
	struct timespec ts;

	if (st == 0) {
		const char *fixed = getenv("HOOK_NOW");
		char *end;
		double v = fixed && *fixed ? strtod(fixed, &end) : 0;

		st = 2;
		if (v > 0 && *end == '\0') {
			__atomic_store_n(&fixed_ms, (int64_t)(v * 1000),
			    __ATOMIC_RELAXED);
			st = 1;
		}
		__atomic_store_n(&state, st, __ATOMIC_RELEASE);
	}
	if (st == 1)
		return __atomic_load_n(&fixed_ms, __ATOMIC_RELAXED);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
util_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
util_read_all(int fd, size_t max, char **bufp, size_t *lenp)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	if (buf == NULL)
		return -1;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			size_t ncap = cap * 2;
			char *nbuf;

			if (ncap > max + 2)
				ncap = max + 2;
			if (ncap <= len + 1) {
				free(buf);
				errno = EFBIG;
				return -1;
			}
			nbuf = realloc(buf, ncap);
			if (nbuf == NULL) {
				free(buf);
				return -1;
			}
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			free(buf);
			errno = EFBIG;
			return -1;
		}
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

int
util_read_sized(int fd, size_t size, size_t max, char **bufp, size_t *lenp)
{
	char *buf;
	ssize_t n;

	if (size > max) {
		errno = EFBIG;
		return -1;
	}
	if ((buf = malloc(size + 2)) == NULL)
		return -1;
	do
		n = read(fd, buf, size + 1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		free(buf);
		return -1;
	}
	if ((size_t)n > size) {
		/* It grew since fstat: read it the slow way. */
		free(buf);
		if (lseek(fd, 0, SEEK_SET) < 0)
			return -1;
		return util_read_all(fd, max, bufp, lenp);
	}
	buf[n] = '\0';
	*bufp = buf;
	*lenp = (size_t)n;
	return 0;
}

int
util_read_file(int dirfd, const char *path, size_t max, char **buf,
    size_t *len)
{
	int fd, rc, err;

	fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = util_read_all(fd, max, buf, len);
	err = errno;
	close(fd);
	errno = err;
	return rc;
}

int
util_fsync_dir(int dirfd, const char *path)
{
	int fd, rc, err;

	fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	err = errno;
	close(fd);
	errno = err;
	return rc;
}

int
util_random(void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Append n bytes of s at offset at; see util_copy. */
static int
put(char *buf, size_t len, size_t at, const char *s, size_t n)
{
	int cut = 0;

	if (len == 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (at >= len)
		at = len - 1;
	if (n > len - 1 - at) {
		n = len - 1 - at;
		cut = 1;
	}
	memcpy(buf + at, s, n);
	buf[at + n] = '\0';
	if (cut) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
util_copy(char *buf, size_t len, const char *s)
{
	return put(buf, len, 0, s, strlen(s));
}

int
util_append(char *buf, size_t len, const char *s)
{
	return put(buf, len, strlen(buf), s, strlen(s));
}

int
util_join(char *buf, size_t len, const char *a, const char *b)
{
	size_t alen = strlen(a);

	if (put(buf, len, 0, a, alen) < 0 || put(buf, len, alen, "/", 1) < 0)
		return -1;
	return put(buf, len, alen + 1, b, strlen(b));
}

int
util_decimal(char *buf, size_t len, int64_t v)
{
	char digits[24], *p = digits + sizeof(digits);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	if (v < 0)
		*--p = '-';
	return put(buf, len, strlen(buf), p,
	    (size_t)(digits + sizeof(digits) - p));
}

int
util_valid_name(const char *s, size_t max)
{
	size_t n = 0;

	if (s == NULL || *s == '\0' || *s == '.')
		return 0;
	for (; *s; s++, n++) {
		char c = *s;

		if (n >= max)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == '.'))
			return 0;
	}
	return 1;
}

void
util_json_string(FILE *f, const char *s)
{
	putc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				putc(*p, f);
		}
	}
	putc('"', f);
}

static size_t
skip_ws(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' ||
	    t[i] == '\r'))
		i++;
	return i;
}

/* i at an opening quote; returns the index after the closing quote. */
static size_t
skip_string(const char *t, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (t[i] == '\\')
			i++;
		else if (t[i] == '"')
			return i + 1;
	}
	return len;
}

static size_t
skip_value(const char *t, size_t len, size_t i)
{
	int depth = 0;

	do {
		if (i >= len)
			return len;
		switch (t[i]) {
		case '"':
			i = skip_string(t, len, i);
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			depth--;
			break;
		default:
			if (depth == 0) {
				/* A number or a literal: up to a delimiter. */
				while (i < len && !strchr(",}] \t\r\n", t[i]))
					i++;
				return i;
			}
		}
		i++;
	} while (depth > 0);
	return i;
}

int
util_json_member(const char *t, size_t len, const char *name, size_t *off,
    size_t *vlen)
{
	size_t i = skip_ws(t, len, 0), nlen = strlen(name);

	if (i >= len || t[i] != '{')
		return -1;
	i = skip_ws(t, len, i + 1);
	while (i < len && t[i] == '"') {
		size_t kstart = i + 1, kend = skip_string(t, len, i) - 1, v;

		i = skip_ws(t, len, kend + 1);
		if (i >= len || t[i] != ':')
			return -1;
		v = skip_ws(t, len, i + 1);
		i = skip_value(t, len, v);
		if (kend - kstart == nlen && memcmp(t + kstart, name, nlen) == 0) {
			*off = v;
			*vlen = i - v;
			return 0;
		}
		i = skip_ws(t, len, i);
		if (i < len && t[i] == ',')
			i = skip_ws(t, len, i + 1);
	}
	return -1;
}
