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

#include "bridge.h"
#include "cli.h"
#include "cmds.h"
#include "name.h"
#include "ns.h"
#include "stage.h"

enum {
	OPT_GW = CLI_LONG_ONLY,
	OPT_NO_ROUTE,
	OPT_MTU,
	OPT_HAIRPIN,
	OPT_MCAST_SNOOPING,
};

static const struct cli_opt opts[] = {
	{ "gw", OPT_GW, required_argument, "<addr>/<len>[,<addr6>/<len>]",
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

static const struct cli_prog prog = {
	.name = "br-attach",
	.usage = "[options] <bridge> [<ifname>...]\n"
		 "[options] <bridge> [-] < records\n"
		 "-D [options] <bridge> [<ifname>...]",
	.summary = "Ensure a bridge, attach host-side interfaces to it and "
		   "route the pods through it.",
	.opts = opts,
	.shared = CLI_DELETE | CLI_NETNS | CLI_JSON | CLI_QUIET |
		  CLI_KEEP_GOING,
	.delete_help = "detach; with no interface, delete the bridge",
};

struct br_attach {
	struct cli_common c;
	struct bridge br;
	struct pw_prefix gw[2]; /* IPv4 first when both */
	size_t ngw;
	bool no_route;
	bool hairpin;
	unsigned mtu;
	/* -D: host ends this run saw go with their namespace. */
	char **vanishing;
	size_t nvanishing;
};

/* ---- Options ------------------------------------------------------------ */

static int take_gw(struct br_attach *ba, const char *text)
{
	char esc[STAGE_ESC_SIZE];
	struct pw_prefix p;
	struct pw_why why;
	const char *bad = addr_parse_prefix(text, AF_UNSPEC, &p, &why);

	if (!bad)
		bad = addr_iface_invalid(&p, &why);
	if (!bad && ba->ngw && ba->gw[0].addr.family == p.addr.family)
		bad = "is a second address of one family";
	if (bad) {
		pw_usage_err("invalid gateway '%s': it %s",
			     stage_esc(text, esc), bad);
		return -1;
	}
	ba->gw[ba->ngw++] = p;
	if (ba->ngw == 2 && ba->gw[0].addr.family == AF_INET6) {
		ba->gw[1] = ba->gw[0];
		ba->gw[0] = p;
	}
	return 0;
}

static int take_option(int val, const char *arg, void *ctx)
{
	struct br_attach *ba = ctx;
	char buf[2 * PW_ADDRSTRLEN + 2], *comma;
	uint32_t mtu;

	switch (val) {
	case OPT_GW:
		if (ba->ngw ||
		    pw_strlcpy(buf, arg, sizeof(buf)) >= sizeof(buf)) {
			pw_usage_err("--gw takes ADDR/LEN[,ADDR6/LEN] once");
			return -1;
		}
		comma = strchr(buf, ',');
		if (comma)
			*comma = '\0';
		if (take_gw(ba, buf) || (comma && take_gw(ba, comma + 1)))
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
		ba->mtu = mtu;
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
	char esc[STAGE_ESC_SIZE];
	struct pw_prefix p;
	struct pw_why why;

	for (size_t i = 0; i < PW_ARRAY_SIZE(keys); i++) {
		const char *v = rec_get(r, keys[i].key);
		const char *bad;

		if (!v)
			continue;
		bad = keys[i].prefix ?
			      addr_parse_prefix(v, keys[i].family, &p, &why) :
			      addr_parse(v, keys[i].family, &p.addr, &why);
		if (bad) {
			stage_err(r, "invalid %s '%s': it %s", keys[i].key,
				  stage_esc(v, esc), bad);
			return PW_EXIT_USAGE;
		}
	}
	return PW_EXIT_OK;
}

static int check_record(struct rec *r, void *ctx)
{
	static const char *const names[] = { "netns", "host_ifname" };
	struct br_attach *ba = ctx;
	char esc[STAGE_ESC_SIZE];
	struct pw_why why;
	const char *bad, *v;

	if (!rec_get(r, "host_ifname")) {
		stage_err(r, "record has no host_ifname= field (veth-link "
			     "writes it)");
		return PW_EXIT_USAGE;
	}
	for (size_t i = 0; i < PW_ARRAY_SIZE(names); i++) {
		v = rec_get(r, names[i]);
		if (!v)
			continue;
		bad = i == 0 ? name_netns_invalid(v, &why) :
			       name_ifname_invalid(v, &why);
		if (bad) {
			/* An operand is an interface to the user, not a key. */
			stage_err(r, "invalid %s '%s': it %s",
				  i == 0	    ? "netns" :
				  ba->br.positional ? "interface name" :
						      "host_ifname",
				  stage_esc(v, esc), bad);
			return PW_EXIT_USAGE;
		}
	}
	if (!strcmp(rec_get(r, "host_ifname"), ba->br.name)) {
		stage_err(r, "'%s' is the bridge itself, not a port of it",
			  ba->br.name);
		return PW_EXIT_USAGE;
	}
	return check_addresses(r);
}

/* ---- Attaching ---------------------------------------------------------- */

/*
 * The gateway for a pod address: the --gw of its family inside the pod's
 * own subnet, the only gateway its route can reach.
 */
static const struct pw_prefix *gateway_for(const struct br_attach *ba,
					   const char *addr)
{
	struct pw_prefix p;
	struct pw_why why;

	if (!addr || addr_parse_prefix(addr, AF_UNSPEC, &p, &why))
		return NULL;
	for (size_t i = 0; i < ba->ngw; i++)
		if (addr_prefix_contains(&p, &ba->gw[i].addr))
			return &ba->gw[i];
	return NULL;
}

/*
 * "default via GW" in the pod, unless it already has exactly that;
 * *added when this run made it.
 */
static int add_route(const struct rec *r, struct ns_handle *pod,
		     const struct pw_prefix *gw, bool *added)
{
	struct nl_route_req req = { .gateway = gw->addr };
	char g[PW_ADDRSTRLEN], why[512];
	int err;

	req.dst.addr.family = gw->addr.family;
	nl_put_route(pod->nl, true, &req);
	err = nl_commit(pod->nl, NULL);
	*added = !err;
	if (err == -EEXIST)
		err = nl_default_route_via(pod->nl, &gw->addr);
	if (!err)
		return PW_EXIT_OK;
	addr_format(&gw->addr, g, sizeof(g));
	if (err == -EEXIST)
		stage_err(r,
			  "namespace '%s' already has another default "
			  "route; not replacing it with one via %s",
			  rec_get(r, "netns"), g);
	else
		stage_err(r, "cannot add the default route via %s in '%s': %s",
			  g, rec_get(r, "netns"),
			  nl_why(pod->nl, err, why, sizeof(why)));
	return PW_EXIT_FAIL;
}

static void del_route(struct ns_handle *pod, const struct pw_prefix *gw)
{
	struct nl_route_req req = { .gateway = gw->addr };

	req.dst.addr.family = gw->addr.family;
	if (!nl_put_route(pod->nl, false, &req))
		nl_commit(pod->nl, NULL);
}

static int route_pod(struct br_attach *ba, struct rec *r)
{
	static const char *const keys[][2] = { { "addr", "gw" },
					       { "addr6", "gw6" } };
	const char *netns = rec_get(r, "netns");
	const struct pw_prefix *made = NULL;
	struct ns_handle pod;
	int err;

	if (ba->no_route || !netns ||
	    (!gateway_for(ba, rec_get(r, "addr")) &&
	     !gateway_for(ba, rec_get(r, "addr6"))))
		return PW_EXIT_OK;
	err = ns_get(netns, &pod);
	if (err) {
		stage_err(r, "cannot use namespace '%s': %s", netns,
			  ns_strerror(err));
		return PW_EXIT_FAIL;
	}
	if (ns_is_current(pod.fd)) {
		stage_err(r,
			  "refusing to set a default route in '%s': it is "
			  "the namespace br-attach runs in",
			  netns);
		return PW_EXIT_FAIL;
	}
	for (size_t i = 0; i < PW_ARRAY_SIZE(keys); i++) {
		const struct pw_prefix *gw =
			gateway_for(ba, rec_get(r, keys[i][0]));
		char text[PW_ADDRSTRLEN];
		bool added;
		int st;

		if (!gw)
			continue;
		st = add_route(r, &pod, gw, &added);
		if (st) {
			/* Atomic per record: the IPv4 route made just now
			 * goes again when the IPv6 one fails. */
			if (i && made)
				del_route(&pod, made);
			return st;
		}
		made = added ? gw : NULL;
		rec_set(r, keys[i][1],
			addr_format(&gw->addr, text, sizeof(text)));
	}
	return PW_EXIT_OK;
}

static int attach_one(struct rec *r, void *ctx)
{
	struct br_attach *ba = ctx;
	unsigned newly;
	int st = bridge_attach(&ba->br, r, rec_get(r, "host_ifname"),
			       ba->hairpin, &newly);

	if (!st)
		rec_set(r, "bridge", ba->br.name);
	if (!st)
		st = route_pod(ba, r);
	/* Atomic per record: what this run attached goes again. */
	if (st)
		bridge_release(newly);
	return st;
}

/* ---- Detaching ---------------------------------------------------------- */

static void remember_vanishing(struct br_attach *ba, const char *host)
{
	ba->vanishing = pw_xrealloc(ba->vanishing,
				    (ba->nvanishing + 1) * sizeof(char *));
	ba->vanishing[ba->nvanishing++] = pw_xstrdup(host);
}

static bool is_vanishing(const struct br_attach *ba, const char *ifname)
{
	for (size_t i = 0; i < ba->nvanishing; i++)
		if (!strcmp(ba->vanishing[i], ifname))
			return true;
	return false;
}

/*
 * The gateway a record's pod was routed through: the gw/gw6 br-attach
 * wrote into it, else the --gw that covers its address.
 */
static bool record_gateway(const struct br_attach *ba, const struct rec *r,
			   int i, struct pw_addr *out)
{
	static const char *const gws[] = { "gw", "gw6" };
	static const char *const addrs[] = { "addr", "addr6" };
	const struct pw_prefix *gw = gateway_for(ba, rec_get(r, addrs[i]));
	const char *v = rec_get(r, gws[i]);
	struct pw_why why;

	if (v && !addr_parse(v, i ? AF_INET6 : AF_INET, out, &why))
		return true;
	if (gw)
		*out = gw->addr;
	return gw != NULL;
}

static int unroute_pod(struct br_attach *ba, struct rec *r,
		       struct ns_handle *pod)
{
	for (int i = 0; i < 2; i++) {
		struct nl_route_req req = { 0 };

		if (!record_gateway(ba, r, i, &req.gateway))
			continue;
		req.dst.addr.family = req.gateway.family;
		nl_put_route(pod->nl, false, &req);
		nl_tolerate(pod->nl, ESRCH);
	}
	/* A route that is gone is fine; so is anything else here, as the
	 * pod is being taken apart. */
	nl_commit(pod->nl, NULL);
	return PW_EXIT_OK;
}

static int detach_one(struct rec *r, void *ctx)
{
	struct br_attach *ba = ctx;
	const char *host = rec_get(r, "host_ifname");
	const char *netns = rec_get(r, "netns");
	struct ns_handle pod;
	int err, st;

	rec_set(r, "bridge", ba->br.name);
	if (netns) {
		err = ns_get(netns, &pod);
		if (err == -ENOENT) {
			/* The pod is gone; the kernel reaps its veth, which
			 * leaves the bridge on its own. */
			remember_vanishing(ba, host);
			return PW_EXIT_OK;
		}
		if (!err && !ns_is_current(pod.fd) && !ba->no_route)
			unroute_pod(ba, r, &pod);
	}
	st = bridge_detach(&ba->br, r, host);
	return st;
}

static bool vanishing(const char *ifname, void *arg)
{
	return is_vanishing(arg, ifname);
}

static int finish_delete(void *ctx)
{
	struct br_attach *ba = ctx;

	return bridge_delete(&ba->br, vanishing, ba);
}

/* ---- main --------------------------------------------------------------- */

static int check_bridge_name(const char *name)
{
	char esc[STAGE_ESC_SIZE];
	struct pw_why why;
	const char *bad = name_ifname_invalid(name, &why);

	if (!bad)
		return PW_EXIT_OK;
	pw_usage_err("invalid bridge name '%s': it %s", stage_esc(name, esc),
		     bad);
	return PW_EXIT_USAGE;
}

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
	};
	bool records;
	struct rec *recs;
	int st;

	if (stage_dash_means_stdin(&s, argv + optind + 1, n))
		n = 0;
	records = !n && (s.force_stdin || rec_stdin_has_records());
	ba->br.positional = !records;
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
		st = bridge_find(&ba->br);
	} else {
		/* The bridge is set up before the first record. */
		s.what = "attaching to a bridge";
		s.apply = attach_one;
		st = cli_require_caps("setting up a bridge", caps,
				      PW_ARRAY_SIZE(caps)) ?
			     bridge_ensure(&ba->br, ba->gw, ba->ngw, ba->mtu) :
			     PW_EXIT_FAIL;
	}
	if (!st)
		st = stage_run(&s, recs, n);
out:
	stage_records_free(recs, n);
	return st;
}

int br_attach_main(int argc, char **argv)
{
	struct br_attach ba = { .br.name = NULL };
	int st = cli_parse(&prog, argc, argv, &ba.c, take_option, &ba);

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
