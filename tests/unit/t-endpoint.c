/*
 * t-endpoint.c - the endpoint file parser and writer, event patterns,
 * the URL and header validators, secrets and endpoint state.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "endpoint.h"
#include "spool.h"
#include "unit.h"
#include "util.h"

static int
parse(struct endpoint *ep, const char *text, char *err, size_t errlen)
{
	endpoint_init(ep, "shop");
	err[0] = '\0';
	return endpoint_parse(ep, text, strlen(text), err, errlen);
}

/* Does text fail to parse with a message containing want? */
static int
parse_fails(const char *text, const char *want)
{
	struct endpoint ep;
	char err[512];
	int rc = parse(&ep, text, err, sizeof(err));

	endpoint_free(&ep);
	if (rc == 0 || errno != EINVAL || strstr(err, want) == NULL) {
		printf("#   text '%s' gave rc %d, err '%s'\n", text, rc, err);
		return 0;
	}
	return 1;
}

static int
same_endpoint(const struct endpoint *a, const struct endpoint *b)
{
	char *fa = endpoint_format(a), *fb = endpoint_format(b);
	int same = fa && fb && strcmp(fa, fb) == 0;

	same = same && strcmp(a->url, b->url) == 0 && a->scheme == b->scheme &&
	    a->nevents == b->nevents && a->nheaders == b->nheaders &&
	    a->timeout_ms == b->timeout_ms &&
	    a->connect_timeout_ms == b->connect_timeout_ms &&
	    a->nretry == b->nretry && a->max_attempts == b->max_attempts &&
	    a->max_age_ms == b->max_age_ms &&
	    a->max_in_flight == b->max_in_flight && a->rate == b->rate &&
	    a->ordered == b->ordered && a->npermanent == b->npermanent &&
	    a->deny_private == b->deny_private;
	for (size_t i = 0; same && i < a->nretry; i++)
		same = a->retry_ms[i] == b->retry_ms[i];
	for (size_t i = 0; same && i < a->nevents; i++)
		same = strcmp(a->events[i], b->events[i]) == 0;
	for (size_t i = 0; same && i < a->nheaders; i++)
		same = strcmp(a->headers[i], b->headers[i]) == 0;
	for (size_t i = 0; same && i < a->npermanent; i++)
		same = a->permanent[i] == b->permanent[i];
	free(fa);
	free(fb);
	return same;
}

/* parse(text) == parse(format(parse(text))) */
static int
round_trips(const char *text)
{
	struct endpoint a, b;
	char err[512], *formatted;
	int ok = 0;

	if (parse(&a, text, err, sizeof(err)) < 0) {
		printf("#   does not parse: %s\n", err);
		endpoint_free(&a);
		return 0;
	}
	formatted = endpoint_format(&a);
	if (formatted != NULL && parse(&b, formatted, err, sizeof(err)) == 0)
		ok = same_endpoint(&a, &b);
	else
		printf("#   formatted text does not parse: %s\n", err);
	free(formatted);
	endpoint_free(&a);
	endpoint_free(&b);
	return ok;
}

static void
test_defaults(void)
{
	struct endpoint ep;
	char err[256];
	int ok;

	ok = parse(&ep, "url https://example.com/hooks\n", err,
	    sizeof(err)) == 0;
	CHECK(ok, "a file with only a url parses");
	CHECK(ep.scheme == SCHEME_STANDARD, "the default scheme is standard");
	CHECK(ep.nevents == 1 && strcmp(ep.events[0], "*") == 0,
	    "an endpoint with no events line subscribes to '*'");
	CHECK(ep.timeout_ms == 30000 && ep.connect_timeout_ms == 10000,
	    "default timeouts are 30s and connect 10s");
	CHECK(ep.nretry == 7 && ep.retry_ms[0] == 5000 &&
	    ep.retry_ms[6] == 36000000, "default retry is 5s 5m 30m 2h 5h "
	    "10h 10h");
	CHECK(ep.max_attempts == 8, "default max-attempts is retries + 1");
	CHECK(ep.max_age_ms == 3 * 86400000LL, "default max-age is 3d");
	CHECK(ep.max_in_flight == 10 && ep.rate == 0 && !ep.ordered &&
	    ep.npermanent == 0 && !ep.deny_private && ep.ca_file == NULL &&
	    ep.proxy == NULL, "other defaults: 10 in flight, no rate limit, "
	    "unordered, nothing permanent, private allowed, no TLS files");
	endpoint_free(&ep);

	ok = parse(&ep, "url http://h/\nretry 1s 2s\n", err,
	    sizeof(err)) == 0 && ep.max_attempts == 3;
	CHECK(ok,
	    "max-attempts follows a retry list given without it");
	endpoint_free(&ep);
	ok = parse(&ep, "max-attempts 8\nretry 1s\nurl http://h/\n", err,
	    sizeof(err)) == 0 && ep.max_attempts == 8;
	CHECK(ok,
	    "an explicit max-attempts holds whatever the line order");
	endpoint_free(&ep);
}

static const char full_text[] =
    "# the shop's order feed\n"
    "url https://example.com:8443/hooks?src=spool\n"
    "\n"
    "events order.* user.created\n"
    "events invoice.paid\n"
    "scheme stripe\n"
    "header X-Env: prod\n"
    "header X-Team:\tpayments team\n"
    "timeout 45s\n"
    "connect-timeout 1500ms\n"
    "retry 1s 1m 1h 1d\n"
    "max-attempts 3\n"
    "max-age 0\n"
    "max-in-flight 2\n"
    "rate 0.1\n"
    "ordered yes\n"
    "permanent 400 401 422\n"
    "deny-private yes\n"
    "ca-file /etc/ssl/certs/my ca.pem\n"
    "client-cert /etc/hook/cert.pem\n"
    "client-key /etc/hook/key.pem\n"
    "proxy socks5h://user:pw@proxy.internal:1080\n";

static void
test_full(void)
{
	struct endpoint ep;
	char err[256];
	int ok;

	ok = parse(&ep, full_text, err, sizeof(err)) == 0;
	CHECK(ok, "a file using every key parses (%s)", err);
	CHECK_STR(ep.url, "https://example.com:8443/hooks?src=spool",
	    "url is kept as written");
	CHECK(ep.nevents == 3 && strcmp(ep.events[2], "invoice.paid") == 0,
	    "events lines add up");
	CHECK(ep.scheme == SCHEME_STRIPE, "scheme stripe");
	CHECK(ep.nheaders == 2 && strcmp(ep.headers[1],
	    "X-Team:\tpayments team") == 0, "headers kept in order, verbatim");
	CHECK(ep.timeout_ms == 45000 && ep.connect_timeout_ms == 1500,
	    "durations in s and ms");
	CHECK(ep.nretry == 4 && ep.retry_ms[3] == 86400000,
	    "retry list replaces the default");
	CHECK(ep.max_attempts == 3 && ep.max_age_ms == 0 &&
	    ep.max_in_flight == 2, "max-attempts, max-age 0, max-in-flight");
	CHECK(ep.rate == 0.1, "fractional rate");
	CHECK(ep.ordered && ep.deny_private, "yes flags");
	CHECK(ep.npermanent == 3 && ep.permanent[2] == 422,
	    "permanent statuses");
	CHECK_STR(ep.ca_file, "/etc/ssl/certs/my ca.pem",
	    "a path may contain a space");
	CHECK_STR(ep.proxy, "socks5h://user:pw@proxy.internal:1080",
	    "a proxy may carry credentials");
	endpoint_free(&ep);
}

static void
test_round_trip(void)
{
	static const char *const texts[] = {
		"url https://example.com/hooks\n",
		full_text,
		"url http://[::1]:8080/x\nrate 0.3333333333333333\n",
		"url http://h/\nrate 123456.789\nmax-age 90m\n",
		"url http://h/\nrate 230\n",
		"url http://h/\nrate 1000000\n",
		"url http://h/\nrate 0.0000001\n",
		"url http://h/\nretry 0 1500ms 61s 25h\nmax-attempts 5\n",
		"url http://h/\nretry 5s 5m 30m 2h 5h 10h 10h\n"
		    "max-attempts 8\n",
		"url http://h/\nscheme none\nevents *\nordered no\n",
		"url HTTPS://Example.COM/\nscheme github\nheader A:\n",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		CHECK(round_trips(texts[i]), "parse(format(ep)) == ep for "
		    "sample %zu", i + 1);
}

static void
test_parse_errors(void)
{
	CHECK(parse_fails("", "no 'url'"), "a file without url is refused");
	CHECK(parse_fails("url http://h/\ncolour blue\n",
	    "line 2: unknown key 'colour'"),
	    "an unknown key is an error naming its line");
	CHECK(parse_fails("url http://h/\nurl http://g/\n",
	    "line 2: 'url' already given on line 1"),
	    "a key that is not repeatable may not repeat");
	CHECK(parse_fails("url\n", "line 1: 'url' needs a value"),
	    "a key without a value is refused");
	CHECK(parse_fails("url ftp://h/\n", "line 1: bad url"),
	    "a non-http url is refused");
	CHECK(parse_fails("url http://h/\nscheme hmac\n", "unknown scheme"),
	    "an unknown scheme is refused");
	CHECK(parse_fails("url http://h/\nheader X Y: z\n", "bad header"),
	    "a header name with a space is refused");
	CHECK(parse_fails("url http://h/\ntimeout 0\n", "more than 0"),
	    "a zero timeout is refused");
	CHECK(parse_fails("url http://h/\ntimeout 10q\n", "bad timeout"),
	    "a bad duration is refused");
	CHECK(parse_fails("url http://h/\nretry 1s x\n", "retry delay"),
	    "a bad retry delay is refused");
	CHECK(parse_fails("url http://h/\nretry 1 2 3 4 5 6 7 8 9 10 11 12 "
	    "13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 "
	    "33\n", "more than 32"), "at most 32 retry delays");
	CHECK(parse_fails("url http://h/\nmax-attempts 0\n", "max-attempts"),
	    "max-attempts 0 is refused");
	CHECK(parse_fails("url http://h/\nmax-in-flight -1\n",
	    "max-in-flight"), "a negative max-in-flight is refused");
	CHECK(parse_fails("url http://h/\nrate inf\n", "bad rate"),
	    "rate inf is refused");
	CHECK(parse_fails("url http://h/\nrate 0x10\n", "bad rate"),
	    "a hexadecimal rate is refused");
	CHECK(parse_fails("url http://h/\nrate .\n", "bad rate"),
	    "rate '.' is refused");
	CHECK(parse_fails("url http://h/\nordered maybe\n", "'yes' or 'no'"),
	    "flags are yes or no");
	CHECK(parse_fails("url http://h/\npermanent 500\n", "4xx"),
	    "permanent takes only 4xx statuses");
	CHECK(parse_fails("url http://h/\npermanent 404 404\n", "twice"),
	    "a permanent status listed twice is refused");
	CHECK(parse_fails("url http://h/\nevents order.*.x\n", "'*'"),
	    "'*' only at the end of a pattern");
	CHECK(parse_fails("url http://h/\nevents a,b\n", "not allowed"),
	    "a comma is not part of a pattern");
	CHECK(parse_fails("url http://h/\r\n", "control character"),
	    "a carriage return in the file is refused");
	CHECK(parse_fails("url http://h/\nproxy ftp://p/\n", "bad proxy"),
	    "a proxy must be http, https or socks");
}

static void
test_patterns(void)
{
	static const struct {
		const char *pattern, *type;
		int match;
	} cases[] = {
		{ "*", "order.created", 1 },
		{ "*", "x", 1 },
		{ "order.*", "order.created", 1 },
		{ "order.*", "order.item.added", 1 },
		{ "order.*", "order", 0 },
		{ "order.*", "order.", 0 },
		{ "order.*", "orders.created", 0 },
		{ "order.*", "user.order.created", 0 },
		{ "order.item.*", "order.item.added", 1 },
		{ "order.item.*", "order.created", 0 },
		{ "user.created", "user.created", 1 },
		{ "user.created", "user.created.v2", 0 },
		{ "user.created", "user.create", 0 },
	};
	struct endpoint ep;
	char err[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(endpoint_pattern_match(cases[i].pattern,
		    cases[i].type) == cases[i].match, "'%s' %s '%s'",
		    cases[i].pattern, cases[i].match ? "matches" :
		    "does not match", cases[i].type);

	parse(&ep, "url http://h/\nevents order.* user.created\n", err,
	    sizeof(err));
	CHECK(endpoint_subscribes(&ep, "order.paid") &&
	    endpoint_subscribes(&ep, "user.created") &&
	    !endpoint_subscribes(&ep, "user.deleted"),
	    "an endpoint subscribes to a type any of its patterns match");
	endpoint_free(&ep);
}

static void
test_urls(void)
{
	static const char *const good[] = {
		"http://example.com",
		"https://example.com/",
		"HTTPS://EXAMPLE.COM/Hooks",
		"https://example.com:443/a/b?c=d&e=f",
		"http://localhost:8080/hook",
		"http://127.0.0.1/",
		"http://[::1]:9000/x",
		"http://[2001:db8::7]/",
		"https://a-b.c_d.example./p%20q",
		"https://x.io/~user/;p=1,2/@me:here!$'()*+",
		"http://h:1/", "http://h:65535/",
	};
	static const struct {
		const char *url, *why;
	} bad[] = {
		{ "", "empty" },
		{ "example.com/hooks", "must start with http:// or https://" },
		{ "ftp://example.com/", "must start with" },
		{ "http:/example.com/", "must start with" },
		{ "http://", "no host" },
		{ "http:///path", "no host" },
		{ "http://:80/", "no host" },
		{ "http://user@example.com/", "user name or password" },
		{ "http://u:p@example.com/", "user name or password" },
		{ "http://exa mple.com/", "white space" },
		{ "http://example.com/a b", "white space" },
		{ "http://example.com/\r\nX: y", "control character" },
		{ "http://example.com/\t", "white space" },
		{ "http://example.com/\x7f", "control character" },
		{ "http://ex\xc3\xa9.com/", "non-ASCII" },
		{ "http://example.com:0/", "1 to 65535" },
		{ "http://example.com:65536/", "1 to 65535" },
		{ "http://example.com:123456/", "1 to 65535" },
		{ "http://example.com:/", "empty port" },
		{ "http://example.com:http/", "not a number" },
		{ "http://[::1/", "without ']'" },
		{ "http://[::g]/", "IPv6" },
		{ "http://[fe80::1%25eth0]/", "zone" },
		{ "http://[::1]x/", "after the IPv6" },
		{ "http://1.2.3/", "IPv4" },
		{ "http://256.1.1.1/", "IPv4" },
		{ "http://a..b/", "empty label" },
		{ "http://-a.com/", "starting with '-'" },
		{ "http://a-.com/", "ending in '-'" },
		{ "http://ex%41mple.com/", "host name" },
		{ "http://example.com\\@evil.com/", "user name" },
		{ "http://example.com/a\\b", "percent-encoded" },
		{ "http://example.com/<script>", "percent-encoded" },
		{ "http://example.com/%zz", "two hex digits" },
		{ "http://example.com/#top", "fragment" },
	};
	char err[256], long_url[2100];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err[0] = '\0';
		CHECK(endpoint_valid_url(good[i], err, sizeof(err)) == 0,
		    "url '%s' is valid %s", good[i], err);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK(endpoint_valid_url(bad[i].url, err, sizeof(err)) < 0 &&
		    strstr(err, bad[i].why) != NULL, "url #%zu is refused "
		    "because of '%s' (said: %s)", i + 1, bad[i].why, err);
	}

	memset(long_url, 'a', sizeof(long_url) - 1);
	long_url[sizeof(long_url) - 1] = '\0';
	memcpy(long_url, "http://h/", 9);
	CHECK(endpoint_valid_url(long_url, err, sizeof(err)) < 0 &&
	    strstr(err, "longer than 2048"), "a url over 2048 bytes is "
	    "refused");
}

static void
test_headers(void)
{
	static const char *const good[] = {
		"X-Env: prod",
		"X-Env:prod",
		"Authorization: Bearer abc.def",
		"X-Empty:",
		"X-Tab: a\tb",
		"x!#$%&'*+-.^_`|~y: token chars",
		"X-Utf8: caf\xc3\xa9",
	};
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ "X-Env prod", "'Name: value'" },
		{ ": value", "empty name" },
		{ "X Env: prod", "not allowed in a name" },
		{ "X(Env): prod", "not allowed in a name" },
		{ "X-Env: a\r\nX-Evil: b", "line break" },
		{ "X-Env: a\nb", "line break" },
		{ "X-Env: a\x01", "control character" },
		{ "X-Env: a\x7f", "control character" },
		{ "X-Env: trailing ", "ends with white space" },
		{ "Content-Length: 5", "set by the sender" },
		{ "host: evil", "set by the sender" },
		{ "Transfer-Encoding: chunked", "set by the sender" },
	};
	char err[256], *huge;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err[0] = '\0';
		CHECK(endpoint_valid_header(good[i], err, sizeof(err)) == 0,
		    "header #%zu is valid %s", i + 1, err);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK(endpoint_valid_header(bad[i].line, err,
		    sizeof(err)) < 0 && strstr(err, bad[i].why) != NULL,
		    "header #%zu is refused because of '%s' (said: %s)",
		    i + 1, bad[i].why, err);
	}

	huge = malloc(9000);
	if (huge == NULL)
		return;
	memset(huge, 'v', 8999);
	huge[8999] = '\0';
	memcpy(huge, "X-Big: ", 7);
	CHECK(endpoint_valid_header(huge, err, sizeof(err)) < 0 &&
	    strstr(err, "longer than"), "a header over 8 KiB is refused");
	free(huge);
}

static void
test_secrets_format(void)
{
	char err[256];

	CHECK(endpoint_valid_secret(SCHEME_STANDARD,
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", err, sizeof(err)) == 0,
	    "a whsec_ secret of 24 bytes suits scheme standard");
	CHECK(endpoint_valid_secret(SCHEME_STANDARD, "whsec_c2hvcnQ=", err,
	    sizeof(err)) < 0, "a whsec_ secret of 5 bytes is too short");
	CHECK(endpoint_valid_secret(SCHEME_STANDARD, "hunter2", err,
	    sizeof(err)) < 0, "scheme standard needs the whsec_ prefix");
	CHECK(endpoint_valid_secret(SCHEME_STANDARD_V1A, "whsec_MfKQ9r8GKYqr"
	    "TwjUPD8ILPZIo2LaLaSw", err, sizeof(err)) < 0 &&
	    strstr(err, "whsk_"), "scheme standard-v1a asks for a whsk_ key");
	CHECK(endpoint_valid_secret(SCHEME_STANDARD_V1A, "whsk_AAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", err, sizeof(err)) == 0,
	    "a whsk_ key of 32 bytes suits standard-v1a");
	CHECK(endpoint_valid_secret(SCHEME_GITHUB, "any-word_42", err,
	    sizeof(err)) == 0, "github takes any printable word");
	CHECK(endpoint_valid_secret(SCHEME_GITHUB, "two words", err,
	    sizeof(err)) < 0, "a secret has no spaces");
	CHECK(endpoint_valid_secret(SCHEME_STRIPE, "", err, sizeof(err)) < 0,
	    "a secret is not empty");
}

static void
test_durations(void)
{
	static const struct {
		int64_t ms;
		const char *text;
	} cases[] = {
		{ 0, "0" }, { 1500, "1500ms" }, { 30000, "30s" },
		{ 90000, "90s" }, { 300000, "5m" }, { 7200000, "2h" },
		{ 3 * 86400000LL, "3d" }, { 7 * 86400000LL, "7d" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		endpoint_format_duration(cases[i].ms, buf, sizeof(buf));
		CHECK_STR(buf, cases[i].text, "%lld ms is written '%s'",
		    (long long)cases[i].ms, cases[i].text);
	}
}

static void
test_files(void)
{
	char dir[] = "/tmp/t-endpoint.XXXXXX", err[256], reason[64];
	struct endpoint_secret in[2] = {
		{ "whsec_new", 0 }, { "whsec_old", 1900000000 },
	};
	struct endpoint_secret *out = NULL;
	struct endpoint ep, back;
	struct spool sp;
	struct stat st;
	char **names = NULL;
	size_t n = 0;
	int fd, ok;

	if (mkdtemp(dir) == NULL || spool_open(&sp, dir, 1) < 0) {
		CHECK(0, "a scratch spool opens");
		return;
	}
	umask(0);

	parse(&ep, full_text, err, sizeof(err));
	ok = endpoint_create(&sp, &ep) == 0;
	CHECK(ok, "endpoint_create writes endpoints/NAME");
	ok = fstatat(sp.fd, "endpoints/shop", &st, 0) == 0 &&
	    (st.st_mode & 0777) == 0600;
	CHECK(ok, "the configuration is 0600 even under umask 0");
	ok = endpoint_create(&sp, &ep) < 0 && errno == EEXIST;
	CHECK(ok, "endpoint_create refuses to replace an existing endpoint");
	ok = endpoint_load(&sp, "shop", &back, err, sizeof(err)) == 0 &&
	    same_endpoint(&ep, &back);
	CHECK(ok, "what is saved loads back the same");
	endpoint_free(&back);
	ok = endpoint_load(&sp, "nope", &back, err, sizeof(err)) < 0 &&
	    errno == ENOENT;
	CHECK(ok, "loading an unknown endpoint fails with ENOENT");
	ok = endpoint_load(&sp, "../x", &back, err, sizeof(err)) < 0 &&
	    errno == EINVAL;
	CHECK(ok, "a name with a slash is refused");
	endpoint_free(&back);

	ok = endpoint_save_secrets(&sp, "shop", in, 2) == 0 &&
	    fstatat(sp.fd, "secrets/shop", &st, 0) == 0 &&
	    (st.st_mode & 0777) == 0600;
	CHECK(ok, "secrets are written 0600");
	ok = endpoint_load_secrets(&sp, "shop", &out, &n) == 0 && n == 2 &&
	    strcmp(out[0].value, "whsec_new") == 0 && out[0].expires == 0 &&
	    out[1].expires == 1900000000;
	CHECK(ok, "secrets load back in order with their expiry");
	endpoint_free_secrets(out, n);
	ok = fchmodat(sp.fd, "secrets/shop", 0640, 0) == 0 &&
	    endpoint_load_secrets(&sp, "shop", &out, &n) < 0 &&
	    errno == EPERM;
	CHECK(ok, "a group-readable secrets file is refused with EPERM");
	fd = openat(sp.fd, "secrets/bad", O_WRONLY | O_CREAT, 0600);
	if (fd >= 0) {
		(void)!write(fd, "s expires=soon\n", 15);
		close(fd);
	}
	ok = endpoint_load_secrets(&sp, "bad", &out, &n) < 0 &&
	    errno == EINVAL;
	CHECK(ok, "a bad secrets line is refused with EINVAL");

	ok = endpoint_disabled(&sp, "shop", reason, sizeof(reason)) == 0;
	CHECK(ok,
	    "a new endpoint is not disabled");
	ok = endpoint_set_disabled(&sp, "shop", "receiver gone") == 0 &&
	    endpoint_disabled(&sp, "shop", reason, sizeof(reason)) == 1 &&
	    strcmp(reason, "receiver gone") == 0;
	CHECK(ok, "disabling records the reason");
	ok = endpoint_set_disabled(&sp, "shop", "two\nlines") < 0 &&
	    errno == EINVAL;
	CHECK(ok, "a reason of two lines is refused");
	fd = openat(sp.fd, "state/shop/breaker", O_WRONLY | O_CREAT, 0600);
	if (fd >= 0)
		close(fd);
	ok = endpoint_clear_state(&sp, "shop") == 0 &&
	    endpoint_disabled(&sp, "shop", reason, sizeof(reason)) == 0 &&
	    faccessat(sp.fd, "state/shop/breaker", F_OK, 0) < 0;
	CHECK(ok,
	    "clearing state removes the disabled mark and breaker files");

	endpoint_init(&back, "a-first");
	endpoint_set(&back, "url", "http://h/", err, sizeof(err));
	endpoint_save(&sp, &back);
	endpoint_free(&back);
	ok = endpoint_list(&sp, &names, &n) == 0 && n == 2 &&
	    strcmp(names[0], "a-first") == 0 && strcmp(names[1], "shop") == 0;
	CHECK(ok,
	    "endpoint_list gives the names sorted");
	endpoint_free_names(names, n);

	ok = endpoint_remove(&sp, "shop") == 0 &&
	    faccessat(sp.fd, "endpoints/shop", F_OK, 0) < 0 &&
	    faccessat(sp.fd, "secrets/shop", F_OK, 0) < 0 &&
	    faccessat(sp.fd, "state/shop", F_OK, 0) < 0;
	CHECK(ok,
	    "removing deletes configuration, secrets and state");
	ok = endpoint_remove(&sp, "shop") < 0 && errno == ENOENT;
	CHECK(ok,
	    "removing an unknown endpoint fails with ENOENT");

	endpoint_free(&ep);
	spool_close(&sp);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		(void)!system(cmd);
	}
}

int
main(void)
{
	test_defaults();
	test_full();
	test_round_trip();
	test_parse_errors();
	test_patterns();
	test_urls();
	test_headers();
	test_secrets_format();
	test_durations();
	test_files();
	return unit_done();
}
