// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cni_gc.c - the commands of a whole network: GC and STATUS.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * GC finds this network's attachments in the lease store (net= its name)
 * and among the marked ports of its bridge (unless a lease says they are
 * another network's), and removes, as a DEL would, each one the
 * runtime's cni.dev/valid-attachments does not name.  STATUS says whether
 * an ADD could be served: a free address in every range, a bridge that is
 * one or can be made, a masquerade table that is podwire's.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "cni.h"
#include "nft.h"
#include "ns.h"
#include "ns_cache.h"
#include "nl.h"
#include "owner.h"
#include "util.h"

/* ---- GC ----------------------------------------------------------------- */

/* An attachment GC found, and what it found of it. */
struct stale {
	char cid[PW_CID_MAX + 1];
	char ifname[IFNAMSIZ];
	struct ipam_lease leases[IPAM_POOLS_MAX]; /* one per family */
	size_t nleases;
};

struct gc {
	const struct cni_conf *c;
	struct stale *items;
	size_t n;
	struct ipam_lease *leases; /* the whole store's */
	size_t nleases;
	size_t failed;
	struct cni_err first; /* the first failure, reported */
};

static bool is_valid(const struct cni_conf *c, const char *cid,
		     const char *ifname)
{
	size_t i;
	json_t *a;

	json_array_foreach(c->valid, i, a)
	{
		json_t *id = json_object_get(a, "containerID");
		json_t *ifn = json_object_get(a, "ifname");

		if (json_is_string(id) && json_is_string(ifn) &&
		    !strcmp(json_string_value(id), cid) &&
		    !strcmp(json_string_value(ifn), ifname))
			return true;
	}
	return false;
}

static int check_valid_list(const struct cni_conf *c, struct cni_err *err)
{
	size_t i;
	json_t *a;

	/* Not "nothing is valid": a runtime that sent no list meant none. */
	if (!c->valid)
		return cni_fail(err, CNI_ERR_CONFIG,
				"invalid network configuration", "%s",
				"GC needs cni.dev/valid-attachments");

	json_array_foreach(c->valid, i, a)
	{
		if (!json_is_string(json_object_get(a, "containerID")) ||
		    !json_is_string(json_object_get(a, "ifname")))
			return cni_fail(err, CNI_ERR_CONFIG,
					"invalid network configuration",
					"cni.dev/valid-attachments[%zu] has no "
					"containerID and ifname strings",
					i);
	}
	return 0;
}

static struct stale *stale_find(struct gc *g, const char *cid,
				const char *ifname)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->items[i].cid, cid) &&
		    !strcmp(g->items[i].ifname, ifname))
			return &g->items[i];
	return NULL;
}

static struct stale *stale_add(struct gc *g, const char *cid,
			       const char *ifname)
{
	struct stale *s = stale_find(g, cid, ifname);

	if (s)
		return s;
	s = realloc(g->items, (g->n + 1) * sizeof(*g->items));
	if (!s)
		return NULL;
	g->items = s;
	s = &g->items[g->n++];
	memset(s, 0, sizeof(*s));
	pw_strlcpy(s->cid, cid, sizeof(s->cid));
	pw_strlcpy(s->ifname, ifname, sizeof(s->ifname));
	return s;
}

/* This network's attachments in the lease store (net= its name). */
static int gc_leases(struct gc *g, struct cni_err *err)
{
	int e = ipam_leases(NULL, &g->leases, &g->nleases);

	if (e)
		return cni_fail(err, CNI_ERR_INTERNAL, "cannot list leases",
				"%s", strerror(-e));
	for (size_t i = 0; i < g->nleases; i++) {
		const struct ipam_lease *l = &g->leases[i];
		struct stale *s;

		if (!l->cid[0] || strcmp(l->net, g->c->name) ||
		    is_valid(g->c, l->cid, l->ifname))
			continue;
		s = stale_add(g, l->cid, l->ifname);
		if (!s)
			return cni_fail(err, CNI_ERR_INTERNAL, "out of memory",
					"%s", "GC");
		/* Dual stack: one attachment, a lease per family. */
		if (s->nleases < IPAM_POOLS_MAX)
			s->leases[s->nleases++] = *l;
	}
	return 0;
}

/* Does another network's lease say the attachment is that network's? */
static bool other_network(const struct gc *g, const char *cid,
			  const char *ifname)
{
	for (size_t i = 0; i < g->nleases; i++)
		if (!strcmp(g->leases[i].cid, cid) &&
		    !strcmp(g->leases[i].ifname, ifname) &&
		    strcmp(g->leases[i].net, g->c->name))
			return true;
	return false;
}

/*
 * Marked attachments on this network's bridge that the store lost, or
 * whose lease is this network's: a bridge may serve two networks.
 */
static int gc_ports(struct gc *g, struct cni_err *err)
{
	struct ns_handle host;
	struct nl_link *links;
	struct nl_link br;
	size_t n;
	int e = ns_peek(NULL, &host);

	if (!e && nl_link_get(host.nl, 0, g->c->bridge, &br))
		return 0; /* no bridge, no port */
	if (!e)
		e = nl_link_list(host.nl, &links, &n);
	if (e)
		return cni_fail(err, CNI_ERR_INTERNAL, "cannot list links",
				"%s", strerror(-e));
	for (size_t i = 0; i < n; i++) {
		struct owner o;

		if (links[i].master != br.ifindex ||
		    strcmp(links[i].kind, "veth") ||
		    !owner_parse(links[i].alias, &o) || !o.cid[0] ||
		    is_valid(g->c, o.cid, o.ifname) ||
		    other_network(g, o.cid, o.ifname))
			continue;
		if (!stale_add(g, o.cid, o.ifname))
			break;
	}
	free(links);
	return 0;
}

static void gc_failed(struct gc *g, const struct cni_err *err)
{
	if (!g->failed++)
		g->first = *err;
}

static void gc_remove(struct gc *g, const struct stale *s)
{
	const struct cni_env env = { .cmd = CNI_CMD_DEL,
				     .cid = s->cid,
				     .ifname = s->ifname };
	struct cni_err err;
	int e;

	/* The pair and the leases of the network's pools, as a DEL. */
	if (cni_del(&env, g->c, &err)) {
		gc_failed(g, &err);
		return;
	}
	/* Leases of pools the configuration no longer names. */
	for (size_t i = 0; i < s->nleases; i++) {
		e = ipam_release_lease(&s->leases[i]);
		if (e && e != -ESTALE) {
			cni_fail(&err, CNI_ERR_INTERNAL,
				 "cannot release a lease", "%s", strerror(-e));
			gc_failed(g, &err);
		}
	}
}

int cni_gc(const struct cni_conf *c, struct cni_err *err)
{
	struct gc g = { .c = c };
	int code = check_valid_list(c, err);

	if (!code)
		code = gc_leases(&g, err);
	if (!code)
		code = gc_ports(&g, err);
	for (size_t i = 0; !code && i < g.n; i++)
		gc_remove(&g, &g.items[i]);
	free(g.items);
	free(g.leases);
	if (code)
		return code;
	if (!g.failed)
		return 0;
	*err = g.first;
	snprintf(err->msg, sizeof(err->msg),
		 "%zu stale attachment%s not "
		 "removed",
		 g.failed, g.failed == 1 ? "" : "s");
	return err->code;
}

/* ---- STATUS ------------------------------------------------------------- */

static __attribute__((format(printf, 2, 3))) int
unavailable(struct cni_err *err, const char *fmt, ...)
{
	va_list ap;

	cni_fail(err, CNI_ERR_NOT_AVAILABLE, "plugin not available", "%s", "");
	va_start(ap, fmt);
	vsnprintf(err->details, sizeof(err->details), fmt, ap);
	va_end(ap);
	return err->code;
}

/* Can the pool lease one more address? */
static int pool_status(const struct ipam_pool *p, struct cni_err *err)
{
	struct ipam_lease *leases;
	size_t n, used = 0;
	uint64_t offs = p->last - p->first + 1;
	uint64_t gw = addr_offset(&p->net, &p->gateway);
	char text[PW_ADDRSTRLEN];
	int e = ipam_leases(&p->net, &leases, &n);

	if (e)
		return unavailable(err, "cannot read the lease store: %s",
				   strerror(-e));
	for (size_t i = 0; i < n; i++) {
		uint64_t off = addr_offset(&p->net, &leases[i].addr);

		used += off >= p->first && off <= p->last && off != gw;
	}
	free(leases);
	if (gw >= p->first && gw <= p->last)
		offs--;
	if (used < offs)
		return 0;
	return unavailable(err, "pool %s is exhausted: every address is leased",
			   addr_format_prefix(&p->net, text, sizeof(text)));
}

static int bridge_status(const struct cni_conf *c, const struct ipam *ip,
			 struct cni_err *err)
{
	struct bridge_info info;
	struct bridge_fail fail;
	struct ns_handle host;
	struct nl_link l;
	char text[PW_ADDRSTRLEN];
	int e = ns_peek(NULL, &host);

	if (!e && !nl_link_get(host.nl, 0, c->bridge, &l) &&
	    strcmp(l.kind, "bridge"))
		return unavailable(err,
				   "bridge %s cannot be made: the name is a "
				   "%s link",
				   c->bridge,
				   l.kind[0] ? l.kind : "non-bridge");
	e = e ? e : bridge_find(c->bridge, &info, &fail);
	if (e)
		return unavailable(err, "bridge %s cannot be looked up: %s",
				   c->bridge, strerror(-e));
	if (!info.ifindex && !pw_have_cap(CAP_NET_ADMIN))
		return unavailable(err,
				   "bridge %s cannot be made: CAP_NET_ADMIN is "
				   "missing",
				   c->bridge);
	for (size_t i = 0; c->is_gateway && i < info.ngw; i++)
		for (size_t p = 0; p < ip->npools; p++)
			if (info.gws[i].addr.family ==
				    ip->pools[p].net.addr.family &&
			    !addr_equal(&info.gws[i].addr,
					&ip->pools[p].gateway))
				return unavailable(
					err,
					"bridge %s has another gateway: %s",
					c->bridge,
					addr_format_prefix(&info.gws[i], text,
							   sizeof(text)));
	return 0;
}

static int masquerade_status(const struct cni_conf *c, struct cni_err *err)
{
	struct nft_masq *rules;
	size_t n;
	int e;

	if (!c->ip_masq)
		return 0;
	e = cni_masq_rules(&rules, &n);
	free(rules);
	if (e == -EEXIST)
		return unavailable(err,
				   "ipMasq: an nftables table inet %s "
				   "exists that podwire did not make",
				   NFT_TABLE);
	if (e && e != -ENOENT)
		return unavailable(err, "ipMasq: cannot read nftables: %s",
				   strerror(-e));
	return 0;
}

int cni_status(const struct cni_conf *c, struct cni_err *err)
{
	struct ipam ip;
	int code = cni_pools(c, &ip, err);

	for (size_t i = 0; !code && i < ip.npools; i++)
		code = pool_status(&ip.pools[i], err);
	if (!code)
		code = bridge_status(c, &ip, err);
	if (!code)
		code = masquerade_status(c, err);
	ipam_close(&ip);
	return code;
}
