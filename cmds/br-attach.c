// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * br-attach - ensure a bridge, attach host-side veth ends to it and give
 * each pod a default route via the bridge's address; or undo with -D.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   netns-new pod1 pod2 | veth-link --ipam 10.244.0.0/24 \
 *     | br-attach cni0 --gw 10.244.0.1/24
 *
 * The bridge is created if missing (with the podwire: mark, a fixed MAC so
 * the pods' gateway never changes address as ports come and go, and up),
 * and given the --gw address once.  Each record's host_ifname is enslaved
 * and brought up, and the pod gets "default via GW" in its namespace.
 * Writes each record back with bridge= and gw= (gw6=) added.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"
#include "bridge_rec.h"
#include "cli.h"
#include "cmds.h"
#include "name.h"
#include "ns.h"
#include "ns_cache.h"
#include "route_rec.h"
#include "stage.h"
#include "statedir.h"

enum {
	OPT_GW = CLI_LONG_ONLY,
	OPT_NO_ROUTE,
	OPT_MTU,
	OPT_HAIRPIN,
	OPT_MCAST_SNOOPING,
};

static const struct cli_opt opts[] = {
	{ "gw", OPT_GW, required_argument, "<addr>[/<len>][,<addr6>[/<len>]]",
	  "the bridge's address: the pods' gateway" },
	{ "no-route", OPT_NO_ROUTE, no_argument, NULL,
	  "do not set the pods' default route" },
	{ "mtu", OPT_MTU, required_argument, "<bytes>", "MTU of the bridge" },
	{ "hairpin", OPT_HAIRPIN, no_argument, NULL,
	  "hairpin mode on the attached ports" },
	{ "mcast-snooping", OPT_MCAST_SNOOPING, no_argument, NULL,
	  "make the bridge with multicast snooping on" },
	{ 0 },
};

const struct cli_prog br_attach_prog = {
	.name = "br-attach",
	.usage = "[options] <bridge> [<ifname>...]\n"
		 "[options] <bridge> [-] < records\n"
		 "-D [options] <bridge> [<ifname>...]",
	.summary = "Ensure a bridge, attach host-side interfaces to it and "
		   "route the pods through it.",
	.opts = opts,
	.shared = CLI_DELETE | CLI_NETNS | CLI_JSON | CLI_QUIET |
		  CLI_KEEP_GOING | CLI_EXPLAIN | CLI_DRY_RUN,
	.delete_help = "detach; with no interface, delete the bridge",
};

struct br_attach {
	struct cli_common c;
	struct bridge_spec br;
	/* The bridge once found or made; its gateways serve the pods. */
	struct bridge_info info;
	bool ready; /* made or found: the first record did it */
	int use_lock; /* held while ready: bridge_use_hold() */
	size_t attached; /* ports this run attached */
	struct bridge_held held; /* the pods' addresses on the bridge */
	/* Operands, not a pipeline: refusing to delete is then an error. */
	bool positional;
	struct pw_prefix gw[2]; /* IPv4 first when both */
	/* --gw written without /LEN: gw[i].len is taken from the bridge's
	 * gateway or the first pod's prefix. */
	bool gw_bare[2];
	bool no_route;
	bool hairpin;
	/* -D: host ends this run saw go with their namespace. */
	char **vanishing;
	size_t nvanishing;
};

/* ---- Options ------------------------------------------------------------ */

/*
 * A gateway shares its subnet with pods: a prefix with no room for a
 * host beside it (/31, /32; /127, /128) can't be one.
 */
static bool gw_prefix_ok(const struct pw_prefix *p, struct pw_why *why)
{
	unsigned max = p->addr.family == AF_INET ? 30 : 126;

	if (p->len <= max)
		return addr_iface_ok(p, why);
	return pw_why_not(why,
			  "has a prefix that leaves no room for pods beside "
			  "the gateway (/%u at most)",
			  max);
}

/* ADDR/LEN, or a bare ADDR whose length is settled later (gw_bare). */
static bool parse_gw(const char *text, struct pw_prefix *p, bool *bare,
		     struct pw_why *why)
{
	*bare = !strchr(text, '/');
	if (*bare) {
		p->len = 0;
		return addr_parse(text, AF_UNSPEC, &p->addr, why) &&
		       addr_host_ok(&p->addr, why);
	}
	return addr_parse_prefix(text, AF_UNSPEC, p, why) &&
	       gw_prefix_ok(p, why);
}

static int take_gw(struct br_attach *ba, const char *text)
{
	char esc[MSG_ESC_SIZE];
	struct pw_prefix p;
	struct pw_why why;
	bool bare;
	bool ok = parse_gw(text, &p, &bare, &why);

	if (ok && ba->br.ngw && ba->gw[0].addr.family == p.addr.family)
		ok = pw_why_not(&why, "is a second address of one family");
	if (!ok) {
		pw_usage_err("invalid gateway '%s': it %s", msg_esc(text, esc),
			     why.text);
		return -1;
	}
	ba->gw_bare[ba->br.ngw] = bare;
	ba->gw[ba->br.ngw++] = p;
	if (ba->br.ngw == 2 && ba->gw[0].addr.family == AF_INET6) {
		ba->gw[1] = ba->gw[0];
		ba->gw_bare[1] = ba->gw_bare[0];
		ba->gw[0] = p;
		ba->gw_bare[0] = bare;
	}
	return 0;
}

static int take_option(int val, const char *arg, void *ctx)
{
	struct br_attach *ba = ctx;
	char buf[2 * PW_ADDRSTRLEN + 2];
	const char *first, *second;
	uint32_t mtu;

	switch (val) {
	case OPT_GW:
		if (ba->br.ngw ||
		    !cli_split_pair(arg, buf, sizeof(buf), &first, &second)) {
			pw_usage_err(
				"--gw takes ADDR[/LEN][,ADDR6[/LEN]] once");
			return -1;
		}
		if (take_gw(ba, first) || (second && take_gw(ba, second)))
			return -1;
		return 0;
	case OPT_NO_ROUTE:
		ba->no_route = true;
		return 0;
	case OPT_HAIRPIN:
		ba->hairpin = true;
		return 0;
	case OPT_MCAST_SNOOPING:
		ba->br.mcast_snooping = true;
		return 0;
	case OPT_MTU:
		if (pw_parse_u32(arg, 65535, &mtu) || mtu < 68) {
			pw_usage_err("invalid MTU '%s': give 68-65535", arg);
			return -1;
		}
		ba->br.mtu = mtu;
		return 0;
	}
	return -1;
}

/* ---- Records ------------------------------------------------------------ */

/* addr/addr6 are ADDR/LEN of their family; gw/gw6 plain addresses. */
static int check_addresses(const struct rec *r)
{
	static const struct {
		const char *key;
		int family;
		bool prefix;
	} keys[] = {
		{ "addr", AF_INET, true },
		{ "addr6", AF_INET6, true },
		{ "gw", AF_INET, false },
		{ "gw6", AF_INET6, false },
	};
	char esc[MSG_ESC_SIZE];
	struct pw_prefix p;
	struct pw_why why;

	for (size_t i = 0; i < PW_ARRAY_SIZE(keys); i++) {
		const char *v = rec_get(r, keys[i].key);
		bool ok;

		if (!v)
			continue;
		ok = keys[i].prefix ?
			     addr_parse_prefix(v, keys[i].family, &p, &why) :
			     addr_parse(v, keys[i].family, &p.addr, &why);
		if (!ok) {
			stage_err(r, "invalid %s '%s': it %s", keys[i].key,
				  msg_esc(v, esc), why.text);
			return PW_EXIT_USAGE;
		}
	}
	return PW_EXIT_OK;
}

static int check_record(struct rec *r, void *ctx)
{
	struct br_attach *ba = ctx;
	const char *netns = rec_get(r, "netns");
	const char *host = rec_get(r, "host_ifname");
	char esc[MSG_ESC_SIZE];
	struct pw_why why;

	if (!host) {
		stage_err(r, "record has no host_ifname= field (veth-link "
			     "writes it)");
		return PW_EXIT_USAGE;
	}
	if (netns && !name_netns_ok(netns, &why)) {
		stage_err(r, "invalid netns '%s': it %s", msg_esc(netns, esc),
			  why.text);
		return PW_EXIT_USAGE;
	}
	if (!name_ifname_ok(host, &why)) {
		/* An operand is an interface to the user, not a key. */
		stage_err(r, "invalid %s '%s': it %s",
			  ba->positional ? "interface name" : "host_ifname",
			  msg_esc(host, esc), why.text);
		return PW_EXIT_USAGE;
	}
	if (!strcmp(host, ba->br.name)) {
		stage_err(r, "'%s' is the bridge itself, not a port of it",
			  ba->br.name);
		return PW_EXIT_USAGE;
	}
	return check_addresses(r);
}

/* ---- Attaching ---------------------------------------------------------- */

static int set_up_bridge(struct br_attach *ba, const struct rec *first);

/* May the record's pod join the bridge?  Nothing changes here. */
static int admissible(struct br_attach *ba, const struct rec *r)
{
	int st = route_rec_check(r, ba->info.gws, ba->info.ngw, ba->br.name,
				 !ba->no_route);

	if (!st)
		st = bridge_rec_check_unique(r, &ba->held, ba->info.ifindex,
					     ba->br.name);
	return st;
}

static int attach_one(struct rec *r, void *ctx)
{
	struct br_attach *ba = ctx;
	const char *host = rec_get(r, "host_ifname");
	struct bridge_fail fail;
	unsigned newly;
	int st = ba->ready ? PW_EXIT_OK : set_up_bridge(ba, r);
	int err;

	if (!st)
		st = admissible(ba, r);
	if (st)
		return st;
	err = bridge_port_add(ba->info.ifindex, host, ba->hairpin, &newly,
			      &fail);
	if (err) {
		bridge_rec_port_err(r, ba->br.name, host, true, &fail, err);
		return PW_EXIT_FAIL;
	}
	if (rec_set(r, "bridge", ba->br.name)) {
		stage_err(r, "cannot set bridge= in the record: it has no "
			     "room left");
		st = PW_EXIT_FAIL;
	} else if (!ba->no_route) {
		st = route_rec_add(r, ba->info.gws, ba->info.ngw);
	}
	/* Atomic per record: what this run attached goes again. */
	if (st) {
		bridge_port_release(newly);
		return st;
	}
	ba->attached++;
	bridge_rec_held_add(&ba->held, r);
	return PW_EXIT_OK;
}

/* ---- Detaching ---------------------------------------------------------- */

static void remember_vanishing(struct br_attach *ba, const char *host)
{
	ba->vanishing = pw_xrealloc(ba->vanishing,
				    (ba->nvanishing + 1) * sizeof(char *));
	ba->vanishing[ba->nvanishing++] = pw_xstrdup(host);
}

static bool vanishing(const char *ifname, void *arg)
{
	const struct br_attach *ba = arg;

	for (size_t i = 0; i < ba->nvanishing; i++)
		if (!strcmp(ba->vanishing[i], ifname))
			return true;
	return false;
}

static int detach_one(struct rec *r, void *ctx)
{
	struct br_attach *ba = ctx;
	const char *host = rec_get(r, "host_ifname");
	const char *netns = rec_get(r, "netns");
	struct bridge_fail fail;
	struct ns_handle pod;
	int err;

	if (rec_set(r, "bridge", ba->br.name)) {
		stage_err(r, "cannot set bridge= in the record: it has no "
			     "room left");
		return PW_EXIT_FAIL;
	}
	if (netns) {
		err = ns_peek(netns, &pod);
		if (err == -ENOENT) {
			/* The pod is gone; the kernel reaps its veth, which
			 * leaves the bridge on its own. */
			remember_vanishing(ba, host);
			return PW_EXIT_OK;
		}
		if (!err && !ns_is_current(pod.fd) && !ba->no_route)
			route_rec_del(r, ba->info.gws, ba->info.ngw, pod.nl);
	}
	err = bridge_port_del(ba->info.ifindex, host, &fail);
	if (err)
		bridge_rec_port_err(r, ba->br.name, host, false, &fail, err);
	return err ? PW_EXIT_FAIL : PW_EXIT_OK;
}

/* The bridge's lock (bridge.h), or a message and -1. */
static int lock_bridge(const char *name)
{
	char doing[64];

	snprintf(doing, sizeof(doing), "use bridge '%s'", name);
	return msg_lock_in(doing, BRIDGE_LOCK_DIR, name);
}

/*
 * Should the bridge go?  1 yes (u says which), 0 it stays, -1 failed
 * (said).  In a pipeline, a bridge someone else made or others still use
 * stays (exit 0); given as an operand, that is an error.
 */
static int should_delete(struct br_attach *ba, struct bridge_usage *u)
{
	const char *name = ba->br.name;
	struct bridge_fail fail;

	if (bridge_usage(name, vanishing, ba, u, &fail)) {
		bridge_rec_err(name, &fail);
		return -1;
	}
	if (!u->ifindex)
		return 0;
	if (!u->ours) {
		if (!ba->positional)
			return 0;
		pw_err("refusing to delete '%s': podwire did not make it (no "
		       "podwire: bridge mark)",
		       name);
		return -1;
	}
	if (u->staying) {
		if (!ba->positional)
			return 0;
		pw_err("not deleting bridge '%s': %zu port%s left (%s); detach "
		       "them first",
		       name, u->staying, u->staying == 1 ? "" : "s",
		       u->example);
		return -1;
	}
	return 1;
}

/*
 * Delete the bridge if podwire made it and every port left is going
 * away: its own, and veths whose pods' namespaces are being destroyed,
 * another teardown's among them.  Asked again under the bridge's lock
 * before the delete, so no setup makes the bridge anew or finds it in
 * between.
 */
static int finish_delete(void *ctx)
{
	static const int caps[] = { CAP_NET_ADMIN };
	struct br_attach *ba = ctx;
	struct bridge_usage u;
	struct bridge_fail fail;
	int go = should_delete(ba, &u);
	int lock, use, err = 0;

	if (go <= 0)
		return go ? PW_EXIT_FAIL : PW_EXIT_OK;
	if (!cli_require_caps("deleting a bridge", caps, 1))
		return PW_EXIT_FAIL;
	lock = lock_bridge(ba->br.name);
	if (lock < 0)
		return PW_EXIT_FAIL;
	ns_cache_clear(); /* ports and names read afresh, under the lock */
	go = should_delete(ba, &u);
	use = go > 0 ? bridge_use_take(ba->br.name) : -1;
	if (go > 0 && use == -EBUSY) {
		/* A setup found it and is about to attach its pods. */
		go = ba->positional ? -1 : 0;
		if (go)
			pw_err("not deleting bridge '%s': a br-attach is "
			       "attaching pods to it",
			       ba->br.name);
	} else if (go > 0 && use < 0) {
		pw_err("cannot delete bridge '%s': cannot lock %s/%s/%s: %s",
		       ba->br.name, STATEDIR_ROOT, BRIDGE_USE_DIR, ba->br.name,
		       strerror(-use));
		go = -1;
	}
	if (go > 0)
		err = bridge_del(ba->br.name, u.ifindex, &fail);
	if (use >= 0)
		close(use);
	close(lock);
	if (err)
		bridge_rec_err(ba->br.name, &fail);
	return go < 0 || err ? PW_EXIT_FAIL : PW_EXIT_OK;
}

/* ---- main --------------------------------------------------------------- */

static int check_bridge_name(const char *name)
{
	char esc[MSG_ESC_SIZE];
	struct pw_why why;

	if (name_ifname_ok(name, &why))
		return PW_EXIT_OK;
	pw_usage_err("invalid bridge name '%s': it %s", msg_esc(name, esc),
		     why.text);
	return PW_EXIT_USAGE;
}

/*
 * A --gw written without /LEN takes the length of the bridge's gateway
 * at that address, else of the first pod's address around it.
 */
static int settle_bare_gateways(struct br_attach *ba, const struct rec *first)
{
	static const char *const keys[] = { "addr", "addr6" };
	struct bridge_info now;
	struct bridge_fail fail;
	char text[PW_ADDRSTRLEN];

	for (size_t i = 0; i < ba->br.ngw; i++) {
		struct pw_prefix *gw = &ba->gw[i];
		bool v6 = gw->addr.family == AF_INET6;
		const char *pod = first ? rec_get(first, keys[v6]) : NULL;
		struct pw_prefix p;
		struct pw_why why;

		if (!ba->gw_bare[i])
			continue;
		if (bridge_find(ba->br.name, &now, &fail))
			now.ngw = 0;
		for (size_t j = 0; j < now.ngw; j++)
			if (addr_equal(&now.gws[j].addr, &gw->addr))
				gw->len = now.gws[j].len;
		if (!gw->len && pod &&
		    addr_parse_prefix(pod, AF_UNSPEC, &p, NULL) &&
		    addr_prefix_contains(&p, &gw->addr))
			gw->len = p.len;
		addr_format(&gw->addr, text, sizeof(text));
		if (!gw->len) {
			pw_err("--gw %s has no prefix length, and neither the "
			       "bridge nor the pod's address gives one: write "
			       "%s/LEN",
			       text, text);
			return PW_EXIT_FAIL;
		}
		if (!gw_prefix_ok(gw, &why)) {
			pw_err("invalid gateway %s/%u: it %s", text, gw->len,
			       why.text);
			return PW_EXIT_FAIL;
		}
		ba->gw_bare[i] = false;
	}
	return PW_EXIT_OK;
}

/*
 * The bridge, made if missing, when the first record is to be attached
 * (first: NULL when there are none), so that bad input changes nothing.
 */
static int set_up_bridge(struct br_attach *ba, const struct rec *first)
{
	static const int caps[] = { CAP_NET_ADMIN, CAP_SYS_ADMIN };
	struct bridge_fail fail;
	int lock, err, st;

	if (!cli_require_caps("setting up a bridge", caps, PW_ARRAY_SIZE(caps)))
		return PW_EXIT_FAIL;
	st = settle_bare_gateways(ba, first);
	if (st)
		return st;
	ba->br.gws = ba->gw;
	/* Not made while a teardown decides to delete it. */
	lock = lock_bridge(ba->br.name);
	if (lock < 0)
		return PW_EXIT_FAIL;
	err = bridge_ensure(&ba->br, &ba->info, &fail);
	/* Taken before the bridge's lock goes: no delete slips in between. */
	if (!err) {
		ba->use_lock = bridge_use_hold(ba->br.name);
		if (ba->use_lock < 0) {
			pw_strlcpy(fail.why.text, strerror(-ba->use_lock),
				   sizeof(fail.why.text));
			err = ba->use_lock;
			fail.step = BRIDGE_STEP_SETUP;
			ba->use_lock = -1;
		}
	}
	close(lock);
	if (err == -EEXIST && fail.step == BRIDGE_STEP_GATEWAY) {
		pw_err("%s %s; `br-attach -D %s` first", ba->br.name,
		       fail.why.text + strlen("it "), ba->br.name);
		return PW_EXIT_FAIL;
	}
	if (err) {
		bridge_rec_err(ba->br.name, &fail);
		return PW_EXIT_FAIL;
	}
	ba->ready = true;
	return PW_EXIT_OK;
}

static void release_use(struct br_attach *ba)
{
	if (ba->use_lock >= 0)
		close(ba->use_lock);
	ba->use_lock = -1;
}

/*
 * A bridge this run made and attached nothing to goes again when the run
 * failed: it leaves the host as it found it (unless another setup came
 * to use it meanwhile).
 */
static void undo_unused_bridge(struct br_attach *ba)
{
	struct bridge_usage u;
	struct bridge_fail fail;
	int lock;

	int use;

	if (!ba->info.created || ba->attached)
		return;
	release_use(ba);
	lock = lock_bridge(ba->br.name);
	if (lock < 0)
		return;
	ns_cache_clear();
	use = bridge_use_take(ba->br.name);
	if (use >= 0 && !bridge_usage(ba->br.name, NULL, NULL, &u, &fail) &&
	    u.ifindex && u.ours && !u.staying &&
	    bridge_del(ba->br.name, u.ifindex, &fail))
		bridge_rec_err(ba->br.name, &fail);
	if (use >= 0)
		close(use);
	close(lock);
}

static int find_bridge(struct br_attach *ba)
{
	struct bridge_fail fail;

	if (bridge_find(ba->br.name, &ba->info, &fail)) {
		bridge_rec_err(ba->br.name, &fail);
		return PW_EXIT_FAIL;
	}
	/* --gw names the routes to remove; else the bridge's mark does. */
	if (ba->br.ngw) {
		memcpy(ba->info.gws, ba->gw, sizeof(ba->gw));
		ba->info.ngw = ba->br.ngw;
	}
	return PW_EXIT_OK;
}

/* What attaching may add to a record (stage.h); detaching, the first. */
static const struct rec_add adds[] = {
	{ "bridge", IFNAMSIZ - 1 },
	{ "gw", PW_ADDRSTRLEN - 1 },
	{ "gw6", PW_ADDRSTRLEN - 1 },
};

static int run(struct br_attach *ba, int argc, char **argv)
{
	static const int caps[] = { CAP_NET_ADMIN, CAP_SYS_ADMIN };
	size_t n = (size_t)(argc - optind - 1);
	struct stage s = {
		.c = &ba->c,
		.check = check_record,
		.ctx = ba,
		.caps = caps,
		.ncaps = PW_ARRAY_SIZE(caps),
		.adds = adds,
		.nadds = ba->no_route ? 1 : PW_ARRAY_SIZE(adds),
	};
	struct rec *recs;
	int st;

	if (stage_dash_means_stdin(&s, argv + optind + 1, n))
		n = 0;
	ba->positional = n || !(s.force_stdin || rec_stdin_has_records());
	recs = stage_records_from_args("host_ifname", argv + optind + 1, n);
	for (size_t i = 0; i < n; i++) {
		st = check_record(&recs[i], ba);
		if (st)
			goto out;
	}
	st = cli_enter_netns(&ba->c);
	if (st)
		goto out;
	if (ba->c.del) {
		s.what = "detaching from a bridge";
		s.apply = detach_one;
		/* With interfaces named, only they go; else the bridge too. */
		s.finish = n ? NULL : finish_delete;
		st = find_bridge(ba);
	} else {
		s.what = "attaching to a bridge";
		s.apply = attach_one;
	}
	if (!st)
		st = stage_run(&s, recs, n);
	/* No record at all: making the bridge was the whole job. */
	if (!st && !ba->c.del && !ba->ready)
		st = set_up_bridge(ba, NULL);
	if (st && !ba->c.del)
		undo_unused_bridge(ba);
	release_use(ba);
out:
	bridge_rec_held_free(&ba->held);
	stage_records_free(recs, n);
	return st;
}

int br_attach_main(int argc, char **argv)
{
	struct br_attach ba = { .br.name = NULL, .use_lock = -1 };
	int st =
		cli_parse(&br_attach_prog, argc, argv, &ba.c, take_option, &ba);

	if (st >= 0)
		return st;
	if (optind >= argc) {
		pw_usage_err("no bridge given");
		return PW_EXIT_USAGE;
	}
	ba.br.name = argv[optind];
	st = check_bridge_name(ba.br.name);
	if (!st)
		st = run(&ba, argc, argv);
	for (size_t i = 0; i < ba.nvanishing; i++)
		free(ba.vanishing[i]);
	free(ba.vanishing);
	ns_cache_clear();
	return cli_close_stdout(st);
}

#ifndef PODWIRE_MULTICALL
int main(int argc, char **argv)
{
	return br_attach_main(argc, argv);
}
#endif
