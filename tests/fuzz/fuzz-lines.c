/*
 * fuzz-lines: a file of "Name: value" header lines, blank lines and
 * comments, as hook-verify reads headers saved by a receiver.
 * The parser runs with small limits over any bytes and frees all it
 * made (httpreq_fuzz_lines in src/httpreq.c).
 */
#include "fuzz.h"
#include "httpreq.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	httpreq_fuzz_lines(data, len);
	return 0;
}
