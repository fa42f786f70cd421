/*
 * sha.h - SHA-1, SHA-256 and SHA-512 (FIPS 180-4), without any library.
 *
 * The HMAC schemes of hook-verify and hook-send need nothing else, and
 * loading libcrypto costs more at each exec than hashing a webhook body,
 * so these are our own.  They are checked in tests/unit/t-sha.c against
 * the FIPS 180 examples, RFC 4231 and openssl.
 *
 * Use: sha_init, any number of sha_update, one sha_final (which leaves
 * the context wiped), or sha_digest for a buffer at once.  No function
 * fails and none allocates.  SHA-1 is only for legacy signatures that a
 * caller asked for by name.
 */
#ifndef HOOK_SHA_H
#define HOOK_SHA_H

#include <stddef.h>
#include <stdint.h>

enum sha_alg {
	SHA_1,
	SHA_256,
	SHA_512,
};

#define SHA_MAX_DIGEST 64
#define SHA_MAX_BLOCK 128

struct sha_ctx {
	enum sha_alg alg;
	union {
		uint32_t w32[8];
		uint64_t w64[8];
	} h;
	uint64_t total;			/* bytes hashed so far */
	size_t buffered;
	unsigned char buf[SHA_MAX_BLOCK];
};

size_t sha_digest_len(enum sha_alg alg);
size_t sha_block_len(enum sha_alg alg);

/* "sha1", "sha256", "sha512" (also "sha-256" and upper case): 0 or -1. */
int sha_alg_parse(const char *name, enum sha_alg *alg);
const char *sha_alg_name(enum sha_alg alg);

void sha_init(struct sha_ctx *ctx, enum sha_alg alg);
void sha_update(struct sha_ctx *ctx, const void *data, size_t len);
void sha_final(struct sha_ctx *ctx, unsigned char *digest);
void sha_digest(enum sha_alg alg, const void *data, size_t len,
    unsigned char *digest);

/*
 * SHA-256 uses the processor's SHA instructions (x86 SHA-NI) when it has
 * them.  sha_accelerate(0) turns that off, sha_accelerate(1) back on
 * where available; either returns 1 if they are now in use.  For the
 * tests, which check both ways against the same answers.
 */
int sha_accelerate(int on);

#endif
