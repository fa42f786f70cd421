/*
 * fuzz-jscan: the journal line scanner.  jscan_object on any bytes,
 * the values it returns read with jscan_int and jscan_string, and
 * journal_read_attempt, which hook-stat runs on every journal line.
 * Every value returned points inside the line.
 */
#include "fuzz.h"
#include "journal_read.h"
#include "jscan.h"

static const char *const names[] = {
	"id", "attempt", "start", "status", "url", "detail", "", "a",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct jscan_value v[NNAMES];
	struct journal_read_attempt a;
	char *line, buf[64];
	int64_t n;

	line = malloc(len ? len : 1);
	FUZZ_ASSERT(line != NULL);
	memcpy(line, data, len);

	if (jscan_object(line, len, names, NNAMES, v) == 0) {
		for (size_t i = 0; i < NNAMES; i++) {
			if (v[i].type == JSCAN_ABSENT)
				continue;
			if (v[i].type == JSCAN_STRING ||
			    v[i].type == JSCAN_NUMBER) {
				FUZZ_ASSERT(v[i].p >= line);
				FUZZ_ASSERT(v[i].p + v[i].len <= line + len);
			}
			jscan_int(&v[i], &n);
			long r = jscan_string(&v[i], buf, sizeof(buf));
			FUZZ_ASSERT(r < (long)sizeof(buf));
			if (r >= 0)
				FUZZ_ASSERT(buf[r] == '\0');
			jscan_string_is(&v[i], "attempt");
		}
	}
	journal_read_attempt(line, len, &a);
	free(line);
	return 0;
}
