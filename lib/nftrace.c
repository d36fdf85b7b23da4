// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nftrace.c - the tracer's table, and the kernel's reports on one packet.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Its batches are nft.c's kind (nft_batch.c), without a generation; the
 * reports come on a second socket that joined NFNLGRP_NFTRACE, so that
 * they never mix with the ACKs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/trace.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nft_priv.h"
#include "nftrace.h"
#include "nl.h"
#include "util.h"

/* Before raw (-300) and conntrack (-200): the mark is set first. */
#define TRACE_PRIO (-350)

struct nftrace {
	struct nl *ctl; /* the batches */
	struct nl *reports; /* NFNLGRP_NFTRACE */
	struct nftrace_flow flow; /* the reports kept are of its packets */
	/* nftrace_collect(): since when, and how long, none was kept. */
	struct timespec last_kept;
	int quiet_ms;
	char table[32];
	struct nftrace_event *ev;
	size_t n, cap;
	int err; /* the first the report callback met */
};

/* ---- The tracer's table ------------------------------------------------- */

static int put_table(struct nft_batch *bt, const char *name, bool add)
{
	struct nftnl_table *t = nftnl_table_alloc();
	int err;

	if (!t || nftnl_table_set_str(t, NFTNL_TABLE_NAME, name) < 0) {
		nftnl_table_free(t);
		return -ENOMEM;
	}
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	err = nft_batch_table(bt, t, add, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	nftnl_table_free(t);
	return err;
}

/* The address a, at its place in an IPv4 (or IPv6) header, is... */
static int expr_addr(struct nftnl_rule *r, const struct pw_addr *a, bool src)
{
	bool v4 = a->family == AF_INET;
	uint32_t len = (uint32_t)addr_size(a->family);
	uint32_t off = v4 ? (src ? 12 : 16) : (src ? 8 : 24);
	int err = nft_expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, off, len);

	return err ? err : nft_expr_cmp(r, NFT_CMP_EQ, a->bytes, len);
}

/* meta nftrace set 1 */
static int expr_nftrace(struct nftnl_rule *r)
{
	struct nftnl_expr *imm = nftnl_expr_alloc("immediate");
	struct nftnl_expr *set = nftnl_expr_alloc("meta");
	uint8_t one = 1;

	if (!imm || !set) {
		nftnl_expr_free(imm);
		nftnl_expr_free(set);
		return -ENOMEM;
	}
	nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(imm, NFTNL_EXPR_IMM_DATA, &one, sizeof(one));
	nftnl_rule_add_expr(r, imm);
	nftnl_expr_set_u32(set, NFTNL_EXPR_META_KEY, NFT_META_NFTRACE);
	nftnl_expr_set_u32(set, NFTNL_EXPR_META_SREG, NFT_REG_1);
	nftnl_rule_add_expr(r, set);
	return 0;
}

/* meta l4proto tcp th dport PORT (the port left out when 0) */
static int expr_l4(struct nftnl_rule *r, uint8_t l4proto, uint16_t dport)
{
	uint16_t port = htons(dport);
	int err = nft_expr_meta(r, NFT_META_L4PROTO);

	if (!err)
		err = nft_expr_cmp(r, NFT_CMP_EQ, &l4proto, sizeof(l4proto));
	if (err || !dport)
		return err;
	/* TCP's and UDP's destination port: 2 bytes at 2. */
	err = nft_expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2,
			       sizeof(port));
	return err ? err : nft_expr_cmp(r, NFT_CMP_EQ, &port, sizeof(port));
}

/*
 * meta nfproto ipv4 ip saddr SRC ip daddr DST meta l4proto P [th dport N]
 * meta nftrace set 1 (the source left out when with_src is false)
 */
static int put_rule(struct nft_batch *bt, const char *table, const char *chain,
		    const struct nftrace_flow *f, bool with_src)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	uint8_t proto = f->dst.family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
	int err = 0;

	if (!r || nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table) < 0 ||
	    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain) < 0) {
		nftnl_rule_free(r);
		return -ENOMEM;
	}
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	err = nft_expr_meta(r, NFT_META_NFPROTO);
	if (!err)
		err = nft_expr_cmp(r, NFT_CMP_EQ, &proto, sizeof(proto));
	if (!err && with_src && f->src.family)
		err = expr_addr(r, &f->src, true);
	if (!err)
		err = expr_addr(r, &f->dst, false);
	if (!err)
		err = expr_l4(r, f->l4proto, f->dport);
	if (!err)
		err = expr_nftrace(r);
	if (!err)
		err = nft_batch_rule(bt, r, true);
	nftnl_rule_free(r);
	return err;
}

/* The table, its two chains, and a rule in each: five messages. */
static int make_table(struct nftrace *t, const struct nftrace_flow *f)
{
	struct nft_batch bt = { .buf = NULL };
	int err = nft_batch_begin(&bt, t->ctl, NULL, 5);

	if (!err)
		err = put_table(&bt, t->table, true);
	if (!err)
		err = nft_batch_base_chain(&bt, t->table, "arriving", "filter",
					   NF_INET_PRE_ROUTING, TRACE_PRIO);
	if (!err)
		err = nft_batch_base_chain(&bt, t->table, "sent", "filter",
					   NF_INET_LOCAL_OUT, TRACE_PRIO);
	/* A packet that arrives comes from src; one the host sends, from
	 * whichever address the host picks. */
	if (!err)
		err = put_rule(&bt, t->table, "arriving", f, true);
	if (!err)
		err = put_rule(&bt, t->table, "sent", f, false);
	if (!err)
		err = nft_batch_send(&bt);
	nft_batch_free(&bt);
	return err;
}

/* ---- Tables of tracers that were killed --------------------------------- */

#define STALE_MAX 16

struct stale {
	char names[STALE_MAX][32];
	size_t n;
};

/* A tracer's table whose process is gone: it never got to remove it. */
static int stale_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct stale *st = arg;
	struct nftnl_table *t;
	const char *name;
	char rest;
	int pid;

	if (nlh->nlmsg_type != nft_type(NFT_MSG_NEWTABLE))
		return 0;
	t = nftnl_table_alloc();
	if (!t)
		return -ENOMEM;
	name = nftnl_table_nlmsg_parse(nlh, t) < 0 ?
		       NULL :
		       nftnl_table_get_str(t, NFTNL_TABLE_NAME);
	if (name && st->n < STALE_MAX &&
	    sscanf(name, "podwire-trace-%d%c", &pid, &rest) == 1 && pid > 0 &&
	    kill(pid, 0) < 0 && errno == ESRCH)
		pw_strlcpy(st->names[st->n++], name, sizeof(st->names[0]));
	nftnl_table_free(t);
	return 0;
}

/*
 * A tracer killed (kill -9) left its table, which would go on marking
 * its flow for tracing: the next tracer removes it.
 */
static int remove_stale(struct nl *nl)
{
	struct nft_batch bt = { .buf = NULL };
	char buf[512] = { 0 };
	struct stale st = { .n = 0 };
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE,
						     NFPROTO_INET, 0, 0);
	int err = nl_request(nl, nlh, true, stale_cb, &st);

	if (err || !st.n)
		return err;
	err = nft_batch_begin(&bt, nl, NULL, st.n);
	for (size_t i = 0; i < st.n && !err; i++)
		err = put_table(&bt, st.names[i], false);
	if (!err)
		err = nft_batch_send(&bt);
	nft_batch_free(&bt);
	return err == -ENOENT ? 0 : err; /* another tracer was first */
}

int nftrace_start(struct nftrace **out, const struct nftrace_flow *flow)
{
	struct nftrace *t = calloc(1, sizeof(*t));
	int err;

	*out = NULL;
	if (!t)
		return -ENOMEM;
	snprintf(t->table, sizeof(t->table), "podwire-trace-%d", (int)getpid());
	t->flow = *flow;
	err = nl_open_proto(&t->ctl, -1, NETLINK_NETFILTER);
	if (!err)
		err = nl_open_proto(&t->reports, -1, NETLINK_NETFILTER);
	/* Joined first: no report of the first packet is missed. */
	if (!err)
		err = nl_join_group(t->reports, NFNLGRP_NFTRACE);
	if (!err)
		err = remove_stale(t->ctl);
	if (!err)
		err = make_table(t, flow);
	if (err) {
		nl_close(t->ctl);
		nl_close(t->reports);
		free(t);
		return err;
	}
	*out = t;
	return 0;
}

/* ---- Reports ------------------------------------------------------------ */

/* The header of kind attr a report carries, or NULL; its length in *len. */
static const uint8_t *header(const struct nftnl_trace *tr, uint16_t attr,
			     uint32_t *len)
{
	*len = 0;
	return nftnl_trace_is_set(tr, attr) ?
		       nftnl_trace_get_data(tr, attr, len) :
		       NULL;
}

/*
 * The addresses of the packet a report carries the network header of,
 * and its protocol (the IPv6 header's next header: an extension header
 * there is not followed; 0: unknown).
 */
static uint8_t header_addrs(const struct nftnl_trace *tr,
			    struct nftrace_event *e)
{
	uint32_t len;
	const uint8_t *h = header(tr, NFTNL_TRACE_NETWORK_HEADER, &len);

	if (h && len >= 20 && h[0] >> 4 == 4) {
		e->saddr.family = e->daddr.family = AF_INET;
		memcpy(e->saddr.bytes, h + 12, 4);
		memcpy(e->daddr.bytes, h + 16, 4);
		return h[9];
	}
	if (h && len >= 40 && h[0] >> 4 == 6) {
		e->saddr.family = e->daddr.family = AF_INET6;
		memcpy(e->saddr.bytes, h + 8, 16);
		memcpy(e->daddr.bytes, h + 24, 16);
		return h[6];
	}
	return 0;
}

/*
 * Is the report of a packet of the flow?  Another tracer's, or anyone's
 * `meta nftrace set 1`, reports to the same group.  What a report does
 * not carry is not held against it.
 */
static bool of_flow(const struct nftrace_flow *f, const struct nftnl_trace *tr,
		    const struct nftrace_event *e, uint8_t proto)
{
	uint32_t len;
	const uint8_t *th = header(tr, NFTNL_TRACE_TRANSPORT_HEADER, &len);

	if (e->daddr.family && !addr_equal(&e->daddr, &f->dst))
		return false;
	if (e->saddr.family && f->src.family && !addr_equal(&e->saddr, &f->src))
		return false;
	if (proto && proto != f->l4proto)
		return false;
	/* TCP's and UDP's destination port: 2 bytes at 2. */
	if (f->dport && th && len >= 4 && (th[2] << 8 | th[3]) != f->dport)
		return false;
	/* An echo request's identifier: 2 bytes at 4. */
	if (f->echo_id >= 0 && th && len >= 6 &&
	    (th[4] << 8 | th[5]) != f->echo_id)
		return false;
	return true;
}

/* A tracer's own chains: this one's, or another's running at once. */
static bool tracer_table(const char *table)
{
	return !strncmp(table, "podwire-trace-", strlen("podwire-trace-"));
}

static void copy_str(const struct nftnl_trace *tr, uint16_t attr, char *dst,
		     size_t size)
{
	const char *s = nftnl_trace_is_set(tr, attr) ?
				nftnl_trace_get_str(tr, attr) :
				NULL;

	pw_strlcpy(dst, s ? s : "", size);
}

static uint32_t get_u32(const struct nftnl_trace *tr, uint16_t attr)
{
	return nftnl_trace_is_set(tr, attr) ? nftnl_trace_get_u32(tr, attr) : 0;
}

static int on_report(const struct nlmsghdr *nlh, void *arg)
{
	struct nftrace *t = arg;
	struct nftnl_trace *tr;
	struct nftrace_event e = { .handle = 0 };
	struct nftrace_event *more;
	bool keep;
	uint8_t proto;

	/* Reports of other packets may never stop coming: quiet is a
	 * while without one of ours. */
	if (pw_ms_since(&t->last_kept) >= t->quiet_ms)
		return -ETIME;
	if (nlh->nlmsg_type != nft_type(NFT_MSG_TRACE))
		return 0;
	tr = nftnl_trace_alloc();
	if (!tr)
		return -ENOMEM;
	if (nftnl_trace_nlmsg_parse(nlh, tr) < 0) {
		nftnl_trace_free(tr);
		return 0; /* one libnftnl can't read */
	}
	copy_str(tr, NFTNL_TRACE_TABLE, e.table, sizeof(e.table));
	copy_str(tr, NFTNL_TRACE_CHAIN, e.chain, sizeof(e.chain));
	e.family = get_u32(tr, NFTNL_TRACE_FAMILY);
	e.type = get_u32(tr, NFTNL_TRACE_TYPE);
	/* A chain's policy comes as its own attribute, with no verdict. */
	e.verdict = get_u32(tr, e.type == NFT_TRACETYPE_POLICY ?
					NFTNL_TRACE_POLICY :
					NFTNL_TRACE_VERDICT);
	e.iif = get_u32(tr, NFTNL_TRACE_IIF);
	e.oif = get_u32(tr, NFTNL_TRACE_OIF);
	if (nftnl_trace_is_set(tr, NFTNL_TRACE_RULE_HANDLE))
		e.handle = nftnl_trace_get_u64(tr, NFTNL_TRACE_RULE_HANDLE);
	proto = header_addrs(tr, &e);
	keep = of_flow(&t->flow, tr, &e, proto) && !tracer_table(e.table);
	nftnl_trace_free(tr);
	if (!keep)
		return 0;
	more = nft_room_for(t->ev, t->n, &t->cap, sizeof(*t->ev));
	if (!more)
		return -ENOMEM;
	t->ev = more;
	t->ev[t->n++] = e;
	t->last_kept = pw_clock();
	return 0;
}

int nftrace_collect(struct nftrace *t, int quiet_ms, struct nftrace_event **ev,
		    size_t *n)
{
	bool lost = false;
	int err;

	t->quiet_ms = quiet_ms;
	t->last_kept = pw_clock();
	/* After an overrun, the reports that came later are read too. */
	while ((err = nl_events(t->reports, quiet_ms, on_report, t)) ==
	       -ENOBUFS)
		lost = true;
	if (err == -ETIME)
		err = 0;
	if (!err && lost)
		err = -ENOBUFS;

	*ev = t->ev;
	*n = t->n;
	t->ev = NULL;
	t->n = t->cap = 0;
	return err;
}

int nftrace_stop(struct nftrace *t)
{
	struct nft_batch bt = { .buf = NULL };
	int err;

	if (!t)
		return 0;
	err = nft_batch_begin(&bt, t->ctl, NULL, 1);
	if (!err)
		err = put_table(&bt, t->table, false);
	if (!err)
		err = nft_batch_send(&bt);
	nft_batch_free(&bt);
	nl_close(t->ctl);
	nl_close(t->reports);
	free(t->ev);
	free(t);
	return err;
}
