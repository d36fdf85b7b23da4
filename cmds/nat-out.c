// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nat-out - turn forwarding on and masquerade a subnet's traffic that
 * leaves for elsewhere; remove it again with -D.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   nat-out --out uplink0 10.244.0.0/24
 *   netns-new pod1 | veth-link --ipam 10.244.0.0/24 | br-attach cni0 \
 *     --gw 10.244.0.1/24 | nat-out --bridge cni0
 *
 * One rule per subnet in podwire's own nftables table (see lib/nft.h),
 * written in one atomic batch.  Given subnets, writes one record per
 * subnet.  In a pipe without subnets it derives each record's subnet from
 * its addr/addr6, acts once per subnet, and passes every record through
 * unchanged.  --list prints one record per rule.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmds.h"
#include "inspect.h"
#include "inuse.h"
#include "nft.h"
#include "ns_cache.h"
#include "sysctl.h"
#include "stage.h"

enum {
	OPT_OUT = CLI_LONG_ONLY,
	OPT_BRIDGE,
	OPT_LIST,
	OPT_FORCE,
};

static const struct cli_opt opts[] = {
	{ "out", OPT_OUT, required_argument, "<ifname>",
	  "only traffic leaving through this interface" },
	{ "bridge", OPT_BRIDGE, required_argument, "<bridge>",
	  "not traffic that stays on this bridge" },
	{ "list", OPT_LIST, no_argument, NULL, "print one record per rule" },
	{ "force", OPT_FORCE, no_argument, NULL,
	  "with -D: remove the rule even while pods use it" },
	{ 0 },
};

const struct cli_prog nat_out_prog = {
	.name = "nat-out",
	.usage = "[options] <subnet>...\n"
		 "[options] [-] < records\n"
		 "--list [options]",
	.summary = "Forward and masquerade a subnet's traffic that leaves "
		   "the host.",
	.opts = opts,
	.shared = CLI_DELETE | CLI_NETNS | CLI_JSON | CLI_QUIET |
		  CLI_KEEP_GOING | CLI_EXPLAIN | CLI_DRY_RUN,
	.delete_help = "remove the subnet's rule once no pod uses it",
};

struct nat_out {
	struct cli_common c;
	const char *out;
	const char *bridge;
	bool list;
	bool force;
	struct nft *nft;
	/* Subnets a pipe has already been through, to act once on each. */
	struct pw_prefix *seen;
	size_t nseen;
	bool forwarding[2]; /* done for IPv4, IPv6 */
};

static int take_option(int val, const char *arg, void *ctx)
{
	struct nat_out *no = ctx;
	char esc[MSG_ESC_SIZE];
	struct pw_why why;

	switch (val) {
	case OPT_LIST:
		no->list = true;
		return 0;
	case OPT_FORCE:
		no->force = true;
		return 0;
	case OPT_OUT:
	case OPT_BRIDGE:
		if (!name_ifname_ok(arg, &why)) {
			pw_usage_err("invalid interface name '%s': it %s",
				     msg_esc(arg, esc), why.text);
			return -1;
		}
		*(val == OPT_OUT ? &no->out : &no->bridge) = arg;
		return 0;
	}
	return -1;
}

/*
 * A rule for an --out interface that is not there is made all the same,
 * as iptables -o takes one: it may come later (a VPN, a NIC plugged in).
 * Until then the rule masquerades nothing, which is worth one line.
 */
static void warn_if_out_missing(const struct nat_out *no)
{
	if (no->out && !no->c.del && !no->list &&
	    inspect_link_exists(no->out) == 0)
		pw_err("warning: interface '%s' does not exist: the rule "
		       "masquerades nothing until it does",
		       no->out);
}

/* ---- Records ------------------------------------------------------------ */

static bool subnet_ok(const char *text, struct pw_prefix *p, struct pw_why *why)
{
	return addr_parse_prefix(text, AF_UNSPEC, p, why) &&
	       addr_subnet_ok(p, why);
}

/* Positional subnets: each must be a subnet, host bits clear. */
static int check_subnet(struct rec *r, void *ctx)
{
	const char *v = rec_get(r, "subnet");
	char esc[MSG_ESC_SIZE], canon[PW_ADDRSTRLEN];
	struct pw_prefix p;
	struct pw_why why;

	(void)ctx;
	if (!subnet_ok(v, &p, &why)) {
		stage_err(r, "invalid subnet '%s': it %s", msg_esc(v, esc),
			  why.text);
		return PW_EXIT_USAGE;
	}
	/* Replaces the operand, in a record of one field. */
	if (rec_set(r, "subnet",
		    addr_format_prefix(&p, canon, sizeof(canon)))) {
		stage_err(r, "cannot set subnet= in the record");
		return PW_EXIT_USAGE;
	}
	return PW_EXIT_OK;
}

/*
 * A record's address stands for its subnet, which must be one a rule may
 * cover: addr=10.0.0.2/0 would masquerade everything.
 */
static bool passing_addr_ok(const char *v, int family, struct pw_why *why)
{
	struct pw_prefix p, net;

	if (!addr_parse_prefix(v, family, &p, why))
		return false;
	net = addr_network(&p);
	return addr_subnet_ok(&net, why);
}

/* Records in a pipe: addr/addr6 must be ADDR/LEN when present. */
static int check_passing(struct rec *r, void *ctx)
{
	static const struct {
		const char *key;
		int family;
	} keys[] = { { "addr", AF_INET }, { "addr6", AF_INET6 } };
	char esc[MSG_ESC_SIZE];
	struct pw_why why;

	(void)ctx;
	for (size_t i = 0; i < PW_ARRAY_SIZE(keys); i++) {
		const char *v = rec_get(r, keys[i].key);

		if (!v || passing_addr_ok(v, keys[i].family, &why))
			continue;
		stage_err(r, "invalid %s '%s': it %s", keys[i].key,
			  msg_esc(v, esc), why.text);
		return PW_EXIT_USAGE;
	}
	return PW_EXIT_OK;
}

/* ---- Acting ------------------------------------------------------------- */

/*
 * Forwarding on, for the family of the subnet, once.  Writing the IPv6
 * switch also stops the host's own interfaces from taking router
 * advertisements (unless accept_ra is 2): the man page says so.
 */
static int forwarding_on(struct nat_out *no, const struct rec *r, int family)
{
	const char *key = sysctl_forward_key(family);
	size_t i = family == AF_INET ? 0 : 1;
	struct ns_handle h;
	char now[16] = "";
	int err;

	if (no->forwarding[i])
		return PW_EXIT_OK;
	err = ns_peek(NULL, &h);
	if (!err)
		err = ns_sysctl_read(&h, key, now, sizeof(now));
	if (!err && strcmp(now, "1"))
		err = ns_sysctl_write(&h, key, "1");
	if (err) {
		stage_err(r, "cannot turn forwarding on (%s): %s", key,
			  strerror(-err));
		return PW_EXIT_FAIL;
	}
	no->forwarding[i] = true;
	return PW_EXIT_OK;
}

static int open_nft(struct nat_out *no)
{
	int err;

	if (no->nft)
		return 0;
	err = nft_open(&no->nft);
	if (err)
		pw_err("cannot open nf_tables: %s", strerror(-err));
	return err;
}

static void fill_masq(const struct nat_out *no, const struct pw_prefix *net,
		      struct nft_masq *m)
{
	memset(m, 0, sizeof(*m));
	m->subnet = *net;
	if (no->out)
		pw_strlcpy(m->out, no->out, sizeof(m->out));
	if (no->bridge)
		pw_strlcpy(m->bridge, no->bridge, sizeof(m->bridge));
}

/*
 * podwire's masquerade rules change under one lock, so a teardown decides
 * that a subnet is unused and removes its rule with no setup adding a
 * pod's rule in between (it finds the rule there, and keeps it).
 */
#define NAT_LOCK_DIR "nat"
#define NAT_LOCK "lock"

/* The lock, or a message and -1. */
static int lock_nat(void)
{
	return msg_lock_in("change masquerading", NAT_LOCK_DIR, NAT_LOCK);
}

/* Make the rule for one subnet (a setup pipe, the first record of it). */
static int set_up_subnet(struct nat_out *no, const struct rec *r,
			 const struct pw_prefix *net)
{
	char why[512], text[PW_ADDRSTRLEN];
	struct nft_masq m;
	bool changed;
	int st = forwarding_on(no, r, net->addr.family);
	int err, lock;

	if (st)
		return st;
	if (open_nft(no))
		return PW_EXIT_FAIL;
	lock = lock_nat();
	if (lock < 0)
		return PW_EXIT_FAIL;
	fill_masq(no, net, &m);
	err = nft_masq_sync(no->nft, &m, 1, NULL, 0, &changed);
	close(lock);
	if (err) {
		stage_err(r, "cannot set up masquerading for %s: %s",
			  addr_format_prefix(net, text, sizeof(text)),
			  nft_why(no->nft, err, why, sizeof(why)));
		return PW_EXIT_FAIL;
	}
	return PW_EXIT_OK;
}

/*
 * The subnets of nets that pods still use, said for each; none used is
 * PW_EXIT_OK.  --force skips the question.
 */
static int refuse_used(const struct nat_out *no, const struct pw_prefix *nets,
		       size_t n)
{
	int st = PW_EXIT_OK;

	for (size_t i = 0; i < n && !no->force; i++) {
		char text[PW_ADDRSTRLEN];
		struct inuse u;
		int err = inuse_subnet(&nets[i], &u);

		addr_format_prefix(&nets[i], text, sizeof(text));
		if (err) {
			pw_err("cannot tell whether pods still use %s: %s",
			       text, strerror(-err));
			st = PW_EXIT_FAIL;
		} else if (u.used) {
			pw_err("not removing masquerading for %s: %s still "
			       "uses it; take its pods down first, or "
			       "--force",
			       text, u.example);
			st = PW_EXIT_FAIL;
		}
	}
	return st;
}

/*
 * The subnets of a failed batch, for its one-line message: as many whole
 * ones as fit, then how many more, for a batch may hold thousands.
 */
#define MORE_ROOM sizeof(" and 18446744073709551615 more")

static const char *subnet_list(const struct pw_prefix *nets, size_t n,
			       char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char text[PW_ADDRSTRLEN];
		size_t need;

		addr_format_prefix(&nets[i], text, sizeof(text));
		need = (i ? 1 : 0) + strlen(text);
		if (used + need + (i + 1 < n ? MORE_ROOM : 1) > size) {
			snprintf(buf + used, size - used, " and %zu more",
				 n - i);
			break;
		}
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 i ? " " : "", text);
	}
	return buf;
}

/* Records pass through untouched when the subnets were given. */
static int apply_nothing(struct rec *r, void *ctx)
{
	(void)r;
	(void)ctx;
	return PW_EXIT_OK;
}

/*
 * Subnets given as operands: all checked first, then one atomic batch for
 * all of them, so the ruleset never holds half of a command, then a record
 * per subnet, or the records on stdin passed through (the subnets are not
 * targets, and an operand that is not a target does not stop a program
 * reading records).
 */
static int run_subnets(struct nat_out *no, struct stage *s, char **args,
		       size_t n)
{
	struct rec *recs = stage_records_from_args("subnet", args, n);
	struct pw_prefix *nets = pw_xcalloc(n, sizeof(*nets));
	struct nft_masq *masqs = pw_xcalloc(n, sizeof(*masqs));
	char why[512];
	bool changed;
	int st = PW_EXIT_OK, err, lock = -1;

	for (size_t i = 0; i < n && !st; i++) {
		st = check_subnet(&recs[i], no);
		if (!st)
			addr_parse_prefix(rec_get(&recs[i], "subnet"),
					  AF_UNSPEC, &nets[i], NULL);
		fill_masq(no, &nets[i], &masqs[i]);
	}
	if (!st && !cli_require_caps(s->what, s->caps, s->ncaps))
		st = PW_EXIT_FAIL;
	if (!st) {
		lock = lock_nat();
		st = lock < 0 ? PW_EXIT_FAIL : PW_EXIT_OK;
	}
	/* All or nothing: one subnet still in use and none is removed. */
	if (!st && no->c.del)
		st = refuse_used(no, nets, n);
	for (size_t i = 0; i < n && !st && !no->c.del; i++)
		st = forwarding_on(no, NULL, nets[i].addr.family);
	if (!st && open_nft(no))
		st = PW_EXIT_FAIL;
	if (!st) {
		err = no->c.del ? nft_masq_sync(no->nft, NULL, 0, nets, n,
						&changed) :
				  nft_masq_sync(no->nft, masqs, n, NULL, 0,
						&changed);
		if (err) {
			char list[256];

			pw_err("cannot %s masquerading for %s: %s",
			       no->c.del ? "remove" : "set up",
			       subnet_list(nets, n, list, sizeof(list)),
			       nft_why(no->nft, err, why, sizeof(why)));
			st = PW_EXIT_FAIL;
		}
	}
	if (lock >= 0)
		close(lock);
	if (!st && rec_stdin_has_records()) {
		s->check = NULL;
		s->apply = apply_nothing;
		st = stage_run(s, NULL, 0);
	} else {
		for (size_t i = 0; i < n && !st && !no->c.quiet; i++) {
			/* Three fields at most: rec_write() refuses the
			 * record should one be lost. */
			if (no->out)
				rec_put(&recs[i], "out", no->out);
			if (no->bridge)
				rec_put(&recs[i], "bridge", no->bridge);
			if (rec_write(stdout, &recs[i], cli_format(&no->c)))
				break;
		}
	}
	stage_records_free(recs, n);
	free(nets);
	free(masqs);
	return st;
}

static bool seen_before(struct nat_out *no, const struct pw_prefix *net)
{
	for (size_t i = 0; i < no->nseen; i++)
		if (no->seen[i].len == net->len &&
		    addr_equal(&no->seen[i].addr, &net->addr))
			return true;
	no->seen = pw_xrealloc(no->seen, (no->nseen + 1) * sizeof(*no->seen));
	no->seen[no->nseen++] = *net;
	return false;
}

/* A record passing through: its subnets, once each; the record as is. */
static int apply_passing(struct rec *r, void *ctx)
{
	/*
	 * pool=: a teardown re-run's record of a pod that held no lease; read
	 * by -D only, which checks what it learns against the store and the
	 * pods before it removes anything.
	 */
	static const char *const keys[] = { "addr", "addr6", "pool", "pool6" };
	struct nat_out *no = ctx;
	size_t nkeys = no->c.del ? PW_ARRAY_SIZE(keys) : 2;

	for (size_t i = 0; i < nkeys; i++) {
		const char *v = rec_get(r, keys[i]);
		struct pw_prefix p, net;
		int st;

		if (!v || !addr_parse_prefix(v, AF_UNSPEC, &p, NULL))
			continue;
		net = addr_network(&p);
		if (seen_before(no, &net))
			continue;
		/* A teardown decides at the end, once every pod of the
		 * pipe is down: finish_passing(). */
		if (no->c.del)
			continue;
		st = set_up_subnet(no, r, &net);
		if (st)
			return st;
	}
	return PW_EXIT_OK;
}

static int decide_passing(struct nat_out *no);

/*
 * The end of a teardown pipe: the rules of the subnets it went through
 * that no pod uses any more go, in one batch.  A subnet still in use
 * keeps its rule, as a bridge with ports keeps its bridge.
 */
static int finish_passing(void *ctx)
{
	const struct nat_out *no = ctx;
	int lock, st;

	if (!no->nseen)
		return PW_EXIT_OK;
	lock = lock_nat();
	if (lock < 0)
		return PW_EXIT_FAIL;
	st = decide_passing(ctx);
	close(lock);
	return st;
}

static int decide_passing(struct nat_out *no)
{
	struct pw_prefix *unused = pw_xcalloc(no->nseen, sizeof(*unused));
	char why[512], text[PW_ADDRSTRLEN];
	size_t n = 0;
	bool changed;
	int err = 0;

	for (size_t i = 0; i < no->nseen && !err; i++) {
		struct inuse u;

		err = no->force ? 0 : inuse_subnet(&no->seen[i], &u);
		if (err)
			pw_err("cannot tell whether pods still use %s: %s",
			       addr_format_prefix(&no->seen[i], text,
						  sizeof(text)),
			       strerror(-err));
		else if (no->force || !u.used)
			unused[n++] = no->seen[i];
	}
	if (!err && n && !open_nft(no)) {
		err = nft_masq_sync(no->nft, NULL, 0, unused, n, &changed);
		if (err)
			pw_err("cannot remove masquerading for %s%s: %s",
			       addr_format_prefix(&unused[0], text,
						  sizeof(text)),
			       n > 1 ? " and others" : "",
			       nft_why(no->nft, err, why, sizeof(why)));
	} else if (!err && n) {
		err = -EIO; /* open_nft() said why */
	}
	free(unused);
	return err ? PW_EXIT_FAIL : PW_EXIT_OK;
}

/* ---- --list ------------------------------------------------------------- */

static int list_rules(struct nat_out *no)
{
	struct nft_masq *rules = NULL;
	char why[512], text[PW_ADDRSTRLEN], handle[24];
	size_t n = 0;
	int err = open_nft(no);

	if (err)
		return PW_EXIT_FAIL;
	err = nft_masq_list(no->nft, &rules, &n);
	if (err && err != -ENOENT) {
		pw_err("cannot list the rules: %s",
		       nft_why(no->nft, err, why, sizeof(why)));
		return PW_EXIT_FAIL;
	}
	for (size_t i = 0; i < n && !no->c.quiet; i++) {
		struct rec r;

		rec_init(&r);
		rec_put(&r, "subnet",
			addr_format_prefix(&rules[i].subnet, text,
					   sizeof(text)));
		if (rules[i].out[0])
			rec_put(&r, "out", rules[i].out);
		if (rules[i].bridge[0])
			rec_put(&r, "bridge", rules[i].bridge);
		snprintf(handle, sizeof(handle), "%llu",
			 (unsigned long long)rules[i].handle);
		rec_put(&r, "handle", handle);
		err = rec_write(stdout, &r, cli_format(&no->c));
		rec_clear(&r);
		if (err)
			break;
	}
	free(rules);
	return PW_EXIT_OK;
}

/* ---- main --------------------------------------------------------------- */

static int run(struct nat_out *no, int argc, char **argv)
{
	static const int caps[] = { CAP_NET_ADMIN };
	size_t n = (size_t)(argc - optind);
	struct stage s = {
		.c = &no->c,
		.ctx = no,
		.caps = caps,
		.ncaps = PW_ARRAY_SIZE(caps),
		.what = no->c.del ? "removing masquerading" :
				    "setting up masquerading",
	};
	int st;

	if (no->out && no->bridge && !strcmp(no->out, no->bridge)) {
		pw_usage_err("--out and --bridge name the same interface: "
			     "nothing would be masqueraded");
		return PW_EXIT_USAGE;
	}
	if (stage_dash_means_stdin(&s, argv + optind, n))
		n = 0;
	else if (!n && !rec_stdin_has_records() && !no->list) {
		pw_usage_err("no subnet given");
		return PW_EXIT_USAGE;
	}
	if (no->force && !no->c.del) {
		pw_usage_err("--force goes with -D");
		return PW_EXIT_USAGE;
	}
	if (no->list && (n || no->c.del || s.force_stdin)) {
		pw_usage_err("--list takes no subnet and no -D");
		return PW_EXIT_USAGE;
	}
	st = cli_enter_netns(&no->c);
	if (st)
		return st;
	warn_if_out_missing(no);
	if (no->list)
		return cli_require_caps("listing the rules", caps,
					PW_ARRAY_SIZE(caps)) ?
			       list_rules(no) :
			       PW_EXIT_FAIL;
	if (n)
		return run_subnets(no, &s, argv + optind, n);
	s.check = check_passing;
	s.apply = apply_passing;
	s.finish = no->c.del ? finish_passing : NULL;
	return stage_run(&s, NULL, 0);
}

int nat_out_main(int argc, char **argv)
{
	struct nat_out no = { .out = NULL };
	int st = cli_parse(&nat_out_prog, argc, argv, &no.c, take_option, &no);

	if (st >= 0)
		return st;
	st = run(&no, argc, argv);
	nft_close(no.nft);
	free(no.seen);
	ns_cache_clear();
	return cli_close_stdout(st);
}

#ifndef PODWIRE_MULTICALL
int main(int argc, char **argv)
{
	return nat_out_main(argc, argv);
}
#endif
