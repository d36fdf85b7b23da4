// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_nft_comment.c - unit tests for the comment that marks a
 * masquerade rule as podwire's (nft_masq_comment() and
 * nft_masq_parse_comment() in lib/nft.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The comment is the rule's whole description: nat-out compares it to
 * find a rule again, veth-prune --nat reads its created= for the grace
 * period.  What nft_masq_comment() writes parses back to the same rule;
 * a comment without created= (a rule from before it was written) parses
 * with created 0; anything that is not a whole podwire mark is refused.
 */
#include <inttypes.h>
#include <string.h>

#include "nft.h"
#include "tap.h"

static bool masq_equal(const struct nft_masq *a, const struct nft_masq *b)
{
	return a->subnet.len == b->subnet.len &&
	       addr_equal(&a->subnet.addr, &b->subnet.addr) &&
	       !strcmp(a->out, b->out) && !strcmp(a->bridge, b->bridge) &&
	       a->created == b->created;
}

static struct nft_masq masq(const char *subnet, const char *out,
			    const char *bridge, int64_t created)
{
	struct nft_masq m = { .created = created };

	addr_parse_prefix(subnet, AF_UNSPEC, &m.subnet, NULL);
	strcpy(m.out, out);
	strcpy(m.bridge, bridge);
	return m;
}

static void round_trips(void)
{
	const struct {
		struct nft_masq m;
		const char *text;
	} cases[] = {
		{ masq("10.244.0.0/24", "", "", 0),
		  "podwire: subnet=10.244.0.0/24" },
		{ masq("10.244.0.0/24", "uplink0", "cni0", 1796049288),
		  "podwire: subnet=10.244.0.0/24 out=uplink0 bridge=cni0 "
		  "created=1796049288" },
		{ masq("fd00::/64", "", "br0", 7),
		  "podwire: subnet=fd00::/64 bridge=br0 created=7" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];
		struct nft_masq back;

		ok(!nft_masq_comment(&cases[i].m, text, sizeof(text)) &&
			   !strcmp(text, cases[i].text),
		   "formats \"%s\"", cases[i].text);
		ok(nft_masq_parse_comment(cases[i].text, &back) &&
			   masq_equal(&back, &cases[i].m),
		   "parses \"%s\" back", cases[i].text);
	}
}

static void refusals(void)
{
	static const char *const bad[] = {
		"",
		"podwire",
		"podwire:",
		"podwire: subnet=10.244.0.0/24 created=",
		"podwire: subnet=10.244.0.0/24 created=-5",
		"podwire: subnet=10.244.0.0/24 created=12x",
		"podwire: subnet=10.244.0.0/24 created=99999999999999999999",
		"podwire: subnet=10.244.0.0/24 out=../x",
		"podwire: out=eth0",
		"podwire2: subnet=10.244.0.0/24",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nft_masq m;

		ok(!nft_masq_parse_comment(bad[i], &m) && !m.created &&
			   !m.subnet.len,
		   "refuses \"%s\"", bad[i]);
	}
}

int main(void)
{
	round_trips();
	refusals();
	return tap_done();
}
