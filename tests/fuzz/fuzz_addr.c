// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_addr.c - libFuzzer target for address and prefix parsing
 * (lib/addr.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The input, as a C string, goes to addr_parse_prefix() and addr_parse().
 * A prefix that parses must be written by addr_format_prefix() as text
 * that parses back to the same prefix, must parse the same with its own
 * family and not with the other, and goes through the checks and the
 * arithmetic: addr_nth() and addr_offset() must be inverse inside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const struct pw_prefix *a, const struct pw_prefix *b)
{
	return a->len == b->len && addr_equal(&a->addr, &b->addr);
}

static void check_prefix(const char *s, const struct pw_prefix *p)
{
	int other = p->addr.family == AF_INET ? AF_INET6 : AF_INET;
	char text[PW_ADDRSTRLEN];
	struct pw_prefix q, net;
	struct pw_why why;
	struct pw_addr a;
	uint64_t span, n;

	if ((p->addr.family != AF_INET && p->addr.family != AF_INET6) ||
	    p->len > addr_bits(p->addr.family))
		abort();
	if (!addr_parse_prefix(s, p->addr.family, &q, &why) || !same(p, &q))
		abort();
	if (addr_parse_prefix(s, other, &q, &why))
		abort();

	/* What podwire writes, it must read back. */
	addr_format_prefix(p, text, sizeof(text));
	if (!addr_parse_prefix(text, AF_UNSPEC, &q, &why) || !same(p, &q))
		abort();

	/* Each gives the same answer with and without a why to fill. */
	if (addr_iface_ok(p, &why) != addr_iface_ok(p, NULL) ||
	    addr_subnet_ok(p, &why) != addr_subnet_ok(p, NULL) ||
	    addr_host_ok(&p->addr, &why) != addr_host_ok(&p->addr, NULL))
		abort();

	net = addr_network(p);
	if (net.len != p->len || !addr_prefix_contains(&net, &p->addr) ||
	    !addr_prefix_contains(p, &net.addr) ||
	    !addr_prefix_overlap(p, &net) || !addr_prefix_overlap(&net, p))
		abort();
	/* A good subnet has no host bits. */
	if (addr_subnet_ok(p, &why) && !same(p, &net))
		abort();

	span = addr_span(p);
	if (span == 0)
		abort();
	for (int i = 0; i < 3; i++) {
		n = i == 0 ? 0 : i == 1 ? span - 1 : span / 2;
		a = addr_nth(p, n);
		if (!addr_prefix_contains(p, &a) || addr_offset(p, &a) != n)
			abort();
	}
	if (addr_offset(p, &p->addr) >= span && span != UINT64_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct pw_prefix p;
	struct pw_addr a;
	struct pw_why why;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	if (addr_parse_prefix(s, AF_UNSPEC, &p, &why))
		check_prefix(s, &p);

	if (addr_parse(s, AF_UNSPEC, &a, &why)) {
		char text[PW_ADDRSTRLEN];
		struct pw_addr b;

		if (a.family != AF_INET && a.family != AF_INET6)
			abort();
		addr_host_ok(&a, &why);
		addr_format(&a, text, sizeof(text));
		if (!addr_parse(text, AF_UNSPEC, &b, &why) ||
		    !addr_equal(&a, &b))
			abort();
	}
	free(s);
	return 0;
}
