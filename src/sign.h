/*
 * sign.h - the signature values a webhook sender puts on a request, and
 * the secrets they are made with.  hook-send signs with these; verify.c
 * recomputes the same values to check them.
 *
 * Secrets.  sign_key_parse reads a secret as text and recognises:
 *   whsec_BASE64   Standard Webhooks symmetric secret: the key is the
 *                  base64-decoded bytes (1 to SIGN_KEY_MAX of them);
 *                  a whsec_ whose rest is not base64 (as Stripe's can
 *                  be) is a plain secret
 *   whsk_BASE64    Ed25519 private key: base64 of the 32-byte seed
 *   whpk_BASE64    Ed25519 public key: base64 of the 32-byte public key
 *   anything else  a plain secret, used as the bytes given
 * The text as given is kept too, because Stripe, GitHub, Slack and
 * Shopify use their secrets as text even when they look like whsec_.
 * A struct sign_key holds secrets; wipe it with sign_key_wipe.
 *
 * Signing.  Each sign_* function writes a NUL-terminated header value
 * into out (outsize bytes; SIGN_VALUE_MAX is always enough) and returns
 * its length, or -1 with errno EINVAL (wrong kind of key), ENOSPC (out
 * too small) or, for v1a only, ENOSYS (libcrypto could not be loaded).
 *   sign_stdwebhooks_v1   "v1,BASE64"   HMAC-SHA256(key, ID.TS.BODY);
 *                         whsec_ key, or plain text that is base64
 *   sign_stdwebhooks_v1a  "v1a,BASE64"  Ed25519(ID.TS.BODY); whsk_ key
 *   sign_stripe           "t=TS,v1=HEX" HMAC-SHA256(text, TS.BODY)
 *   sign_github           "sha256=HEX"  HMAC-SHA256(text, BODY)
 *   sign_slack            "v0=HEX"      HMAC-SHA256(text, v0:TS:BODY)
 *   sign_shopify          "BASE64"      HMAC-SHA256(text, BODY)
 * TS is in seconds since the epoch.  Nothing is allocated and nothing
 * is kept between calls.
 */
#ifndef HOOK_SIGN_H
#define HOOK_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "sha.h"

#define SIGN_KEY_MAX 512
#define SIGN_VALUE_MAX 160

enum sign_key_kind {
	SIGN_KEY_TEXT,			/* plain secret */
	SIGN_KEY_WHSEC,			/* Standard Webhooks symmetric */
	SIGN_KEY_WHSK,			/* Ed25519 seed */
	SIGN_KEY_WHPK,			/* Ed25519 public key */
};

struct sign_key {
	enum sign_key_kind kind;
	size_t textlen;
	size_t keylen;
	unsigned char text[SIGN_KEY_MAX];	/* as given */
	unsigned char key[SIGN_KEY_MAX];	/* decoded, or = text */
};

/*
 * Parse one secret of len bytes (no NUL needed; surrounding blanks and
 * a final newline are dropped).  -1 with EINVAL for an empty secret or
 * a whsk_ or whpk_ whose base64 or length is wrong, ERANGE for too long.
 */
int sign_key_parse(const char *s, size_t len, struct sign_key *key);
void sign_key_wipe(struct sign_key *key);

/* Write "whpk_BASE64" for the public half of a whsk_ key. */
int sign_key_public(const struct sign_key *key, char *out, size_t outsize);

/* One piece of signed content; a MAC covers the pieces in order. */
struct sign_part {
	const void *data;
	size_t len;
};

void sign_mac(enum sha_alg alg, const void *key, size_t keylen,
    const struct sign_part *parts, size_t nparts, unsigned char *mac);

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void sign_hex(const unsigned char *p, size_t n, char *out);
/* Decode hex (either case) of exactly 2n characters: 0, or -1. */
int sign_unhex(const char *s, size_t slen, unsigned char *out,
    size_t n);

int sign_stdwebhooks_v1(const struct sign_key *key, const char *id,
    int64_t ts, const void *body, size_t len, char *out, size_t outsize);
int sign_stdwebhooks_v1a(const struct sign_key *key, const char *id,
    int64_t ts, const void *body, size_t len, char *out, size_t outsize);
int sign_stripe(const struct sign_key *key, int64_t ts, const void *body,
    size_t len, char *out, size_t outsize);
int sign_github(const struct sign_key *key, const void *body, size_t len,
    char *out, size_t outsize);
int sign_slack(const struct sign_key *key, int64_t ts, const void *body,
    size_t len, char *out, size_t outsize);
int sign_shopify(const struct sign_key *key, const void *body, size_t len,
    char *out, size_t outsize);

/*
 * The Standard Webhooks signed content ID.TS.BODY in one malloc'd
 * buffer, as Ed25519 needs it whole; NULL with errno on failure.
 */
char *sign_stdwebhooks_content(const char *id, int64_t ts,
    const void *body, size_t len, size_t *outlen);

#endif
