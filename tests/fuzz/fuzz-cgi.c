/*
 * fuzz-cgi: a CGI environment (HTTP_*, CONTENT_LENGTH, REQUEST_URI,
 * REMOTE_ADDR, ...) as NUL-separated NAME=value strings.
 * The parser runs with small limits over any bytes and frees all it
 * made (httpreq_fuzz_envblock in src/httpreq.c).
 */
#include "fuzz.h"
#include "httpreq.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	httpreq_fuzz_envblock(data, len);
	return 0;
}
