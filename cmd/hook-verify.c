/*
 * hook-verify - is this webhook request genuine?
 *
 * Reads a request (headers from -H or a file and the body from stdin, a
 * whole raw HTTP request, or a CGI environment), checks its signature
 * under one scheme, its timestamp and, with --seen, that its id is new;
 * optionally keeps it in a spool's inbox/ and prints the body.  The exit
 * status (or, under CGI, the HTTP status) says which.
 */
static const char usage_text[] =
"usage: hook-verify -s SCHEME [secret options] [input options] [options]\n"
"       hook-verify --selftest\n"
"schemes: standard (Standard Webhooks v1/v1a, svix), stripe, github,\n"
"         github-sha1, slack, shopify, hmac\n"
"secrets (never on the command line; any one matching is enough):\n"
"  -S, --secret-file FILE   one secret per line; must be mode 0600 or less\n"
"      --secret-fd N        one secret per line, read from descriptor N\n"
"      --secret-env NAME    blank-separated secrets in $NAME\n"
"                           (default: $HOOK_SECRET)\n"
"input:\n"
"  -H, --header 'Name: value'  a header field (repeatable)\n"
"      --headers FILE       header lines from FILE\n"
"  -b, --body FILE          the body from FILE instead of stdin\n"
"      --http               a whole raw HTTP request on stdin (or -b)\n"
"      --cgi                a CGI request; answer with a CGI status\n"
"      --allow CIDR[,...]   under --cgi, client networks let in\n"
"checks and output:\n"
"  -t, --tolerance DUR      timestamp tolerance each way (default 5m)\n"
"      --now TIME           check as if it were TIME (tests)\n"
"      --seen DIR           refuse an id already accepted (replay)\n"
"      --replay-window DUR  how long an id is remembered (default 2x -t)\n"
"      --spool DIR          keep the accepted request in DIR/inbox/\n"
"  -p, --print              print the body when the request is genuine\n"
"  -e, --explain            on failure, say why and what would match\n"
"  -q, --quiet              no diagnostic on failure\n"
"  -v, --verbose            one line on success too\n"
"      --max-body SIZE      (default 1M)\n"
"      --max-headers N      (default 100)\n"
"      --max-header-bytes SIZE (default 64k)\n"
"generic hmac scheme:\n"
"      --sig-header NAME --alg sha1|sha256|sha512 --encoding hex|base64\n"
"      --prefix TEXT --content TEMPLATE ({body} {timestamp} {id})\n"
"      --timestamp-header NAME --id-header NAME\n";

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "cidr.h"
#include "exits.h"
#include "hmac.h"
#include "httpreq.h"
#include "message.h"
#include "sign.h"
#include "spool.h"
#include "util.h"
#include "verify.h"

extern char **environ;

#define MAX_KEYS 16
#define MAX_NETS 64
#define SECRET_FILE_MAX 65536

enum input { INPUT_PLAIN, INPUT_HTTP, INPUT_CGI };

struct opts {
	struct verify_config cfg;
	struct sign_key keys[MAX_KEYS];
	struct httpreq_limits limits;
	struct cidr nets[MAX_NETS];
	size_t nnets;
	enum input input;
	const char *body_file;
	const char *seen_dir;
	const char *spool_dir;
	int64_t window_ms;
	int have_scheme, print, explain, quiet, verbose;
	const char *secret_files[MAX_KEYS], *secret_envs[MAX_KEYS];
	int secret_fds[MAX_KEYS];
	size_t nfiles, nenvs, nfds;
	const char *header_lines[256], *header_files[16];
	size_t nlines, nhfiles;
};

/* The CGI answer for each outcome; only used under --cgi. */
static void
cgi_answer(int status)
{
	const char *text;

	switch (status) {
	case 204: text = "No Content"; break;
	case 400: text = "Bad Request"; break;
	case 401: text = "Unauthorized"; break;
	case 403: text = "Forbidden"; break;
	case 405: text = "Method Not Allowed"; break;
	case 413: text = "Content Too Large"; break;
	case 431: text = "Request Header Fields Too Large"; break;
	case 500: text = "Internal Server Error"; break;
	default: status = 503; text = "Service Unavailable"; break;
	}
	if (status == 204)
		printf("Status: 204 No Content\r\n\r\n");
	else
		printf("Status: %d %s\r\nContent-Type: text/plain\r\n\r\n"
		    "%s\n", status, text, text);
	fflush(stdout);
}

static int
add_keys(struct opts *o, const char *what, const char *text, size_t len,
    const char *seps)
{
	size_t nkeys = o->cfg.nkeys;

	while (len > 0) {
		size_t n = 0;

		while (n < len && !strchr(seps, text[n]))
			n++;
		if (n > 0 && text[0] != '#') {
			if (nkeys == MAX_KEYS) {
				util_warnx("too many secrets in %s (at most %d)",
				    what, MAX_KEYS);
				return HOOK_USAGE;
			}
			if (sign_key_parse(text, n, &o->keys[nkeys]) < 0) {
				util_warnx("bad secret in %s: %s", what,
				    errno == ERANGE ? "too long" :
				    "a whsk_ or whpk_ key whose base64 or "
				    "length is wrong");
				return HOOK_USAGE;
			}
			nkeys++;
		}
		text += n;
		len -= n;
		if (len > 0) {
			text++;
			len--;
		}
	}
	o->cfg.nkeys = nkeys;
	o->cfg.keys = o->keys;
	return HOOK_OK;
}

/* Read secrets from an open file, refusing one others could read. */
static int
secrets_from_fd(struct opts *o, int fd, const char *what, int is_file)
{
	struct stat st;
	char *buf;
	size_t len;
	int rc;

	if (fstat(fd, &st) < 0) {
		util_warn("cannot stat '%s'", what);
		return HOOK_IOERR;
	}
	if (is_file && (st.st_mode & (S_IRGRP | S_IROTH))) {
		util_warnx("refusing secret file '%s': readable by group or "
		    "others (chmod 600 it)", what);
		return HOOK_USAGE;
	}
	if (util_read_all(fd, SECRET_FILE_MAX, &buf, &len) < 0) {
		util_warn("cannot read '%s'", what);
		return hook_exit_for_errno(errno);
	}
	rc = add_keys(o, what, buf, len, "\n");
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}

static int
load_secrets(struct opts *o)
{
	char what[64];
	int rc = HOOK_OK;

	for (size_t i = 0; rc == HOOK_OK && i < o->nfiles; i++) {
		int fd = open(o->secret_files[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			util_warn("cannot open '%s'", o->secret_files[i]);
			return hook_exit_for_errno(errno) == HOOK_TEMPFAIL ?
			    HOOK_TEMPFAIL : HOOK_IOERR;
		}
		rc = secrets_from_fd(o, fd, o->secret_files[i], 1);
		close(fd);
	}
	for (size_t i = 0; rc == HOOK_OK && i < o->nfds; i++) {
		snprintf(what, sizeof(what), "descriptor %d", o->secret_fds[i]);
		rc = secrets_from_fd(o, o->secret_fds[i], what, 0);
	}
	if (o->nfiles == 0 && o->nfds == 0 && o->nenvs == 0)
		o->secret_envs[o->nenvs++] = "HOOK_SECRET";
	for (size_t i = 0; rc == HOOK_OK && i < o->nenvs; i++) {
		const char *v = getenv(o->secret_envs[i]);

		snprintf(what, sizeof(what), "$%s", o->secret_envs[i]);
		if (v == NULL || *v == '\0')
			continue;
		rc = add_keys(o, what, v, strlen(v), " \t\n");
	}
	if (rc == HOOK_OK && o->cfg.nkeys == 0) {
		util_warnx("no secret: give --secret-file, --secret-fd or "
		    "--secret-env, or set HOOK_SECRET");
		return HOOK_USAGE;
	}
	return rc;
}

static int
httpreq_status(int err)
{
	switch (err) {
	case HTTPREQ_NOMEM:
		return HOOK_TEMPFAIL;
	default:
		return HOOK_DATAERR;
	}
}

static int
read_fd_all(const char *path, int fd, size_t max, char **buf, size_t *len)
{
	if (util_read_all(fd, max, buf, len) == 0)
		return HOOK_OK;
	if (errno == EFBIG)
		util_warnx("body too large: more than %zu bytes in '%s'", max,
		    path);
	else
		util_warn("cannot read '%s'", path);
	return hook_exit_for_errno(errno);
}

static int
read_file(const char *path, size_t max, char **buf, size_t *len)
{
	int fd, rc;

	if (path == NULL || strcmp(path, "-") == 0)
		return read_fd_all("stdin", 0, max, buf, len);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		util_warn("cannot open '%s'", path);
		return hook_exit_for_errno(errno) == HOOK_TEMPFAIL ?
		    HOOK_TEMPFAIL : HOOK_IOERR;
	}
	rc = read_fd_all(path, fd, max, buf, len);
	close(fd);
	return rc;
}

static int
req_error(const char *where, int err)
{
	util_warnx("%s: %s", where, httpreq_strerror(err));
	return httpreq_status(err);
}

/* Headers from -H and --headers, the body from -b or stdin. */
static int
read_plain(struct opts *o, struct httpreq *req)
{
	char *buf;
	size_t len;
	int rc;

	for (size_t i = 0; i < o->nlines; i++) {
		rc = httpreq_add_line(req, o->header_lines[i],
		    strlen(o->header_lines[i]));
		if (rc != HTTPREQ_OK)
			return req_error("bad -H header", rc);
	}
	for (size_t i = 0; i < o->nhfiles; i++) {
		rc = read_file(o->header_files[i],
		    o->limits.max_header_bytes * 2 + 4096, &buf, &len);
		if (rc != HOOK_OK)
			return rc;
		rc = httpreq_parse_lines(req, buf, len);
		free(buf);
		if (rc != HTTPREQ_OK) {
			char where[512];

			snprintf(where, sizeof(where), "bad header file '%s'",
			    o->header_files[i]);
			return req_error(where, rc);
		}
	}
	rc = read_file(o->body_file, o->limits.max_body, &buf, &len);
	if (rc != HOOK_OK)
		return rc;
	httpreq_set_body(req, buf, len);
	return HOOK_OK;
}

static int
read_http(struct opts *o, struct httpreq *req)
{
	size_t max = o->limits.max_body + o->limits.max_header_bytes * 2 +
	    16384, len;
	char *buf;
	int rc;

	rc = read_file(o->body_file, max, &buf, &len);
	if (rc != HOOK_OK)
		return rc;
	rc = httpreq_parse_http(req, buf, len);
	free(buf);
	if (rc != HTTPREQ_OK)
		return req_error("bad HTTP request", rc);
	return HOOK_OK;
}

/* The CGI body: CONTENT_LENGTH bytes of stdin (all of it if unset). */
static int
read_cgi_body(struct opts *o, struct httpreq *req, int *httperr)
{
	char *buf;
	size_t len;
	int rc;

	rc = read_fd_all("stdin", 0, o->limits.max_body, &buf, &len);
	if (rc != HOOK_OK) {
		if (errno == EFBIG)
			*httperr = HTTPREQ_BODY_TOO_BIG;
		return rc;
	}
	if (req->has_content_length) {
		if (len < req->content_length) {
			free(buf);
			util_warnx("bad CGI request: body shorter than "
			    "CONTENT_LENGTH");
			return HOOK_DATAERR;
		}
		len = req->content_length;
		buf[len] = '\0';
	}
	httpreq_set_body(req, buf, len);
	return HOOK_OK;
}

/* The CGI status for a failure before or outside verification. */
static int
cgi_status_for(int rc, int httpreq_err)
{
	if (httpreq_err == HTTPREQ_BODY_TOO_BIG)
		return 413;
	if (httpreq_err == HTTPREQ_HEADERS_TOO_BIG ||
	    httpreq_err == HTTPREQ_TOO_MANY_HEADERS)
		return 431;
	if (rc == HOOK_DATAERR)
		return 400;
	if (rc == HOOK_USAGE || rc == HOOK_IOERR || rc == HOOK_INTERNAL)
		return 500;
	return 503;
}

/* What the accepted request is called as an event in the spool. */
static const char *
event_name(const struct httpreq *req)
{
	static const char *const headers[] = {
		"X-GitHub-Event", "X-Shopify-Topic", "webhook-event",
	};

	for (size_t i = 0; i < sizeof(headers) / sizeof(*headers); i++) {
		const char *v = httpreq_get(req, headers[i], NULL);

		if (v && message_valid_event(v))
			return v;
	}
	return "webhook";
}

/*
 * Keep the accepted request as a message in the spool's inbox/: every
 * header as received, the exact body, and how it was judged.  Durable
 * (file and directory fsynced) before this returns.
 */
static int
store(const struct opts *o, const struct httpreq *req,
    const struct verify_outcome *vo, int64_t received_ms)
{
	struct spool sp;
	struct spool_name sn;
	struct message m;
	const char **hdrs = NULL, *meta[8];
	char id[SPOOL_ID_MAX + 1], name[SPOOL_NAME_MAX + 1];
	char metabuf[8][320];
	char *bytes = NULL;
	size_t len, nmeta = 0;
	int rc = -1, err;

	if (spool_open(&sp, o->spool_dir, 1) < 0) {
		util_warn("cannot open spool '%s'",
		    o->spool_dir ? o->spool_dir : "(default)");
		return hook_exit_for_errno(errno);
	}
	memset(&m, 0, sizeof(m));
	if (spool_new_id(id, sizeof(id), received_ms) < 0)
		goto out;
	hdrs = calloc(req->nheaders + 1, sizeof(*hdrs));
	if (hdrs == NULL)
		goto out;
	for (size_t i = 0; i < req->nheaders; i++) {
		char *line;

		if (asprintf(&line, "%s: %s", req->headers[i].name,
		    req->headers[i].value) < 0)
			goto out;
		hdrs[m.nheaders++] = line;
	}

#define META(...) (snprintf(metabuf[nmeta], sizeof(metabuf[0]), __VA_ARGS__), \
	meta[nmeta] = metabuf[nmeta], nmeta++)
	META("received %" PRId64, received_ms);
	META("scheme %s", verify_scheme_name(o->cfg.scheme));
	META("verdict valid %s", vo->signature ? vo->signature : "");
	if (vo->has_timestamp)
		META("timestamp %" PRId64, vo->timestamp);
	if (vo->id && strlen(vo->id) < 256 && !strpbrk(vo->id, "\r\n"))
		META("webhook-id %s", vo->id);
	if (req->remote_addr && strlen(req->remote_addr) < 64)
		META("remote-addr %s", req->remote_addr);
#undef META

	m.id = id;
	m.created_ms = received_ms;
	m.event = event_name(req);
	m.url = req->target && *req->target ? req->target : "-";
	m.content_type = httpreq_get(req, "Content-Type", NULL);
	if (m.content_type == NULL)
		m.content_type = "application/octet-stream";
	m.headers = hdrs;
	m.meta = meta;
	m.nmeta = nmeta;
	m.body = (const unsigned char *)(req->body ? req->body : "");
	m.body_len = req->body_len;
	if (message_encode(&m, &bytes, &len) < 0)
		goto out;

	sn = (struct spool_name){ .attempts = 0, .time = received_ms / 1000 };
	snprintf(sn.id, sizeof(sn.id), "%s", id);
	if (spool_format_name(name, sizeof(name), &sn) < 0)
		goto out;
	rc = spool_commit(&sp, "inbox", name, bytes, len, 1);
out:
	err = errno;
	if (rc < 0)
		util_warn("cannot store the request in '%s/inbox'", sp.path);
	for (size_t i = 0; i < m.nheaders; i++)
		free((char *)hdrs[i]);
	free(hdrs);
	free(bytes);
	spool_close(&sp);
	errno = err;
	return rc < 0 ? hook_exit_for_errno(err) : HOOK_OK;
}

/*
 * Known answers compiled in, so that a user can check a build: the
 * published examples of Standard Webhooks, GitHub and Slack, and values
 * computed with openssl for the rest.
 */
static const struct selftest {
	const char *what;
	enum verify_scheme scheme;
	const char *secret;
	int64_t now;
	const char *headers[3];
	const char *body;
} selftests[] = {
	{ "Standard Webhooks v1 reference vector", VERIFY_STANDARD,
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1614265330,
	    { "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
	      "webhook-timestamp: 1614265330",
	      "webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" },
	    "{\"test\": 2432232314}" },
	{ "Standard Webhooks v1a (RFC 8032 key 1)", VERIFY_STANDARD,
	    "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", 1614265330,
	    { "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
	      "webhook-timestamp: 1614265330",
	      "webhook-signature: v1a,fldxM4gAKugP6nnt1hdz3sgGfZ6d99nzrMFnZOELIxbzEHoVmAb2ADpkJK7zgPePmPsle0zV9jSeGlHFG2NVAw==" },
	    "{\"test\": 2432232314}" },
	{ "GitHub documented example", VERIFY_GITHUB,
	    "It's a Secret to Everybody", 0,
	    { "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" },
	    "Hello, World!" },
	{ "Slack documented example", VERIFY_SLACK,
	    "8f742231b10e8888abcd99yyyzzz85a5", 1531420618,
	    { "X-Slack-Request-Timestamp: 1531420618",
	      "X-Slack-Signature: v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503" },
	    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain="
	    "testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id="
	    "U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
	    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2J"
	    "H3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738"
	    "663015.47445629121.803a0bc887a14d10d2c447fce8b6703c" },
	{ "Stripe (computed with openssl)", VERIFY_STRIPE,
	    "whsec_test_secret", 1700000000,
	    { "Stripe-Signature: t=1700000000,v1=13941114bb88ac44a76abcfddea5b92aa6182a4b63d8be3aae908a616083bd7e" },
	    "{\"id\":\"evt_test\"}" },
	{ "Shopify (computed with openssl)", VERIFY_SHOPIFY, "hush", 0,
	    { "X-Shopify-Hmac-Sha256: VnKUjZsLuN5iZWjn5EntcBVCF9kMN43LglzCE1/GSeY=" },
	    "{\"id\":1}" },
};

static int
run_selftest(void)
{
	static const struct httpreq_limits lim = { 16, 4096, 4096 };
	size_t n = sizeof(selftests) / sizeof(*selftests), failed = 0;

	for (size_t i = 0; i < n; i++) {
		const struct selftest *t = &selftests[i];
		struct verify_config cfg = { .scheme = t->scheme };
		struct verify_outcome out;
		struct sign_key key;
		struct httpreq req;
		enum verify_result r;
		char *body = strdup(t->body);

		httpreq_init(&req, &lim);
		for (size_t h = 0; h < 3 && t->headers[h]; h++)
			httpreq_add_line(&req, t->headers[h],
			    strlen(t->headers[h]));
		if (body)
			httpreq_set_body(&req, body, strlen(body));
		sign_key_parse(t->secret, strlen(t->secret), &key);
		cfg.keys = &key;
		cfg.nkeys = 1;
		cfg.now_ms = t->now * 1000;
		cfg.tolerance_ms = 300000;
		r = verify_request(&cfg, &req, &out);
		if (r == VERIFY_OK) {
			/* The same request with one body byte changed. */
			req.body[0] ^= 1;
			r = verify_request(&cfg, &req, &out) == VERIFY_BAD ?
			    VERIFY_OK : VERIFY_ERROR;
			if (r != VERIFY_OK)
				snprintf(out.reason, sizeof(out.reason),
				    "a changed body was accepted");
		}
		printf("%s %zu - %s%s%s\n", r == VERIFY_OK ? "ok" : "not ok",
		    i + 1, t->what, r == VERIFY_OK ? "" : ": ",
		    r == VERIFY_OK ? "" : out.reason);
		failed += r != VERIFY_OK;
		httpreq_free(&req);
		sign_key_wipe(&key);
	}
	printf("1..%zu\n", n);
	if (failed)
		util_warnx("selftest: %zu of %zu known answers failed",
		    failed, n);
	return failed ? HOOK_INTERNAL : HOOK_OK;
}

enum {
	OPT_SECRET_FD = 256, OPT_SECRET_ENV, OPT_HEADERS, OPT_HTTP, OPT_CGI,
	OPT_ALLOW, OPT_NOW, OPT_SEEN, OPT_WINDOW, OPT_SPOOL, OPT_MAX_BODY,
	OPT_MAX_HEADERS, OPT_MAX_HEADER_BYTES, OPT_SIG_HEADER, OPT_ALG,
	OPT_ENCODING, OPT_PREFIX, OPT_CONTENT, OPT_TS_HEADER, OPT_ID_HEADER,
	OPT_SELFTEST,
};

static const struct option longopts[] = {
	{ "scheme", required_argument, NULL, 's' },
	{ "secret-file", required_argument, NULL, 'S' },
	{ "secret-fd", required_argument, NULL, OPT_SECRET_FD },
	{ "secret-env", required_argument, NULL, OPT_SECRET_ENV },
	{ "header", required_argument, NULL, 'H' },
	{ "headers", required_argument, NULL, OPT_HEADERS },
	{ "body", required_argument, NULL, 'b' },
	{ "http", no_argument, NULL, OPT_HTTP },
	{ "cgi", no_argument, NULL, OPT_CGI },
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "tolerance", required_argument, NULL, 't' },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "seen", required_argument, NULL, OPT_SEEN },
	{ "replay-window", required_argument, NULL, OPT_WINDOW },
	{ "spool", required_argument, NULL, OPT_SPOOL },
	{ "print", no_argument, NULL, 'p' },
	{ "explain", no_argument, NULL, 'e' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "max-body", required_argument, NULL, OPT_MAX_BODY },
	{ "max-headers", required_argument, NULL, OPT_MAX_HEADERS },
	{ "max-header-bytes", required_argument, NULL, OPT_MAX_HEADER_BYTES },
	{ "sig-header", required_argument, NULL, OPT_SIG_HEADER },
	{ "alg", required_argument, NULL, OPT_ALG },
	{ "encoding", required_argument, NULL, OPT_ENCODING },
	{ "prefix", required_argument, NULL, OPT_PREFIX },
	{ "content", required_argument, NULL, OPT_CONTENT },
	{ "timestamp-header", required_argument, NULL, OPT_TS_HEADER },
	{ "id-header", required_argument, NULL, OPT_ID_HEADER },
	{ "selftest", no_argument, NULL, OPT_SELFTEST },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
bad_value(const char *opt, const char *value)
{
	util_warnx("bad %s '%s'", opt, value);
	return HOOK_USAGE;
}

static int
parse_count(const char *s, size_t *n)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v == 0 || v > 100000)
		return -1;
	*n = v;
	return 0;
}

static int
parse_options(int argc, char **argv, struct opts *o, int *selftest)
{
	int64_t ms;
	size_t n;
	int c;

	while ((c = getopt_long(argc, argv, "s:S:H:b:t:peqvh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 's':
			if (verify_scheme_parse(optarg, &o->cfg.scheme) < 0)
				return bad_value("scheme", optarg);
			o->have_scheme = 1;
			break;
		case 'S':
			if (o->nfiles == MAX_KEYS)
				return bad_value("--secret-file", optarg);
			o->secret_files[o->nfiles++] = optarg;
			break;
		case OPT_SECRET_FD:
			if (o->nfds == MAX_KEYS || parse_count(optarg, &n) < 0 ||
			    n > 1024)
				return bad_value("--secret-fd", optarg);
			o->secret_fds[o->nfds++] = (int)n;
			break;
		case OPT_SECRET_ENV:
			if (o->nenvs == MAX_KEYS)
				return bad_value("--secret-env", optarg);
			o->secret_envs[o->nenvs++] = optarg;
			break;
		case 'H':
			if (o->nlines == 256)
				return bad_value("-H (too many)", optarg);
			o->header_lines[o->nlines++] = optarg;
			break;
		case OPT_HEADERS:
			if (o->nhfiles == 16)
				return bad_value("--headers", optarg);
			o->header_files[o->nhfiles++] = optarg;
			break;
		case 'b':
			o->body_file = optarg;
			break;
		case OPT_HTTP:
			o->input = INPUT_HTTP;
			break;
		case OPT_CGI:
			o->input = INPUT_CGI;
			break;
		case OPT_ALLOW:
			if (cidr_parse_list(optarg, o->nets + o->nnets,
			    MAX_NETS - o->nnets, &n) < 0)
				return bad_value("--allow network", optarg);
			o->nnets += n;
			break;
		case 't':
			if (util_parse_duration_ms(optarg,
			    &o->cfg.tolerance_ms) < 0)
				return bad_value("tolerance", optarg);
			break;
		case OPT_NOW:
			if (util_parse_time_ms(optarg, util_now_ms(), &ms) < 0)
				return bad_value("--now time", optarg);
			o->cfg.now_ms = ms;
			break;
		case OPT_SEEN:
			o->seen_dir = optarg;
			break;
		case OPT_WINDOW:
			if (util_parse_duration_ms(optarg, &o->window_ms) < 0)
				return bad_value("--replay-window", optarg);
			break;
		case OPT_SPOOL:
			o->spool_dir = optarg;
			break;
		case 'p':
			o->print = 1;
			break;
		case 'e':
			o->explain = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case OPT_MAX_BODY:
			if (util_parse_size(optarg, &o->limits.max_body) < 0)
				return bad_value("--max-body", optarg);
			break;
		case OPT_MAX_HEADERS:
			if (parse_count(optarg, &o->limits.max_headers) < 0)
				return bad_value("--max-headers", optarg);
			break;
		case OPT_MAX_HEADER_BYTES:
			if (util_parse_size(optarg,
			    &o->limits.max_header_bytes) < 0)
				return bad_value("--max-header-bytes", optarg);
			break;
		case OPT_SIG_HEADER:
			o->cfg.hmac.header = optarg;
			break;
		case OPT_ALG:
			if (sha_alg_parse(optarg, &o->cfg.hmac.alg) < 0)
				return bad_value("--alg", optarg);
			break;
		case OPT_ENCODING:
			if (strcmp(optarg, "hex") != 0 &&
			    strcmp(optarg, "base64") != 0)
				return bad_value("--encoding", optarg);
			o->cfg.hmac.base64 = strcmp(optarg, "base64") == 0;
			break;
		case OPT_PREFIX:
			o->cfg.hmac.prefix = optarg;
			break;
		case OPT_CONTENT:
			if (verify_template_valid(optarg) < 0)
				return bad_value("--content template", optarg);
			o->cfg.hmac.content = optarg;
			break;
		case OPT_TS_HEADER:
			o->cfg.hmac.timestamp_header = optarg;
			break;
		case OPT_ID_HEADER:
			o->cfg.hmac.id_header = optarg;
			break;
		case OPT_SELFTEST:
			*selftest = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(HOOK_OK);
		default:
			fputs(usage_text, stderr);
			return HOOK_USAGE;
		}
	}
	if (optind != argc) {
		util_warnx("unexpected argument '%s' (secrets are never given "
		    "as arguments)", argv[optind]);
		return HOOK_USAGE;
	}
	return HOOK_OK;
}

static int
check_options(struct opts *o)
{
	if (!o->have_scheme) {
		util_warnx("no scheme: give -s standard, stripe, github, "
		    "github-sha1, slack, shopify or hmac");
		return HOOK_USAGE;
	}
	if (o->cfg.scheme == VERIFY_HMAC && o->cfg.hmac.header == NULL) {
		util_warnx("the hmac scheme needs --sig-header");
		return HOOK_USAGE;
	}
	if (o->cfg.scheme != VERIFY_HMAC && (o->cfg.hmac.header ||
	    o->cfg.hmac.prefix || o->cfg.hmac.content ||
	    o->cfg.hmac.timestamp_header || o->cfg.hmac.id_header)) {
		util_warnx("--sig-header, --prefix, --content, "
		    "--timestamp-header and --id-header need -s hmac");
		return HOOK_USAGE;
	}
	if (o->input != INPUT_PLAIN && (o->nlines || o->nhfiles)) {
		util_warnx("-H and --headers read headers apart from the "
		    "body; --http and --cgi take them from the request");
		return HOOK_USAGE;
	}
	if (o->input == INPUT_CGI && o->body_file) {
		util_warnx("--cgi reads the body from stdin; -b is not used");
		return HOOK_USAGE;
	}
	if (o->nnets && o->input != INPUT_CGI) {
		util_warnx("--allow checks the CGI client address; it needs "
		    "--cgi");
		return HOOK_USAGE;
	}
	if (o->window_ms == 0)
		o->window_ms = 2 * o->cfg.tolerance_ms;
	return HOOK_OK;
}

static int
exit_for(enum verify_result r)
{
	switch (r) {
	case VERIFY_OK:
		return HOOK_OK;
	case VERIFY_BAD:
		return HOOK_NO;
	case VERIFY_STALE:
		return HOOK_STALE;
	case VERIFY_MALFORMED:
		return HOOK_DATAERR;
	case VERIFY_ERROR:
		break;
	}
	return errno == ENOMEM ? HOOK_TEMPFAIL : HOOK_INTERNAL;
}

static int
cgi_status(int rc)
{
	switch (rc) {
	case HOOK_OK:
	case HOOK_REPLAY:
		/*
		 * A replay is a retry of what was already accepted (its
		 * first answer was lost): not kept again, but acknowledged
		 * so that the sender stops retrying.
		 */
		return 204;
	case HOOK_NO:
	case HOOK_STALE:
		return 401;
	case HOOK_DATAERR:
		return 400;
	case HOOK_USAGE:
	case HOOK_IOERR:
	case HOOK_INTERNAL:
		return 500;
	default:
		return 503;
	}
}

static void
report(const struct opts *o, const struct httpreq *req,
    const struct verify_outcome *vo)
{
	static const char *const words[] = {
		"valid", "bad signature", "stale", "malformed", "cannot verify",
	};
	char hints[768];

	if (o->quiet)
		return;
	if (vo->result == VERIFY_OK) {
		if (o->verbose)
			util_warnx("valid %s signature (scheme %s%s%s)",
			    vo->signature, verify_scheme_name(o->cfg.scheme),
			    vo->id ? ", id " : "", vo->id ? vo->id : "");
		return;
	}
	hints[0] = '\0';
	if (o->explain)
		verify_hints(&o->cfg, req, vo, hints, sizeof(hints));
	util_warnx("%s: %s%s%s", words[vo->result], vo->reason,
	    hints[0] ? "; hint: " : "", hints);
}

/* Is the CGI client in an --allow network?  Before anything else. */
static int
allowed(const struct opts *o)
{
	const char *addr = getenv("REMOTE_ADDR");

	if (o->nnets == 0)
		return 1;
	if (addr == NULL || cidr_match_any(o->nets, o->nnets, addr) != 1) {
		if (!o->quiet)
			util_warnx("refusing client '%s': not in an --allow "
			    "network", addr ? addr : "(no REMOTE_ADDR)");
		return 0;
	}
	return 1;
}

static int
read_request(struct opts *o, struct httpreq *req, int *httperr)
{
	int rc;

	switch (o->input) {
	case INPUT_HTTP:
		return read_http(o, req);
	case INPUT_CGI:
		rc = httpreq_parse_cgi(req, environ);
		if (rc != HTTPREQ_OK) {
			*httperr = rc;
			return req_error("bad CGI request", rc);
		}
		if (req->method == NULL || strcmp(req->method, "POST") != 0) {
			util_warnx("bad CGI request: method '%s', not POST",
			    req->method ? req->method : "");
			*httperr = -405;
			return HOOK_DATAERR;
		}
		return read_cgi_body(o, req, httperr);
	default:
		return read_plain(o, req);
	}
}

/* After a valid signature: the replay check, then the spool. */
static int
keep(struct opts *o, const struct httpreq *req,
    const struct verify_outcome *vo)
{
	int seen, rc;

	if (o->seen_dir) {
		seen = verify_seen_claim(o->seen_dir, vo->replay_key,
		    o->cfg.now_ms, o->window_ms);
		if (seen < 0) {
			util_warn("cannot record the id in '%s'", o->seen_dir);
			return hook_exit_for_errno(errno);
		}
		if (seen > 0) {
			if (!o->quiet)
				util_warnx("replay: %s%s%s already accepted "
				    "within the last %" PRId64 "s; not kept "
				    "again", vo->id ? "id '" : "this request",
				    vo->id ? vo->id : "", vo->id ? "' was" :
				    " was", o->window_ms / 1000);
			return HOOK_REPLAY;
		}
	}
	if (o->spool_dir) {
		rc = store(o, req, vo, o->cfg.now_ms);
		if (rc != HOOK_OK) {
			/* Not kept, so a retry must not count as a replay. */
			if (o->seen_dir)
				verify_seen_release(o->seen_dir, vo->replay_key);
			return rc;
		}
	}
	return HOOK_OK;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct httpreq req;
	struct verify_outcome vo;
	int rc, selftest = 0, httperr = 0;

	util_setprogname(argv[0]);
	memset(&o, 0, sizeof(o));
	o.limits = (struct httpreq_limits){ 100, 64 * 1024, 1024 * 1024 };
	o.cfg.tolerance_ms = 5 * 60 * 1000;
	o.cfg.now_ms = util_now_ms();
	o.cfg.hmac.alg = SHA_256;

	rc = parse_options(argc, argv, &o, &selftest);
	if (rc == HOOK_OK && selftest)
		return run_selftest();
	if (rc == HOOK_OK)
		rc = check_options(&o);
	if (rc != HOOK_OK) {
		if (o.input == INPUT_CGI)
			cgi_answer(500);
		return rc;
	}
	if (o.input == INPUT_CGI && !allowed(&o)) {
		cgi_answer(403);
		return HOOK_NO;
	}

	httpreq_init(&req, &o.limits);
	rc = load_secrets(&o);
	if (rc == HOOK_OK)
		rc = read_request(&o, &req, &httperr);
	if (rc == HOOK_OK) {
		rc = exit_for(verify_request(&o.cfg, &req, &vo));
		report(&o, &req, &vo);
		if (rc == HOOK_OK)
			rc = keep(&o, &req, &vo);
	}

	if (o.input == INPUT_CGI)
		cgi_answer(httperr == -405 ? 405 : httperr ?
		    cgi_status_for(rc, httperr) : cgi_status(rc));
	else if (rc == HOOK_OK && o.print && req.body_len > 0 &&
	    util_write_all(1, req.body, req.body_len) < 0) {
		util_warn("cannot write the body to stdout");
		rc = HOOK_IOERR;
	}
	httpreq_free(&req);
	for (size_t i = 0; i < o.cfg.nkeys; i++)
		sign_key_wipe(&o.keys[i]);
	return rc;
}
