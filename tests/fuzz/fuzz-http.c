/*
 * fuzz-http: a whole raw request as it arrives on the wire: request
 * line, fields, and a body by Content-Length, chunked, or to the end.
 * The parser runs with small limits over any bytes and frees all it
 * made (httpreq_fuzz_http in src/httpreq.c).
 */
#include "fuzz.h"
#include "httpreq.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	httpreq_fuzz_http(data, len);
	return 0;
}
