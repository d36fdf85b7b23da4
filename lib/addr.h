/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * addr.h - strict parsing and formatting of IPv4/IPv6 addresses and
 * prefixes, and the prefix arithmetic IPAM needs.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Only the canonical written forms are accepted: dotted quads of decimal
 * octets without leading zeros (no "010.0.0.1", "0x0a.0.0.1", "10.1",
 * "167772160"), IPv6 as inet_pton(3) reads it but without a zone
 * ("fe80::1%eth0") and without embedded IPv4, and a prefix length of plain
 * decimal digits without leading zeros ("/024" and "/ 24" are refused).
 * Ambiguous spellings are refused instead of guessed.
 */
#ifndef PODWIRE_ADDR_H
#define PODWIRE_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "util.h"

struct pw_addr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t bytes[16]; /* network order; IPv4 uses the first 4 */
};

struct pw_prefix {
	struct pw_addr addr;
	uint8_t len;
};

/* "255.255.255.255/32" and "ffff:...:ffff/128" fit with room to spare. */
#define PW_ADDRSTRLEN 64

static inline unsigned addr_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static inline size_t addr_size(int family)
{
	return family == AF_INET ? 4 : 16;
}

/*
 * Syntax.  Each returns true for an address, else false with the reason
 * the text is not one in why (which may be NULL).  family AF_UNSPEC
 * accepts either family.
 */
bool addr_parse(const char *s, int family, struct pw_addr *out,
		struct pw_why *why);
/* ADDR/LEN; the length is required. */
bool addr_parse_prefix(const char *s, int family, struct pw_prefix *out,
		       struct pw_why *why);

/*
 * Meaning.  An address to put on an interface must be a unicast host
 * address of its prefix: not unspecified, loopback, multicast, reserved,
 * v4-mapped, and (for IPv4 prefixes up to /30) neither the network nor
 * the broadcast address.  A subnet must have its host bits clear, a
 * length of at least 1, and be a routed unicast range: not loopback,
 * multicast, link-local, 0.0.0.0/8, IPv4-mapped, or one that holds :: or
 * ::1.
 */
bool addr_iface_ok(const struct pw_prefix *p, struct pw_why *why);
bool addr_subnet_ok(const struct pw_prefix *p, struct pw_why *why);
/* A gateway is an interface address without a length. */
bool addr_host_ok(const struct pw_addr *a, struct pw_why *why);

/* Canonical text: inet_ntop(3) form, "/LEN" appended for prefixes. */
char *addr_format(const struct pw_addr *a, char *buf, size_t size);
char *addr_format_prefix(const struct pw_prefix *p, char *buf, size_t size);

bool addr_equal(const struct pw_addr *a, const struct pw_addr *b);

/* "IPv4" or "IPv6", as the text names a family. */
static inline const char *addr_family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}
/* The prefix with its host bits cleared. */
struct pw_prefix addr_network(const struct pw_prefix *p);
bool addr_prefix_contains(const struct pw_prefix *net, const struct pw_addr *a);
/* True when two prefixes share any address. */
bool addr_prefix_overlap(const struct pw_prefix *a, const struct pw_prefix *b);
/* The first of the n prefixes of family, or NULL (a gateway of each
 * family, one per family). */
const struct pw_prefix *addr_prefix_of_family(const struct pw_prefix *p,
					      size_t n, int family);

/*
 * Host offsets inside a prefix, for IPAM: addr_nth() is the address at
 * offset n from the network address (n must be below 2^(bits-len), and at
 * most 2^64 - 1); addr_offset() is the reverse.
 */
struct pw_addr addr_nth(const struct pw_prefix *net, uint64_t n);
uint64_t addr_offset(const struct pw_prefix *net, const struct pw_addr *a);
/* Number of addresses in the prefix, saturated at UINT64_MAX. */
uint64_t addr_span(const struct pw_prefix *net);

#endif
