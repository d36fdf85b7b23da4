// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft_batch.c - one nf_tables transaction: BEGIN, messages that each ask
 * for an ACK, END, sent at once; for nft.c's masquerade rules and
 * nftrace.c's tracer table.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Built like libmnl examples/netfilter/nfct-create-batch.c and checked
 * like nftables src/mnl.c.  Each message of a batch has NFT_MSG_ROOM
 * bytes of its buffer.  BEGIN and END are built with nl_build.h's bound.
 * libnftnl's *_nlmsg_build_payload() take no bound, so what keeps the
 * others within their room is what goes into them: fixed table and chain
 * names, addresses and interface names of fixed sizes, and a comment that
 * nft_masq_comment() and nft_set_comment() bound (tests/unit/test_nl_build.c
 * builds the largest rule there is and measures it).  A message found past
 * its room all the same fails the batch with -EMSGSIZE, and it is not sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdbool.h>
#include <stdlib.h>

#include "nft_priv.h"
#include "nl.h"
#include "nl_build.h"

static void *slot(struct nft_batch *bt)
{
	return mnl_nlmsg_batch_current(bt->b);
}

static size_t room(struct nft_batch *bt)
{
	size_t left = bt->size - mnl_nlmsg_batch_size(bt->b);

	return left < NFT_MSG_ROOM ? left : NFT_MSG_ROOM;
}

int nft_batch_next(struct nft_batch *bt, const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_len > NFT_MSG_ROOM || !mnl_nlmsg_batch_next(bt->b))
		return -EMSGSIZE;
	return 0;
}

/* Every message but BEGIN and END asks for an ACK. */
static uint32_t acked_seq(struct nft_batch *bt)
{
	uint32_t seq = nl_next_seq(bt->nl);

	if (!bt->acked++)
		bt->acked_first = seq;
	return seq;
}

/* BEGIN, with the generation the batch was computed from, or END. */
static int marker(struct nft_batch *bt, uint16_t type, uint32_t seq,
		  const uint32_t *genid)
{
	struct nfgenmsg *nfg;
	struct nl_build b;
	int err;

	nl_build_start(&b, slot(bt), room(bt), type, NLM_F_REQUEST);
	nfg = nl_build_header(&b, sizeof(*nfg));
	if (nfg) {
		nfg->nfgen_family = AF_UNSPEC;
		nfg->version = NFNETLINK_V0;
		nfg->res_id = htons(NFNL_SUBSYS_NFTABLES);
	}
	if (genid)
		nl_build_u32(&b, NFNL_BATCH_GENID, htonl(*genid));
	err = nl_build_error(&b);
	if (err)
		return err;
	b.nlh->nlmsg_seq = seq;
	return nft_batch_next(bt, b.nlh);
}

int nft_batch_begin(struct nft_batch *bt, struct nl *nl, const uint32_t *genid,
		    size_t nmsgs)
{
	bt->nl = nl;
	bt->size = (nmsgs + 2) * NFT_MSG_ROOM;
	bt->buf = calloc(1, bt->size); /* zeroed: see nl_build.h */
	bt->b = bt->buf ? mnl_nlmsg_batch_start(bt->buf, bt->size) : NULL;
	if (!bt->b)
		return -ENOMEM;
	bt->begin_seq = nl_next_seq(nl);
	bt->acked = 0;
	return marker(bt, NFNL_MSG_BATCH_BEGIN, bt->begin_seq, genid);
}

void nft_batch_free(struct nft_batch *bt)
{
	if (bt->b)
		mnl_nlmsg_batch_stop(bt->b);
	free(bt->buf);
	bt->b = NULL;
	bt->buf = NULL;
}

int nft_batch_msg(struct nft_batch *bt, uint16_t type, uint16_t flags,
		  struct nlmsghdr **nlh)
{
	if (room(bt) < NFT_MSG_ROOM)
		return -EMSGSIZE;
	*nlh = nftnl_nlmsg_build_hdr(slot(bt), type, NFPROTO_INET,
				     flags | NLM_F_ACK, acked_seq(bt));
	return 0;
}

int nft_batch_send(struct nft_batch *bt)
{
	uint32_t end_seq = nl_next_seq(bt->nl);
	uint32_t failed;
	int err = marker(bt, NFNL_MSG_BATCH_END, end_seq, NULL);

	if (err)
		return err;
	return nl_send_acked(bt->nl, mnl_nlmsg_batch_head(bt->b),
			     mnl_nlmsg_batch_size(bt->b), bt->begin_seq,
			     end_seq, bt->acked_first, bt->acked, &failed);
}

int nft_batch_table(struct nft_batch *bt, struct nftnl_table *t, bool add,
		    uint16_t flags)
{
	struct nlmsghdr *nlh;
	int err = nft_batch_msg(bt, add ? NFT_MSG_NEWTABLE : NFT_MSG_DELTABLE,
				flags, &nlh);

	if (err)
		return err;
	nftnl_table_nlmsg_build_payload(nlh, t);
	return nft_batch_next(bt, nlh);
}

int nft_batch_base_chain(struct nft_batch *bt, const char *table,
			 const char *name, const char *type, uint32_t hook,
			 int32_t prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;
	int err;

	if (!c || nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type) < 0) {
		nftnl_chain_free(c);
		return -ENOMEM;
	}
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	err = nft_batch_msg(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE, &nlh);
	if (!err) {
		nftnl_chain_nlmsg_build_payload(nlh, c);
		err = nft_batch_next(bt, nlh);
	}
	nftnl_chain_free(c);
	return err;
}

int nft_batch_rule(struct nft_batch *bt, struct nftnl_rule *r, bool add)
{
	struct nlmsghdr *nlh;
	int err = nft_batch_msg(bt, add ? NFT_MSG_NEWRULE : NFT_MSG_DELRULE,
				add ? NLM_F_CREATE | NLM_F_APPEND : 0, &nlh);

	if (err)
		return err;
	nftnl_rule_nlmsg_build_payload(nlh, r);
	return nft_batch_next(bt, nlh);
}
