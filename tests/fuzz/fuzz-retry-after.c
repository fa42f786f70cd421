/*
 * fuzz-retry-after: a receiver's Retry-After header value, seconds or
 * an HTTP date (schedule_retry_after).  The delay is never negative.
 */
#include "fuzz.h"
#include "schedule.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *s = fuzz_cstr(data, len);
	int64_t ms = schedule_retry_after(s, 1764756000000);

	FUZZ_ASSERT(ms >= -1);
	free(s);
	return 0;
}
