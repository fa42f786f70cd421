/*
 * cidr.c - see cidr.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "cidr.h"

#define ADDR_TEXT_MAX 64

/* An address as family and 4 or 16 bytes; mapped IPv4 becomes IPv4. */
static int
parse_addr(const char *s, size_t len, int *family, unsigned char *out)
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	};
	char buf[ADDR_TEXT_MAX];

	if (len == 0 || len >= sizeof(buf) || memchr(s, '\0', len))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, out) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, out) == 1) {
		*family = AF_INET6;
		if (memcmp(out, mapped, sizeof(mapped)) == 0) {
			memmove(out, out + 12, 4);
			*family = AF_INET;
		}
		return 0;
	}
	return -1;
}

int
cidr_parse(const char *s, size_t len, struct cidr *net)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	unsigned max, bits = 0;

	memset(net, 0, sizeof(*net));
	if (parse_addr(s, alen, &net->family, net->addr) < 0)
		goto bad;
	max = net->family == AF_INET ? 32 : 128;
	if (slash == NULL) {
		bits = max;
	} else {
		const char *p = slash + 1, *end = s + len;

		if (p == end || end - p > 3)
			goto bad;
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				goto bad;
			bits = bits * 10 + (unsigned)(*p - '0');
		}
		if (bits > max)
			goto bad;
	}
	net->bits = bits;

	/* Host bits beyond the prefix suggest a mistyped network. */
	for (unsigned i = bits; i < max; i++)
		if (net->addr[i / 8] & (0x80 >> (i % 8)))
			goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
cidr_parse_list(const char *s, struct cidr *nets, size_t max, size_t *n)
{
	size_t count = 0;

	while (*s) {
		size_t len = strcspn(s, ", \t\n");

		if (len > 0) {
			if (count == max) {
				errno = E2BIG;
				return -1;
			}
			if (cidr_parse(s, len, &nets[count]) < 0)
				return -1;
			count++;
		}
		s += len;
		if (*s)
			s++;
	}
	*n = count;
	return 0;
}

static int
in_net(const struct cidr *net, int family, const unsigned char *a)
{
	unsigned full = net->bits / 8, rest = net->bits % 8;

	if (family != net->family)
		return 0;
	if (memcmp(a, net->addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ net->addr[full]) & (0xff00 >> rest)) == 0;
}

int
cidr_match(const struct cidr *net, const char *addr)
{
	unsigned char a[16];
	int family;

	if (parse_addr(addr, strlen(addr), &family, a) < 0)
		return -1;
	return in_net(net, family, a);
}

int
cidr_match_any(const struct cidr *nets, size_t n, const char *addr)
{
	unsigned char a[16];
	int family;

	if (parse_addr(addr, strlen(addr), &family, a) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (in_net(&nets[i], family, a))
			return 1;
	return 0;
}

int
cidr_fuzz(const uint8_t *data, size_t len)
{
	struct cidr net;
	char addr[ADDR_TEXT_MAX];
	size_t alen = len < sizeof(addr) - 1 ? len : sizeof(addr) - 1;

	if (cidr_parse((const char *)data, len, &net) < 0)
		return -1;
	memcpy(addr, data, alen);
	addr[alen] = '\0';
	return cidr_match(&net, addr);
}
