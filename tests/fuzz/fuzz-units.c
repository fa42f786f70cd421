/*
 * fuzz-units: durations, sizes and points in time as users type them
 * (util_parse_duration_ms, util_parse_size, util_parse_time_ms).  A
 * duration read is never negative and endpoint_format_duration writes
 * it in a form that reads back to the same value.
 */
#include "endpoint.h"
#include "fuzz.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	/* A plausible clock, and the extremes a broken one could give. */
	static const int64_t nows[] = { 1764756000000, 0, INT64_MAX / 2 };
	char *s = fuzz_cstr(data, len), text[32];
	int64_t ms, back, t;
	size_t bytes;

	if (util_parse_duration_ms(s, &ms) == 0) {
		FUZZ_ASSERT(ms >= 0);
		endpoint_format_duration(ms, text, sizeof(text));
		FUZZ_ASSERT(util_parse_duration_ms(text, &back) == 0);
		FUZZ_ASSERT(back == ms);
	}
	util_parse_size(s, &bytes);
	for (size_t i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
		if (util_parse_time_ms(s, nows[i], &t) == 0)
			util_format_time(t, text, sizeof(text));
	}
	free(s);
	return 0;
}
