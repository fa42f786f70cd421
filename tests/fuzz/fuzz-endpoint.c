/*
 * fuzz-endpoint: endpoint_parse on any bytes.  A configuration it
 * accepts must format to text that parses again, and that text must
 * format to itself: hook-endpoint rewrites files through this path.
 */
#include "endpoint.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct endpoint ep, again;
	char err[256], *text, *text2;

	endpoint_init(&ep, "fuzz");
	if (endpoint_parse(&ep, (const char *)data, len, err,
	    sizeof(err)) < 0) {
		FUZZ_ASSERT(err[0] != '\0');
		endpoint_free(&ep);
		return 0;
	}
	text = endpoint_format(&ep);
	FUZZ_ASSERT(text != NULL);

	endpoint_init(&again, "fuzz");
	if (endpoint_parse(&again, text, strlen(text), err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "formatted text refused: %s\n%s", err, text);
		abort();
	}
	text2 = endpoint_format(&again);
	FUZZ_ASSERT(text2 != NULL);
	if (strcmp(text, text2) != 0) {
		fprintf(stderr, "format not stable:\n%s---\n%s", text, text2);
		abort();
	}

	free(text2);
	free(text);
	endpoint_free(&again);
	endpoint_free(&ep);
	return 0;
}
