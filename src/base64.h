/*
 * base64.h - RFC 4648 base64 (standard alphabet, with padding), without
 * any library, so that commands that only need to encode a key do not
 * load libcrypto.
 *
 * base64_encode writes base64_encoded_len(n) + 1 bytes (NUL-terminated).
 * base64_decode accepts the standard alphabet with or without padding
 * and returns -1 (errno EINVAL) on any other character or a bad length;
 * out must hold base64_decoded_max(n) bytes.
 */
#ifndef HOOK_BASE64_H
#define HOOK_BASE64_H

#include <stddef.h>

#define base64_encoded_len(n) ((((n) + 2) / 3) * 4)
#define base64_decoded_max(n) ((((n) + 3) / 4) * 3)

size_t base64_encode(const void *in, size_t n, char *out);
int base64_decode(const char *in, size_t n, void *out, size_t *outlen);

#endif
