/*
 * hmac.h - HMAC (RFC 2104) over the hashes of sha.h, and a comparison
 * of secrets in constant time.
 *
 * Use: hmac_init with the key, any number of hmac_update, one
 * hmac_final; or hmac() at once.  The context holds key material and
 * is wiped by hmac_final.  Nothing fails and nothing allocates.
 */
#ifndef HOOK_HMAC_H
#define HOOK_HMAC_H

#include <stddef.h>

#include "sha.h"

struct hmac_ctx {
	struct sha_ctx inner;
	struct sha_ctx outer;
};

void hmac_init(struct hmac_ctx *ctx, enum sha_alg alg, const void *key,
    size_t keylen);
void hmac_update(struct hmac_ctx *ctx, const void *data, size_t len);
void hmac_final(struct hmac_ctx *ctx, unsigned char *mac);
void hmac(enum sha_alg alg, const void *key, size_t keylen,
    const void *data, size_t len, unsigned char *mac);

/*
 * 1 if the n bytes at a and b are equal.  The time taken depends on n
 * only, never on where the first difference is.
 */
int hmac_equal(const void *a, const void *b, size_t n);

#endif
