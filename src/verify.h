/*
 * verify.h - is a received webhook genuine?  Checks the signature of a
 * parsed request (httpreq.h) under one scheme, the timestamp against a
 * tolerance, and whether its id was already accepted (replay).
 *
 * verify_request returns a result and fills a struct verify_outcome:
 *   VERIFY_OK         one signature matched one key, timestamp in range
 *   VERIFY_BAD        no signature matched any key
 *   VERIFY_STALE      a signature matched but the timestamp is outside
 *                     the tolerance (in either direction)
 *   VERIFY_MALFORMED  a header is missing, repeated or unreadable
 *   VERIFY_ERROR      the check could not be made; errno says why
 *                     (ENOSYS: libcrypto missing for Ed25519, ENOMEM)
 * The signature is checked before the timestamp, so STALE is only said
 * of a request that is otherwise genuine.  outcome.reason is one line
 * for a person; verify_hints adds what trying the usual mistakes found.
 * All comparisons of secrets and MACs take constant time.
 *
 * Keys: Standard Webhooks uses whsec_ secrets decoded (or plain text
 * that is base64, as its reference libraries do) and whpk_ public keys
 * (or whsk_ private keys) for v1a; every other scheme uses the secret's
 * text as given.  Any one key matching is enough (rotation).
 *
 * Replay: verify_seen_claim atomically creates DIR/KEY (O_EXCL), where
 * KEY is outcome.replay_key; it returns 0 for a first sighting, 1 for a
 * replay (a marker younger than the window), -1 with errno.  Markers
 * are stamped with now and pruned when older than the window.
 * verify_seen_release removes a claim whose request was then not kept.
 */
#ifndef HOOK_VERIFY_H
#define HOOK_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "httpreq.h"
#include "sha.h"
#include "sign.h"

enum verify_scheme {
	VERIFY_STANDARD,	/* Standard Webhooks v1 and v1a, svix-* too */
	VERIFY_STRIPE,
	VERIFY_GITHUB,
	VERIFY_GITHUB_SHA1,	/* legacy X-Hub-Signature, only if asked */
	VERIFY_SLACK,
	VERIFY_SHOPIFY,
	VERIFY_HMAC,		/* generic, described by struct verify_hmac */
};

enum verify_result {
	VERIFY_OK,
	VERIFY_BAD,
	VERIFY_STALE,
	VERIFY_MALFORMED,
	VERIFY_ERROR,
};

/*
 * The generic scheme.  content is a template of what is signed, with
 * {body}, {timestamp} and {id} standing for the body and the values of
 * the timestamp and id headers; NULL means "{body}".
 */
struct verify_hmac {
	const char *header;		/* carries the signature */
	enum sha_alg alg;
	int base64;			/* else hex */
	const char *prefix;		/* before the encoded MAC, or NULL */
	const char *timestamp_header;	/* or NULL: no timestamp */
	const char *id_header;		/* or NULL */
	const char *content;
};

struct verify_config {
	enum verify_scheme scheme;
	const struct sign_key *keys;
	size_t nkeys;
	int64_t now_ms;
	int64_t tolerance_ms;
	struct verify_hmac hmac;
};

#define VERIFY_REPLAY_KEY_LEN 64

struct verify_outcome {
	enum verify_result result;
	char reason[256];		/* one line; "" when OK */
	int has_timestamp;
	int64_t timestamp;		/* seconds, as sent */
	const char *id;			/* the id header's value, or NULL */
	const char *signature;		/* "v1", "v1a", "sha256", ... */
	char replay_key[VERIFY_REPLAY_KEY_LEN + 1];
};

int verify_scheme_parse(const char *name, enum verify_scheme *scheme);
const char *verify_scheme_name(enum verify_scheme scheme);

/* Check that a generic template names only known fields: 0 or -1. */
int verify_template_valid(const char *content);

enum verify_result verify_request(const struct verify_config *cfg,
    const struct httpreq *req, struct verify_outcome *out);

/*
 * After a result other than OK: try the usual mistakes (secret used as
 * text or decoded, a trailing newline, another scheme's headers, a
 * timestamp in milliseconds) and write what would have matched as one
 * line, or "" when nothing did.
 */
void verify_hints(const struct verify_config *cfg,
    const struct httpreq *req, const struct verify_outcome *out,
    char *buf, size_t len);

int verify_seen_claim(const char *dir, const char *key, int64_t now_ms,
    int64_t window_ms);
int verify_seen_release(const char *dir, const char *key);

/* Parse one signature header value of a scheme; for libFuzzer. */
int verify_fuzz_header(const uint8_t *data, size_t len);

#endif
