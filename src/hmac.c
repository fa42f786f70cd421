/*
 * hmac.c - see hmac.h.
 */
#include <string.h>

#include "hmac.h"

void
hmac_init(struct hmac_ctx *ctx, enum sha_alg alg, const void *key,
    size_t keylen)
{
	unsigned char k[SHA_MAX_BLOCK], pad[SHA_MAX_BLOCK];
	size_t bl = sha_block_len(alg);

	/* A key longer than a block is replaced by its digest. */
	memset(k, 0, sizeof(k));
	if (keylen > bl)
		sha_digest(alg, key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);

	for (size_t i = 0; i < bl; i++)
		pad[i] = k[i] ^ 0x36;
	sha_init(&ctx->inner, alg);
	sha_update(&ctx->inner, pad, bl);
	for (size_t i = 0; i < bl; i++)
		pad[i] = k[i] ^ 0x5c;
	sha_init(&ctx->outer, alg);
	sha_update(&ctx->outer, pad, bl);

	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
}

void
hmac_update(struct hmac_ctx *ctx, const void *data, size_t len)
{
	sha_update(&ctx->inner, data, len);
}

void
hmac_final(struct hmac_ctx *ctx, unsigned char *mac)
{
	unsigned char inner[SHA_MAX_DIGEST];
	size_t dl = sha_digest_len(ctx->inner.alg);

	sha_final(&ctx->inner, inner);
	sha_update(&ctx->outer, inner, dl);
	sha_final(&ctx->outer, mac);
	explicit_bzero(inner, sizeof(inner));
}

void
hmac(enum sha_alg alg, const void *key, size_t keylen, const void *data,
    size_t len, unsigned char *mac)
{
	struct hmac_ctx ctx;

	hmac_init(&ctx, alg, key, keylen);
	hmac_update(&ctx, data, len);
	hmac_final(&ctx, mac);
}

int
hmac_equal(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= x[i] ^ y[i];
	return diff == 0;
}
