/*
 * fuzz-spool-name: spool_parse_name on any string.  A name it accepts
 * formats back to the same string: hook-send decides what is due from
 * names alone, so a name must mean exactly one thing.
 */
#include "fuzz.h"
#include "spool.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct spool_name n, again;
	char buf[SPOOL_NAME_MAX + 64], *s = fuzz_cstr(data, len);

	if (spool_parse_name(s, &n) == 0) {
		FUZZ_ASSERT(spool_valid_id(n.id));
		FUZZ_ASSERT(n.time >= 0);
		FUZZ_ASSERT(spool_format_name(buf, sizeof(buf), &n) == 0);
		FUZZ_ASSERT(spool_parse_name(buf, &again) == 0);
		FUZZ_ASSERT(strcmp(again.id, n.id) == 0);
		FUZZ_ASSERT(again.attempts == n.attempts);
		FUZZ_ASSERT(again.time == n.time);
		FUZZ_ASSERT(strcmp(again.reason, n.reason) == 0);
		spool_later_dir(buf, sizeof(buf), n.time);
	}
	spool_valid_id(s);
	free(s);
	return 0;
}
