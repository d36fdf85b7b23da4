// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ruleset.c - anyone's nftables ruleset, read and judged for
 * pod-inspect --check.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * A rule is decoded by walking its expressions and tracking what each
 * register holds, the way the kernel evaluates them: a payload load of
 * the network header followed by a cmp is an address match, a meta load
 * of oifname followed by a cmp an interface match, and anything this
 * walk does not understand marks the rule as having another condition.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "nft_priv.h"
#include "nl.h"
#include "ruleset.h"

#define RULESET_REQ_SIZE 1024 /* a GET request; zeroed, see nl_build.h */

/* ---- Chains ------------------------------------------------------------- */

struct chain_list {
	struct ruleset_chain *v;
	size_t n, cap;
	int err; /* -ENOMEM: the dump's result, whatever the kernel said */
};

static int chain_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct chain_list *cl = arg;
	struct nftnl_chain *c;
	struct ruleset_chain *ci, *grown;
	const char *s;

	if (nlh->nlmsg_type != nft_type(NFT_MSG_NEWCHAIN))
		return 0;
	c = nftnl_chain_alloc();
	if (!c)
		return cl->err = -ENOMEM;
	errno = 0;
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		cl->err = nft_parse_error();
		nftnl_chain_free(c);
		return cl->err;
	}
	grown = nft_room_for(cl->v, cl->n, &cl->cap, sizeof(*cl->v));
	if (!grown) {
		nftnl_chain_free(c);
		return cl->err = -ENOMEM;
	}
	cl->v = grown;
	ci = memset(&cl->v[cl->n++], 0, sizeof(*ci));
	ci->family = (int)nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
	s = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
	pw_strlcpy(ci->table, s ? s : "", sizeof(ci->table));
	s = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
	pw_strlcpy(ci->name, s ? s : "", sizeof(ci->name));
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
		ci->base = true;
		ci->hook = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
		ci->prio = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
		ci->policy =
			nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) ?
				nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) :
				NF_ACCEPT;
		s = nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE);
		pw_strlcpy(ci->type, s ? s : "", sizeof(ci->type));
	}
	nftnl_chain_free(c);
	return 0;
}

/* ---- Rules: what the registers hold ------------------------------------- */

/* What a register holds while a rule's expressions are walked. */
enum reg_content {
	REG_NONE,
	REG_NETWORK, /* bytes of the network header: see off/len */
	REG_NFPROTO, /* the family dependency nft adds: not a condition */
	REG_IIFNAME,
	REG_OIFNAME,
	REG_OTHER,
};

struct reg_state {
	int l3; /* AF_INET, AF_INET6, or 0 while unknown (inet tables) */
	enum reg_content what[32];
	uint32_t off[32], len[32];
	uint8_t mask[32][16];
	bool masked[32];
};

static unsigned reg_index(uint32_t reg)
{
	/* NFT_REG_1..4 are 1..4; NFT_REG32_00.. are 8..23. */
	return reg < 32 ? reg : 0;
}

static void on_payload(struct reg_state *rs, struct nftnl_expr *e)
{
	unsigned r = reg_index(nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_DREG));

	rs->masked[r] = false;
	rs->what[r] = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE) ==
				      NFT_PAYLOAD_NETWORK_HEADER ?
			      REG_NETWORK :
			      REG_OTHER;
	rs->off[r] = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
	rs->len[r] = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
}

static void on_bitwise(struct reg_state *rs, struct nftnl_expr *e)
{
	unsigned r = reg_index(nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_DREG));
	uint32_t len = 0;
	const void *mask = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &len);

	if (!mask || len > 16) {
		rs->what[r] = REG_OTHER;
		return;
	}
	memset(rs->mask[r], 0, sizeof(rs->mask[r]));
	memcpy(rs->mask[r], mask, len);
	rs->masked[r] = true;
}

/* The prefix length of a contiguous mask; -1 when not contiguous. */
static int mask_len(const uint8_t *mask, size_t size)
{
	int len = 0;
	bool ended = false;

	for (size_t i = 0; i < size * 8; i++) {
		bool bit = mask[i / 8] & (0x80 >> (i % 8));

		if (bit && ended)
			return -1;
		if (bit)
			len++;
		else
			ended = true;
	}
	return len;
}

/*
 * Which address a load of the network header starts: nft loads only the
 * bytes a prefix needs ("ip saddr 10.244.0.0/24" is 3 bytes at offset 12),
 * so any length from the first byte of the address counts.  1: saddr,
 * 2: daddr, 0: something else.
 */
static int address_field(int l3, uint32_t off, uint32_t len)
{
	uint32_t size = l3 == AF_INET ? 4 : 16;
	uint32_t src = l3 == AF_INET ? 12 : 8, dst = l3 == AF_INET ? 16 : 24;

	if (!l3 || len == 0 || len > size)
		return 0;
	return off == src ? 1 : off == dst ? 2 : 0;
}

/*
 * iifname/oifname: a whole name is compared with its NUL (nft over all
 * IFNAMSIZ bytes, iptables-nft over the name and its padding); a
 * wildcard ("eth*", iptables' "eth+") is compared without one, over the
 * prefix only, and is left as a condition this reader does not evaluate.
 */
static void on_ifname_cmp(bool input, uint32_t op, const uint8_t *data,
			  uint32_t len, struct ruleset_rule *ri)
{
	char name[IFNAMSIZ] = { 0 };

	if (!data || len == 0 || len > IFNAMSIZ || !memchr(data, '\0', len) ||
	    (op != NFT_CMP_EQ && op != NFT_CMP_NEQ)) {
		ri->other = true;
		return;
	}
	memcpy(name, data, len);
	if (input && !ri->has_iif) {
		ri->has_iif = true;
		ri->iif_neg = op == NFT_CMP_NEQ;
		pw_strlcpy(ri->iif, name, sizeof(ri->iif));
	} else if (!input && op == NFT_CMP_EQ && !ri->has_oif) {
		ri->has_oif = true;
		pw_strlcpy(ri->oif, name, sizeof(ri->oif));
	} else if (!input && op == NFT_CMP_NEQ && !ri->has_oif_not) {
		ri->has_oif_not = true;
		pw_strlcpy(ri->oif_not, name, sizeof(ri->oif_not));
	} else {
		ri->other = true; /* two of a kind: not judged */
	}
}

static void on_cmp(struct reg_state *rs, struct nftnl_expr *e,
		   struct ruleset_rule *ri)
{
	unsigned r = reg_index(nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_SREG));
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP);
	uint32_t len = 0;
	const uint8_t *data = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
	struct pw_prefix p = { 0 };
	int field, plen;

	if (rs->what[r] == REG_IIFNAME || rs->what[r] == REG_OIFNAME) {
		on_ifname_cmp(rs->what[r] == REG_IIFNAME, op, data, len, ri);
		return;
	}
	if (rs->what[r] == REG_NFPROTO) {
		/* meta nfproto ipv4/ipv6: tells an inet rule's family. */
		if (data && len == 1 && op == NFT_CMP_EQ)
			rs->l3 = data[0] == NFPROTO_IPV4 ? AF_INET :
				 data[0] == NFPROTO_IPV6 ? AF_INET6 :
							   0;
		return;
	}
	field = rs->what[r] == REG_NETWORK ?
			address_field(rs->l3, rs->off[r], rs->len[r]) :
			0;
	if (!field || !data || len != rs->len[r] ||
	    (op != NFT_CMP_EQ && op != NFT_CMP_NEQ)) {
		ri->other = true;
		return;
	}
	p.addr.family = rs->l3;
	memcpy(p.addr.bytes, data, len);
	plen = rs->masked[r] ? mask_len(rs->mask[r], len) : (int)len * 8;
	if (plen < 0) {
		ri->other = true;
		return;
	}
	p.len = (uint8_t)plen;
	if (field == 1) {
		ri->has_saddr = true;
		ri->saddr = p;
		ri->saddr_neg = op == NFT_CMP_NEQ;
	} else {
		ri->has_daddr = true;
		ri->daddr = p;
		ri->daddr_neg = op == NFT_CMP_NEQ;
	}
}

static void on_immediate(struct nftnl_expr *e, struct ruleset_rule *ri)
{
	int32_t v;

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT))
		return; /* data for a later expression */
	v = (int32_t)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
	ri->verdict = v == NF_ACCEPT ? RULESET_V_ACCEPT :
		      v == NF_DROP   ? RULESET_V_DROP :
				       RULESET_V_OTHER;
}

struct expr_walk {
	struct ruleset_rule *ri;
	struct reg_state rs;
};

static int expr_cb(struct nftnl_expr *e, void *arg)
{
	struct expr_walk *w = arg;
	struct ruleset_rule *ri = w->ri;
	struct reg_state *rs = &w->rs;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	unsigned r;

	if (!strcmp(name, "payload")) {
		on_payload(rs, e);
	} else if (!strcmp(name, "bitwise")) {
		on_bitwise(rs, e);
	} else if (!strcmp(name, "cmp")) {
		on_cmp(rs, e, ri);
	} else if (!strcmp(name, "meta")) {
		if (!nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG))
			return MNL_CB_OK; /* a meta set, not a match */
		r = reg_index(nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG));
		switch (nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY)) {
		case NFT_META_NFPROTO:
			rs->what[r] = REG_NFPROTO;
			break;
		case NFT_META_IIFNAME:
			rs->what[r] = REG_IIFNAME;
			break;
		case NFT_META_OIFNAME:
			rs->what[r] = REG_OIFNAME;
			break;
		default:
			rs->what[r] = REG_OTHER;
		}
		rs->masked[r] = false;
	} else if (!strcmp(name, "immediate")) {
		on_immediate(e, ri);
	} else if (!strcmp(name, "masq")) {
		ri->verdict = RULESET_V_MASQ;
	} else if (!strcmp(name, "nat")) {
		/* snat to an address hides the pod as masquerade does */
		ri->verdict = nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_TYPE) ==
					      NFT_NAT_SNAT ?
				      RULESET_V_MASQ :
				      RULESET_V_OTHER;
	} else if (!strcmp(name, "reject")) {
		ri->verdict = RULESET_V_DROP;
	} else if (!strcmp(name, "target")) {
		/* iptables-nft: standard verdicts are immediates; an xt
		 * target is an extension such as MASQUERADE. */
		const char *t = nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME);

		ri->verdict =
			t && (!strcmp(t, "MASQUERADE") || !strcmp(t, "SNAT")) ?
				RULESET_V_MASQ :
			t && !strcmp(t, "REJECT") ? RULESET_V_DROP :
						    RULESET_V_OTHER;
	} else if (strcmp(name, "counter") && strcmp(name, "log")) {
		/* lookup, ct, xt match, limit ...: a condition we can't
		 * evaluate, so the rule may not apply to the pod. */
		ri->other = true;
	}
	return MNL_CB_OK;
}

/* ---- Rules -------------------------------------------------------------- */

struct rule_list {
	struct ruleset_rule *v;
	size_t n, cap;
	int err; /* -ENOMEM: the dump's result, whatever the kernel said */
};

static int rule_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rule_list *rl = arg;
	struct expr_walk w = { 0 };
	struct nftnl_rule *r;
	struct ruleset_rule *ri, *grown;
	const char *s;
	int err = nft_rule_from(nlh, &r);

	if (err)
		return rl->err = err;
	if (!r)
		return 0;
	grown = nft_room_for(rl->v, rl->n, &rl->cap, sizeof(*rl->v));
	if (!grown) {
		nftnl_rule_free(r);
		return rl->err = -ENOMEM;
	}
	rl->v = grown;
	ri = memset(&rl->v[rl->n++], 0, sizeof(*ri));
	ri->family = (int)nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);
	s = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
	pw_strlcpy(ri->table, s ? s : "", sizeof(ri->table));
	s = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	pw_strlcpy(ri->chain, s ? s : "", sizeof(ri->chain));
	ri->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	w.ri = ri;
	w.rs.l3 = ri->family == NFPROTO_IPV4 ? AF_INET :
		  ri->family == NFPROTO_IPV6 ? AF_INET6 :
					       0;
	nftnl_expr_foreach(r, expr_cb, &w);
	nftnl_rule_free(r);
	return 0;
}

/*
 * One dump of every family.  A callback that fails keeps its error in its
 * state (*cb_err) and returns it, which ends its calls; that error is the
 * dump's.
 */
static int dump_all(struct nl *nl, uint16_t msg,
		    int (*cb)(const struct nlmsghdr *, void *), void *arg,
		    const int *cb_err)
{
	char buf[RULESET_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh =
		nftnl_nlmsg_build_hdr(buf, msg, NFPROTO_UNSPEC, NLM_F_DUMP, 0);
	int err = nl_request(nl, nlh, true, cb, arg);

	return *cb_err ? *cb_err : err;
}

int ruleset_read(struct ruleset *rs)
{
	struct chain_list cl = { 0 };
	struct rule_list rl = { 0 };
	struct nl *nl;
	int err;

	memset(rs, 0, sizeof(*rs));
	err = nl_open_proto(&nl, -1, NETLINK_NETFILTER);
	if (err)
		return err;
	err = dump_all(nl, NFT_MSG_GETCHAIN, chain_cb, &cl, &cl.err);
	if (!err)
		err = dump_all(nl, NFT_MSG_GETRULE, rule_cb, &rl, &rl.err);
	nl_close(nl);
	if (err) {
		free(cl.v);
		free(rl.v);
		return err;
	}
	rs->chains = cl.v;
	rs->nchains = cl.n;
	rs->rules = rl.v;
	rs->nrules = rl.n;
	return 0;
}

void ruleset_free(struct ruleset *rs)
{
	free(rs->chains);
	free(rs->rules);
	memset(rs, 0, sizeof(*rs));
}

/* ---- Judging ------------------------------------------------------------ */

static bool family_applies(int nfproto, int family)
{
	return nfproto == NFPROTO_INET ||
	       (family == AF_INET && nfproto == NFPROTO_IPV4) ||
	       (family == AF_INET6 && nfproto == NFPROTO_IPV6);
}

static bool match_covers(bool has, bool neg, const struct pw_prefix *p,
			 const struct pw_addr *a)
{
	bool in;

	if (!has)
		return true;
	in = p->addr.family == a->family && addr_prefix_contains(p, a);
	return neg ? !in : in;
}

/* The base chain a rule is in; NULL for a regular chain's rule. */
static const struct ruleset_chain *base_chain(const struct ruleset *rs,
					      const struct ruleset_rule *r)
{
	for (size_t i = 0; i < rs->nchains; i++) {
		const struct ruleset_chain *ch = &rs->chains[i];

		if (ch->base && ch->family == r->family &&
		    !strcmp(ch->table, r->table) && !strcmp(ch->name, r->chain))
			return ch;
	}
	return NULL;
}

const struct ruleset_rule *
ruleset_masquerade_for(const struct ruleset *rs, const struct pw_addr *a,
		       const struct ruleset_rule *prev)
{
	for (size_t i = prev ? (size_t)(prev - rs->rules) + 1 : 0;
	     i < rs->nrules; i++) {
		const struct ruleset_rule *r = &rs->rules[i];
		const struct ruleset_chain *ch = base_chain(rs, r);

		if (r->verdict == RULESET_V_MASQ && ch &&
		    !strcmp(ch->type, "nat") &&
		    ch->hook == NF_INET_POST_ROUTING &&
		    family_applies(r->family, a->family) &&
		    match_covers(r->has_saddr, r->saddr_neg, &r->saddr, a))
			return r;
	}
	return NULL;
}

/*
 * Does a rule certainly apply to the pod's traffic on its way out?  It
 * comes in by in_if (the pod's bridge, or a routed pod's host end) and
 * leaves by some other interface, so "iifname cni0" and "oifname != cni0"
 * hold, while "oifname eth0" depends on a route this check does not
 * follow.  A condition that can't be judged makes the rule uncertain, and
 * an uncertain rule decides nothing.  Without a known in_if, no interface
 * match holds.
 */
static bool applies_outbound(const struct ruleset_rule *r,
			     const struct pw_addr *a, const char *in_if)
{
	if (r->other || r->has_daddr ||
	    !match_covers(r->has_saddr, r->saddr_neg, &r->saddr, a))
		return false;
	if (r->has_iif &&
	    (!in_if || (strcmp(r->iif, in_if) == 0) == r->iif_neg))
		return false;
	if (r->has_oif)
		return false;
	if (r->has_oif_not && !(in_if && !strcmp(r->oif_not, in_if)))
		return false;
	return true;
}

/*
 * How one forward chain treats the pod's outgoing traffic: the first rule
 * that certainly applies decides, else the policy.  NF_ACCEPT or NF_DROP,
 * with the deciding rule's handle in *handle (0 for the policy).
 */
static int chain_verdict(const struct ruleset *rs,
			 const struct ruleset_chain *ch,
			 const struct pw_addr *a, const char *in_if,
			 uint64_t *handle)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct ruleset_rule *r = &rs->rules[i];

		if (r->family != ch->family || strcmp(r->table, ch->table) ||
		    strcmp(r->chain, ch->name) ||
		    (r->verdict != RULESET_V_ACCEPT &&
		     r->verdict != RULESET_V_DROP) ||
		    !applies_outbound(r, a, in_if))
			continue;
		*handle = r->handle;
		return r->verdict == RULESET_V_ACCEPT ? NF_ACCEPT : NF_DROP;
	}
	*handle = 0;
	return (int)ch->policy;
}

const struct ruleset_chain *ruleset_forward_dropper(const struct ruleset *rs,
						    const struct pw_addr *a,
						    const char *in_if,
						    uint64_t *handle)
{
	for (size_t i = 0; i < rs->nchains; i++) {
		const struct ruleset_chain *ch = &rs->chains[i];

		if (ch->base && !strcmp(ch->type, "filter") &&
		    ch->hook == NF_INET_FORWARD &&
		    family_applies(ch->family, a->family) &&
		    chain_verdict(rs, ch, a, in_if, handle) == NF_DROP)
			return ch;
	}
	*handle = 0;
	return NULL;
}

const char *ruleset_family_name(uint32_t nfproto)
{
	switch (nfproto) {
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_NETDEV:
		return "netdev";
	case NFPROTO_ARP:
		return "arp";
	}
	return "?";
}
