/*
 * sign.c - see sign.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "ed25519.h"
#include "hmac.h"
#include "sign.h"

static int
prefixed(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* Base64 of s into key->key; exactly want bytes unless want is 0. */
static int
decode_into(struct sign_key *key, const char *s, size_t len, size_t want)
{
	unsigned char buf[base64_decoded_max(SIGN_KEY_MAX)];
	size_t n;

	if (len == 0 || len > base64_encoded_len(SIGN_KEY_MAX))
		goto bad;
	if (base64_decode(s, len, buf, &n) < 0 || n == 0 || n > SIGN_KEY_MAX)
		goto bad;
	if (want && n != want)
		goto bad;
	memcpy(key->key, buf, n);
	key->keylen = n;
	explicit_bzero(buf, sizeof(buf));
	return 0;
bad:
	explicit_bzero(buf, sizeof(buf));
	errno = EINVAL;
	return -1;
}

int
sign_key_parse(const char *s, size_t len, struct sign_key *key)
{
	memset(key, 0, sizeof(*key));
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
	    s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	if (len > SIGN_KEY_MAX) {
		errno = ERANGE;
		return -1;
	}
	memcpy(key->text, s, len);
	key->textlen = len;

	/*
	 * Stripe's secrets start whsec_ too but are text: a whsec_ whose
	 * rest is not base64 is kept as a plain secret.
	 */
	if (prefixed(s, len, "whsec_") &&
	    decode_into(key, s + 6, len - 6, 0) == 0) {
		key->kind = SIGN_KEY_WHSEC;
		return 0;
	}
	if (prefixed(s, len, "whsk_")) {
		key->kind = SIGN_KEY_WHSK;
		return decode_into(key, s + 5, len - 5, ED25519_KEY_LEN);
	}
	if (prefixed(s, len, "whpk_")) {
		key->kind = SIGN_KEY_WHPK;
		return decode_into(key, s + 5, len - 5, ED25519_KEY_LEN);
	}
	key->kind = SIGN_KEY_TEXT;
	memcpy(key->key, s, len);
	key->keylen = len;
	return 0;
}

void
sign_key_wipe(struct sign_key *key)
{
	explicit_bzero(key, sizeof(*key));
}

int
sign_key_public(const struct sign_key *key, char *out, size_t outsize)
{
	unsigned char pub[ED25519_KEY_LEN];

	if (key->kind != SIGN_KEY_WHSK) {
		errno = EINVAL;
		return -1;
	}
	if (outsize < 5 + base64_encoded_len(ED25519_KEY_LEN) + 1) {
		errno = ENOSPC;
		return -1;
	}
	if (ed25519_public(key->key, pub) < 0)
		return -1;
	memcpy(out, "whpk_", 5);
	return (int)(5 + base64_encode(pub, sizeof(pub), out + 5));
}

void
sign_mac(enum sha_alg alg, const void *key, size_t keylen,
    const struct sign_part *parts, size_t nparts, unsigned char *mac)
{
	struct hmac_ctx ctx;

	hmac_init(&ctx, alg, key, keylen);
	for (size_t i = 0; i < nparts; i++)
		hmac_update(&ctx, parts[i].data, parts[i].len);
	hmac_final(&ctx, mac);
}

void
sign_hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
sign_unhex(const char *s, size_t slen, unsigned char *out, size_t n)
{
	if (slen != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* "PREFIX" + encoding of mac into out; the length written, or -1. */
static int
emit(const char *prefix, const unsigned char *mac, size_t n, int base64,
    char *out, size_t outsize)
{
	size_t plen = strlen(prefix);
	size_t elen = base64 ? base64_encoded_len(n) : 2 * n;

	if (outsize < plen + elen + 1) {
		errno = ENOSPC;
		return -1;
	}
	memcpy(out, prefix, plen);
	if (base64)
		base64_encode(mac, n, out + plen);
	else
		sign_hex(mac, n, out + plen);
	return (int)(plen + elen);
}

int
sign_stdwebhooks_v1(const struct sign_key *key, const char *id,
    int64_t ts, const void *body, size_t len, char *out, size_t outsize)
{
	unsigned char mac[32];
	struct sign_key decoded;
	const struct sign_key *k = key;
	char tsbuf[24];
	struct sign_part parts[5];
	int rc;

	/* The reference libraries decode an unprefixed secret too. */
	if (key->kind == SIGN_KEY_TEXT) {
		memset(&decoded, 0, sizeof(decoded));
		if (decode_into(&decoded, (const char *)key->text,
		    key->textlen, 0) < 0)
			return -1;
		k = &decoded;
	} else if (key->kind != SIGN_KEY_WHSEC) {
		errno = EINVAL;
		return -1;
	}
	snprintf(tsbuf, sizeof(tsbuf), "%" PRId64, ts);
	parts[0] = (struct sign_part){ id, strlen(id) };
	parts[1] = (struct sign_part){ ".", 1 };
	parts[2] = (struct sign_part){ tsbuf, strlen(tsbuf) };
	parts[3] = (struct sign_part){ ".", 1 };
	parts[4] = (struct sign_part){ body, len };
	sign_mac(SHA_256, k->key, k->keylen, parts, 5, mac);
	if (k == &decoded)
		sign_key_wipe(&decoded);
	rc = emit("v1,", mac, sizeof(mac), 1, out, outsize);
	explicit_bzero(mac, sizeof(mac));
	return rc;
}

char *
sign_stdwebhooks_content(const char *id, int64_t ts, const void *body,
    size_t len, size_t *outlen)
{
	size_t idlen = strlen(id);
	char tsbuf[24], *buf;
	int tslen = snprintf(tsbuf, sizeof(tsbuf), "%" PRId64, ts);

	if (len > SIZE_MAX - idlen - (size_t)tslen - 3) {
		errno = EFBIG;
		return NULL;
	}
	buf = malloc(idlen + (size_t)tslen + len + 3);
	if (buf == NULL)
		return NULL;
	memcpy(buf, id, idlen);
	buf[idlen] = '.';
	memcpy(buf + idlen + 1, tsbuf, (size_t)tslen);
	buf[idlen + 1 + (size_t)tslen] = '.';
	if (len > 0)
		memcpy(buf + idlen + (size_t)tslen + 2, body, len);
	*outlen = idlen + (size_t)tslen + 2 + len;
	buf[*outlen] = '\0';
	return buf;
}

int
sign_stdwebhooks_v1a(const struct sign_key *key, const char *id,
    int64_t ts, const void *body, size_t len, char *out, size_t outsize)
{
	unsigned char sig[ED25519_SIG_LEN];
	size_t clen;
	char *content;
	int rc;

	if (key->kind != SIGN_KEY_WHSK) {
		errno = EINVAL;
		return -1;
	}
	if (outsize < 4 + base64_encoded_len(ED25519_SIG_LEN) + 1) {
		errno = ENOSPC;
		return -1;
	}
	content = sign_stdwebhooks_content(id, ts, body, len, &clen);
	if (content == NULL)
		return -1;
	rc = ed25519_sign(key->key, content, clen, sig);
	free(content);
	if (rc < 0)
		return -1;
	return emit("v1a,", sig, sizeof(sig), 1, out, outsize);
}

/* HMAC-SHA256 of the parts with the secret as text, then emitted. */
static int
text_mac(const struct sign_key *key, const struct sign_part *parts,
    size_t nparts, const char *prefix, int base64, char *out,
    size_t outsize)
{
	unsigned char mac[32];
	int rc;

	sign_mac(SHA_256, key->text, key->textlen, parts, nparts, mac);
	rc = emit(prefix, mac, sizeof(mac), base64, out, outsize);
	explicit_bzero(mac, sizeof(mac));
	return rc;
}

int
sign_stripe(const struct sign_key *key, int64_t ts, const void *body,
    size_t len, char *out, size_t outsize)
{
	char prefix[40], tsbuf[24];
	struct sign_part parts[3];

	snprintf(tsbuf, sizeof(tsbuf), "%" PRId64, ts);
	parts[0] = (struct sign_part){ tsbuf, strlen(tsbuf) };
	parts[1] = (struct sign_part){ ".", 1 };
	parts[2] = (struct sign_part){ body, len };
	snprintf(prefix, sizeof(prefix), "t=%s,v1=", tsbuf);
	return text_mac(key, parts, 3, prefix, 0, out, outsize);
}

int
sign_github(const struct sign_key *key, const void *body, size_t len,
    char *out, size_t outsize)
{
	struct sign_part part = { body, len };

	return text_mac(key, &part, 1, "sha256=", 0, out, outsize);
}

int
sign_slack(const struct sign_key *key, int64_t ts, const void *body,
    size_t len, char *out, size_t outsize)
{
	char base[40];
	struct sign_part parts[2];

	snprintf(base, sizeof(base), "v0:%" PRId64 ":", ts);
	parts[0] = (struct sign_part){ base, strlen(base) };
	parts[1] = (struct sign_part){ body, len };
	return text_mac(key, parts, 2, "v0=", 0, out, outsize);
}

int
sign_shopify(const struct sign_key *key, const void *body, size_t len,
    char *out, size_t outsize)
{
	struct sign_part part = { body, len };

	return text_mac(key, &part, 1, "", 1, out, outsize);
}
