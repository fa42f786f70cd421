/*
 * fuzz-url-header: endpoint_valid_url and endpoint_valid_header, the
 * checks hook-enqueue and hook-endpoint make on what a user types.  A
 * header line accepted is one "Name: value" line with no CR or LF.
 */
#include "endpoint.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char err[256], *s = fuzz_cstr(data, len);

	if (endpoint_valid_url(s, err, sizeof(err)) == 0)
		FUZZ_ASSERT(strpbrk(s, "\r\n \t") == NULL);
	if (endpoint_valid_header(s, err, sizeof(err)) == 0) {
		FUZZ_ASSERT(strpbrk(s, "\r\n") == NULL);
		FUZZ_ASSERT(strchr(s, ':') != NULL);
	}
	free(s);
	return 0;
}
