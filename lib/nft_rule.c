// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft_rule.c - what podwire's masquerade rule is made of: the expressions
 * nft itself would build for
 *
 *   ip saddr 10.244.0.0/24 oifname "uplink0" oifname != "cni0" masquerade
 *
 * so that `nft list ruleset` shows it in those words, and iptables-nft and
 * pod-inspect's ruleset reader see a rule like any other.
 *
 * Copyright (C) 2026 The podwire developers
 */
/* libnftnl's headers name FILE without including it. */
#include <stdio.h>

#include <errno.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <net/if.h>
#include <string.h>

#include "nft.h"
#include "nft_priv.h"

/* Each adds its expressions to r: 0, or -ENOMEM. */
int nft_expr_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	return 0;
}

int nft_expr_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset,
		     uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	return 0;
}

int nft_expr_cmp(struct nftnl_rule *r, uint32_t op, const void *data,
		 uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, e);
	return 0;
}

/* The mask of a prefix shorter than an address: "& 255.255.255.0". */
static int expr_mask(struct nftnl_rule *r, const struct pw_prefix *net,
		     uint32_t len)
{
	struct pw_prefix ones = { .addr.family = net->addr.family,
				  .len = net->len };
	uint8_t xor [16] = { 0 };
	struct nftnl_expr *e;

	if (net->len >= addr_bits(net->addr.family))
		return 0;
	e = nftnl_expr_alloc("bitwise");
	if (!e)
		return -ENOMEM;
	memset(ones.addr.bytes, 0xff, sizeof(ones.addr.bytes));
	ones = addr_network(&ones);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, ones.addr.bytes, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, xor, len);
	nftnl_rule_add_expr(r, e);
	return 0;
}

/* ip saddr NET / ip6 saddr NET, with the nfproto check nft would add. */
static int expr_saddr(struct nftnl_rule *r, const struct pw_prefix *net)
{
	bool v4 = net->addr.family == AF_INET;
	uint8_t proto = v4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
	uint32_t len = (uint32_t)addr_size(net->addr.family);
	struct pw_prefix masked = addr_network(net);
	int err = nft_expr_meta(r, NFT_META_NFPROTO);

	if (!err)
		err = nft_expr_cmp(r, NFT_CMP_EQ, &proto, sizeof(proto));
	if (err)
		return err;
	/* Source address: offset 12 in IPv4's header, 8 in IPv6's. */
	err = nft_expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, v4 ? 12 : 8, len);
	if (!err)
		err = expr_mask(r, net, len);
	return err ? err : nft_expr_cmp(r, NFT_CMP_EQ, masked.addr.bytes, len);
}

/* oifname ["!="] NAME: the name padded to IFNAMSIZ, as nft compares it. */
static int expr_oifname(struct nftnl_rule *r, uint32_t op, const char *name)
{
	char padded[IFNAMSIZ] = { 0 };
	int err = nft_expr_meta(r, NFT_META_OIFNAME);

	pw_strlcpy(padded, name, sizeof(padded));
	return err ? err : nft_expr_cmp(r, op, padded, sizeof(padded));
}

static int expr_masq(struct nftnl_rule *r)
{
	struct nftnl_expr *e = nftnl_expr_alloc("masq");

	if (!e)
		return -ENOMEM;
	nftnl_rule_add_expr(r, e);
	return 0;
}

int nft_masq_build(const struct nft_masq *m, struct nftnl_rule *r)
{
	char comment[NFTNL_UDATA_COMMENT_MAXLEN];
	struct nft_masq stamped = *m;
	int err = expr_saddr(r, &m->subnet);

	/* A rule says when it was added, for veth-prune's grace period. */
	if (!stamped.created)
		stamped.created = pw_now();

	if (!err && m->out[0])
		err = expr_oifname(r, NFT_CMP_EQ, m->out);
	if (!err && m->bridge[0])
		err = expr_oifname(r, NFT_CMP_NEQ, m->bridge);
	if (!err)
		err = expr_masq(r);
	if (!err)
		err = nft_masq_comment(&stamped, comment, sizeof(comment));
	if (!err)
		err = nft_set_comment(r, true, NFTNL_UDATA_RULE_COMMENT,
				      comment);
	return err;
}
