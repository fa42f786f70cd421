/*
 * fuzz-json-member: util_json_member on arbitrary bytes, not only on
 * valid JSON.  The first byte gives the length of the member name,
 * taken from the bytes that follow; the rest is the text.  A value
 * found lies wholly inside the text.
 */
#include "fuzz.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *name, *text;
	size_t nlen, tlen, off, vlen;

	if (len < 1)
		return 0;
	nlen = data[0] % 16;
	if (nlen > len - 1)
		nlen = len - 1;
	name = fuzz_cstr(data + 1, nlen);
	tlen = len - 1 - nlen;

	/* An exact-size copy, so that a read past the end is caught. */
	text = malloc(tlen ? tlen : 1);
	FUZZ_ASSERT(text != NULL);
	memcpy(text, data + 1 + nlen, tlen);
	if (util_json_member(text, tlen, name, &off, &vlen) == 0) {
		FUZZ_ASSERT(off <= tlen);
		FUZZ_ASSERT(vlen <= tlen - off);
	}
	free(text);
	free(name);
	return 0;
}
