/*
 * ed25519.h - Ed25519 signatures (RFC 8032) through libcrypto, loaded
 * only when one is actually made or checked.
 *
 * Why not link libcrypto: merely linking it adds about 0.6 ms to every
 * exec here (relocating a 4 MB library), twice what hook-verify needs
 * for a whole HMAC request, and only Standard Webhooks v1a uses Ed25519.
 * So the first call dlopen()s libcrypto, initialises it without reading
 * any openssl.cnf (OPENSSL_INIT_NO_LOAD_CONFIG), and looks up the few
 * functions used.  A program that links libcrypto anyway (hook-send)
 * pays nothing extra: dlopen finds the copy already loaded.
 *
 * Keys are the raw 32-byte seed (private) and 32-byte public key;
 * signatures are 64 bytes.  Functions return 0 on success; -1 with
 * errno ENOSYS when libcrypto cannot be loaded, EINVAL for a key that
 * libcrypto refuses.  ed25519_verify returns 1 when the signature is
 * valid, 0 when it is not, -1 on error.
 */
#ifndef HOOK_ED25519_H
#define HOOK_ED25519_H

#include <stddef.h>

#define ED25519_KEY_LEN 32
#define ED25519_SIG_LEN 64

int ed25519_public(const unsigned char *seed, unsigned char *pub);
int ed25519_sign(const unsigned char *seed, const void *msg, size_t len,
    unsigned char *sig);
int ed25519_verify(const unsigned char *pub, const void *msg, size_t len,
    const unsigned char *sig);

#endif
