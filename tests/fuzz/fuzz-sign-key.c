/*
 * fuzz-sign-key: sign_key_parse on any bytes, then every signing
 * function with the key it made.  A key parsed fits its buffers, and
 * each signature written fits SIGN_VALUE_MAX and ends in a NUL.
 */
#include "fuzz.h"
#include "sign.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct sign_key key;
	char out[SIGN_VALUE_MAX];
	int n;

	if (sign_key_parse((const char *)data, len, &key) < 0)
		return 0;
	FUZZ_ASSERT(key.textlen > 0 && key.textlen <= SIGN_KEY_MAX);
	FUZZ_ASSERT(key.keylen <= SIGN_KEY_MAX);

#define SIGNED(call) do { \
	n = (call); \
	FUZZ_ASSERT(n < (int)sizeof(out)); \
	if (n >= 0) \
		FUZZ_ASSERT(out[n] == '\0' && strlen(out) == (size_t)n); \
} while (0)
	SIGNED(sign_stdwebhooks_v1(&key, "msg_1", 1700000000, "{}", 2, out,
	    sizeof(out)));
	SIGNED(sign_stripe(&key, 1700000000, "{}", 2, out, sizeof(out)));
	SIGNED(sign_github(&key, "{}", 2, out, sizeof(out)));
	SIGNED(sign_slack(&key, 1700000000, "{}", 2, out, sizeof(out)));
	SIGNED(sign_shopify(&key, "{}", 2, out, sizeof(out)));
	SIGNED(sign_key_public(&key, out, sizeof(out)));
#undef SIGNED
	sign_key_wipe(&key);
	return 0;
}
