// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_owner.c - libFuzzer target for the ownership mark (lib/owner.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The input, as a C string, is an interface alias for owner_parse().  A
 * mark it takes must hold names that fit, and owner_format() must write
 * it as an alias that owner_parse() reads back to the same owner; then
 * owner_names_end() is asked about both of its ends.  The same string is
 * a rule comment for nft_masq_parse_comment(), the mark veth-prune --nat
 * trusts: what it takes must format back to a comment it reads the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nft.h"
#include "owner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const struct owner *a, const struct owner *b)
{
	return !strcmp(a->netns, b->netns) && !strcmp(a->ifname, b->ifname) &&
	       !strcmp(a->peer_netns, b->peer_netns) &&
	       !strcmp(a->peer_ifname, b->peer_ifname) &&
	       !strcmp(a->bridge, b->bridge) && !strcmp(a->cid, b->cid) &&
	       a->created == b->created;
}

static void rule_comment(const char *s)
{
	struct nft_masq m, back;
	char text[256];

	if (!nft_masq_parse_comment(s, &m))
		return;
	if (m.created < 0 || nft_masq_comment(&m, text, sizeof(text)) ||
	    !nft_masq_parse_comment(text, &back) ||
	    back.subnet.len != m.subnet.len ||
	    !addr_equal(&back.subnet.addr, &m.subnet.addr) ||
	    strcmp(back.out, m.out) || strcmp(back.bridge, m.bridge) ||
	    back.created != m.created)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct owner o, back;
	char alias[256];

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (owner_parse(s, &o)) {
		if (strnlen(o.netns, sizeof(o.netns)) > PW_NETNS_MAX ||
		    strnlen(o.ifname, sizeof(o.ifname)) > PW_IFNAME_MAX ||
		    strnlen(o.peer_netns, sizeof(o.peer_netns)) >
			    PW_NETNS_MAX ||
		    strnlen(o.peer_ifname, sizeof(o.peer_ifname)) >
			    PW_IFNAME_MAX ||
		    strnlen(o.bridge, sizeof(o.bridge)) > PW_IFNAME_MAX ||
		    o.created < 0 || (!o.ifname[0] && !o.bridge[0]))
			abort();
		if (owner_format(&o, alias, sizeof(alias)) != 0)
			abort();
		if (!owner_parse(alias, &back) || !same(&o, &back))
			abort();
		if (!o.bridge[0] &&
		    (!owner_names_end(&o, o.netns, o.ifname) ||
		     (o.peer_ifname[0] &&
		      !owner_names_end(&o, o.peer_netns, o.peer_ifname))))
			abort();
	}
	rule_comment(s);
	free(s);
	return 0;
}
