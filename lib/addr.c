// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * addr.c - strict parsing and formatting of IPv4/IPv6 addresses and
 * prefixes, and the prefix arithmetic IPAM needs.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

#define ADDR_TEXT_MAX 45 /* INET6_ADDRSTRLEN - 1 */

/* Dotted quad of decimal octets, no leading zeros, nothing else. */
static bool parse_ipv4(const char *s, uint8_t out[4])
{
	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9') {
			if (digits == 1 && v == 0)
				return false; /* leading zero */
			v = v * 10 + (unsigned)(*s - '0');
			if (++digits > 3 || v > 255)
				return false;
			s++;
		}
		if (digits == 0)
			return false;
		out[part] = (uint8_t)v;
		if (part < 3 && *s++ != '.')
			return false;
	}
	return *s == '\0';
}

static bool ipv6_chars_ok(const char *s)
{
	for (; *s; s++) {
		char c = *s;

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F') || c == ':'))
			return false;
	}
	return true;
}

static const char *parse_family(const char *s, int family, struct pw_addr *out)
{
	size_t len = strnlen(s, ADDR_TEXT_MAX + 1);

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return "is empty";
	if (len > ADDR_TEXT_MAX)
		return "is too long to be an address";
	if (strchr(s, ':')) {
		if (family == AF_INET)
			return "is not an IPv4 address";
		if (strchr(s, '%'))
			return "has a zone ('%'), which podwire does not take";
		/* Embedded IPv4 ("::ffff:10.0.0.1") is refused by the
		 * character set: write it in hex. */
		if (!ipv6_chars_ok(s) ||
		    inet_pton(AF_INET6, s, out->bytes) != 1)
			return "is not an IPv6 address";
		out->family = AF_INET6;
		return NULL;
	}
	if (family == AF_INET6)
		return "is not an IPv6 address";
	if (!parse_ipv4(s, out->bytes))
		return "is not a dotted-quad IPv4 address (four decimal "
		       "octets 0-255, no leading zeros)";
	out->family = AF_INET;
	return NULL;
}

bool addr_parse(const char *s, int family, struct pw_addr *out,
		struct pw_why *why)
{
	if (strchr(s, '/'))
		return pw_why_not(why, "has a prefix length where a plain "
				       "address belongs");
	return pw_why_from(why, parse_family(s, family, out));
}

static const char *parse_prefix(const char *s, int family,
				struct pw_prefix *out, struct pw_why *why)
{
	char text[ADDR_TEXT_MAX + 1];
	const char *slash = strchr(s, '/');
	const char *bad;
	uint32_t len;
	size_t n;

	if (!slash)
		return "has no prefix length (write ADDR/LEN, e.g. "
		       "10.0.0.1/24)";
	n = (size_t)(slash - s);
	if (n > ADDR_TEXT_MAX)
		return "is too long to be an address";
	memcpy(text, s, n);
	text[n] = '\0';
	bad = parse_family(text, family, &out->addr);
	if (bad)
		return bad;
	if (pw_parse_u32(slash + 1, addr_bits(out->addr.family), &len)) {
		snprintf(why->text, sizeof(why->text),
			 "has a prefix length that is not a number 0-%u",
			 addr_bits(out->addr.family));
		return why->text;
	}
	out->len = (uint8_t)len;
	return NULL;
}

bool addr_parse_prefix(const char *s, int family, struct pw_prefix *out,
		       struct pw_why *why)
{
	struct pw_why own;

	/* parse_prefix() may write its reason into a why; it needs one. */
	return pw_why_from(why, parse_prefix(s, family, out, why ? why : &own));
}

static bool in_v4(const struct pw_addr *a, uint8_t b0, uint8_t mask0)
{
	return (a->bytes[0] & mask0) == b0;
}

static bool all_bytes(const uint8_t *b, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != v)
			return false;
	return true;
}

static const char *v4_host_reason(const struct pw_addr *a)
{
	if (in_v4(a, 0, 0xff))
		return "is in 0.0.0.0/8 ('this network')";
	if (in_v4(a, 127, 0xff))
		return "is a loopback address";
	if (in_v4(a, 224, 0xf0))
		return "is a multicast address";
	if (in_v4(a, 240, 0xf0))
		return "is a reserved or broadcast address";
	return NULL;
}

static const char *v6_host_reason(const struct pw_addr *a)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0,    0,
					    0, 0, 0, 0, 0xff, 0xff };

	if (all_bytes(a->bytes, 16, 0))
		return "is the unspecified address";
	if (all_bytes(a->bytes, 15, 0) && a->bytes[15] == 1)
		return "is the loopback address";
	if (a->bytes[0] == 0xff)
		return "is a multicast address";
	if (!memcmp(a->bytes, mapped, sizeof(mapped)))
		return "is an IPv4-mapped address";
	return NULL;
}

/* Why a is no address to give a host, or NULL. */
static const char *host_reason(const struct pw_addr *a)
{
	return a->family == AF_INET ? v4_host_reason(a) : v6_host_reason(a);
}

bool addr_host_ok(const struct pw_addr *a, struct pw_why *why)
{
	return pw_why_from(why, host_reason(a));
}

static const char *iface_reason(const struct pw_prefix *p)
{
	const char *bad = host_reason(&p->addr);
	struct pw_prefix net;

	if (bad)
		return bad;
	if (p->len == 0)
		return "has prefix length 0";
	if (p->addr.family != AF_INET || p->len > 30)
		return NULL;
	net = addr_network(p);
	if (addr_equal(&net.addr, &p->addr))
		return "is the network address of its prefix";
	if (addr_offset(&net, &p->addr) == addr_span(&net) - 1)
		return "is the broadcast address of its prefix";
	return NULL;
}

bool addr_iface_ok(const struct pw_prefix *p, struct pw_why *why)
{
	return pw_why_from(why, iface_reason(p));
}

/*
 * Ranges no subnet may touch: a subnet that overlaps one is refused, so a
 * wide one such as 120.0.0.0/5 (which holds 127.0.0.0/8) is caught too.
 */
static const struct {
	int family;
	uint8_t bytes[16];
	uint8_t len;
	const char *why;
} forbidden[] = {
	{ AF_INET, { 0 }, 8, "overlaps 0.0.0.0/8 ('this network')" },
	{ AF_INET, { 127 }, 8, "overlaps the loopback range 127.0.0.0/8" },
	{ AF_INET,
	  { 169, 254 },
	  16,
	  "overlaps link-local 169.254.0.0/16, which is not routed" },
	{ AF_INET,
	  { 224 },
	  3,
	  "overlaps the multicast and reserved ranges 224.0.0.0/3" },
	{ AF_INET6, { 0 }, 127, "holds the unspecified or loopback address" },
	{ AF_INET6,
	  { [10] = 0xff, [11] = 0xff },
	  96,
	  "overlaps IPv4-mapped ::ffff:0:0/96" },
	{ AF_INET6,
	  { 0xfe, 0x80 },
	  10,
	  "overlaps link-local fe80::/10, which is not routed" },
	{ AF_INET6, { 0xff }, 8, "overlaps the multicast range ff00::/8" },
};

static const char *forbidden_overlap(const struct pw_prefix *p)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(forbidden); i++) {
		struct pw_prefix f = { .addr.family = forbidden[i].family,
				       .len = forbidden[i].len };

		if (f.addr.family != p->addr.family)
			continue;
		memcpy(f.addr.bytes, forbidden[i].bytes, 16);
		if (addr_prefix_overlap(p, &f))
			return forbidden[i].why;
	}
	return NULL;
}

bool addr_subnet_ok(const struct pw_prefix *p, struct pw_why *why)
{
	struct pw_prefix net = addr_network(p);
	char text[PW_ADDRSTRLEN];

	if (p->len == 0)
		return pw_why_not(why, "has prefix length 0 and would cover "
				       "every address");
	if (!addr_equal(&net.addr, &p->addr))
		return pw_why_not(why, "has host bits set (the subnet is %s)",
				  addr_format_prefix(&net, text, sizeof(text)));
	return pw_why_from(why, forbidden_overlap(p));
}

/*
 * RFC 5952 text, always in hex: inet_ntop() writes a dotted quad for
 * addresses such as ::a00:1 ("::10.0.0.1"), which podwire's own parser
 * rightly refuses, so what podwire wrote could not be read back.
 */
static void format_v6(const uint8_t *b, char *buf, size_t size)
{
	int best = -1, best_len = 0, run = -1, run_len = 0;
	char out[INET6_ADDRSTRLEN];
	uint16_t g[8];
	size_t n = 0;

	for (int i = 0; i < 8; i++) {
		g[i] = (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
		if (g[i]) {
			run = -1;
			continue;
		}
		if (run < 0) {
			run = i;
			run_len = 0;
		}
		if (++run_len > best_len) {
			best = run;
			best_len = run_len;
		}
	}
	if (best_len < 2)
		best = -1; /* a single zero group is written, not "::" */
	for (int i = 0; i < 8;) {
		if (i == best) {
			n += (size_t)snprintf(out + n, sizeof(out) - n, "::");
			i += best_len;
			continue;
		}
		if (n && out[n - 1] != ':')
			out[n++] = ':';
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%x", g[i]);
		i++;
	}
	out[n] = '\0';
	pw_strlcpy(buf, out, size);
}

char *addr_format(const struct pw_addr *a, char *buf, size_t size)
{
	if (a->family == AF_INET6)
		format_v6(a->bytes, buf, size);
	else if (!inet_ntop(a->family, a->bytes, buf, (socklen_t)size))
		pw_strlcpy(buf, "?", size);
	return buf;
}

char *addr_format_prefix(const struct pw_prefix *p, char *buf, size_t size)
{
	char text[INET6_ADDRSTRLEN];

	snprintf(buf, size, "%s/%u", addr_format(&p->addr, text, sizeof(text)),
		 p->len);
	return buf;
}

bool addr_equal(const struct pw_addr *a, const struct pw_addr *b)
{
	return a->family == b->family &&
	       !memcmp(a->bytes, b->bytes, addr_size(a->family));
}

struct pw_prefix addr_network(const struct pw_prefix *p)
{
	struct pw_prefix net = *p;
	unsigned bits = addr_bits(p->addr.family);

	for (unsigned i = p->len; i < bits; i++)
		net.addr.bytes[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
	return net;
}

bool addr_prefix_contains(const struct pw_prefix *net, const struct pw_addr *a)
{
	struct pw_prefix probe = { .addr = *a, .len = net->len };
	struct pw_prefix n1 = addr_network(net), n2;

	if (a->family != net->addr.family)
		return false;
	n2 = addr_network(&probe);
	return addr_equal(&n1.addr, &n2.addr);
}

bool addr_prefix_overlap(const struct pw_prefix *a, const struct pw_prefix *b)
{
	if (a->addr.family != b->addr.family)
		return false;
	return a->len <= b->len ? addr_prefix_contains(a, &b->addr) :
				  addr_prefix_contains(b, &a->addr);
}

struct pw_addr addr_nth(const struct pw_prefix *net, uint64_t n)
{
	struct pw_prefix base = addr_network(net);
	struct pw_addr a = base.addr;
	int i = (int)addr_size(a.family) - 1;
	unsigned carry = 0;

	/* Add n (big-endian, at most 64 bits) to the network address. */
	for (; i >= 0 && (n || carry); i--) {
		unsigned sum = a.bytes[i] + (unsigned)(n & 0xff) + carry;

		a.bytes[i] = (uint8_t)sum;
		carry = sum >> 8;
		n >>= 8;
	}
	return a;
}

uint64_t addr_offset(const struct pw_prefix *net, const struct pw_addr *a)
{
	size_t size = addr_size(a->family);
	uint64_t v = 0;

	/* The host part is below 2^64 for every pool IPAM accepts. */
	for (size_t i = size > 8 ? size - 8 : 0; i < size; i++)
		v = (v << 8) | a->bytes[i];
	if (addr_bits(a->family) - net->len < 64)
		v &= (UINT64_C(1) << (addr_bits(a->family) - net->len)) - 1;
	return v;
}

uint64_t addr_span(const struct pw_prefix *net)
{
	unsigned host_bits = addr_bits(net->addr.family) - net->len;

	return host_bits >= 64 ? UINT64_MAX : UINT64_C(1) << host_bits;
}

const struct pw_prefix *addr_prefix_of_family(const struct pw_prefix *p,
					      size_t n, int family)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].addr.family == family)
			return &p[i];
	return NULL;
}
