/*
 * deliver.c - see deliver.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "deliver.h"
#include "schedule.h"
#include "util.h"

static int
private_v4(const unsigned char *a)
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 ||
	    (a[0] == 100 && (a[1] & 0xc0) == 64) ||	/* 100.64/10 */
	    (a[0] == 169 && a[1] == 254) ||		/* link-local, metadata */
	    (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	    (a[0] == 192 && a[1] == 168) ||
	    (a[0] == 192 && a[1] == 0 && a[2] == 0) ||
	    (a[0] == 198 && (a[1] & 0xfe) == 18) ||	/* benchmarking */
	    a[0] >= 224;				/* multicast, reserved */
}

static int
private_v6(const unsigned char *a)
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const unsigned char zero[15];

	if (memcmp(a, mapped, 12) == 0 || memcmp(a, zero, 12) == 0)
		return memcmp(a, zero, 15) == 0 || private_v4(a + 12);
	return (a[0] & 0xfe) == 0xfc ||			/* unique local */
	    (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||	/* link-local */
	    a[0] == 0xff ||				/* multicast */
	    (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b) ||
	    (a[0] == 0x20 && a[1] == 0x02) ||		/* 6to4 */
	    (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0);
}

int
deliver_private_sockaddr(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		return private_v4((const unsigned char *)&s4->sin_addr);
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		return private_v6(s6->sin6_addr.s6_addr);
	}
	return 1;	/* unix sockets and the unknown: refused */
}

int
deliver_private_ip(const char *ip)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, ip, a) == 1)
		return private_v4(a);
	if (inet_pton(AF_INET6, ip, a) == 1)
		return private_v6(a);
	return 1;
}

/* Before connecting: refuse the address if the policy says so. */
static curl_socket_t
open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct deliver_xfer *x = clientp;

	(void)purpose;
	if (x->deny_private && deliver_private_sockaddr(&addr->addr)) {
		x->refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype | SOCK_CLOEXEC,
	    addr->protocol);
}

/* Before each request, reused connections included. */
static int
prereq(void *clientp, char *primary_ip, char *local_ip, int primary_port,
    int local_port)
{
	struct deliver_xfer *x = clientp;

	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	if (x->deny_private && deliver_private_ip(primary_ip)) {
		x->refused = 1;
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}

static size_t
keep_body(char *data, size_t size, size_t n, void *clientp)
{
	struct deliver_xfer *x = clientp;
	size_t len = size * n, room = sizeof(x->body) - x->kept;

	if (room > 0) {
		size_t take = len < room ? len : room;

		memcpy(x->body + x->kept, data, take);
		x->kept += take;
	}
	x->received += len;
	return len;
}

static int
add_header(struct deliver_xfer *x, const char *line, char *why,
    size_t whylen)
{
	struct curl_slist *l;
	char err[200];

	if (endpoint_valid_header(line, err, sizeof(err)) < 0) {
		snprintf(why, whylen, "bad-header");
		errno = EINVAL;
		return -1;
	}
	if ((l = curl_slist_append(x->headers, line)) == NULL) {
		snprintf(why, whylen, "memory");
		errno = ENOMEM;
		return -1;
	}
	x->headers = l;
	return 0;
}

/*
 * The signature header for the scheme, every active key signing: space
 * separated values for Standard Webhooks, repeated v1= for Stripe.
 * GitHub's header carries one value, so the newest key signs alone.
 */
static int
signature_header(const struct deliver_request *r, char *out, size_t len)
{
	const struct message *m = r->m;
	char v[SIGN_VALUE_MAX];
	int n;

	out[0] = '\0';
	for (size_t i = 0; i < r->nkeys; i++) {
		const struct sign_key *k = &r->keys[i];
		const char *add = v;

		switch (r->scheme) {
		case SCHEME_STANDARD:
			n = sign_stdwebhooks_v1(k, m->id, r->ts, m->body,
			    m->body_len, v, sizeof(v));
			break;
		case SCHEME_STANDARD_V1A:
			n = sign_stdwebhooks_v1a(k, m->id, r->ts, m->body,
			    m->body_len, v, sizeof(v));
			break;
		case SCHEME_STRIPE:
			n = sign_stripe(k, r->ts, m->body, m->body_len, v,
			    sizeof(v));
			if (n >= 0 && i > 0 && (add = strchr(v, ',')) == NULL)
				n = -1;
			break;
		case SCHEME_GITHUB:
			if (i > 0)
				return 0;
			n = sign_github(k, m->body, m->body_len, v, sizeof(v));
			break;
		default:
			return 0;
		}
		if (n < 0)
			return -1;
		if ((i > 0 && r->scheme != SCHEME_STRIPE &&
		    util_append(out, len, " ") < 0) ||
		    util_append(out, len, add) < 0) {
			explicit_bzero(v, sizeof(v));
			errno = ENOSPC;
			return -1;
		}
	}
	explicit_bzero(v, sizeof(v));
	return 0;
}

static int
add_signature(struct deliver_xfer *x, const struct deliver_request *r,
    char *why, size_t whylen)
{
	static const char *const names[] = {
		[SCHEME_STANDARD] = "webhook-signature",
		[SCHEME_STANDARD_V1A] = "webhook-signature",
		[SCHEME_STRIPE] = "Stripe-Signature",
		[SCHEME_GITHUB] = "X-Hub-Signature-256",
	};
	char value[SIGN_VALUE_MAX * DELIVER_KEYS_MAX + 8];
	char line[sizeof(value) + 32];
	int rc;

	if (r->scheme == SCHEME_NONE || r->nkeys == 0)
		return 0;
	if (signature_header(r, value, sizeof(value)) < 0) {
		snprintf(why, whylen, "sign");
		return -1;
	}
	util_copy(line, sizeof(line), names[r->scheme]);
	util_append(line, sizeof(line), ": ");
	util_append(line, sizeof(line), value);
	rc = add_header(x, line, why, whylen);
	explicit_bzero(line, sizeof(line));
	return rc;
}

static int
add_headers(struct deliver_xfer *x, const struct deliver_request *r,
    char *why, size_t whylen)
{
	const struct message *m = r->m;
	char line[MESSAGE_EVENT_MAX + SPOOL_ID_MAX + 64];

	util_copy(line, sizeof(line), "Content-Type: ");
	util_append(line, sizeof(line), m->content_type);
	if (add_header(x, line, why, whylen) < 0)
		return -1;
	util_copy(line, sizeof(line), "webhook-id: ");
	util_append(line, sizeof(line), m->id);
	if (add_header(x, line, why, whylen) < 0)
		return -1;
	util_copy(line, sizeof(line), "webhook-timestamp: ");
	util_decimal(line, sizeof(line), r->ts);
	if (add_header(x, line, why, whylen) < 0)
		return -1;
	if (add_header(x, "User-Agent: hookspool", why, whylen) < 0 ||
	    add_header(x, "Expect:", why, whylen) < 0)
		return -1;
	for (size_t i = 0; r->ep && i < r->ep->nheaders; i++)
		if (add_header(x, r->ep->headers[i], why, whylen) < 0)
			return -1;
	for (size_t i = 0; i < m->nheaders; i++)
		if (add_header(x, m->headers[i], why, whylen) < 0)
			return -1;
	return add_signature(x, r, why, whylen);
}

int
deliver_setup(struct deliver_xfer *x, const struct deliver_request *r,
    char *why, size_t whylen)
{
	const struct endpoint *ep = r->ep;
	CURL *e;

	if (x->easy == NULL && (x->easy = curl_easy_init()) == NULL) {
		snprintf(why, whylen, "memory");
		errno = ENOMEM;
		return -1;
	}
	e = x->easy;
	curl_easy_reset(e);
	x->headers = NULL;
	x->refused = 0;
	x->kept = 0;
	x->received = 0;
	x->errbuf[0] = '\0';
	x->deny_private = r->deny_private;
	if (add_headers(x, r, why, whylen) < 0) {
		deliver_cleanup(x);
		return -1;
	}

	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, (const char *)r->m->body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)r->m->body_len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)ep->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)ep->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	/*
	 * No CURLOPT_PIPEWAIT: a transfer waiting to multiplex on a
	 * connection that then fails is never resumed by libcurl 7.88, and a
	 * pass would wait for it forever.  Once a connection is known to
	 * speak HTTP/2, later transfers share it all the same.
	 */

	/* Safety: none of this is configurable away. */
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_PROXY, ep->proxy ? ep->proxy : "");
	/* Without a proxy, not even no_proxy is looked up. */
	if (ep->proxy == NULL)
		curl_easy_setopt(e, CURLOPT_NOPROXY, "");
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, prereq);
	curl_easy_setopt(e, CURLOPT_PREREQDATA, x);
	if (ep->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, ep->ca_file);
	if (ep->client_cert)
		curl_easy_setopt(e, CURLOPT_SSLCERT, ep->client_cert);
	if (ep->client_key)
		curl_easy_setopt(e, CURLOPT_SSLKEY, ep->client_key);
	return 0;
}

void
deliver_cleanup(struct deliver_xfer *x)
{
	struct curl_slist *l;

	/* The list holds the signature: wipe it before freeing. */
	for (l = x->headers; l; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(x->headers);
	x->headers = NULL;
}

static void
transport_error(CURLcode rc, int refused, struct deliver_result *res)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		res->error = "timeout";
		res->class = "timeout";
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		res->error = "dns";
		res->class = "connect";
		break;
	case CURLE_COULDNT_CONNECT:
		res->error = "connect";
		res->class = "connect";
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_USE_SSL_FAILED:
		res->error = "tls";
		res->class = "tls";
		break;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_WEIRD_SERVER_REPLY:
		res->error = "network";
		res->class = "network";
		break;
	default:
		res->error = "other";
		res->class = "network";
	}
	if (refused) {
		res->error = "refused-address";
		res->class = "connect";
	}
}

void
deliver_result(struct deliver_xfer *x, CURLcode rc, int64_t now_ms,
    struct deliver_result *res)
{
	struct curl_header *h;
	static const char *const classes[] = {
		"1xx", "2xx", "3xx", "4xx", "5xx" };

	memset(res, 0, sizeof(*res));
	if (!x->refused)
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE,
		    &res->status);
	if (rc != CURLE_OK) {
		transport_error(rc, x->refused, res);
		res->detail = x->errbuf[0] ? x->errbuf :
		    curl_easy_strerror(rc);
	}
	/*
	 * A status that arrived is the receiver's answer even if its body
	 * then failed to arrive whole: the status decides, and the
	 * transport error is kept for the record.
	 */
	if (res->status >= 100 && res->status <= 599) {
		res->class = classes[res->status / 100 - 1];
		if (res->status / 100 == 1)
			res->class = "network";
	} else {
		res->status = 0;
	}
	if (res->status && curl_easy_header(x->easy, "Retry-After", 0,
	    CURLH_HEADER, -1, &h) == CURLHE_OK) {
		int64_t ms = schedule_retry_after(h->value, now_ms);

		if (ms > 0)
			res->retry_after_ms = ms;
	}
}

enum deliver_verdict
deliver_judge(const struct deliver_result *res, const struct endpoint *ep,
    char *reason, size_t len)
{
	long s = res->status;

	if (s >= 200 && s <= 299)
		return DELIVER_OK;
	if (s == 410) {
		snprintf(reason, len, "gone");
		return DELIVER_GONE;
	}
	if (s >= 400 && s <= 499 && s != 408 && s != 429) {
		for (size_t i = 0; ep && i < ep->npermanent; i++) {
			if (ep->permanent[i] == s) {
				snprintf(reason, len, "permanent-%ld", s);
				return DELIVER_DEAD;
			}
		}
	}
	return DELIVER_RETRY;
}
