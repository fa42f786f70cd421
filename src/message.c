/*
 * message.c - see message.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "message.h"
#include "spool.h"
#include "util.h"

static uint32_t crc_table[256];
static int crc_ready;

static void
crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
	__atomic_store_n(&crc_ready, 1, __ATOMIC_RELEASE);
}

static uint32_t
crc_portable(uint32_t crc, const unsigned char *p, size_t len)
{
	if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE))
		crc_init();
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* SSE4.2's crc32 instruction computes exactly CRC-32C, 8 bytes a step. */
#include <cpuid.h>
#include <nmmintrin.h>

__attribute__((target("sse4.2"))) static uint32_t
crc_sse42(uint32_t crc, const unsigned char *p, size_t len)
{
	uint64_t c = crc, v;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&v, p, 8);
		c = _mm_crc32_u64(c, v);
	}
	crc = (uint32_t)c;
	while (len--)
		crc = _mm_crc32_u8(crc, *p++);
	return crc;
}

static int
cpu_has_sse42(void)
{
	unsigned a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2);
}
#else
#define crc_sse42 crc_portable
static int
cpu_has_sse42(void)
{
	return 0;
}
#endif

/* -1: not yet asked; else 0 or 1.  Racing first callers agree. */
static int use_sse42 = -1;

int
message_crc_accelerate(int on)
{
	int u = on && cpu_has_sse42();

	__atomic_store_n(&use_sse42, u, __ATOMIC_RELAXED);
	return u;
}

uint32_t
message_crc32c(uint32_t crc, const void *data, size_t len)
{
	int u = __atomic_load_n(&use_sse42, __ATOMIC_RELAXED);

	if (u < 0) {
		u = cpu_has_sse42();
		__atomic_store_n(&use_sse42, u, __ATOMIC_RELAXED);
	}
	crc = ~crc;
	crc = u ? crc_sse42(crc, data, len) : crc_portable(crc, data, len);
	return ~crc;
}

int
message_valid_event(const char *type)
{
	size_t n = 0;

	if (type == NULL || *type == '\0')
		return 0;
	for (; *type; type++, n++) {
		char c = *type;

		if (n >= MESSAGE_EVENT_MAX)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		    c == ':' || c == '-'))
			return 0;
	}
	return 1;
}

int
message_is_json(const char *ct)
{
	size_t n;
	const char *semi;

	if (ct == NULL)
		return 1;
	semi = strchr(ct, ';');
	n = semi ? (size_t)(semi - ct) : strlen(ct);
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
		return 1;
	return n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0;
}

/* A field value that fits on one line: no CR, LF or NUL. */
static int
one_line(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") == NULL;
}

int
message_encode(const struct message *m, char **out, size_t *outlen)
{
	size_t cap, len = 0;
	char *buf;
	uint32_t crc;
	int n;

	if (!spool_valid_id(m->id) || !message_valid_event(m->event) ||
	    m->created_ms < 0 || (m->endpoint == NULL) == (m->url == NULL) ||
	    !one_line(m->endpoint ? m->endpoint : m->url) ||
	    !one_line(m->content_type) || (m->key && !one_line(m->key)) ||
	    m->body_len > MESSAGE_BODY_MAX)
		goto bad;
	cap = 512 + strlen(m->content_type) + strlen(m->event) +
	    strlen(m->endpoint ? m->endpoint : m->url) +
	    (m->key ? strlen(m->key) : 0);
	for (size_t i = 0; i < m->nheaders; i++) {
		if (!one_line(m->headers[i]))
			goto bad;
		cap += strlen(m->headers[i]) + 8;
	}
	for (size_t i = 0; i < m->nmeta; i++) {
		if (!one_line(m->meta[i]))
			goto bad;
		cap += strlen(m->meta[i]) + 6;
	}
	if (cap > MESSAGE_HEADER_MAX)
		goto bad;
	cap += m->body_len + MESSAGE_TRAILER_LEN + 1;
	if ((buf = malloc(cap)) == NULL)
		return -1;

#define ADD(...) do { \
	n = snprintf(buf + len, cap - len, __VA_ARGS__); \
	len += (size_t)n; \
} while (0)
	ADD("%sid %s\ncreated %" PRId64 "\nevent %s\n", MESSAGE_MAGIC, m->id,
	    m->created_ms, m->event);
	if (m->endpoint)
		ADD("endpoint %s\n", m->endpoint);
	else
		ADD("url %s\n", m->url);
	ADD("content-type %s\n", m->content_type);
	if (m->key)
		ADD("key %s\n", m->key);
	for (size_t i = 0; i < m->nheaders; i++)
		ADD("header %s\n", m->headers[i]);
	for (size_t i = 0; i < m->nmeta; i++)
		ADD("meta %s\n", m->meta[i]);
	ADD("body %zu\n", m->body_len);
	if (m->body_len)
		memcpy(buf + len, m->body, m->body_len);
	len += m->body_len;
	crc = message_crc32c(0, buf, len);
	ADD("\nend %08" PRIx32 "\n", crc);
#undef ADD
	*out = buf;
	*outlen = len;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

static int
damaged(char *why, size_t whylen, const char *reason)
{
	snprintf(why, whylen, "%s", reason);
	errno = EBADMSG;
	return -1;
}

static int
parse_u64(const char *s, uint64_t *v)
{
	uint64_t n = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > (UINT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*v = n;
	return 0;
}

/* Append p to a growing array of strings. */
static int
push(const char ***arr, size_t *n, const char *p)
{
	const char **na = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (na == NULL)
		return -1;
	na[(*n)++] = p;
	*arr = na;
	return 0;
}

/*
 * Check the frame before touching anything: the magic, where the header
 * ends, the declared body length against the file size, the trailer and
 * the checksum.  Only then split the header into NUL-terminated fields.
 */
int
message_decode(char *buf, size_t len, struct message *m, char *why,
    size_t whylen)
{
	size_t magic = sizeof(MESSAGE_MAGIC) - 1, hdr_end, body_off;
	char *line, *next, *body_line;
	uint64_t body_len;
	uint32_t crc, want;
	char trailer[16];

	memset(m, 0, sizeof(*m));
	if (len == 0)
		return damaged(why, whylen, "empty");
	if (len < magic || memcmp(buf, MESSAGE_MAGIC, magic) != 0) {
		if (len >= 18 && memcmp(buf, "hookspool-message ", 18) == 0)
			return damaged(why, whylen, "version");
		return damaged(why, whylen, len < magic ? "truncated" :
		    "not-a-message");
	}

	/* Find "body N\n": the last header line. */
	body_line = NULL;
	for (line = buf + magic; (size_t)(line - buf) < len; line = next + 1) {
		next = memchr(line, '\n', len - (size_t)(line - buf));
		if (next == NULL)
			return damaged(why, whylen, "truncated");
		if ((size_t)(next - buf) > MESSAGE_HEADER_MAX)
			return damaged(why, whylen, "header-too-large");
		if (memchr(line, '\0', (size_t)(next - line)) != NULL)
			return damaged(why, whylen, "header");
		if (next - line > 5 && memcmp(line, "body ", 5) == 0) {
			body_line = line;
			break;
		}
	}
	if (body_line == NULL)
		return damaged(why, whylen, "truncated");
	hdr_end = (size_t)(next - buf) + 1;
	*next = '\0';
	if (parse_u64(body_line + 5, &body_len) < 0) {
		*next = '\n';
		return damaged(why, whylen, "header");
	}
	*next = '\n';
	if (body_len > MESSAGE_BODY_MAX)
		return damaged(why, whylen, "header");
	body_off = hdr_end;
	if (len < body_off + body_len + MESSAGE_TRAILER_LEN)
		return damaged(why, whylen, "truncated");
	if (len > body_off + body_len + MESSAGE_TRAILER_LEN)
		return damaged(why, whylen, "trailing-data");
	memcpy(trailer, buf + body_off + body_len, MESSAGE_TRAILER_LEN);
	trailer[MESSAGE_TRAILER_LEN] = '\0';
	if (memcmp(trailer, "\nend ", 5) != 0 || trailer[13] != '\n')
		return damaged(why, whylen, "trailer");
	want = 0;
	for (int i = 5; i < 13; i++) {
		const char *hex = "0123456789abcdef";
		const char *d = trailer[i] ? strchr(hex, trailer[i]) : NULL;

		if (d == NULL)
			return damaged(why, whylen, "trailer");
		want = want << 4 | (uint32_t)(d - hex);
	}
	crc = message_crc32c(0, buf, body_off + body_len);
	if (crc != want)
		return damaged(why, whylen, "checksum");

	/* The frame is sound; now the fields. */
	for (line = buf + magic; line < body_line; line = next + 1) {
		char *sp;

		next = memchr(line, '\n', (size_t)(body_line - line));
		*next = '\0';
		sp = strchr(line, ' ');
		if (sp == NULL)
			goto bad_header;
		*sp++ = '\0';
		if (strcmp(line, "id") == 0) {
			m->id = sp;
		} else if (strcmp(line, "created") == 0) {
			uint64_t v;

			if (parse_u64(sp, &v) < 0 || v > INT64_MAX)
				goto bad_header;
			m->created_ms = (int64_t)v;
		} else if (strcmp(line, "event") == 0) {
			m->event = sp;
		} else if (strcmp(line, "endpoint") == 0) {
			m->endpoint = sp;
		} else if (strcmp(line, "url") == 0) {
			m->url = sp;
		} else if (strcmp(line, "content-type") == 0) {
			m->content_type = sp;
		} else if (strcmp(line, "key") == 0) {
			m->key = sp;
		} else if (strcmp(line, "header") == 0) {
			if (push(&m->headers, &m->nheaders, sp) < 0)
				goto nomem;
		} else if (strcmp(line, "meta") == 0) {
			if (push(&m->meta, &m->nmeta, sp) < 0)
				goto nomem;
		}
		/* Unknown keys are left for later versions of version 1. */
	}
	if (m->id == NULL || !spool_valid_id(m->id) || m->event == NULL ||
	    !message_valid_event(m->event) || m->content_type == NULL ||
	    (m->endpoint == NULL) == (m->url == NULL))
		goto bad_header;
	buf[body_off - 1] = '\0';	/* ends "body N" */
	m->body = (unsigned char *)buf + body_off;
	m->body_len = (size_t)body_len;
	m->buf = buf;
	m->len = len;
	return 0;
bad_header:
	free(m->headers);
	free(m->meta);
	memset(m, 0, sizeof(*m));
	return damaged(why, whylen, "header");
nomem:
	free(m->headers);
	free(m->meta);
	memset(m, 0, sizeof(*m));
	errno = ENOMEM;
	snprintf(why, whylen, "memory");
	return -1;
}

/*
 * A decode that failed after splitting fields has modified buf; the
 * caller only keeps buf to quarantine the file, which is by name, so
 * that is harmless.  (The frame checks come first and modify nothing.)
 */
int
message_load(int dirfd, const char *path, struct message *m, char *why,
    size_t whylen)
{
	struct stat st;
	char *buf;
	size_t len;
	int fd, err;

	fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP)
			return damaged(why, whylen, "symlink");
		snprintf(why, whylen, "open");
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		err = errno;
		close(fd);
		errno = err;
		snprintf(why, whylen, "stat");
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return damaged(why, whylen, "not-a-file");
	}
	if (util_read_all(fd, MESSAGE_HEADER_MAX + MESSAGE_BODY_MAX + 64,
	    &buf, &len) < 0) {
		err = errno;
		close(fd);
		if (err == EFBIG)
			return damaged(why, whylen, "too-large");
		errno = err;
		snprintf(why, whylen, "read");
		return -1;
	}
	close(fd);
	if (message_decode(buf, len, m, why, whylen) < 0) {
		err = errno;
		free(buf);
		errno = err;
		return -1;
	}
	return 0;
}

void
message_free(struct message *m)
{
	free(m->headers);
	free(m->meta);
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

const char *
message_meta(const struct message *m, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < m->nmeta; i++)
		if (strncmp(m->meta[i], name, n) == 0 &&
		    m->meta[i][n] == ' ')
			return m->meta[i] + n + 1;
	return NULL;
}
