// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft.c - podwire's masquerade rules in its own nftables table.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Its batches (nft_batch.c) carry the ruleset generation they were
 * computed from (NFNL_BATCH_GENID), so the kernel refuses one with
 * ERESTART if anything changed meanwhile, and every message asks for an
 * ACK so an error names the step that failed.
 *
 * Nothing here prints or aborts: a failed allocation, ours or libnftnl's,
 * is -ENOMEM, and a batch that could not be built whole is not sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
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

#include "kv.h"
#include "explain.h"
#include "nft.h"
#include "nft_priv.h"
#include "nl.h"
#include "nl_build.h"

#define NFT_TRIES 5
/* NF_IP_PRI_NAT_SRC: "priority srcnat". */
#define NFT_PRIO_SRCNAT 100
/*
 * A GET request: a header and our table's or chain's fixed names, which
 * libnftnl writes without a bound; zeroed, see nl_build.h.
 */
#define NFT_REQ_SIZE 1024

struct nft {
	struct nl *nl;
};

int nft_open(struct nft **out)
{
	struct nft *nft = calloc(1, sizeof(*nft));
	int err;

	if (!nft)
		return -ENOMEM;
	err = nl_open_proto(&nft->nl, -1, NETLINK_NETFILTER);
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
	char created[32] = "";
	int n;

	if (m->created > 0)
		snprintf(created, sizeof(created), " created=%" PRId64,
			 m->created);
	n = snprintf(buf, size, "podwire: subnet=%s%s%s%s%s%s",
		     addr_format_prefix(&m->subnet, net, sizeof(net)),
		     m->out[0] ? " out=" : "", m->out,
		     m->bridge[0] ? " bridge=" : "", m->bridge, created);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* An absent key is an empty name; a bad one makes the comment no mark. */
static bool take_name(const struct kv *kv, const char *key, char *dst,
		      size_t size)
{
	int err = kv_copy(kv, key, dst, size);

	return err == -ENOENT || (!err && name_ifname_ok(dst, NULL));
}

bool nft_masq_parse_comment(const char *comment, struct nft_masq *m)
{
	const char *prefix = "podwire:";
	char subnet[PW_ADDRSTRLEN], created[24];
	uint64_t t = 0;
	struct kv kv;
	bool ok;

	memset(m, 0, sizeof(*m));
	if (strncmp(comment, prefix, strlen(prefix)))
		return false;
	comment += strlen(prefix);
	ok = kv_split(comment, strlen(comment), &kv, NULL) &&
	     !kv_copy(&kv, "subnet", subnet, sizeof(subnet)) &&
	     addr_parse_prefix(subnet, AF_UNSPEC, &m->subnet, NULL) &&
	     take_name(&kv, "out", m->out, sizeof(m->out)) &&
	     take_name(&kv, "bridge", m->bridge, sizeof(m->bridge));
	/* Rules from before created= was written have none: 0. */
	if (ok && !kv_copy(&kv, "created", created, sizeof(created)))
		ok = !pw_parse_u64(created, INT64_MAX, &t);
	if (!ok)
		memset(m, 0, sizeof(*m));
	else
		m->created = (int64_t)t;
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

int nft_set_comment(void *obj, bool is_rule, uint8_t type, const char *text)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(256);
	int err;

	if (!ud)
		return -ENOMEM;
	/* A comment the buffer can't hold is refused, not left off. */
	if (!nftnl_udata_put_strz(ud, type, text)) {
		nftnl_udata_buf_free(ud);
		return -ENAMETOOLONG;
	}
	if (is_rule)
		err = nftnl_rule_set_data(obj, NFTNL_RULE_USERDATA,
					  nftnl_udata_buf_data(ud),
					  nftnl_udata_buf_len(ud));
	else
		err = nftnl_table_set_data(obj, NFTNL_TABLE_USERDATA,
					   nftnl_udata_buf_data(ud),
					   nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	return err < 0 ? -ENOMEM : 0;
}

/* ---- Shared with ruleset.c (nft_priv.h) --------------------------------- */

uint16_t nft_type(uint16_t msg)
{
	return (uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | msg);
}

void *nft_room_for(void *v, size_t n, size_t *cap, size_t size)
{
	size_t want;
	void *grown;

	if (n < *cap)
		return v;
	want = *cap ? *cap * 2 : 16;
	grown = reallocarray(v, want, size);
	if (grown)
		*cap = want;
	return grown;
}

int nft_rule_from(const struct nlmsghdr *nlh, struct nftnl_rule **out)
{
	struct nftnl_rule *r;
	int err;

	*out = NULL;
	if (nlh->nlmsg_type != nft_type(NFT_MSG_NEWRULE))
		return 0;
	r = nftnl_rule_alloc();
	if (!r)
		return -ENOMEM;
	errno = 0;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0) {
		*out = r;
		return 0;
	}
	err = nft_parse_error();
	nftnl_rule_free(r);
	return err;
}

int nft_parse_error(void)
{
	return errno == ENOMEM ? -ENOMEM : 0;
}

/* ---- Reading ------------------------------------------------------------ */

/* Our table, or our chain's rule, to ask for or build; NULL: no memory. */
static struct nftnl_table *our_table(void)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (t && nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE) < 0) {
		nftnl_table_free(t);
		t = NULL;
	}
	return t;
}

static struct nftnl_rule *our_rule(void)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (r && (nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE) < 0 ||
		  nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, NFT_CHAIN) < 0)) {
		nftnl_rule_free(r);
		r = NULL;
	}
	return r;
}

/*
 * Each reply callback below keeps a failure of its own (-ENOMEM) in its
 * state and returns it, which ends its calls; the request that called it
 * returns that error, whatever the kernel answered.
 */
struct gen_state {
	uint32_t id;
	int err;
};

static int gen_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct gen_state *gs = arg;
	struct nftnl_gen *g;

	if (nlh->nlmsg_type != nft_type(NFT_MSG_NEWGEN))
		return 0;
	g = nftnl_gen_alloc();
	if (!g)
		return gs->err = -ENOMEM;
	errno = 0;
	if (nftnl_gen_nlmsg_parse(nlh, g) == 0)
		gs->id = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
	else
		gs->err = nft_parse_error();
	nftnl_gen_free(g);
	return gs->err;
}

static int read_genid(struct nft *nft, uint32_t *genid)
{
	char buf[NFT_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh =
		nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, 0, 0);
	struct gen_state gs = { .id = *genid };
	int err = nl_request(nft->nl, nlh, false, gen_cb, &gs);

	*genid = gs.id;
	return gs.err ? gs.err : err;
}

struct table_state {
	bool found;
	bool ours;
	uint32_t use; /* chains, sets and objects in it */
	int err;
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
	if (!t)
		return ts->err = -ENOMEM;
	errno = 0;
	if (nftnl_table_nlmsg_parse(nlh, t) < 0) {
		ts->err = nft_parse_error();
		nftnl_table_free(t);
		return ts->err;
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
	struct nftnl_table *t = our_table();
	struct nlmsghdr *nlh;
	int err;

	if (!t)
		return -ENOMEM;
	memset(ts, 0, sizeof(*ts));
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, 0, 0);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	err = nl_request(nft->nl, nlh, false, table_cb, ts);
	if (ts->err)
		return ts->err;
	if (err == -ENOENT)
		return 0;
	return err;
}

struct rule_list {
	struct nft_masq *rules;
	size_t n, cap;
	size_t total; /* every rule in the chain, marked or not */
	int err;
};

static int rule_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rule_list *rl = arg;
	struct nftnl_rule *r;
	char comment[NFTNL_UDATA_COMMENT_MAXLEN + 1];
	struct nft_masq m, *grown;
	const void *ud;
	uint32_t len = 0;
	int err = nft_rule_from(nlh, &r);

	if (err)
		return rl->err = err;
	if (!r)
		return 0;
	rl->total++;
	ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	read_comment(ud, len, NFTNL_UDATA_RULE_COMMENT, comment,
		     sizeof(comment));
	if (nft_masq_parse_comment(comment, &m)) {
		m.handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
		grown = nft_room_for(rl->rules, rl->n, &rl->cap,
				     sizeof(*rl->rules));
		if (grown) {
			rl->rules = grown;
			rl->rules[rl->n++] = m;
		} else {
			err = rl->err = -ENOMEM;
		}
	}
	nftnl_rule_free(r);
	return err;
}

static int read_rules(struct nft *nft, struct rule_list *rl)
{
	char buf[NFT_REQ_SIZE] = { 0 };
	struct nftnl_rule *r = our_rule();
	struct nlmsghdr *nlh;
	int err;

	if (!r)
		return -ENOMEM;
	memset(rl, 0, sizeof(*rl));
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_INET,
				    NLM_F_DUMP, 0);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	err = nl_request(nft->nl, nlh, true, rule_cb, rl);
	if (err == -ENOENT) /* the table is there but not our chain */
		err = 0;
	if (rl->err)
		err = rl->err;
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

/* ---- Building a batch (nft_batch.c) ------------------------------------ */

static int add_table(struct nft_batch *bt)
{
	struct nftnl_table *t = our_table();
	int err;

	if (!t)
		return -ENOMEM;
	err = nft_set_comment(t, false, NFTNL_UDATA_TABLE_COMMENT,
			      NFT_TABLE_MARK);
	if (!err)
		err = nft_batch_table(bt, t, true, NLM_F_CREATE);
	nftnl_table_free(t);
	return err;
}

static int del_table(struct nft_batch *bt)
{
	struct nftnl_table *t = our_table();
	int err;

	if (!t)
		return -ENOMEM;
	err = nft_batch_table(bt, t, false, 0);
	nftnl_table_free(t);
	return err;
}

static int del_rule(struct nft_batch *bt, uint64_t handle)
{
	struct nftnl_rule *r = our_rule();
	int err;

	if (!r)
		return -ENOMEM;
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	err = nft_batch_rule(bt, r, false);
	nftnl_rule_free(r);
	return err;
}

static int add_rule(struct nft_batch *bt, const struct nft_masq *m)
{
	struct nftnl_rule *r = our_rule();
	int err;

	if (!r)
		return -ENOMEM;
	err = nft_masq_build(m, r);
	if (!err)
		err = nft_batch_rule(bt, r, true);
	nftnl_rule_free(r);
	return err;
}

/* ---- Sync --------------------------------------------------------------- */

/* The same rule but for when it was added: a re-run keeps the old one. */
static bool same_rule(const struct nft_masq *a, const struct nft_masq *b)
{
	char ca[NFTNL_UDATA_COMMENT_MAXLEN], cb[NFTNL_UDATA_COMMENT_MAXLEN];
	struct nft_masq ta = *a, tb = *b;

	ta.created = tb.created = 0;
	nft_masq_comment(&ta, ca, sizeof(ca));
	nft_masq_comment(&tb, cb, sizeof(cb));
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

/*
 * What to add and which handles to delete, given what is there.  0 or
 * -ENOMEM; the caller frees p->add and p->del either way.
 */
static int make_plan(const struct rule_list *rl, const struct nft_masq *add,
		     size_t nadd, const struct pw_prefix *del, size_t ndel,
		     struct plan *p)
{
	/* One more than needed, so that nothing to add is not NULL. */
	p->add = calloc(nadd + 1, sizeof(*p->add));
	p->del = calloc(rl->n + 1, sizeof(*p->del));
	p->nadd = p->ndel = 0;
	if (!p->add || !p->del)
		return -ENOMEM;
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
	return 0;
}

/* The rule p->add[i] as added: stamped with when, unless it says. */
static struct nft_masq stamped(const struct plan *p, size_t i, int64_t when)
{
	struct nft_masq m = *p->add[i];

	if (!m.created)
		m.created = when;
	return m;
}

/* One nft command (explain.h), in the namespace acted in. */
static void explain_nft(const char *what)
{
	char cmd[EXPLAIN_LINE_MAX / 2], q[EXPLAIN_LINE_MAX];

	explain("%s %s", explain_in(NULL, "nft", cmd, sizeof(cmd)),
		explain_quote(what, q, sizeof(q)));
}

static void explain_rule(const struct nft_masq *m)
{
	char net[PW_ADDRSTRLEN], comment[NFTNL_UDATA_COMMENT_MAXLEN];
	char rule[EXPLAIN_LINE_MAX / 2], out[48] = "", bridge[48] = "";

	if (m->out[0])
		snprintf(out, sizeof(out), " oifname \"%s\"", m->out);
	if (m->bridge[0])
		snprintf(bridge, sizeof(bridge), " oifname != \"%s\"",
			 m->bridge);
	nft_masq_comment(m, comment, sizeof(comment));
	snprintf(rule, sizeof(rule),
		 "add rule inet " NFT_TABLE " " NFT_CHAIN
		 " %s saddr %s%s%s masquerade comment \"%s\"",
		 m->subnet.addr.family == AF_INET ? "ip" : "ip6",
		 addr_format_prefix(&m->subnet, net, sizeof(net)), out, bridge,
		 comment);
	explain_nft(rule);
}

/* What send_plan() sent, as nft commands, once the kernel took it. */
static void explain_plan(const struct plan *p, bool table_gone, int64_t when)
{
	char del[128];

	if (p->nadd) {
		explain_nft("add table inet " NFT_TABLE
			    " { comment \"" NFT_TABLE_MARK "\"; }");
		explain_nft("add chain inet " NFT_TABLE " " NFT_CHAIN
			    " { type nat hook postrouting priority srcnat;"
			    " policy accept; }");
	}
	if (table_gone) {
		explain_nft("delete table inet " NFT_TABLE);
		return;
	}
	for (size_t i = 0; i < p->ndel; i++) {
		snprintf(del, sizeof(del),
			 "delete rule inet " NFT_TABLE " " NFT_CHAIN
			 " handle %" PRIu64,
			 p->del[i]);
		explain_nft(del);
	}
	for (size_t i = 0; i < p->nadd; i++) {
		struct nft_masq m = stamped(p, i, when);

		explain_rule(&m);
	}
}

/*
 * The plan as one batch, checked against genid.  A batch that could not be
 * built whole is not sent, so nothing is left half done.
 */
static int send_plan(struct nft *nft, uint32_t genid, const struct plan *p,
		     const struct table_state *ts, size_t left)
{
	struct nft_batch bt = { .buf = NULL };
	int64_t when = pw_now();
	/* The last rule goes with the table, unless the table holds more
	 * than our chain. */
	bool table_gone = !left && ts->found && ts->use <= 1;
	int err;

	if (dry_running()) {
		explain_plan(p, table_gone, when);
		return 0;
	}
	err = nft_batch_begin(&bt, nft->nl, &genid, p->nadd + p->ndel + 2);

	if (!err && p->nadd)
		err = add_table(&bt);
	if (!err && p->nadd)
		err = nft_batch_base_chain(&bt, NFT_TABLE, NFT_CHAIN, "nat",
					   NF_INET_POST_ROUTING,
					   NFT_PRIO_SRCNAT);
	if (!err && table_gone) {
		err = del_table(&bt);
	} else {
		for (size_t i = 0; i < p->ndel && !err; i++)
			err = del_rule(&bt, p->del[i]);
		for (size_t i = 0; i < p->nadd && !err; i++) {
			struct nft_masq m = stamped(p, i, when);

			err = add_rule(&bt, &m);
		}
	}
	if (!err)
		err = nft_batch_send(&bt);
	nft_batch_free(&bt);
	if (!err && explaining())
		explain_plan(p, table_gone, when);
	return err;
}

static int sync_once(struct nft *nft, const struct nft_masq *add, size_t nadd,
		     const struct pw_prefix *del, size_t ndel, bool *changed)
{
	struct table_state ts;
	struct rule_list rl = { 0 };
	struct plan p;
	uint32_t genid = 0;
	int err = read_genid(nft, &genid);

	if (!err)
		err = read_table(nft, &ts);
	if (!err && ts.found && !ts.ours)
		err = -EEXIST;
	if (!err && ts.found)
		err = read_rules(nft, &rl);
	if (err)
		return err;
	err = make_plan(&rl, add, nadd, del, ndel, &p);
	if (!err) {
		*changed = p.nadd || p.ndel;
		if (*changed)
			err = send_plan(nft, genid, &p, &ts,
					rl.total - p.ndel + p.nadd);
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
