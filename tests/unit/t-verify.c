/*
 * t-verify.c - the request parsers, client networks and verification
 * outcomes, and the fuzz entry points over random and mangled input.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "cidr.h"
#include "httpreq.h"
#include "unit.h"
#include "verify.h"

static const struct httpreq_limits lim = { 10, 1024, 1024 };

static int
http(const char *text, struct httpreq *req)
{
	httpreq_init(req, &lim);
	return httpreq_parse_http(req, text, strlen(text));
}

static void
parsers(void)
{
	struct httpreq req;
	static const char env[] = "HTTP_WEBHOOK_ID=msg_1\0REQUEST_METHOD=POST"
	    "\0CONTENT_LENGTH=5\0REMOTE_ADDR=::1\0SCRIPT_NAME=/h\0PATH_INFO=/x";

	CHECK(http("POST /h HTTP/1.1\r\nA: 1\r\nContent-Length: 3\r\n\r\n"
	    "abcdef", &req) == HTTPREQ_OK && req.body_len == 3 &&
	    strcmp(req.body, "abc") == 0 && strcmp(req.target, "/h") == 0,
	    "http: the body is Content-Length bytes");
	httpreq_free(&req);
	CHECK(http("POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n"
	    "3;x=y\nabc\n2\r\nde\r\n0\n\n", &req) == HTTPREQ_OK &&
	    req.body_len == 5 && memcmp(req.body, "abcde", 5) == 0,
	    "http: a chunked body is decoded, LF or CRLF");
	httpreq_free(&req);
	CHECK(http("POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n"
	    "ffffffffffffffffff\nabc\n0\n\n", &req) == HTTPREQ_MALFORMED,
	    "http: a chunk size that overflows is malformed");
	httpreq_free(&req);
	CHECK(http("POST / HTTP/1.1\nTransfer-Encoding: chunked\n"
	    "Content-Length: 3\n\nabc", &req) == HTTPREQ_MALFORMED,
	    "http: both framings at once is malformed");
	httpreq_free(&req);
	CHECK(http("POST / HTTP/1.1\nA: 1\n folded\n\n", &req) ==
	    HTTPREQ_MALFORMED, "http: a folded line is malformed");
	httpreq_free(&req);
	CHECK(http("POST / HTTP/1.1\nA B: 1\n\n", &req) == HTTPREQ_MALFORMED,
	    "http: a blank in a field name is malformed");
	httpreq_free(&req);
	CHECK(http("POST / HTTP/1.1\nA: 1\n", &req) == HTTPREQ_MALFORMED,
	    "http: fields without the blank line are malformed");
	httpreq_free(&req);
	CHECK(http("POST / HTTP/1.1\nContent-Length: 2000\n\n", &req) ==
	    HTTPREQ_BODY_TOO_BIG, "http: a declared body over the limit");
	httpreq_free(&req);
	CHECK(http("GARBAGE\n\n", &req) == HTTPREQ_MALFORMED,
	    "http: a bad request line is malformed");
	httpreq_free(&req);

	httpreq_init(&req, &lim);
	CHECK(httpreq_add(&req, "A", 1, "x\0y", 3) == HTTPREQ_MALFORMED,
	    "a NUL inside a value is malformed");
	for (int i = 0; i < 10; i++)
		httpreq_add_line(&req, "X-N:  v  ", 9);
	CHECK(strcmp(httpreq_get(&req, "x-n", NULL), "v") == 0,
	    "values lose surrounding blanks; names ignore case");
	CHECK(httpreq_add_line(&req, "B: 1", 4) == HTTPREQ_TOO_MANY_HEADERS,
	    "the eleventh field is over a limit of ten");
	httpreq_free(&req);

	httpreq_init(&req, &lim);
	CHECK(httpreq_parse_envblock(&req, env, sizeof(env) - 1) ==
	    HTTPREQ_OK && strcmp(httpreq_get(&req, "webhook-id", NULL),
	    "msg_1") == 0 && strcmp(req.method, "POST") == 0 &&
	    req.content_length == 5 && strcmp(req.remote_addr, "::1") == 0 &&
	    strcmp(req.target, "/h/x") == 0,
	    "cgi: HTTP_* become fields; method, length, address, target");
	httpreq_free(&req);
}

static void
networks(void)
{
	struct cidr n[4];
	size_t count;

	CHECK(cidr_parse_list("10.0.0.0/8, 2001:db8::/32,192.0.2.1", n, 4,
	    &count) == 0 && count == 3, "a list of three networks");
	CHECK(cidr_match(&n[0], "10.200.1.1") == 1, "10.200.1.1 in 10/8");
	CHECK(cidr_match(&n[0], "11.0.0.1") == 0, "11.0.0.1 not in 10/8");
	CHECK(cidr_match(&n[0], "::ffff:10.1.2.3") == 1,
	    "a mapped IPv4 client matches an IPv4 network");
	CHECK(cidr_match(&n[1], "2001:db8:ffff::1") == 1,
	    "an IPv6 client in its /32");
	CHECK(cidr_match(&n[1], "2001:db9::1") == 0, "and one outside");
	CHECK(cidr_match(&n[2], "192.0.2.1") == 1 &&
	    cidr_match(&n[2], "192.0.2.2") == 0, "a bare address is a /32");
	CHECK(cidr_match(&n[0], "not-an-address") == -1,
	    "a client that is no address is -1");
	CHECK(cidr_parse("10.0.0.1/8", 10, &n[3]) < 0,
	    "host bits beyond the prefix are refused");
	CHECK(cidr_parse("10.0.0.0/33", 11, &n[3]) < 0,
	    "a prefix longer than the address is refused");
	CHECK(cidr_parse_list("1.1.1.1 2.2.2.2", n, 1, &count) < 0 &&
	    errno == E2BIG, "more networks than room is E2BIG");
}

static enum verify_result
check(enum verify_scheme scheme, const char *secret, int64_t now,
    const char *const *lines, const char *body, struct verify_outcome *out)
{
	struct verify_config cfg = { .scheme = scheme };
	struct sign_key key;
	struct httpreq req;
	enum verify_result r;

	httpreq_init(&req, &lim);
	for (; *lines; lines++)
		httpreq_add_line(&req, *lines, strlen(*lines));
	httpreq_set_body(&req, strdup(body), strlen(body));
	sign_key_parse(secret, strlen(secret), &key);
	cfg.keys = &key;
	cfg.nkeys = 1;
	cfg.now_ms = now * 1000;
	cfg.tolerance_ms = 300000;
	r = verify_request(&cfg, &req, out);
	httpreq_free(&req);
	return r;
}

static void
outcomes(void)
{
	const char *secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
	const char *body = "{\"test\": 2432232314}";
	const char *good[] = { "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
	    "webhook-timestamp: 1614265330", "webhook-signature: "
	    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", NULL };
	const char *twice[] = { "webhook-id: a", "webhook-id: b",
	    "webhook-timestamp: 1", "webhook-signature: v1,AA==", NULL };
	struct verify_outcome out, again;

	CHECK(check(VERIFY_STANDARD, secret, 1614265330, good, body, &out) ==
	    VERIFY_OK && strcmp(out.signature, "v1") == 0 &&
	    strlen(out.replay_key) == 64, "the reference request is OK");
	check(VERIFY_STANDARD, secret, 1614265330 + 10, good, body, &again);
	CHECK(strcmp(out.replay_key, again.replay_key) == 0,
	    "the replay key depends on the id, not on the time");
	CHECK(check(VERIFY_STANDARD, secret, 1614265330 + 301, good, body,
	    &out) == VERIFY_STALE, "301 s late is stale");
	CHECK(check(VERIFY_STANDARD, secret, 1614265330 - 300, good, body,
	    &out) == VERIFY_OK, "300 s early is within the tolerance");
	CHECK(check(VERIFY_STANDARD, "whsec_AAAA", 1614265330, good, body,
	    &out) == VERIFY_BAD, "another secret is bad");
	CHECK(check(VERIFY_STANDARD, secret, 1, twice, body, &out) ==
	    VERIFY_MALFORMED && strstr(out.reason, "appears 2 times"),
	    "a repeated webhook-id is malformed");
	CHECK(check(VERIFY_GITHUB, secret, 1, good, body, &out) ==
	    VERIFY_MALFORMED && strstr(out.reason, "X-Hub-Signature-256"),
	    "a GitHub check of a Standard Webhooks request names the header");
}

/* The parsers must survive anything; ASan and UBSan watch this run. */
static void
fuzz_smoke(void)
{
	static const struct {
		const char *text;
		size_t len;
	} seeds[] = {
#define SEED(s) { s, sizeof(s) - 1 }
		SEED("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "4\r\nabcd\r\n0\r\n\r\n"),
		SEED("POST /x HTTP/1.1\nContent-Length: 4\nA: b\n\nbody"),
		SEED("HTTP_A_B=c\0CONTENT_LENGTH=9\0REQUEST_METHOD=POST"),
		SEED("\x00v1,AAAA v1a,BBBB"),
		SEED("\x01t=1700000000,v1=00ff,v1="),
		SEED("10.0.0.0/8"),
#undef SEED
	};
	unsigned char buf[512];

	srand(1);
	for (int round = 0; round < 20000; round++) {
		size_t len = seeds[round % 6].len;

		memcpy(buf, seeds[round % 6].text, len);
		for (int m = rand() % 8; m > 0; m--)
			buf[rand() % len] = (unsigned char)rand();
		len = (size_t)rand() % (len + 1);
		httpreq_fuzz_http(buf, len);
		httpreq_fuzz_lines(buf, len);
		httpreq_fuzz_envblock(buf, len);
		verify_fuzz_header(buf, len);
		cidr_fuzz(buf, len);
	}
	CHECK(1, "20000 mangled inputs through every parser without a crash");
}

int
main(void)
{
	parsers();
	networks();
	outcomes();
	fuzz_smoke();
	return unit_done();
}
