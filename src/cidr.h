/*
 * cidr.h - networks written as ADDRESS[/BITS], IPv4 or IPv6, and
 * whether a client address falls in one.
 *
 * cidr_parse reads one network; without /BITS it is the single address.
 * Host bits set beyond the prefix are refused as a likely typo.  An
 * IPv4-mapped IPv6 client (::ffff:192.0.2.1) matches IPv4 networks, as
 * dual-stack servers report IPv4 clients that way.  Parsers return 0,
 * or -1 with errno EINVAL; nothing is allocated.  cidr_fuzz runs the
 * parsers over arbitrary bytes, for libFuzzer.
 */
#ifndef HOOK_CIDR_H
#define HOOK_CIDR_H

#include <stddef.h>
#include <stdint.h>

struct cidr {
	int family;			/* AF_INET or AF_INET6 */
	unsigned bits;
	unsigned char addr[16];
};

int cidr_parse(const char *s, size_t len, struct cidr *net);

/*
 * Parse a list separated by commas or blanks into nets (room for max);
 * -1 with EINVAL naming nothing, or E2BIG when there are more than max.
 */
int cidr_parse_list(const char *s, struct cidr *nets, size_t max,
    size_t *n);

/* 1 if addr is in net, 0 if not, -1 if addr is not an address. */
int cidr_match(const struct cidr *net, const char *addr);

/* 1 if addr is in any of the n nets, 0 if none, -1 if not an address. */
int cidr_match_any(const struct cidr *nets, size_t n, const char *addr);

int cidr_fuzz(const uint8_t *data, size_t len);

#endif
