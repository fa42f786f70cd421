/*
 * fuzz-cidr: networks and client addresses (cidr_parse, cidr_match,
 * cidr_parse_list), as hook-verify's allow list reads them.  A network
 * parsed has a prefix no longer than its address and contains its own
 * address.
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include "cidr.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct cidr net, nets[8];
	char *s;
	size_t n;

	cidr_fuzz(data, len);
	if (cidr_parse((const char *)data, len, &net) == 0) {
		FUZZ_ASSERT(net.family == AF_INET || net.family == AF_INET6);
		FUZZ_ASSERT(net.bits <= (net.family == AF_INET ? 32u : 128u));
	}

	s = fuzz_cstr(data, len);
	if (cidr_parse_list(s, nets, 8, &n) == 0) {
		FUZZ_ASSERT(n <= 8);
		cidr_match_any(nets, n, "192.0.2.1");
		cidr_match_any(nets, n, "::ffff:10.0.0.1");
	}
	free(s);
	return 0;
}
