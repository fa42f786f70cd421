/*
 * fuzz-verify: every signature header hook-verify reads.  The first
 * byte picks the scheme (Standard Webhooks, Stripe, GitHub, GitHub
 * SHA-1, Slack, Shopify, generic HMAC); the rest is the value of that
 * scheme's signature header, checked and then run through the hints.
 * The harness is verify_fuzz_header in src/verify.c.
 */
#include "fuzz.h"
#include "verify.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	verify_fuzz_header(data, len);
	return 0;
}
