/*
 * jscan.c - see jscan.h.
 *
 * Every function takes the end of the text as a bound and checks it
 * before each byte it reads; a position is an index, never a pointer
 * past the end.  Nesting is bounded by JSCAN_DEPTH, so recursion is too.
 */
#include <string.h>

#include "jscan.h"

struct scan {
	const char *t;
	size_t len;
	size_t i;
};

static void
skip_ws(struct scan *s)
{
	while (s->i < s->len && (s->t[s->i] == ' ' || s->t[s->i] == '\t' ||
	    s->t[s->i] == '\n' || s->t[s->i] == '\r'))
		s->i++;
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* At an opening quote: step past the closing one; note any escape. */
static int
scan_string(struct scan *s, struct jscan_value *v)
{
	size_t start;
	int escaped = 0;

	s->i++;
	start = s->i;
	while (s->i < s->len) {
		unsigned char c = (unsigned char)s->t[s->i];

		if (c == '"') {
			if (v) {
				v->type = JSCAN_STRING;
				v->p = s->t + start;
				v->len = s->i - start;
				v->escaped = escaped;
			}
			s->i++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c != '\\') {
			s->i++;
			continue;
		}
		escaped = 1;
		if (++s->i >= s->len)
			return -1;
		switch (s->t[s->i]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't':
			s->i++;
			break;
		case 'u':
			if (s->len - s->i < 5 || !is_hex(s->t[s->i + 1]) ||
			    !is_hex(s->t[s->i + 2]) || !is_hex(s->t[s->i + 3]) ||
			    !is_hex(s->t[s->i + 4]))
				return -1;
			s->i += 5;
			break;
		default:
			return -1;
		}
	}
	return -1;
}

static int
digit_at(const struct scan *s)
{
	return s->i < s->len && s->t[s->i] >= '0' && s->t[s->i] <= '9';
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
scan_number(struct scan *s)
{
	if (s->t[s->i] == '-')
		s->i++;
	if (!digit_at(s))
		return -1;
	if (s->t[s->i] == '0')
		s->i++;
	else
		while (digit_at(s))
			s->i++;
	if (s->i < s->len && s->t[s->i] == '.') {
		s->i++;
		if (!digit_at(s))
			return -1;
		while (digit_at(s))
			s->i++;
	}
	if (s->i < s->len && (s->t[s->i] == 'e' || s->t[s->i] == 'E')) {
		s->i++;
		if (s->i < s->len && (s->t[s->i] == '+' || s->t[s->i] == '-'))
			s->i++;
		if (!digit_at(s))
			return -1;
		while (digit_at(s))
			s->i++;
	}
	return 0;
}

static int
scan_word(struct scan *s, const char *w)
{
	size_t n = strlen(w);

	if (s->len - s->i < n || memcmp(s->t + s->i, w, n) != 0)
		return -1;
	s->i += n;
	return 0;
}

static int scan_value(struct scan *s, struct jscan_value *v, int depth);

static int
scan_array(struct scan *s, int depth)
{
	s->i++;
	skip_ws(s);
	if (s->i < s->len && s->t[s->i] == ']') {
		s->i++;
		return 0;
	}
	for (;;) {
		if (scan_value(s, NULL, depth + 1) < 0)
			return -1;
		skip_ws(s);
		if (s->i >= s->len)
			return -1;
		if (s->t[s->i] == ']') {
			s->i++;
			return 0;
		}
		if (s->t[s->i] != ',')
			return -1;
		s->i++;
	}
}

/* Does the raw key k (between quotes) name names[j]?  -1 if none. */
static int
match_key(const struct jscan_value *k, const char *const *names,
    size_t nnames)
{
	char buf[64];
	const char *p = k->p;
	long n = (long)k->len;

	if (k->escaped) {
		n = jscan_string(k, buf, sizeof(buf));
		if (n < 0)
			return -1;
		p = buf;
	}
	for (size_t j = 0; j < nnames; j++)
		if (strlen(names[j]) == (size_t)n &&
		    memcmp(names[j], p, (size_t)n) == 0)
			return (int)j;
	return -1;
}

static int
scan_members(struct scan *s, int depth, const char *const *names,
    size_t nnames, struct jscan_value *out)
{
	s->i++;
	skip_ws(s);
	if (s->i < s->len && s->t[s->i] == '}') {
		s->i++;
		return 0;
	}
	for (;;) {
		struct jscan_value key, val;
		int j;

		if (s->i >= s->len || s->t[s->i] != '"' ||
		    scan_string(s, &key) < 0)
			return -1;
		skip_ws(s);
		if (s->i >= s->len || s->t[s->i] != ':')
			return -1;
		s->i++;
		if (scan_value(s, &val, depth + 1) < 0)
			return -1;
		if (out && (j = match_key(&key, names, nnames)) >= 0)
			out[j] = val;
		skip_ws(s);
		if (s->i >= s->len)
			return -1;
		if (s->t[s->i] == '}') {
			s->i++;
			return 0;
		}
		if (s->t[s->i] != ',')
			return -1;
		s->i++;
		skip_ws(s);
	}
}

static int
scan_value(struct scan *s, struct jscan_value *v, int depth)
{
	struct jscan_value tmp;
	size_t start;

	if (v == NULL)
		v = &tmp;
	if (depth > JSCAN_DEPTH)
		return -1;
	skip_ws(s);
	if (s->i >= s->len)
		return -1;
	start = s->i;
	v->escaped = 0;
	switch (s->t[s->i]) {
	case '"':
		return scan_string(s, v);
	case '{':
		v->type = JSCAN_OBJECT;
		if (scan_members(s, depth, NULL, 0, NULL) < 0)
			return -1;
		break;
	case '[':
		v->type = JSCAN_ARRAY;
		if (scan_array(s, depth) < 0)
			return -1;
		break;
	case 't':
		v->type = JSCAN_TRUE;
		if (scan_word(s, "true") < 0)
			return -1;
		break;
	case 'f':
		v->type = JSCAN_FALSE;
		if (scan_word(s, "false") < 0)
			return -1;
		break;
	case 'n':
		v->type = JSCAN_NULL;
		if (scan_word(s, "null") < 0)
			return -1;
		break;
	default:
		v->type = JSCAN_NUMBER;
		if (scan_number(s) < 0)
			return -1;
	}
	v->p = s->t + start;
	v->len = s->i - start;
	return 0;
}

int
jscan_object(const char *line, size_t len, const char *const *names,
    size_t nnames, struct jscan_value *out)
{
	struct scan s = { line, len, 0 };

	for (size_t j = 0; j < nnames; j++) {
		out[j].type = JSCAN_ABSENT;
		out[j].p = NULL;
		out[j].len = 0;
		out[j].escaped = 0;
	}
	if (line == NULL)
		return -1;
	skip_ws(&s);
	if (s.i >= s.len || s.t[s.i] != '{')
		return -1;
	if (scan_members(&s, 1, names, nnames, out) < 0)
		return -1;
	skip_ws(&s);
	return s.i == s.len ? 0 : -1;
}

int
jscan_int(const struct jscan_value *v, int64_t *out)
{
	uint64_t acc = 0, limit = INT64_MAX;
	size_t i = 0;
	int neg = 0;

	if (v->type != JSCAN_NUMBER || v->len == 0)
		return -1;
	if (v->p[0] == '-') {
		neg = 1;
		limit = (uint64_t)INT64_MAX + 1;
		i++;
	}
	if (i == v->len)
		return -1;
	for (; i < v->len; i++) {
		unsigned d;

		if (v->p[i] < '0' || v->p[i] > '9')
			return -1;
		d = (unsigned)(v->p[i] - '0');
		if (acc > (limit - d) / 10)
			return -1;
		acc = acc * 10 + d;
	}
	if (neg)
		*out = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
		    -(int64_t)acc;
	else
		*out = (int64_t)acc;
	return 0;
}

static unsigned
hex4(const char *p)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		char c = p[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else
			v |= (unsigned)(c - 'A' + 10);
	}
	return v;
}

/* Append code point cp as UTF-8; -1 if it does not fit. */
static int
put_utf8(char *buf, size_t size, size_t *n, unsigned cp)
{
	unsigned char u[4];
	size_t k;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		k = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (size - *n <= k)
		return -1;
	memcpy(buf + *n, u, k);
	*n += k;
	return 0;
}

long
jscan_string(const struct jscan_value *v, char *buf, size_t size)
{
	size_t i = 0, n = 0;

	if (v->type != JSCAN_STRING || size == 0)
		return -1;
	/* The scan proved every escape complete, so the reads stay inside. */
	while (i < v->len) {
		char c = v->p[i++];
		unsigned cp;

		if (c != '\\') {
			if (size - n <= 1)
				return -1;
			buf[n++] = c;
			continue;
		}
		c = v->p[i++];
		switch (c) {
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			cp = hex4(v->p + i);
			i += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return -1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				unsigned lo;

				if (v->len - i < 6 || v->p[i] != '\\' ||
				    v->p[i + 1] != 'u')
					return -1;
				lo = hex4(v->p + i + 2);
				if (lo < 0xdc00 || lo > 0xdfff)
					return -1;
				i += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			if (cp == 0)
				return -1;
			break;
		default:
			cp = (unsigned char)c;	/* " \ / */
		}
		if (put_utf8(buf, size, &n, cp) < 0)
			return -1;
	}
	buf[n] = '\0';
	return (long)n;
}

int
jscan_string_is(const struct jscan_value *v, const char *s)
{
	char buf[256];
	size_t n = strlen(s);

	if (v->type != JSCAN_STRING)
		return 0;
	if (!v->escaped)
		return v->len == n && memcmp(v->p, s, n) == 0;
	return jscan_string(v, buf, sizeof(buf)) == (long)n &&
	    memcmp(buf, s, n) == 0;
}
