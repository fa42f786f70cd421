/*
 * httpreq.h - a received HTTP request as hook-verify sees it: header
 * fields, method, target, client address and body, parsed from "Name:
 * value" lines, from a whole raw request, or from a CGI environment.
 *
 * Every parser takes bytes and a length, never trusts a NUL, and
 * enforces the limits given to httpreq_init (header count, total header
 * bytes, body bytes) before allocating for them.  Each returns an enum
 * httpreq_err; HTTPREQ_OK is 0.  On failure the request may hold part
 * of what was parsed and must still be released with httpreq_free.
 * Header names are kept as received and compared without regard to
 * case; values have surrounding blanks removed.  Obsolete line folding
 * and NUL, CR or LF inside a field are malformed.
 *
 * The httpreq_fuzz_* functions run one parser over arbitrary bytes with
 * small limits and free everything; they exist for libFuzzer.
 */
#ifndef HOOK_HTTPREQ_H
#define HOOK_HTTPREQ_H

#include <stddef.h>
#include <stdint.h>

enum httpreq_err {
	HTTPREQ_OK = 0,
	HTTPREQ_MALFORMED,		/* not a valid request or field */
	HTTPREQ_TOO_MANY_HEADERS,
	HTTPREQ_HEADERS_TOO_BIG,
	HTTPREQ_BODY_TOO_BIG,
	HTTPREQ_NOMEM,
};

struct httpreq_limits {
	size_t max_headers;		/* fields */
	size_t max_header_bytes;	/* names and values together */
	size_t max_body;		/* bytes */
};

struct httpreq_header {
	char *name;
	char *value;
};

struct httpreq {
	struct httpreq_limits limits;
	struct httpreq_header *headers;
	size_t nheaders;
	size_t header_bytes;
	char *method;			/* or NULL */
	char *target;			/* request target, or NULL */
	char *remote_addr;		/* CGI REMOTE_ADDR, or NULL */
	char *body;			/* NUL-terminated, not counted */
	size_t body_len;
	int has_content_length;
	size_t content_length;
};

void httpreq_init(struct httpreq *req, const struct httpreq_limits *lim);
void httpreq_free(struct httpreq *req);

/* Add one field from its name and value. */
int httpreq_add(struct httpreq *req, const char *name, size_t nlen,
    const char *value, size_t vlen);

/* One "Name: value" line, with or without the line end. */
int httpreq_add_line(struct httpreq *req, const char *line, size_t len);

/* A file of header lines; blank lines and lines starting '#' skipped. */
int httpreq_parse_lines(struct httpreq *req, const char *data,
    size_t len);

/*
 * A whole request as sent on the wire: request line, fields, blank line,
 * body (by Content-Length, chunked, or to the end of the data).
 */
int httpreq_parse_http(struct httpreq *req, const char *data, size_t len);

/*
 * The request's fields from a CGI environment (HTTP_*, CONTENT_TYPE,
 * CONTENT_LENGTH, REQUEST_METHOD, REQUEST_URI or SCRIPT_NAME plus
 * PATH_INFO, REMOTE_ADDR); the body is read by the caller.  The
 * envblock form takes "NAME=value" strings separated by NUL bytes.
 */
int httpreq_parse_cgi(struct httpreq *req, char *const *envp);
int httpreq_parse_envblock(struct httpreq *req, const char *data,
    size_t len);

/* Take ownership of a malloc'd body (NUL-terminated past len). */
int httpreq_set_body(struct httpreq *req, char *body, size_t len);

/* The first value of a field, or NULL; *count gets how many there are. */
const char *httpreq_get(const struct httpreq *req, const char *name,
    size_t *count);

const char *httpreq_strerror(enum httpreq_err err);

int httpreq_fuzz_lines(const uint8_t *data, size_t len);
int httpreq_fuzz_http(const uint8_t *data, size_t len);
int httpreq_fuzz_envblock(const uint8_t *data, size_t len);

#endif
