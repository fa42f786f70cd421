/*
 * httpreq.c - see httpreq.h.  Every parser walks its input with an
 * explicit remaining length; nothing reads past len or relies on a NUL.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "httpreq.h"

#define REQUEST_LINE_MAX 8192

void
httpreq_init(struct httpreq *req, const struct httpreq_limits *lim)
{
	memset(req, 0, sizeof(*req));
	req->limits = *lim;
}

void
httpreq_free(struct httpreq *req)
{
	for (size_t i = 0; i < req->nheaders; i++) {
		free(req->headers[i].name);
		free(req->headers[i].value);
	}
	free(req->headers);
	free(req->method);
	free(req->target);
	free(req->remote_addr);
	free(req->body);
	memset(req, 0, sizeof(*req));
}

const char *
httpreq_strerror(enum httpreq_err err)
{
	switch (err) {
	case HTTPREQ_OK:
		return "no error";
	case HTTPREQ_MALFORMED:
		return "malformed request";
	case HTTPREQ_TOO_MANY_HEADERS:
		return "too many header fields";
	case HTTPREQ_HEADERS_TOO_BIG:
		return "header fields too large";
	case HTTPREQ_BODY_TOO_BIG:
		return "body too large";
	case HTTPREQ_NOMEM:
		return "out of memory";
	}
	return "unknown error";
}

static int
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static char *
dup_bytes(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int
httpreq_add(struct httpreq *req, const char *name, size_t nlen,
    const char *value, size_t vlen)
{
	struct httpreq_header *h;

	if (nlen == 0)
		return HTTPREQ_MALFORMED;
	for (size_t i = 0; i < nlen; i++)
		if (!is_tchar((unsigned char)name[i]))
			return HTTPREQ_MALFORMED;
	while (vlen > 0 && (*value == ' ' || *value == '\t')) {
		value++;
		vlen--;
	}
	while (vlen > 0 && (value[vlen - 1] == ' ' || value[vlen - 1] == '\t'))
		vlen--;
	for (size_t i = 0; i < vlen; i++)
		if (value[i] == '\0' || value[i] == '\r' || value[i] == '\n')
			return HTTPREQ_MALFORMED;

	if (req->nheaders >= req->limits.max_headers)
		return HTTPREQ_TOO_MANY_HEADERS;
	if (nlen + vlen > req->limits.max_header_bytes - req->header_bytes ||
	    req->header_bytes > req->limits.max_header_bytes)
		return HTTPREQ_HEADERS_TOO_BIG;

	if ((req->nheaders & (req->nheaders - 1)) == 0) {
		size_t cap = req->nheaders ? req->nheaders * 2 : 8;

		h = realloc(req->headers, cap * sizeof(*h));
		if (h == NULL)
			return HTTPREQ_NOMEM;
		req->headers = h;
	}
	h = &req->headers[req->nheaders];
	h->name = dup_bytes(name, nlen);
	h->value = dup_bytes(value, vlen);
	if (h->name == NULL || h->value == NULL) {
		free(h->name);
		free(h->value);
		return HTTPREQ_NOMEM;
	}
	req->nheaders++;
	req->header_bytes += nlen + vlen;
	return HTTPREQ_OK;
}

int
httpreq_add_line(struct httpreq *req, const char *line, size_t len)
{
	const char *colon;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	colon = memchr(line, ':', len);
	if (colon == NULL)
		return HTTPREQ_MALFORMED;
	return httpreq_add(req, line, (size_t)(colon - line), colon + 1,
	    len - (size_t)(colon - line) - 1);
}

int
httpreq_parse_lines(struct httpreq *req, const char *data, size_t len)
{
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) + 1 : len;
		size_t text = n;
		int rc;

		while (text > 0 && (data[text - 1] == '\n' ||
		    data[text - 1] == '\r'))
			text--;
		if (text > 0 && (data[0] == ' ' || data[0] == '\t'))
			return HTTPREQ_MALFORMED;	/* folded line */
		if (text > 0 && data[0] != '#') {
			rc = httpreq_add_line(req, data, text);
			if (rc != HTTPREQ_OK)
				return rc;
		}
		data += n;
		len -= n;
	}
	return HTTPREQ_OK;
}

/* The next line of data (without its CRLF or LF); -1 if none ends. */
static int
next_line(const char **data, size_t *len, const char **line,
    size_t *llen)
{
	const char *nl = memchr(*data, '\n', *len);
	size_t n;

	if (nl == NULL)
		return -1;
	n = (size_t)(nl - *data);
	*line = *data;
	*llen = n > 0 && (*data)[n - 1] == '\r' ? n - 1 : n;
	*data += n + 1;
	*len -= n + 1;
	return 0;
}

static int
request_line(struct httpreq *req, const char *line, size_t len)
{
	const char *sp1, *sp2;

	if (len > REQUEST_LINE_MAX)
		return HTTPREQ_MALFORMED;
	sp1 = memchr(line, ' ', len);
	if (sp1 == NULL || sp1 == line)
		return HTTPREQ_MALFORMED;
	for (const char *p = line; p < sp1; p++)
		if (!is_tchar((unsigned char)*p))
			return HTTPREQ_MALFORMED;
	sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line));
	if (sp2 == NULL || sp2 == sp1 + 1)
		return HTTPREQ_MALFORMED;
	if ((size_t)(line + len - (sp2 + 1)) < 6 ||
	    memcmp(sp2 + 1, "HTTP/", 5) != 0)
		return HTTPREQ_MALFORMED;
	for (const char *p = sp1 + 1; p < sp2; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return HTTPREQ_MALFORMED;
	req->method = dup_bytes(line, (size_t)(sp1 - line));
	req->target = dup_bytes(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	if (req->method == NULL || req->target == NULL)
		return HTTPREQ_NOMEM;
	return HTTPREQ_OK;
}

/* Strict decimal: digits only, no sign, no overflow. */
static int
parse_length(const char *s, size_t *out)
{
	size_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (SIZE_MAX - 9) / 10)
			return -1;
		v = v * 10 + (size_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static int
content_length(struct httpreq *req)
{
	size_t count, v;
	const char *cl = httpreq_get(req, "Content-Length", &count);

	if (cl == NULL)
		return HTTPREQ_OK;
	if (count > 1 || parse_length(cl, &v) < 0)
		return HTTPREQ_MALFORMED;
	req->has_content_length = 1;
	req->content_length = v;
	return HTTPREQ_OK;
}

static int
take_body(struct httpreq *req, const char *data, size_t len)
{
	if (len > req->limits.max_body)
		return HTTPREQ_BODY_TOO_BIG;
	req->body = dup_bytes(data, len);
	if (req->body == NULL)
		return HTTPREQ_NOMEM;
	req->body_len = len;
	return HTTPREQ_OK;
}

/* Decode a chunked body; the result can only be shorter than data. */
static int
dechunk(struct httpreq *req, const char *data, size_t len)
{
	const char *line;
	size_t llen, out = 0;
	char *body = malloc(len + 1);

	if (body == NULL)
		return HTTPREQ_NOMEM;
	for (;;) {
		size_t size = 0, i;

		if (next_line(&data, &len, &line, &llen) < 0)
			goto bad;
		for (i = 0; i < llen && line[i] != ';'; i++) {
			int d = line[i] >= '0' && line[i] <= '9' ? line[i] - '0'
			    : line[i] >= 'a' && line[i] <= 'f' ? line[i] - 'a' + 10
			    : line[i] >= 'A' && line[i] <= 'F' ? line[i] - 'A' + 10
			    : -1;

			if (d < 0 || size > (SIZE_MAX >> 4))
				goto bad;
			size = size << 4 | (size_t)d;
		}
		if (i == 0)
			goto bad;
		if (size == 0)
			break;
		if (size > len)
			goto bad;
		if (size > req->limits.max_body - out) {
			free(body);
			return HTTPREQ_BODY_TOO_BIG;
		}
		memcpy(body + out, data, size);
		out += size;
		data += size;
		len -= size;
		if (next_line(&data, &len, &line, &llen) < 0 || llen != 0)
			goto bad;
	}
	/* Trailer fields are not signed by any scheme: skip them. */
	do {
		if (next_line(&data, &len, &line, &llen) < 0)
			goto bad;
	} while (llen != 0);
	body[out] = '\0';
	req->body = body;
	req->body_len = out;
	return HTTPREQ_OK;
bad:
	free(body);
	return HTTPREQ_MALFORMED;
}

int
httpreq_parse_http(struct httpreq *req, const char *data, size_t len)
{
	const char *line, *te;
	size_t llen, count;
	int rc;

	if (next_line(&data, &len, &line, &llen) < 0)
		return HTTPREQ_MALFORMED;
	rc = request_line(req, line, llen);
	if (rc != HTTPREQ_OK)
		return rc;
	for (;;) {
		if (next_line(&data, &len, &line, &llen) < 0)
			return HTTPREQ_MALFORMED;
		if (llen == 0)
			break;
		if (line[0] == ' ' || line[0] == '\t')
			return HTTPREQ_MALFORMED;
		rc = httpreq_add_line(req, line, llen);
		if (rc != HTTPREQ_OK)
			return rc;
	}
	rc = content_length(req);
	if (rc != HTTPREQ_OK)
		return rc;

	te = httpreq_get(req, "Transfer-Encoding", &count);
	if (te != NULL) {
		/* Both framings at once is how requests get smuggled. */
		if (count > 1 || req->has_content_length ||
		    strcasecmp(te, "chunked") != 0)
			return HTTPREQ_MALFORMED;
		return dechunk(req, data, len);
	}
	if (req->has_content_length) {
		if (req->content_length > req->limits.max_body)
			return HTTPREQ_BODY_TOO_BIG;
		if (req->content_length > len)
			return HTTPREQ_MALFORMED;
		len = req->content_length;
	}
	return take_body(req, data, len);
}

static int
set_string(char **field, const char *s, size_t n)
{
	char *p = dup_bytes(s, n);

	if (p == NULL)
		return HTTPREQ_NOMEM;
	free(*field);
	*field = p;
	return HTTPREQ_OK;
}

static int
is(const char *name, size_t nlen, const char *want)
{
	return strlen(want) == nlen && memcmp(name, want, nlen) == 0;
}

/*
 * One "NAME=value" of a CGI environment.  HTTP_X_FOO becomes the field
 * "x-foo": the server has already folded case and turned '-' into '_'.
 */
static int
cgi_var(struct httpreq *req, const char *s, size_t len, char **script,
    char **path_info)
{
	const char *eq = memchr(s, '=', len);
	const char *name = s, *value;
	size_t nlen, vlen;
	char field[256];

	if (eq == NULL)
		return HTTPREQ_OK;
	nlen = (size_t)(eq - s);
	value = eq + 1;
	vlen = len - nlen - 1;
	if (memchr(value, '\0', vlen) != NULL)
		return HTTPREQ_MALFORMED;

	if (nlen > 5 && memcmp(name, "HTTP_", 5) == 0) {
		if (nlen - 5 >= sizeof(field))
			return HTTPREQ_HEADERS_TOO_BIG;
		for (size_t i = 5; i < nlen; i++) {
			char c = name[i];

			field[i - 5] = c == '_' ? '-' :
			    (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
		return httpreq_add(req, field, nlen - 5, value, vlen);
	}
	if (is(name, nlen, "CONTENT_TYPE"))
		return httpreq_add(req, "content-type", 12, value, vlen);
	if (is(name, nlen, "CONTENT_LENGTH")) {
		if (vlen == 0)
			return HTTPREQ_OK;
		return httpreq_add(req, "content-length", 14, value, vlen);
	}
	if (is(name, nlen, "REQUEST_METHOD"))
		return set_string(&req->method, value, vlen);
	if (is(name, nlen, "REQUEST_URI"))
		return set_string(&req->target, value, vlen);
	if (is(name, nlen, "REMOTE_ADDR"))
		return set_string(&req->remote_addr, value, vlen);
	if (is(name, nlen, "SCRIPT_NAME"))
		return set_string(script, value, vlen);
	if (is(name, nlen, "PATH_INFO"))
		return set_string(path_info, value, vlen);
	return HTTPREQ_OK;
}

static int
cgi_finish(struct httpreq *req, char *script, char *path_info, int rc)
{
	if (rc == HTTPREQ_OK && req->target == NULL && script != NULL) {
		size_t a = strlen(script), b = path_info ? strlen(path_info) : 0;

		req->target = malloc(a + b + 1);
		if (req->target == NULL) {
			rc = HTTPREQ_NOMEM;
		} else {
			memcpy(req->target, script, a);
			if (b)
				memcpy(req->target + a, path_info, b);
			req->target[a + b] = '\0';
		}
	}
	free(script);
	free(path_info);
	if (rc == HTTPREQ_OK)
		rc = content_length(req);
	if (rc == HTTPREQ_OK && req->has_content_length &&
	    req->content_length > req->limits.max_body)
		rc = HTTPREQ_BODY_TOO_BIG;
	return rc;
}

int
httpreq_parse_cgi(struct httpreq *req, char *const *envp)
{
	char *script = NULL, *path_info = NULL;
	int rc = HTTPREQ_OK;

	for (; rc == HTTPREQ_OK && envp && *envp; envp++)
		rc = cgi_var(req, *envp, strlen(*envp), &script, &path_info);
	return cgi_finish(req, script, path_info, rc);
}

int
httpreq_parse_envblock(struct httpreq *req, const char *data, size_t len)
{
	char *script = NULL, *path_info = NULL;
	int rc = HTTPREQ_OK;

	while (rc == HTTPREQ_OK && len > 0) {
		const char *nul = memchr(data, '\0', len);
		size_t n = nul ? (size_t)(nul - data) : len;

		rc = cgi_var(req, data, n, &script, &path_info);
		if (nul == NULL)
			break;
		data += n + 1;
		len -= n + 1;
	}
	return cgi_finish(req, script, path_info, rc);
}

int
httpreq_set_body(struct httpreq *req, char *body, size_t len)
{
	if (len > req->limits.max_body)
		return HTTPREQ_BODY_TOO_BIG;
	free(req->body);
	req->body = body;
	req->body_len = len;
	return HTTPREQ_OK;
}

const char *
httpreq_get(const struct httpreq *req, const char *name, size_t *count)
{
	const char *first = NULL;
	size_t n = 0;

	for (size_t i = 0; i < req->nheaders; i++) {
		if (strcasecmp(req->headers[i].name, name) != 0)
			continue;
		if (first == NULL)
			first = req->headers[i].value;
		n++;
	}
	if (count)
		*count = n;
	return first;
}

static const struct httpreq_limits fuzz_limits = { 32, 4096, 65536 };

int
httpreq_fuzz_lines(const uint8_t *data, size_t len)
{
	struct httpreq req;
	int rc;

	httpreq_init(&req, &fuzz_limits);
	rc = httpreq_parse_lines(&req, (const char *)data, len);
	httpreq_free(&req);
	return rc;
}

int
httpreq_fuzz_http(const uint8_t *data, size_t len)
{
	struct httpreq req;
	int rc;

	httpreq_init(&req, &fuzz_limits);
	rc = httpreq_parse_http(&req, (const char *)data, len);
	httpreq_free(&req);
	return rc;
}

int
httpreq_fuzz_envblock(const uint8_t *data, size_t len)
{
	struct httpreq req;
	int rc;

	httpreq_init(&req, &fuzz_limits);
	rc = httpreq_parse_envblock(&req, (const char *)data, len);
	httpreq_free(&req);
	return rc;
}
