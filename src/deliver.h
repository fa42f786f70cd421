/*
 * deliver.h - one HTTP attempt of one message: the request as a libcurl
 * easy handle (headers, signature, body, safety settings), and the
 * judgement of what came back.
 *
 * deliver_setup prepares x->easy for a multi handle; the message, the
 * endpoint and the keys must outlive the transfer.  It refuses (-1,
 * EINVAL, with a reason word) a request whose header lines are not
 * valid, so nothing malformed is ever sent.  Safety settings are not
 * optional: peer and host verification on, only http and https, no
 * redirects followed, no proxy from the environment, and with
 * deny_private no connection to a private, loopback, link-local or
 * metadata address, decided on the address actually connected to.
 *
 * The response body is counted and all but its first DELIVER_KEEP bytes
 * dropped as it streams.  Secrets go into the signature headers only,
 * never into errors or results.  deliver_cleanup frees the header list
 * and keeps the easy handle for reuse (its connections live in the
 * multi handle).
 */
#ifndef HOOK_DELIVER_H
#define HOOK_DELIVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "endpoint.h"
#include "message.h"
#include "sign.h"

#define DELIVER_KEEP (16 * 1024)	/* response bytes kept */
#define DELIVER_KEYS_MAX 8		/* secrets that sign at once */

struct deliver_request {
	const struct message *m;
	const struct endpoint *ep;	/* policy; defaults for ad-hoc */
	const char *url;
	enum endpoint_scheme scheme;	/* SCHEME_NONE for ad-hoc */
	const struct sign_key *keys;	/* active secrets, newest first */
	size_t nkeys;
	int64_t ts;			/* signature time, seconds */
	int deny_private;
};

struct deliver_xfer {
	CURL *easy;
	struct curl_slist *headers;
	int deny_private;
	int refused;			/* the address was refused */
	char errbuf[CURL_ERROR_SIZE];
	size_t kept;
	uint64_t received;		/* body bytes, kept or not */
	unsigned char body[DELIVER_KEEP];
};

enum deliver_verdict {
	DELIVER_OK,		/* 2xx */
	DELIVER_RETRY,		/* try again later */
	DELIVER_DEAD,		/* never again: reason says why */
	DELIVER_GONE,		/* 410: dead, and the endpoint disabled */
};

struct deliver_result {
	long status;		/* 0: no HTTP status */
	const char *error;	/* NULL or "timeout", "connect", "dns",
				   "tls", "network", "refused-address",
				   "other" */
	const char *detail;	/* the transport's message, or NULL */
	const char *class;	/* "2xx" ... "network" */
	int64_t retry_after_ms;	/* 0: none given */
};

/* 0, or -1 with errno and a reason word in why. */
int deliver_setup(struct deliver_xfer *x, const struct deliver_request *r,
    char *why, size_t whylen);
void deliver_cleanup(struct deliver_xfer *x);

void deliver_result(struct deliver_xfer *x, CURLcode rc, int64_t now_ms,
    struct deliver_result *res);

/* The verdict; for DELIVER_DEAD, reason gets "permanent-NNN". */
enum deliver_verdict deliver_judge(const struct deliver_result *res,
    const struct endpoint *ep, char *reason, size_t len);

/* 1 if sa (or the text address ip) is one deny_private refuses. */
int deliver_private_sockaddr(const struct sockaddr *sa);
int deliver_private_ip(const char *ip);

#endif
