// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft.c - podwire's masquerade rules in its own nftables table.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Batches are built like libmnl examples/netfilter/nfct-create-batch.c and
 * checked like nftables src/mnl.c: the BEGIN message carries the ruleset
 * generation the batch was computed from (NFNL_BATCH_GENID), so the kernel
 * refuses it with ERESTART if anything changed meanwhile, and every message
 * asks for an ACK so an error names the step that failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft.h"
#include "nl.h"
#include "rec.h"

#define NFT_TRIES 5
/* NF_IP_PRI_NAT_SRC: "priority srcnat". */
#define NFT_PRIO_SRCNAT 100
#define NFT_MSG_ROOM 1024 /* every message built here fits */
#define NFT_REQ_SIZE 1024 /* a GET request; zeroed, see nl.c NL_REQ_SIZE */

struct nft {
	struct nl *nl;
};

int nft_open(struct nft **out)
{
	struct nft *nft = pw_xcalloc(1, sizeof(*nft));
	int err = nl_open_proto(&nft->nl, -1, NETLINK_NETFILTER);

	if (err) {
		free(nft);
		return err;
	}
	*out = nft;
	return 0;
}

void nft_close(struct nft *nft)
{
	if (!nft)
		return;
	nl_close(nft->nl);
	free(nft);
}

const char *nft_why(const struct nft *nft, int err, char *buf, size_t size)
{
	if (err == -EEXIST)
		return "an nftables table 'inet " NFT_TABLE "' exists without "
		       "podwire's mark; podwire will not adopt it";
	if (err == -EPROTONOSUPPORT || err == -EOPNOTSUPP)
		return "the kernel lacks nf_tables NAT for inet "
		       "(nft_chain_nat, nft_masq)";
	return nl_why(nft ? nft->nl : NULL, err, buf, size);
}

/* ---- Comments ----------------------------------------------------------- */

int nft_masq_comment(const struct nft_masq *m, char *buf, size_t size)
{
	char net[PW_ADDRSTRLEN];
	int n = snprintf(buf, size, "podwire: subnet=%s%s%s%s%s",
			 addr_format_prefix(&m->subnet, net, sizeof(net)),
			 m->out[0] ? " out=" : "", m->out,
			 m->bridge[0] ? " bridge=" : "", m->bridge);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static bool take_name(const struct rec *r, const char *key, char *dst,
		      size_t size)
{
	const char *v = rec_get(r, key);

	if (!v)
		return true;
	return name_ifname_ok(v) && pw_strlcpy(dst, v, size) < size;
}

bool nft_masq_parse_comment(const char *comment, struct nft_masq *m)
{
	const char *prefix = "podwire:", *bad, *subnet;
	struct pw_why why;
	struct rec r;
	bool ok;

	memset(m, 0, sizeof(*m));
	if (strncmp(comment, prefix, strlen(prefix)))
		return false;
	comment += strlen(prefix);
	rec_init(&r);
	ok = rec_parse_line(comment, strlen(comment), &r, &bad, &why) == 1;
	subnet = ok ? rec_get(&r, "subnet") : NULL;
	ok = subnet &&
	     !addr_parse_prefix(subnet, AF_UNSPEC, &m->subnet, &why) &&
	     take_name(&r, "out", m->out, sizeof(m->out)) &&
	     take_name(&r, "bridge", m->bridge, sizeof(m->bridge));
	rec_clear(&r);
	return ok;
}

/* The comment of a table or rule, from its user data. */
struct udata_comment {
	uint8_t type;
	char text[NFTNL_UDATA_COMMENT_MAXLEN + 1];
};

static int udata_cb(const struct nftnl_udata *attr, void *arg)
{
	struct udata_comment *c = arg;
	const char *v = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	if (nftnl_udata_type(attr) != c->type || len == 0 ||
	    len > NFTNL_UDATA_COMMENT_MAXLEN || v[len - 1] != '\0')
		return MNL_CB_OK;
	memcpy(c->text, v, len);
	return MNL_CB_OK;
}

static void read_comment(const void *data, uint32_t len, uint8_t type,
			 char *out, size_t size)
{
	struct udata_comment c = { .type = type };

	if (data && len)
		nftnl_udata_parse(data, len, udata_cb, &c);
	pw_strlcpy(out, c.text, size);
}

static void set_comment(void *obj, bool is_rule, uint8_t type, const char *text)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(256);

	if (!ud)
		abort();
	nftnl_udata_put_strz(ud, type, text);
	if (is_rule)
		nftnl_rule_set_data(obj, NFTNL_RULE_USERDATA,
				    nftnl_udata_buf_data(ud),
				    nftnl_udata_buf_len(ud));
	else
		nftnl_table_set_data(obj, NFTNL_TABLE_USERDATA,
				     nftnl_udata_buf_data(ud),
				     nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
}

/* ---- Reading ------------------------------------------------------------ */

/*
 * Room for element n of a growing array: returns the array, maybe moved.
 * (Returning it rather than writing through a void ** keeps the typed
 * pointer out of aliasing trouble.)
 */
static void *room_for(void *v, size_t n, size_t *cap, size_t size)
{
	if (n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		v = pw_xrealloc(v, *cap * size);
	}
	return v;
}

static uint16_t nft_type(uint16_t msg)
{
	return (uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | msg);
}

/* A rule from a dump message, or NULL for anything else. */
static struct nftnl_rule *rule_from(const struct nlmsghdr *nlh)
{
	struct nftnl_rule *r;

	if (nlh->nlmsg_type != nft_type(NFT_MSG_NEWRULE))
		return NULL;
	r = nftnl_rule_alloc();
	if (r && nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		r = NULL;
	}
	return r;
}

static int gen_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct nftnl_gen *g;

	if (nlh->nlmsg_type != nft_type(NFT_MSG_NEWGEN))
		return 0;
	g = nftnl_gen_alloc();
	if (g && nftnl_gen_nlmsg_parse(nlh, g) == 0)
		*(uint32_t *)arg = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
	nftnl_gen_free(g);
	return 0;
}

static int read_genid(struct nft *nft, uint32_t *genid)
{
	char buf[NFT_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh =
		nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, 0, 0);

	return nl_request(nft->nl, nlh, false, gen_cb, genid);
}

struct table_state {
	bool found;
	bool ours;
	uint32_t use; /* chains, sets and objects in it */
};

static int table_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct table_state *ts = arg;
	struct nftnl_table *t;
	char comment[NFTNL_UDATA_COMMENT_MAXLEN + 1];
	const void *ud;
	uint32_t len = 0;

	if (nlh->nlmsg_type != nft_type(NFT_MSG_NEWTABLE))
		return 0;
	t = nftnl_table_alloc();
	if (!t || nftnl_table_nlmsg_parse(nlh, t) < 0) {
		nftnl_table_free(t);
		return 0;
	}
	ts->found = true;
	ts->use = nftnl_table_get_u32(t, NFTNL_TABLE_USE);
	ud = nftnl_table_get_data(t, NFTNL_TABLE_USERDATA, &len);
	read_comment(ud, len, NFTNL_UDATA_TABLE_COMMENT, comment,
		     sizeof(comment));
	ts->ours = !strcmp(comment, NFT_TABLE_MARK);
	nftnl_table_free(t);
	return 0;
}

static int read_table(struct nft *nft, struct table_state *ts)
{
	char buf[NFT_REQ_SIZE] = { 0 };
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	int err;

	if (!t)
		return -ENOMEM;
	memset(ts, 0, sizeof(*ts));
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, 0, 0);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	err = nl_request(nft->nl, nlh, false, table_cb, ts);
	if (err == -ENOENT)
		return 0;
	return err;
}

struct rule_list {
	struct nft_masq *rules;
	size_t n, cap;
	size_t total; /* every rule in the chain, marked or not */
};

static int rule_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rule_list *rl = arg;
	struct nftnl_rule *r;
	char comment[NFTNL_UDATA_COMMENT_MAXLEN + 1];
	struct nft_masq m;
	const void *ud;
	uint32_t len = 0;

	r = rule_from(nlh);
	if (!r)
		return 0;
	rl->total++;
	ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	read_comment(ud, len, NFTNL_UDATA_RULE_COMMENT, comment,
		     sizeof(comment));
	if (nft_masq_parse_comment(comment, &m)) {
		m.handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
		rl->rules = room_for(rl->rules, rl->n, &rl->cap,
				     sizeof(*rl->rules));
		rl->rules[rl->n++] = m;
	}
	nftnl_rule_free(r);
	return 0;
}

static int read_rules(struct nft *nft, struct rule_list *rl)
{
	char buf[NFT_REQ_SIZE] = { 0 };
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	int err;

	if (!r)
		return -ENOMEM;
	memset(rl, 0, sizeof(*rl));
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, NFT_CHAIN);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_INET,
				    NLM_F_DUMP, 0);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	err = nl_request(nft->nl, nlh, true, rule_cb, rl);
	if (err == -ENOENT) /* the table is there but not our chain */
		err = 0;
	if (err) {
		free(rl->rules);
		rl->rules = NULL;
	}
	return err;
}

int nft_masq_list(struct nft *nft, struct nft_masq **rules, size_t *n)
{
	struct table_state ts;
	struct rule_list rl;
	int err = read_table(nft, &ts);

	if (err)
		return err;
	if (!ts.found)
		return -ENOENT;
	if (!ts.ours)
		return -EEXIST;
	err = read_rules(nft, &rl);
	if (err)
		return err;
	*rules = rl.rules;
	*n = rl.n;
	return 0;
}

/* ---- Building a batch --------------------------------------------------- */

struct batch {
	char *buf;
	size_t size;
	struct mnl_nlmsg_batch *b;
	struct nft *nft;
	uint32_t begin_seq;
	uint32_t acked_first;
	size_t acked;
};

static void *batch_slot(struct batch *bt)
{
	return mnl_nlmsg_batch_current(bt->b);
}

/* Every message but BEGIN and END asks for an ACK. */
static uint32_t batch_acked_seq(struct batch *bt)
{
	uint32_t seq = nl_next_seq(bt->nft->nl);

	if (!bt->acked++)
		bt->acked_first = seq;
	return seq;
}

static void batch_begin(struct batch *bt, uint32_t genid, size_t nmsgs)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	bt->size = (nmsgs + 2) * NFT_MSG_ROOM;
	bt->buf = pw_xcalloc(1, bt->size); /* zeroed: see nl.c NL_REQ_SIZE */
	bt->b = mnl_nlmsg_batch_start(bt->buf, bt->size);
	bt->begin_seq = nl_next_seq(bt->nft->nl);
	bt->acked = 0;
	nlh = mnl_nlmsg_put_header(batch_slot(bt));
	nlh->nlmsg_type = NFNL_MSG_BATCH_BEGIN;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = bt->begin_seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(NFNL_SUBSYS_NFTABLES);
	mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, htonl(genid));
	mnl_nlmsg_batch_next(bt->b);
}

static struct nlmsghdr *batch_msg(struct batch *bt, uint16_t type,
				  uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(batch_slot(bt), type, NFPROTO_INET,
				     flags | NLM_F_ACK, batch_acked_seq(bt));
}

static void add_table(struct batch *bt)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	set_comment(t, false, NFTNL_UDATA_TABLE_COMMENT, NFT_TABLE_MARK);
	nlh = batch_msg(bt, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	mnl_nlmsg_batch_next(bt->b);
}

static void del_table(struct batch *bt)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	nlh = batch_msg(bt, NFT_MSG_DELTABLE, 0);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	mnl_nlmsg_batch_next(bt->b);
}

static void add_chain(struct batch *bt)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, NFT_CHAIN);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "nat");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_POST_ROUTING);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, NFT_PRIO_SRCNAT);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = batch_msg(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	mnl_nlmsg_batch_next(bt->b);
}

static void del_rule(struct batch *bt, uint64_t handle)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, NFT_CHAIN);
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	nlh = batch_msg(bt, NFT_MSG_DELRULE, 0);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	mnl_nlmsg_batch_next(bt->b);
}

/* ---- Rule expressions --------------------------------------------------- */

static void expr_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

static void expr_cmp(struct nftnl_rule *r, uint32_t op, const void *data,
		     uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, e);
}

/* ip saddr NET / ip6 saddr NET, with the nfproto check nft would add. */
static void expr_saddr(struct nftnl_rule *r, const struct pw_prefix *net)
{
	bool v4 = net->addr.family == AF_INET;
	uint8_t proto = v4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
	uint32_t len = (uint32_t)addr_size(net->addr.family);
	struct pw_prefix masked = addr_network(net);
	struct nftnl_expr *e;

	expr_meta(r, NFT_META_NFPROTO);
	expr_cmp(r, NFT_CMP_EQ, &proto, sizeof(proto));
	e = nftnl_expr_alloc("payload");
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE,
			   NFT_PAYLOAD_NETWORK_HEADER);
	/* Source address: offset 12 in IPv4's header, 8 in IPv6's. */
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, v4 ? 12 : 8);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	if (net->len < addr_bits(net->addr.family)) {
		struct pw_prefix ones = { .addr.family = net->addr.family,
					  .len = net->len };
		uint8_t xor [16] = { 0 };

		memset(ones.addr.bytes, 0xff, sizeof(ones.addr.bytes));
		ones = addr_network(&ones);
		e = nftnl_expr_alloc("bitwise");
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, ones.addr.bytes,
			       len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, xor, len);
		nftnl_rule_add_expr(r, e);
	}
	expr_cmp(r, NFT_CMP_EQ, masked.addr.bytes, len);
}

/* oifname ["!="] NAME: the name padded to IFNAMSIZ, as nft compares it. */
static void expr_oifname(struct nftnl_rule *r, uint32_t op, const char *name)
{
	char padded[IFNAMSIZ] = { 0 };

	pw_strlcpy(padded, name, sizeof(padded));
	expr_meta(r, NFT_META_OIFNAME);
	expr_cmp(r, op, padded, sizeof(padded));
}

static void add_rule(struct batch *bt, const struct nft_masq *m)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	char comment[NFTNL_UDATA_COMMENT_MAXLEN];
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, NFT_CHAIN);
	expr_saddr(r, &m->subnet);
	if (m->out[0])
		expr_oifname(r, NFT_CMP_EQ, m->out);
	if (m->bridge[0])
		expr_oifname(r, NFT_CMP_NEQ, m->bridge);
	nftnl_rule_add_expr(r, nftnl_expr_alloc("masq"));
	nft_masq_comment(m, comment, sizeof(comment));
	set_comment(r, true, NFTNL_UDATA_RULE_COMMENT, comment);
	nlh = batch_msg(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	mnl_nlmsg_batch_next(bt->b);
}

static int batch_send(struct batch *bt)
{
	uint32_t end_seq = nl_next_seq(bt->nft->nl);
	uint32_t failed;
	int err;

	nftnl_batch_end(batch_slot(bt), end_seq);
	mnl_nlmsg_batch_next(bt->b);
	err = nl_send_acked(bt->nft->nl, mnl_nlmsg_batch_head(bt->b),
			    mnl_nlmsg_batch_size(bt->b), bt->begin_seq, end_seq,
			    bt->acked_first, bt->acked, &failed);
	mnl_nlmsg_batch_stop(bt->b);
	free(bt->buf);
	return err;
}

/* ---- Sync --------------------------------------------------------------- */

static bool same_rule(const struct nft_masq *a, const struct nft_masq *b)
{
	char ca[NFTNL_UDATA_COMMENT_MAXLEN], cb[NFTNL_UDATA_COMMENT_MAXLEN];

	nft_masq_comment(a, ca, sizeof(ca));
	nft_masq_comment(b, cb, sizeof(cb));
	return !strcmp(ca, cb);
}

static bool same_subnet(const struct pw_prefix *a, const struct pw_prefix *b)
{
	return a->len == b->len && addr_equal(&a->addr, &b->addr);
}

struct plan {
	const struct nft_masq **add;
	size_t nadd;
	uint64_t *del;
	size_t ndel;
};

static bool listed_for_delete(const struct nft_masq *have,
			      const struct pw_prefix *del, size_t ndel)
{
	for (size_t i = 0; i < ndel; i++)
		if (same_subnet(&have->subnet, &del[i]))
			return true;
	return false;
}

/* What to add and which handles to delete, given what is there. */
static void make_plan(const struct rule_list *rl, const struct nft_masq *add,
		      size_t nadd, const struct pw_prefix *del, size_t ndel,
		      struct plan *p)
{
	p->add = pw_xcalloc(nadd, sizeof(*p->add));
	p->del = pw_xcalloc(rl->n, sizeof(*p->del));
	p->nadd = p->ndel = 0;
	for (size_t i = 0; i < nadd; i++) {
		bool present = false;

		for (size_t j = 0; j < rl->n; j++)
			if (same_subnet(&rl->rules[j].subnet, &add[i].subnet))
				present |= same_rule(&rl->rules[j], &add[i]);
		if (!present)
			p->add[p->nadd++] = &add[i];
	}
	for (size_t j = 0; j < rl->n; j++) {
		bool replaced = false;

		for (size_t i = 0; i < p->nadd; i++)
			replaced |= same_subnet(&rl->rules[j].subnet,
						&p->add[i]->subnet);
		if (replaced || listed_for_delete(&rl->rules[j], del, ndel))
			p->del[p->ndel++] = rl->rules[j].handle;
	}
}

static int sync_once(struct nft *nft, const struct nft_masq *add, size_t nadd,
		     const struct pw_prefix *del, size_t ndel, bool *changed)
{
	struct batch bt = { .nft = nft };
	struct table_state ts;
	struct rule_list rl = { 0 };
	struct plan p;
	uint32_t genid = 0;
	size_t left;
	int err = read_genid(nft, &genid);

	if (!err)
		err = read_table(nft, &ts);
	if (!err && ts.found && !ts.ours)
		err = -EEXIST;
	if (!err && ts.found)
		err = read_rules(nft, &rl);
	if (err)
		return err;
	make_plan(&rl, add, nadd, del, ndel, &p);
	left = rl.total - p.ndel + p.nadd;
	*changed = p.nadd || p.ndel;
	if (*changed) {
		batch_begin(&bt, genid, p.nadd + p.ndel + 2);
		if (p.nadd) {
			add_table(&bt);
			add_chain(&bt);
		}
		/* The last rule goes with the table, unless the table holds
		 * more than our chain. */
		if (!left && ts.found && ts.use <= 1) {
			del_table(&bt);
		} else {
			for (size_t i = 0; i < p.ndel; i++)
				del_rule(&bt, p.del[i]);
			for (size_t i = 0; i < p.nadd; i++)
				add_rule(&bt, p.add[i]);
		}
		err = batch_send(&bt);
	}
	free(p.add);
	free(p.del);
	free(rl.rules);
	return err;
}

int nft_masq_sync(struct nft *nft, const struct nft_masq *add, size_t nadd,
		  const struct pw_prefix *del, size_t ndel, bool *changed)
{
	int err = -ERESTART;

	/* ERESTART: the ruleset changed between reading and the batch. */
	for (int i = 0; i < NFT_TRIES && err == -ERESTART; i++)
		err = sync_once(nft, add, nadd, del, ndel, changed);
	return err;
}

/* ---- Reading anyone's ruleset ------------------------------------------- */

struct chain_list {
	struct nft_chain_info *v;
	size_t n, cap;
};

static int chain_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct chain_list *cl = arg;
	struct nftnl_chain *c;
	struct nft_chain_info *ci;
	const char *s;

	if (nlh->nlmsg_type != nft_type(NFT_MSG_NEWCHAIN))
		return 0;
	c = nftnl_chain_alloc();
	if (!c || nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		nftnl_chain_free(c);
		return 0;
	}
	cl->v = room_for(cl->v, cl->n, &cl->cap, sizeof(*cl->v));
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
			  uint32_t len, struct nft_rule_info *ri)
{
	char name[IFNAMSIZ] = { 0 };

	if (!data || len == 0 || len > IFNAMSIZ || !memchr(data, '\0', len) ||
	    (op != NFT_CMP_EQ && op != NFT_CMP_NEQ)) {
		ri->other = true;
		return;
	}
	memcpy(name, data, len);
	if (input) {
		ri->has_iif = true;
		ri->iif_neg = op == NFT_CMP_NEQ;
		pw_strlcpy(ri->iif, name, sizeof(ri->iif));
	} else {
		ri->has_oif = true;
		ri->oif_neg = op == NFT_CMP_NEQ;
		pw_strlcpy(ri->oif, name, sizeof(ri->oif));
	}
}

static void on_cmp(struct reg_state *rs, struct nftnl_expr *e,
		   struct nft_rule_info *ri)
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

static void on_immediate(struct nftnl_expr *e, struct nft_rule_info *ri)
{
	int32_t v;

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT))
		return; /* data for a later expression */
	v = (int32_t)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
	ri->verdict = v == NF_ACCEPT ? NFT_V_ACCEPT :
		      v == NF_DROP   ? NFT_V_DROP :
				       NFT_V_OTHER;
}

static int expr_cb(struct nftnl_expr *e, void *arg)
{
	struct nft_rule_info *ri = ((void **)arg)[0];
	struct reg_state *rs = ((void **)arg)[1];
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
		ri->verdict = NFT_V_MASQ;
	} else if (!strcmp(name, "nat")) {
		/* snat to an address hides the pod as masquerade does */
		ri->verdict = nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_TYPE) ==
					      NFT_NAT_SNAT ?
				      NFT_V_MASQ :
				      NFT_V_OTHER;
	} else if (!strcmp(name, "reject")) {
		ri->verdict = NFT_V_DROP;
	} else if (!strcmp(name, "target")) {
		/* iptables-nft: standard verdicts are immediates; an xt
		 * target is an extension such as MASQUERADE. */
		const char *t = nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME);

		ri->verdict =
			t && (!strcmp(t, "MASQUERADE") || !strcmp(t, "SNAT")) ?
				NFT_V_MASQ :
			t && !strcmp(t, "REJECT") ? NFT_V_DROP :
						    NFT_V_OTHER;
	} else if (strcmp(name, "counter") && strcmp(name, "log")) {
		/* lookup, ct, xt match, limit ...: a condition we can't
		 * evaluate, so the rule may not apply to the pod. */
		ri->other = true;
	}
	return MNL_CB_OK;
}

struct rule_infos {
	struct nft_rule_info *v;
	size_t n, cap;
};

static int rule_info_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rule_infos *rl = arg;
	struct reg_state rs;
	struct nftnl_rule *r;
	struct nft_rule_info *ri;
	void *ctx[2];
	const char *s;

	r = rule_from(nlh);
	if (!r)
		return 0;
	rl->v = room_for(rl->v, rl->n, &rl->cap, sizeof(*rl->v));
	ri = memset(&rl->v[rl->n++], 0, sizeof(*ri));
	ri->family = (int)nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);
	s = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
	pw_strlcpy(ri->table, s ? s : "", sizeof(ri->table));
	s = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	pw_strlcpy(ri->chain, s ? s : "", sizeof(ri->chain));
	ri->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	memset(&rs, 0, sizeof(rs));
	rs.l3 = ri->family == NFPROTO_IPV4 ? AF_INET :
		ri->family == NFPROTO_IPV6 ? AF_INET6 :
					     0;
	ctx[0] = ri;
	ctx[1] = &rs;
	nftnl_expr_foreach(r, expr_cb, ctx);
	nftnl_rule_free(r);
	return 0;
}

static int dump_all(struct nft *nft, uint16_t msg,
		    int (*cb)(const struct nlmsghdr *, void *), void *arg)
{
	char buf[NFT_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh =
		nftnl_nlmsg_build_hdr(buf, msg, NFPROTO_UNSPEC, NLM_F_DUMP, 0);

	return nl_request(nft->nl, nlh, true, cb, arg);
}

int nft_ruleset_read(struct nft *nft, struct nft_chain_info **chains,
		     size_t *nchains, struct nft_rule_info **rules,
		     size_t *nrules)
{
	struct chain_list cl = { 0 };
	struct rule_infos rl = { 0 };
	int err = dump_all(nft, NFT_MSG_GETCHAIN, chain_cb, &cl);

	if (!err)
		err = dump_all(nft, NFT_MSG_GETRULE, rule_info_cb, &rl);
	if (err) {
		free(cl.v);
		free(rl.v);
		return err;
	}
	*chains = cl.v;
	*nchains = cl.n;
	*rules = rl.v;
	*nrules = rl.n;
	return 0;
}
