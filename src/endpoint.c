/*
 * endpoint.c - see endpoint.h; the file formats are in spool-layout.md.
 *
 * The parser is table-driven: each configuration key has one setter,
 * used both for the lines of endpoints/NAME and by endpoint_set(), so
 * that a value typed on a command line is checked by exactly the code
 * that will later read it back from the file.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "endpoint.h"
#include "spool.h"
#include "util.h"

#define CONFIG_MAX (64 * 1024)	/* longest endpoints/NAME */
#define SECRETS_MAX (64 * 1024)	/* longest secrets/NAME */
#define SECRET_MAX 1024		/* longest single secret */
#define URL_MAX 2048
#define HEADER_MAX 8192
#define PATTERN_MAX 256
#define LIST_MAX 256		/* events patterns or headers */
#define REASON_MAX 512

static const int64_t default_retry_ms[] = {
	5 * 1000, 5 * 60 * 1000, 30 * 60 * 1000, 2 * 3600 * 1000,
	5 * 3600 * 1000, 10 * 3600 * 1000, 10 * 3600 * 1000,
};
#define DEFAULT_NRETRY (sizeof(default_retry_ms) / sizeof(default_retry_ms[0]))

static const char *const scheme_names[] = {
	[SCHEME_STANDARD] = "standard",
	[SCHEME_STANDARD_V1A] = "standard-v1a",
	[SCHEME_STRIPE] = "stripe",
	[SCHEME_GITHUB] = "github",
	[SCHEME_NONE] = "none",
};

static int
fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Write a message to err and return -1 with errno EINVAL. */
static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	errno = EINVAL;
	return -1;
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A control character as RFC 9110 sees it (tab excepted by callers). */
static int
is_ctl(int c)
{
	return (c >= 0 && c < 0x20) || c == 0x7f;
}

/* RFC 9110 tchar, the characters of a header field name. */
static int
is_tchar(int c)
{
	return is_alpha(c) || is_digit(c) || (c != 0 &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

const char *
endpoint_scheme_name(enum endpoint_scheme scheme)
{
	if ((unsigned)scheme >= sizeof(scheme_names) / sizeof(scheme_names[0]))
		return "?";
	return scheme_names[scheme];
}

int
endpoint_parse_scheme(const char *s, enum endpoint_scheme *scheme)
{
	for (size_t i = 0; i < sizeof(scheme_names) / sizeof(scheme_names[0]);
	    i++) {
		if (strcmp(s, scheme_names[i]) == 0) {
			*scheme = (enum endpoint_scheme)i;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

void
endpoint_format_duration(int64_t ms, char *buf, size_t len)
{
	static const struct {
		const char *unit;
		int64_t ms;
	} units[] = {
		{ "d", 86400 * 1000 }, { "h", 3600 * 1000 },
		{ "m", 60 * 1000 }, { "s", 1000 },
	};

	if (ms == 0) {
		snprintf(buf, len, "0");
		return;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ms % units[i].ms == 0) {
			snprintf(buf, len, "%lld%s",
			    (long long)(ms / units[i].ms), units[i].unit);
			return;
		}
	}
	snprintf(buf, len, "%lldms", (long long)ms);
}

/*
 * The shortest decimal form of a rate that strtod reads back as the same
 * double, so that a file written and read again compares equal.  Never
 * an exponent ("2.3e+02"), which the parser refuses: a rate is at most
 * 1e6, and RATE_TEXT_MAX holds the fraction digits of the smallest
 * double.
 */
#define RATE_TEXT_MAX 352

static void
format_rate(double rate, char *buf, size_t len)
{
	for (int prec = 0; prec <= 340; prec++) {
		snprintf(buf, len, "%.*f", prec, rate);
		if (strtod(buf, NULL) == rate)
			return;
	}
}

/* URLs */

/* A DNS name: labels of letters, digits, '-' and '_', dot-separated. */
static int
valid_reg_name(const char *host, size_t n, char *err, size_t errlen)
{
	size_t label = 0, alldigits = 1;

	if (n > 253)
		return fail(err, errlen, "URL host is longer than 253 bytes");
	for (size_t i = 0; i < n; i++) {
		char c = host[i];

		if (c == '.') {
			if (label == 0)
				return fail(err, errlen,
				    "URL host has an empty label");
			if (host[i - 1] == '-')
				return fail(err, errlen,
				    "URL host has a label ending in '-'");
			label = 0;
			continue;
		}
		if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_')
			return fail(err, errlen,
			    "URL host has a character not allowed in a "
			    "host name: '%c'", c);
		if (c == '-' && label == 0)
			return fail(err, errlen,
			    "URL host has a label starting with '-'");
		if (!is_digit(c))
			alldigits = 0;
		if (++label > 63)
			return fail(err, errlen,
			    "URL host has a label longer than 63 bytes");
	}
	if (label > 0 && host[n - 1] == '-')
		return fail(err, errlen, "URL host has a label ending in '-'");

	/* A name of digits and dots only is an IPv4 address or nothing. */
	if (alldigits) {
		char addr[16];
		unsigned char bin[4];

		if (n >= sizeof(addr))
			return fail(err, errlen, "URL host is not a valid "
			    "IPv4 address");
		memcpy(addr, host, n);
		addr[n] = '\0';
		if (inet_pton(AF_INET, addr, bin) != 1)
			return fail(err, errlen, "URL host '%s' is not a "
			    "valid IPv4 address", addr);
	}
	return 0;
}

static int
valid_ipv6(const char *host, size_t n, char *err, size_t errlen)
{
	char addr[64];
	unsigned char bin[16];

	if (n == 0 || n >= sizeof(addr))
		return fail(err, errlen, "URL host is not a valid IPv6 "
		    "address");
	memcpy(addr, host, n);
	addr[n] = '\0';
	if (strchr(addr, '%') != NULL)
		return fail(err, errlen, "URL host has an IPv6 zone, which "
		    "is not supported");
	if (inet_pton(AF_INET6, addr, bin) != 1)
		return fail(err, errlen, "URL host '[%s]' is not a valid "
		    "IPv6 address", addr);
	return 0;
}

static int
valid_port(const char *p, size_t n, char *err, size_t errlen)
{
	long port = 0;

	if (n == 0)
		return fail(err, errlen, "URL has an empty port after ':'");
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return fail(err, errlen, "URL port is not a number");
		if (i >= 5)
			return fail(err, errlen, "URL port must be 1 to "
			    "65535");
		port = port * 10 + (p[i] - '0');
	}
	if (port < 1 || port > 65535)
		return fail(err, errlen, "URL port must be 1 to 65535");
	return 0;
}

/* host[:port] or [v6][:port]; userinfo only where allowed (proxies). */
static int
valid_authority(const char *a, size_t n, int userinfo, char *err,
    size_t errlen)
{
	const char *at = memrchr(a, '@', n), *colon;

	if (at != NULL) {
		if (!userinfo)
			return fail(err, errlen, "URL must not contain a user "
			    "name or password ('@' before the host)");
		n -= (size_t)(at + 1 - a);
		a = at + 1;
	}
	if (n == 0)
		return fail(err, errlen, "URL has no host");

	if (a[0] == '[') {
		const char *close = memchr(a, ']', n);

		if (close == NULL)
			return fail(err, errlen, "URL host has '[' without "
			    "']'");
		if (valid_ipv6(a + 1, (size_t)(close - a - 1), err,
		    errlen) < 0)
			return -1;
		if (close + 1 == a + n)
			return 0;
		if (close[1] != ':')
			return fail(err, errlen, "URL has characters after "
			    "the IPv6 address");
		return valid_port(close + 2, (size_t)(a + n - close - 2),
		    err, errlen);
	}

	colon = memchr(a, ':', n);
	if (colon == a)
		return fail(err, errlen, "URL has no host");
	if (valid_reg_name(a, colon ? (size_t)(colon - a) : n, err,
	    errlen) < 0)
		return -1;
	if (colon == NULL)
		return 0;
	return valid_port(colon + 1, (size_t)(a + n - colon - 1), err,
	    errlen);
}

/*
 * The characters of a path and query: unreserved, sub-delims, ':', '@',
 * '/', '?', and '%' only as the start of a %XX escape.
 */
static int
valid_path(const char *p, char *err, size_t errlen)
{
	for (; *p; p++) {
		int c = (unsigned char)*p;

		if (c == '%') {
			if (!is_hex(p[1]) || !is_hex(p[2]))
				return fail(err, errlen, "URL has '%%' not "
				    "followed by two hex digits");
			p += 2;
			continue;
		}
		if (c == '#')
			return fail(err, errlen, "URL has a fragment ('#'), "
			    "which is never sent in a request");
		if (!is_alpha(c) && !is_digit(c) &&
		    strchr("-._~!$&'()*+,;=:@/?", c) == NULL)
			return fail(err, errlen, "URL has a character that "
			    "must be percent-encoded: '%c'", c);
	}
	return 0;
}

/* scheme://authority[/path][?query] with scheme one of schemes. */
static int
valid_url(const char *url, const char *const *schemes, const char *expect,
    int userinfo, char *err, size_t errlen)
{
	const char *p, *auth, *end;
	size_t len = strlen(url), i;

	if (len == 0)
		return fail(err, errlen, "URL is empty");
	if (len > URL_MAX)
		return fail(err, errlen, "URL is longer than %d bytes",
		    URL_MAX);
	for (p = url; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == ' ' || c == '\t')
			return fail(err, errlen, "URL contains white space");
		if (is_ctl(c))
			return fail(err, errlen, "URL contains a control "
			    "character");
		if (c >= 0x80)
			return fail(err, errlen, "URL contains a non-ASCII "
			    "byte; percent-encode it");
	}

	for (i = 0; schemes[i] != NULL; i++) {
		size_t n = strlen(schemes[i]);

		if (strncasecmp(url, schemes[i], n) == 0 &&
		    strncmp(url + n, "://", 3) == 0)
			break;
	}
	if (schemes[i] == NULL)
		return fail(err, errlen, "URL must start with %s", expect);

	auth = url + strlen(schemes[i]) + 3;
	end = auth + strcspn(auth, "/?#");
	if (valid_authority(auth, (size_t)(end - auth), userinfo, err,
	    errlen) < 0)
		return -1;
	return valid_path(end, err, errlen);
}

int
endpoint_valid_url(const char *url, char *err, size_t errlen)
{
	static const char *const web[] = { "http", "https", NULL };

	return valid_url(url, web, "http:// or https://", 0, err, errlen);
}

static int
valid_proxy(const char *url, char *err, size_t errlen)
{
	static const char *const proxies[] = {
		"http", "https", "socks4", "socks4a", "socks5", "socks5h",
		NULL
	};

	return valid_url(url, proxies, "http://, https://, socks4://, "
	    "socks4a://, socks5:// or socks5h://", 1, err, errlen);
}

/* Headers */

int
endpoint_valid_header(const char *line, char *err, size_t errlen)
{
	/* Framing and routing belong to the sender, never to a user. */
	static const char *const reserved[] = {
		"Content-Length", "Transfer-Encoding", "Host", "Connection",
		NULL
	};
	const char *p, *colon;
	size_t namelen;

	if (strlen(line) > HEADER_MAX)
		return fail(err, errlen, "header is longer than %d bytes",
		    HEADER_MAX);
	colon = strchr(line, ':');
	if (colon == NULL)
		return fail(err, errlen, "header must be 'Name: value'");
	namelen = (size_t)(colon - line);
	if (namelen == 0)
		return fail(err, errlen, "header has an empty name");
	for (p = line; p < colon; p++) {
		if (!is_tchar((unsigned char)*p))
			return fail(err, errlen, "header name has a "
			    "character not allowed in a name: '%c'",
			    is_ctl((unsigned char)*p) ? '?' : *p);
	}
	for (size_t i = 0; reserved[i] != NULL; i++) {
		if (strlen(reserved[i]) == namelen &&
		    strncasecmp(line, reserved[i], namelen) == 0)
			return fail(err, errlen, "header '%s' is set by the "
			    "sender and cannot be configured", reserved[i]);
	}

	for (p = colon + 1; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\r' || c == '\n')
			return fail(err, errlen, "header value contains a "
			    "line break");
		if (c != '\t' && is_ctl(c))
			return fail(err, errlen, "header value contains a "
			    "control character");
	}
	if (p > colon + 1 && (p[-1] == ' ' || p[-1] == '\t'))
		return fail(err, errlen, "header value ends with white space");
	return 0;
}

/* Event patterns */

/* "*", "prefix.*" or an exact type: printable, no spaces or commas. */
static int
valid_pattern(const char *pat, char *err, size_t errlen)
{
	size_t n = strlen(pat);

	if (n == 0)
		return fail(err, errlen, "empty event pattern");
	if (n > PATTERN_MAX)
		return fail(err, errlen, "event pattern is longer than %d "
		    "bytes", PATTERN_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)pat[i];

		if (c <= ' ' || c >= 0x7f || c == ',')
			return fail(err, errlen, "event pattern '%s' has a "
			    "character not allowed in a pattern", pat);
		if (c == '*' && !(i == n - 1 && (n == 1 || pat[i - 1] == '.')))
			return fail(err, errlen, "event pattern '%s': '*' may "
			    "only be the whole pattern or follow a final '.'",
			    pat);
	}
	return 0;
}

int
endpoint_pattern_match(const char *pattern, const char *type)
{
	size_t n = strlen(pattern);

	if (strcmp(pattern, "*") == 0)
		return 1;
	if (n >= 2 && pattern[n - 1] == '*' && pattern[n - 2] == '.')
		return strncmp(pattern, type, n - 1) == 0 &&
		    type[n - 1] != '\0';
	return strcmp(pattern, type) == 0;
}

int
endpoint_subscribes(const struct endpoint *ep, const char *type)
{
	if (ep->nevents == 0)
		return 1;
	for (size_t i = 0; i < ep->nevents; i++) {
		if (endpoint_pattern_match(ep->events[i], type))
			return 1;
	}
	return 0;
}

/* Lifecycle */

void
endpoint_init(struct endpoint *ep, const char *name)
{
	memset(ep, 0, sizeof(*ep));
	snprintf(ep->name, sizeof(ep->name), "%s", name ? name : "");
	ep->scheme = SCHEME_STANDARD;
	ep->timeout_ms = 30 * 1000;
	ep->connect_timeout_ms = 10 * 1000;
	memcpy(ep->retry_ms, default_retry_ms, sizeof(default_retry_ms));
	ep->nretry = DEFAULT_NRETRY;
	ep->max_attempts = DEFAULT_NRETRY + 1;
	ep->max_age_ms = 3 * 86400 * 1000LL;
	ep->max_in_flight = 10;
}

static void
free_list(char ***list, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
}

void
endpoint_free(struct endpoint *ep)
{
	char name[sizeof(ep->name)];

	memcpy(name, ep->name, sizeof(name));
	free(ep->url);
	free_list(&ep->events, &ep->nevents);
	free_list(&ep->headers, &ep->nheaders);
	free(ep->ca_file);
	free(ep->client_cert);
	free(ep->client_key);
	free(ep->proxy);
	endpoint_init(ep, name);
}

/* Setters, one per key */

static int
append(char ***list, size_t *n, size_t max, const char *s, char *err,
    size_t errlen)
{
	char **grown, *copy;

	if (*n >= max)
		return fail(err, errlen, "more than %zu entries", max);
	copy = strdup(s);
	if (copy == NULL)
		goto nomem;
	grown = realloc(*list, (*n + 1) * sizeof(**list));
	if (grown == NULL) {
		free(copy);
		goto nomem;
	}
	grown[(*n)++] = copy;
	*list = grown;
	return 0;
nomem:
	snprintf(err, errlen, "%s", strerror(ENOMEM));
	errno = ENOMEM;
	return -1;
}

static int
replace_string(char **field, const char *value, char *err, size_t errlen)
{
	char *copy = strdup(value);

	if (copy == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	free(*field);
	*field = copy;
	return 0;
}

/* Split value at blanks, calling fn on each word (NUL-terminated). */
static int
each_word(const char *value, int (*fn)(struct endpoint *, const char *,
    char *, size_t), struct endpoint *ep, char *err, size_t errlen)
{
	char word[PATTERN_MAX + 2];

	while (*value) {
		size_t n = strcspn(value, " \t");

		if (n > 0) {
			if (n >= sizeof(word))
				return fail(err, errlen, "'%.20s...' is too "
				    "long", value);
			memcpy(word, value, n);
			word[n] = '\0';
			if (fn(ep, word, err, errlen) < 0)
				return -1;
		}
		value += n;
		value += strspn(value, " \t");
	}
	return 0;
}

static int
parse_unsigned(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (!is_digit(*s) || v > (max + 9) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_duration(const char *s, int64_t min, int64_t *ms, const char *what,
    char *err, size_t errlen)
{
	if (util_parse_duration_ms(s, ms) < 0)
		return fail(err, errlen, "bad %s '%s' (a duration such as "
		    "30s, 5m, 2h, 3d)", what, s);
	if (*ms < min)
		return fail(err, errlen, "%s must be more than 0", what);
	return 0;
}

static int
parse_yesno(const char *s, int *flag, const char *what, char *err,
    size_t errlen)
{
	if (strcmp(s, "yes") == 0)
		*flag = 1;
	else if (strcmp(s, "no") == 0)
		*flag = 0;
	else
		return fail(err, errlen, "%s must be 'yes' or 'no', not "
		    "'%s'", what, s);
	return 0;
}

static int
set_url(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	char why[200];

	if (endpoint_valid_url(v, why, sizeof(why)) < 0)
		return fail(err, errlen, "bad url '%s': %s", v, why);
	return replace_string(&ep->url, v, err, errlen);
}

static int
add_event(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	if (valid_pattern(v, err, errlen) < 0)
		return -1;
	return append(&ep->events, &ep->nevents, LIST_MAX, v, err, errlen);
}

static int
set_events(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	return each_word(v, add_event, ep, err, errlen);
}

static int
set_scheme(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	if (endpoint_parse_scheme(v, &ep->scheme) < 0)
		return fail(err, errlen, "unknown scheme '%s' (standard, "
		    "standard-v1a, stripe, github or none)", v);
	return 0;
}

static int
set_header(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	char why[200];

	if (endpoint_valid_header(v, why, sizeof(why)) < 0)
		return fail(err, errlen, "bad header '%.60s': %s", v, why);
	return append(&ep->headers, &ep->nheaders, LIST_MAX, v, err, errlen);
}

static int
set_timeout(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	return parse_duration(v, 1, &ep->timeout_ms, "timeout", err, errlen);
}

static int
set_connect_timeout(struct endpoint *ep, const char *v, char *err,
    size_t errlen)
{
	return parse_duration(v, 1, &ep->connect_timeout_ms,
	    "connect-timeout", err, errlen);
}

static int
add_retry(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	int64_t ms;

	if (ep->nretry >= ENDPOINT_MAX_RETRIES)
		return fail(err, errlen, "more than %d retry delays",
		    ENDPOINT_MAX_RETRIES);
	if (parse_duration(v, 0, &ms, "retry delay", err, errlen) < 0)
		return -1;
	ep->retry_ms[ep->nretry++] = ms;
	return 0;
}

static int
set_retry(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	ep->nretry = 0;
	if (each_word(v, add_retry, ep, err, errlen) < 0)
		return -1;
	if (ep->nretry == 0)
		return fail(err, errlen, "retry needs at least one delay");
	return 0;
}

static int
set_max_attempts(struct endpoint *ep, const char *v, char *err,
    size_t errlen)
{
	unsigned long n;

	if (parse_unsigned(v, 1, 1000, &n) < 0)
		return fail(err, errlen, "bad max-attempts '%s' (1 to 1000)",
		    v);
	ep->max_attempts = (unsigned)n;
	return 0;
}

static int
set_max_age(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	return parse_duration(v, 0, &ep->max_age_ms, "max-age", err, errlen);
}

static int
set_max_in_flight(struct endpoint *ep, const char *v, char *err,
    size_t errlen)
{
	unsigned long n;

	if (parse_unsigned(v, 1, 10000, &n) < 0)
		return fail(err, errlen, "bad max-in-flight '%s' (1 to "
		    "10000)", v);
	ep->max_in_flight = (unsigned)n;
	return 0;
}

/* Decimal only: strtod alone would also take "inf", "nan" and hex. */
static int
set_rate(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	size_t digits = strspn(v, "0123456789"), frac = 0;
	double rate;

	if (v[digits] == '.')
		frac = strspn(v + digits + 1, "0123456789") + 1;
	if ((digits == 0 && frac <= 1) || v[digits + frac] != '\0')
		return fail(err, errlen, "bad rate '%s' (requests per second, "
		    "such as 50 or 0.5)", v);
	rate = strtod(v, NULL);
	if (!isfinite(rate) || rate > 1e6)
		return fail(err, errlen, "rate '%s' is above 1000000", v);
	ep->rate = rate;
	return 0;
}

static int
set_ordered(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	return parse_yesno(v, &ep->ordered, "ordered", err, errlen);
}

static int
add_permanent(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	size_t max = sizeof(ep->permanent) / sizeof(ep->permanent[0]);
	unsigned long status;

	if (parse_unsigned(v, 400, 499, &status) < 0)
		return fail(err, errlen, "bad permanent status '%s' (a 4xx "
		    "status)", v);
	for (size_t i = 0; i < ep->npermanent; i++) {
		if (ep->permanent[i] == (int)status)
			return fail(err, errlen, "status %lu listed twice",
			    status);
	}
	if (ep->npermanent >= max)
		return fail(err, errlen, "more than %zu permanent statuses",
		    max);
	ep->permanent[ep->npermanent++] = (int)status;
	return 0;
}

static int
set_permanent(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	ep->npermanent = 0;
	return each_word(v, add_permanent, ep, err, errlen);
}

static int
set_deny_private(struct endpoint *ep, const char *v, char *err,
    size_t errlen)
{
	return parse_yesno(v, &ep->deny_private, "deny-private", err, errlen);
}

/* A path is kept as written; it only must survive a round trip. */
static int
set_path(char **field, const char *v, const char *what, char *err,
    size_t errlen)
{
	size_t n = strlen(v);

	if (n == 0 || v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' ||
	    v[n - 1] == '\t')
		return fail(err, errlen, "%s must not be empty or begin or "
		    "end with white space", what);
	if (n > 4096)
		return fail(err, errlen, "%s is longer than 4096 bytes",
		    what);
	for (const char *p = v; *p; p++) {
		if (is_ctl((unsigned char)*p))
			return fail(err, errlen, "%s contains a control "
			    "character", what);
	}
	return replace_string(field, v, err, errlen);
}

static int
set_ca_file(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	return set_path(&ep->ca_file, v, "ca-file", err, errlen);
}

static int
set_client_cert(struct endpoint *ep, const char *v, char *err,
    size_t errlen)
{
	return set_path(&ep->client_cert, v, "client-cert", err, errlen);
}

static int
set_client_key(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	return set_path(&ep->client_key, v, "client-key", err, errlen);
}

static int
set_proxy(struct endpoint *ep, const char *v, char *err, size_t errlen)
{
	char why[200];

	if (valid_proxy(v, why, sizeof(why)) < 0)
		return fail(err, errlen, "bad proxy '%s': %s", v, why);
	return replace_string(&ep->proxy, v, err, errlen);
}

static const struct key {
	const char *name;
	int repeatable;
	int (*set)(struct endpoint *, const char *, char *, size_t);
} keys[] = {
	{ "url", 0, set_url },
	{ "events", 1, set_events },
	{ "scheme", 0, set_scheme },
	{ "header", 1, set_header },
	{ "timeout", 0, set_timeout },
	{ "connect-timeout", 0, set_connect_timeout },
	{ "retry", 0, set_retry },
	{ "max-attempts", 0, set_max_attempts },
	{ "max-age", 0, set_max_age },
	{ "max-in-flight", 0, set_max_in_flight },
	{ "rate", 0, set_rate },
	{ "ordered", 0, set_ordered },
	{ "permanent", 0, set_permanent },
	{ "deny-private", 0, set_deny_private },
	{ "ca-file", 0, set_ca_file },
	{ "client-cert", 0, set_client_cert },
	{ "client-key", 0, set_client_key },
	{ "proxy", 0, set_proxy },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const struct key *
find_key(const char *name, size_t n)
{
	for (size_t i = 0; i < NKEYS; i++) {
		if (strlen(keys[i].name) == n &&
		    strncmp(keys[i].name, name, n) == 0)
			return &keys[i];
	}
	return NULL;
}

int
endpoint_set(struct endpoint *ep, const char *key, const char *value,
    char *err, size_t errlen)
{
	const struct key *k = find_key(key, strlen(key));

	if (k == NULL)
		return fail(err, errlen, "unknown key '%s'", key);
	return k->set(ep, value, err, errlen);
}

int
endpoint_reset(struct endpoint *ep, const char *key)
{
	struct endpoint def;

	endpoint_init(&def, ep->name);
	if (strcmp(key, "url") == 0) {
		free(ep->url);
		ep->url = NULL;
	} else if (strcmp(key, "events") == 0) {
		free_list(&ep->events, &ep->nevents);
	} else if (strcmp(key, "header") == 0) {
		free_list(&ep->headers, &ep->nheaders);
	} else if (strcmp(key, "scheme") == 0) {
		ep->scheme = def.scheme;
	} else if (strcmp(key, "timeout") == 0) {
		ep->timeout_ms = def.timeout_ms;
	} else if (strcmp(key, "connect-timeout") == 0) {
		ep->connect_timeout_ms = def.connect_timeout_ms;
	} else if (strcmp(key, "retry") == 0) {
		memcpy(ep->retry_ms, def.retry_ms, sizeof(ep->retry_ms));
		ep->nretry = def.nretry;
	} else if (strcmp(key, "max-attempts") == 0) {
		ep->max_attempts = (unsigned)ep->nretry + 1;
	} else if (strcmp(key, "max-age") == 0) {
		ep->max_age_ms = def.max_age_ms;
	} else if (strcmp(key, "max-in-flight") == 0) {
		ep->max_in_flight = def.max_in_flight;
	} else if (strcmp(key, "rate") == 0) {
		ep->rate = def.rate;
	} else if (strcmp(key, "ordered") == 0) {
		ep->ordered = def.ordered;
	} else if (strcmp(key, "permanent") == 0) {
		ep->npermanent = 0;
	} else if (strcmp(key, "deny-private") == 0) {
		ep->deny_private = def.deny_private;
	} else if (strcmp(key, "ca-file") == 0) {
		free(ep->ca_file);
		ep->ca_file = NULL;
	} else if (strcmp(key, "client-cert") == 0) {
		free(ep->client_cert);
		ep->client_cert = NULL;
	} else if (strcmp(key, "client-key") == 0) {
		free(ep->client_key);
		ep->client_key = NULL;
	} else if (strcmp(key, "proxy") == 0) {
		free(ep->proxy);
		ep->proxy = NULL;
	} else {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* Parsing */

static int
parse_line(struct endpoint *ep, char *line, size_t lineno, size_t *seen,
    char *err, size_t errlen)
{
	char why[400];
	size_t klen, n;
	const struct key *k;
	char *value;

	for (char *p = line; *p; p++) {
		if (*p != '\t' && is_ctl((unsigned char)*p))
			return fail(err, errlen, "line %zu: control "
			    "character (byte 0x%02x)", lineno,
			    (unsigned char)*p);
	}
	line += strspn(line, " \t");
	n = strlen(line);
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	if (n == 0 || line[0] == '#')
		return 0;

	klen = strcspn(line, " \t");
	k = find_key(line, klen);
	if (k == NULL)
		return fail(err, errlen, "line %zu: unknown key '%.*s'",
		    lineno, (int)(klen > 40 ? 40 : klen), line);
	value = line + klen;
	value += strspn(value, " \t");
	if (*value == '\0')
		return fail(err, errlen, "line %zu: '%s' needs a value",
		    lineno, k->name);
	if (!k->repeatable && seen[k - keys] != 0)
		return fail(err, errlen, "line %zu: '%s' already given on "
		    "line %zu", lineno, k->name, seen[k - keys]);
	seen[k - keys] = lineno;

	if (k->set(ep, value, why, sizeof(why)) < 0) {
		int e = errno;

		snprintf(err, errlen, "line %zu: %s", lineno, why);
		errno = e;
		return -1;
	}
	return 0;
}

int
endpoint_parse(struct endpoint *ep, const char *text, size_t len,
    char *err, size_t errlen)
{
	size_t seen[NKEYS] = { 0 }, lineno = 0;
	const char *p = text, *end = text + len;
	char *line;

	if (memchr(text, '\0', len) != NULL)
		return fail(err, errlen, "file contains a NUL byte");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int rc;

		lineno++;
		line = strndup(p, n);
		if (line == NULL) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			return -1;
		}
		rc = parse_line(ep, line, lineno, seen, err, errlen);
		free(line);
		if (rc < 0)
			return -1;
		p += n + 1;
	}

	if (ep->url == NULL)
		return fail(err, errlen, "no 'url' line");
	if (ep->nevents == 0 && add_event(ep, "*", err, errlen) < 0)
		return -1;
	if (seen[find_key("max-attempts", 12) - keys] == 0)
		ep->max_attempts = (unsigned)ep->nretry + 1;
	return 0;
}

/* Formatting */

struct buf {
	char *s;
	size_t len, cap;
	int failed;
};

static void
buf_add(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
buf_add(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0,
	    fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (b->s == NULL || (size_t)n >= b->cap - b->len) {
		size_t cap = (b->cap ? b->cap : 256);
		char *s;

		while (cap <= b->len + (size_t)n)
			cap *= 2;
		s = realloc(b->s, cap);
		if (s == NULL) {
			b->failed = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

static void
add_duration(struct buf *b, const char *key, int64_t ms)
{
	char d[32];

	endpoint_format_duration(ms, d, sizeof(d));
	buf_add(b, "%s %s\n", key, d);
}

char *
endpoint_format(const struct endpoint *ep)
{
	struct buf b = { NULL, 0, 0, 0 };
	char d[RATE_TEXT_MAX];

	buf_add(&b, "url %s\n", ep->url ? ep->url : "");
	buf_add(&b, "events");
	for (size_t i = 0; i < ep->nevents; i++)
		buf_add(&b, " %s", ep->events[i]);
	buf_add(&b, "%s\n", ep->nevents == 0 ? " *" : "");
	buf_add(&b, "scheme %s\n", endpoint_scheme_name(ep->scheme));
	for (size_t i = 0; i < ep->nheaders; i++)
		buf_add(&b, "header %s\n", ep->headers[i]);
	add_duration(&b, "timeout", ep->timeout_ms);
	add_duration(&b, "connect-timeout", ep->connect_timeout_ms);
	buf_add(&b, "retry");
	for (size_t i = 0; i < ep->nretry; i++) {
		endpoint_format_duration(ep->retry_ms[i], d, sizeof(d));
		buf_add(&b, " %s", d);
	}
	buf_add(&b, "\n");

	/* Left out when it follows the retry list, so that it still does. */
	if (ep->max_attempts != ep->nretry + 1)
		buf_add(&b, "max-attempts %u\n", ep->max_attempts);
	add_duration(&b, "max-age", ep->max_age_ms);
	buf_add(&b, "max-in-flight %u\n", ep->max_in_flight);
	format_rate(ep->rate, d, sizeof(d));
	buf_add(&b, "rate %s\n", d);
	buf_add(&b, "ordered %s\n", ep->ordered ? "yes" : "no");
	if (ep->npermanent > 0) {
		buf_add(&b, "permanent");
		for (size_t i = 0; i < ep->npermanent; i++)
			buf_add(&b, " %d", ep->permanent[i]);
		buf_add(&b, "\n");
	}
	buf_add(&b, "deny-private %s\n", ep->deny_private ? "yes" : "no");
	if (ep->ca_file)
		buf_add(&b, "ca-file %s\n", ep->ca_file);
	if (ep->client_cert)
		buf_add(&b, "client-cert %s\n", ep->client_cert);
	if (ep->client_key)
		buf_add(&b, "client-key %s\n", ep->client_key);
	if (ep->proxy)
		buf_add(&b, "proxy %s\n", ep->proxy);

	if (b.failed) {
		free(b.s);
		errno = ENOMEM;
		return NULL;
	}
	return b.s;
}

/* Files */

static int
check_name(const char *name)
{
	if (!util_valid_name(name, ENDPOINT_NAME_MAX)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/*
 * Write bytes to dir/name through tmp/: create 0600, write, fsync,
 * rename (or, with noreplace, fail with EEXIST rather than replace),
 * fsync dir.  The tmp/ file is removed on any failure.
 */
static int
write_file(struct spool *sp, const char *dir, const char *name,
    const void *bytes, size_t len, int noreplace)
{
	char tmpname[SPOOL_NAME_MAX + 16], tmppath[SPOOL_NAME_MAX + 32];
	char path[2 * ENDPOINT_NAME_MAX + 32];
	int fd, rc, err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = spool_tmp_create(sp, name, tmpname, sizeof(tmpname));
	if (fd < 0)
		return -1;
	/* spool_tmp_create's name may or may not include "tmp/". */
	snprintf(tmppath, sizeof(tmppath), "%s%s",
	    strncmp(tmpname, "tmp/", 4) == 0 ? "" : "tmp/", tmpname);

	if (fchmod(fd, 0600) < 0 || util_write_all(fd, bytes, len) < 0 ||
	    fsync(fd) < 0) {
		err = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) < 0) {
		err = errno;
		goto fail;
	}

	if (noreplace)
		rc = renameat2(sp->fd, tmppath, sp->fd, path,
		    RENAME_NOREPLACE);
	else
		rc = renameat(sp->fd, tmppath, sp->fd, path);
	if (rc < 0) {
		err = errno;
		goto fail;
	}
	return spool_sync_dir(sp, dir);
fail:
	unlinkat(sp->fd, tmppath, 0);
	errno = err;
	return -1;
}

static int
save(struct spool *sp, const struct endpoint *ep, int noreplace)
{
	struct endpoint check;
	char *text, err[256];
	int rc, e;

	if (check_name(ep->name) < 0)
		return -1;
	text = endpoint_format(ep);
	if (text == NULL)
		return -1;

	/* Never write a file that would not be read back. */
	endpoint_init(&check, ep->name);
	rc = endpoint_parse(&check, text, strlen(text), err, sizeof(err));
	endpoint_free(&check);
	if (rc == 0)
		rc = write_file(sp, "endpoints", ep->name, text,
		    strlen(text), noreplace);
	e = errno;
	free(text);
	errno = e;
	return rc;
}

int
endpoint_save(struct spool *sp, const struct endpoint *ep)
{
	return save(sp, ep, 0);
}

int
endpoint_create(struct spool *sp, const struct endpoint *ep)
{
	return save(sp, ep, 1);
}

int
endpoint_load(struct spool *sp, const char *name, struct endpoint *ep,
    char *err, size_t errlen)
{
	char path[ENDPOINT_NAME_MAX + 16], *text;
	size_t len;
	int rc, e;

	endpoint_init(ep, name);
	if (check_name(name) < 0)
		return fail(err, errlen, "bad endpoint name '%.80s'", name);
	snprintf(path, sizeof(path), "endpoints/%s", name);
	if (util_read_file(sp->fd, path, CONFIG_MAX, &text, &len) < 0) {
		e = errno;
		snprintf(err, errlen, "%s", strerror(e));
		errno = e;
		return -1;
	}
	rc = endpoint_parse(ep, text, len, err, errlen);
	e = errno;
	free(text);
	if (rc < 0)
		endpoint_free(ep);
	errno = e;
	return rc;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
endpoint_list(struct spool *sp, char ***namesp, size_t *np)
{
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *dir;
	int fd, e;

	fd = openat(sp->fd, "endpoints", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	dir = fdopendir(fd);
	if (dir == NULL) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	errno = 0;
	while ((de = readdir(dir)) != NULL) {
		struct stat st;

		if (!util_valid_name(de->d_name, ENDPOINT_NAME_MAX))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (append(&names, &n, SIZE_MAX, de->d_name, NULL, 0) < 0)
			goto fail;
		errno = 0;
	}
	if (errno != 0)
		goto fail;
	closedir(dir);
	if (n > 1)
		qsort(names, n, sizeof(*names), compare_names);
	*namesp = names;
	*np = n;
	return 0;
fail:
	e = errno;
	closedir(dir);
	endpoint_free_names(names, n);
	errno = e;
	return -1;
}

void
endpoint_free_names(char **names, size_t n)
{
	free_list(&names, &n);
}

/* Secrets */

static int
valid_base64_key(const char *b64, size_t min, size_t max, size_t alt)
{
	unsigned char bytes[base64_decoded_max(SECRET_MAX)];
	size_t n = strlen(b64), len;

	if (n == 0 || n > SECRET_MAX ||
	    base64_decode(b64, n, bytes, &len) < 0)
		return -1;
	memset(bytes, 0, sizeof(bytes));
	if ((len < min || len > max) && len != alt)
		return -1;
	return 0;
}

int
endpoint_valid_secret(enum endpoint_scheme scheme, const char *secret,
    char *err, size_t errlen)
{
	size_t n = strlen(secret);

	if (n == 0)
		return fail(err, errlen, "secret is empty");
	if (n > SECRET_MAX)
		return fail(err, errlen, "secret is longer than %d bytes",
		    SECRET_MAX);
	if (secret[0] == '#')
		return fail(err, errlen, "secret must not start with '#'");
	for (const char *p = secret; *p; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return fail(err, errlen, "secret must be printable "
			    "ASCII without spaces");
	}

	switch (scheme) {
	case SCHEME_STANDARD:
		if (strncmp(secret, "whsec_", 6) != 0 ||
		    valid_base64_key(secret + 6, 24, 64, 0) < 0)
			return fail(err, errlen, "scheme standard needs a "
			    "secret 'whsec_' followed by the base64 of 24 to "
			    "64 bytes");
		break;
	case SCHEME_STANDARD_V1A:
		if (strncmp(secret, "whsk_", 5) != 0 ||
		    valid_base64_key(secret + 5, 32, 32, 64) < 0)
			return fail(err, errlen, "scheme standard-v1a needs "
			    "an Ed25519 key 'whsk_' followed by the base64 "
			    "of 32 or 64 bytes");
		break;
	default:
		break;
	}
	return 0;
}

static int
parse_secret_line(char *line, struct endpoint_secret *s)
{
	char *space = strpbrk(line, " \t"), *opt, *end;
	long long t;

	s->expires = 0;
	if (space != NULL) {
		*space = '\0';
		opt = space + 1 + strspn(space + 1, " \t");
		if (strncmp(opt, "expires=", 8) != 0)
			return -1;
		errno = 0;
		t = strtoll(opt + 8, &end, 10);
		if (end == opt + 8 || errno || t <= 0)
			return -1;
		end += strspn(end, " \t");
		if (*end != '\0')
			return -1;
		s->expires = t;
	}
	if (endpoint_valid_secret(SCHEME_NONE, line, NULL, 0) < 0)
		return -1;
	s->value = strdup(line);
	return s->value == NULL ? -1 : 0;
}

int
endpoint_parse_secrets(char *text, size_t len,
    struct endpoint_secret **secretsp, size_t *np)
{
	struct endpoint_secret *secrets = NULL, *grown;
	size_t n = 0;
	char *line, *save = NULL;

	if (memchr(text, '\0', len) != NULL) {
		errno = EINVAL;
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (*line == '\0' || *line == '#')
			continue;
		grown = realloc(secrets, (n + 1) * sizeof(*secrets));
		if (grown == NULL)
			goto fail;
		secrets = grown;
		if (parse_secret_line(line, &secrets[n]) < 0) {
			if (errno != ENOMEM)
				errno = EINVAL;
			goto fail;
		}
		n++;
	}
	*secretsp = secrets;
	*np = n;
	return 0;
fail:
	endpoint_free_secrets(secrets, n);
	return -1;
}

int
endpoint_load_secrets(struct spool *sp, const char *name,
    struct endpoint_secret **secrets, size_t *n)
{
	char path[ENDPOINT_NAME_MAX + 16], *text = NULL;
	struct stat st;
	size_t len = 0;
	int fd, rc, e;

	if (check_name(name) < 0)
		return -1;
	snprintf(path, sizeof(path), "secrets/%s", name);
	fd = openat(sp->fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (st.st_mode & 077) {
		errno = EPERM;
		goto fail;
	}
	if (util_read_all(fd, SECRETS_MAX, &text, &len) < 0)
		goto fail;
	close(fd);

	rc = endpoint_parse_secrets(text, len, secrets, n);
	e = errno;
	explicit_bzero(text, len);
	free(text);
	errno = e;
	return rc;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

void
endpoint_free_secrets(struct endpoint_secret *secrets, size_t n)
{
	if (secrets == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		if (secrets[i].value) {
			explicit_bzero(secrets[i].value,
			    strlen(secrets[i].value));
			free(secrets[i].value);
		}
	}
	free(secrets);
}

int
endpoint_save_secrets(struct spool *sp, const char *name,
    const struct endpoint_secret *secrets, size_t n)
{
	struct buf b = { NULL, 0, 0, 0 };
	int rc, e;

	if (check_name(name) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (endpoint_valid_secret(SCHEME_NONE, secrets[i].value,
		    NULL, 0) < 0 || secrets[i].expires < 0)
			return -1;
		if (secrets[i].expires)
			buf_add(&b, "%s expires=%lld\n", secrets[i].value,
			    (long long)secrets[i].expires);
		else
			buf_add(&b, "%s\n", secrets[i].value);
	}
	if (b.failed) {
		free(b.s);
		errno = ENOMEM;
		return -1;
	}
	rc = write_file(sp, "secrets", name, b.s ? b.s : "", b.len, 0);
	e = errno;
	if (b.s) {
		explicit_bzero(b.s, b.len);
		free(b.s);
	}
	errno = e;
	return rc;
}

/* State */

static int
state_dir(struct spool *sp, const char *name, char *path, size_t len,
    int create)
{
	if (check_name(name) < 0)
		return -1;
	snprintf(path, len, "state/%s", name);
	if (create && mkdirat(sp->fd, path, 0700) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int
endpoint_disabled(struct spool *sp, const char *name, char *reason,
    size_t len)
{
	char path[ENDPOINT_NAME_MAX + 32], *text;
	size_t n;

	if (state_dir(sp, name, path, sizeof(path), 0) < 0)
		return -1;
	strcat(path, "/disabled");
	if (util_read_file(sp->fd, path, REASON_MAX + 1, &text, &n) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return -1;
	}
	if (reason != NULL && len > 0)
		snprintf(reason, len, "%.*s", (int)strcspn(text, "\n"), text);
	free(text);
	return 1;
}

int
endpoint_set_disabled(struct spool *sp, const char *name,
    const char *reason)
{
	char dir[ENDPOINT_NAME_MAX + 16], line[REASON_MAX + 2];

	if (reason == NULL)
		reason = "";
	if (strlen(reason) > REASON_MAX) {
		errno = EINVAL;
		return -1;
	}
	for (const char *p = reason; *p; p++) {
		if (*p != '\t' && is_ctl((unsigned char)*p)) {
			errno = EINVAL;
			return -1;
		}
	}
	if (state_dir(sp, name, dir, sizeof(dir), 1) < 0)
		return -1;
	snprintf(line, sizeof(line), "%s\n", reason);
	return write_file(sp, dir, "disabled", line, strlen(line), 0);
}

int
endpoint_clear_state(struct spool *sp, const char *name)
{
	char path[ENDPOINT_NAME_MAX + 16];
	struct dirent *de;
	DIR *dir;
	int fd, e, rc = 0;

	if (state_dir(sp, name, path, sizeof(path), 0) < 0)
		return -1;
	fd = openat(sp->fd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	dir = fdopendir(fd);
	if (dir == NULL) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		struct stat st;

		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(fd, de->d_name, 0) < 0 && errno != ENOENT) {
			rc = -1;
			e = errno;
		}
	}
	if (rc == 0 && fsync(fd) < 0) {
		rc = -1;
		e = errno;
	}
	closedir(dir);
	if (rc < 0)
		errno = e;
	return rc;
}

int
endpoint_remove(struct spool *sp, const char *name)
{
	char path[ENDPOINT_NAME_MAX + 16];
	int missing = 0;

	if (check_name(name) < 0)
		return -1;
	snprintf(path, sizeof(path), "endpoints/%s", name);
	if (unlinkat(sp->fd, path, 0) < 0) {
		if (errno != ENOENT)
			return -1;
		missing = 1;
	} else if (spool_sync_dir(sp, "endpoints") < 0) {
		return -1;
	}

	snprintf(path, sizeof(path), "secrets/%s", name);
	if (unlinkat(sp->fd, path, 0) < 0 && errno != ENOENT)
		return -1;
	if (endpoint_clear_state(sp, name) < 0)
		return -1;
	snprintf(path, sizeof(path), "state/%s", name);
	if (unlinkat(sp->fd, path, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -1;
	if (spool_sync_dir(sp, "secrets") < 0 ||
	    spool_sync_dir(sp, "state") < 0)
		return -1;
	if (missing) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}
