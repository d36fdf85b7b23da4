// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cni_attach.c - ADD, DEL and CHECK of one attachment.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * ADD: lease, veth pair (the pod end addressed, in CNI_NETNS), bridge
 * (made if missing, under its lock, then held in use until the port is
 * on it, as br-attach does), the pod's routes, forwarding, masquerade.
 * A failure undoes what this call did, newest first.  DEL: the pair
 * through its host end (its mark proves it by container id and ifname,
 * with or without the namespace), then the lease.  The bridge and the
 * subnet's masquerade rule stay: other attachments, podwire pipelines
 * among them, may use them; veth-prune --empty-bridges --nat takes them
 * once nothing does (podwire-cni(8)).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"
#include "cni.h"
#include "nft.h"
#include "ns.h"
#include "ns_cache.h"
#include "owner.h"
#include "route.h"
#include "statedir.h"
#include "sysctl.h"
#include "veth.h"

/* One queue each way per end, as veth-link's default (veth-link.c). */
#define CNI_VETH_QUEUES 1

void cni_host_ifname(const char *cid, const char *ifname, char out[IFNAMSIZ])
{
	char key[PW_CID_MAX + 8];

	/* "cid=" keeps these names apart from veth-link's netns hashes. */
	snprintf(key, sizeof(key), "cid=%s", cid);
	veth_host_ifname(key, ifname, out);
}

static int internal(struct cni_err *err, const char *msg, int e,
		    const char *why)
{
	return cni_fail(err,
			e == -ETIMEDOUT || e == -EBUSY ? CNI_ERR_TRY_AGAIN :
							 CNI_ERR_INTERNAL,
			msg, "%s", why && why[0] ? why : strerror(-e));
}

/* ---- Pools -------------------------------------------------------------- */

static int range_limits(struct ipam_pool *p, const struct cni_range *r,
			struct cni_err *err)
{
	char a[PW_ADDRSTRLEN];

	if (r->start.family) {
		uint64_t off = addr_offset(&p->net, &r->start);

		if (off > p->first)
			p->first = off;
	}
	if (r->end.family) {
		uint64_t off = addr_offset(&p->net, &r->end);

		if (off < p->last)
			p->last = off;
	}
	if (p->first <= p->last)
		return 0;
	return cni_fail(err, CNI_ERR_CONFIG, "invalid network configuration",
			"ipam range of %s: rangeStart is after rangeEnd",
			addr_format_prefix(&r->subnet, a, sizeof(a)));
}

int cni_pools(const struct cni_conf *c, struct ipam *ip, struct cni_err *err)
{
	ipam_init(ip);
	for (size_t i = 0; i < c->nranges; i++) {
		const struct cni_range *r = &c->ranges[i];
		struct pw_prefix net = addr_network(&r->subnet);
		char a[PW_ADDRSTRLEN];
		struct pw_why why;
		int code;

		if (ipam_add_pool(ip, &net, &why))
			return cni_fail(err, CNI_ERR_CONFIG,
					"invalid network configuration",
					"subnet %s %s",
					addr_format_prefix(&net, a, sizeof(a)),
					why.text);
		if (r->gateway.family &&
		    ipam_set_gateway(ip, &r->gateway, &why))
			return cni_fail(err, CNI_ERR_CONFIG,
					"invalid network configuration",
					"gateway %s %s",
					addr_format(&r->gateway, a, sizeof(a)),
					why.text);
		code = range_limits(&ip->pools[i], r, err);
		if (code)
			return code;
	}
	return 0;
}

/* The pool's gateway with the pool's length: the bridge's address. */
static struct pw_prefix pool_gateway(const struct ipam_pool *p)
{
	struct pw_prefix gw = { .addr = p->gateway, .len = p->net.len };

	return gw;
}

/* ---- ADD ---------------------------------------------------------------- */

struct add {
	const struct cni_env *env;
	const struct cni_conf *c;
	struct cni_made *m;
	struct ipam ip;
	struct lease_owner who;
	bool leased, veth_made;
	unsigned port; /* a port this call made, for the undo */
	int use_lock; /* the bridge's use lock (bridge.h), or -1 */
};

static int lease_err(struct add *a, const struct ipam_fail *f, int e,
		     struct cni_err *err)
{
	char pool[PW_ADDRSTRLEN], addr[PW_ADDRSTRLEN];

	addr_format_prefix(&a->ip.pools[f->pool].net, pool, sizeof(pool));
	addr_format(&f->addr, addr, sizeof(addr));
	switch (e) {
	case -ENOSPC:
		return cni_fail(err, CNI_ERR_INTERNAL, "no address left",
				"pool %s is full", pool);
	case -EEXIST:
		return cni_fail(err, CNI_ERR_INTERNAL, "address taken",
				"%s of pool %s is leased to another pod", addr,
				pool);
	case -EADDRNOTAVAIL:
		return cni_fail(err, CNI_ERR_CONFIG,
				"invalid network configuration",
				"the address asked for is not one pool %s can "
				"lease",
				pool);
	case -EBUSY:
		return cni_fail(err, CNI_ERR_INTERNAL, "address already held",
				"this attachment already holds %s in pool %s",
				addr, pool);
	case -EADDRINUSE:
		addr_format_prefix(&f->other, addr, sizeof(addr));
		return cni_fail(err, CNI_ERR_INTERNAL, "overlapping pool",
				"pool %s overlaps pool %s, which holds %lu "
				"leases",
				pool, addr, f->leases);
	}
	return internal(err, "cannot lease an address", e, NULL);
}

/* The asked-for addresses, into the pools' slots. */
static int wanted(struct add *a, struct lease *want, struct cni_err *err)
{
	char text[PW_ADDRSTRLEN];

	memset(want, 0, sizeof(*want));
	for (size_t i = 0; i < a->c->nwant; i++) {
		const struct pw_addr *w = &a->c->want[i];
		size_t p = 0;

		while (p < a->ip.npools &&
		       a->ip.pools[p].net.addr.family != w->family)
			p++;
		if (p == a->ip.npools ||
		    (a->c->want_len[i] &&
		     a->c->want_len[i] != a->ip.pools[p].net.len))
			return cni_fail(err, CNI_ERR_CONFIG,
					"invalid network configuration",
					"the address asked for, %s, is in no "
					"range of the network",
					addr_format(w, text, sizeof(text)));
		want->addr[p].addr = *w;
		want->addr[p].len = a->ip.pools[p].net.len;
		want->has[p] = true;
	}
	return 0;
}

static int take_lease(struct add *a, struct cni_err *err)
{
	struct ipam_fail fail;
	struct lease want;
	int e, code = wanted(a, &want, err);

	if (code)
		return code;
	e = ipam_assign(&a->ip, &a->who, &want, &a->m->lease, &fail);
	if (e)
		return lease_err(a, &fail, e, err);
	a->leased = true;
	for (size_t i = 0; i < a->ip.npools; i++)
		if (a->c->is_gateway)
			a->m->gws[i] = a->ip.pools[i].gateway;
	return 0;
}

static int make_veth(struct add *a, struct cni_err *err)
{
	struct veth_spec s = {
		.pod = { .netns = a->env->netns,
			 .ifname = a->env->ifname,
			 .cid = a->env->cid,
			 .set_mac = a->c->set_mac },
		.peer = { .ifname = a->m->host },
		.mtu = a->c->mtu,
		.queues = CNI_VETH_QUEUES,
	};
	struct veth_made made;
	struct veth_fail fail;
	int e;

	memcpy(s.pod.mac, a->c->mac, sizeof(s.pod.mac));
	for (size_t i = 0; i < IPAM_POOLS_MAX; i++)
		if (a->m->lease.has[i])
			s.pod.addrs[s.pod.naddrs++] = a->m->lease.addr[i];
	e = veth_pair_add(&s, &made, &fail);
	if (e == -EEXIST && fail.step == VETH_STEP_TAKEN)
		return cni_fail(err, CNI_ERR_INTERNAL, "interface exists", "%s",
				fail.why.text);
	if (e)
		return internal(err, "cannot make the veth pair", e,
				fail.why.text);
	if (made.existed) /* SPEC.md: an existing CNI_IFNAME is an error */
		return cni_fail(err, CNI_ERR_INTERNAL, "interface exists",
				"'%s' already exists in %s (an earlier ADD of "
				"this attachment; DEL it first)",
				a->env->ifname, a->env->netns);
	a->veth_made = true;
	memcpy(a->m->pod_mac, made.mac, sizeof(made.mac));
	return 0;
}

/* The bridge, made if missing, held in use while the port goes on. */
static int ensure_bridge(struct add *a, struct bridge_info *info,
			 struct cni_err *err)
{
	struct pw_prefix gws[IPAM_POOLS_MAX];
	struct bridge_spec b = { .name = a->c->bridge,
				 .mtu = a->c->mtu,
				 .gws = gws };
	struct bridge_fail fail;
	int lock, e;

	for (size_t i = 0; a->c->is_gateway && i < a->ip.npools; i++)
		gws[b.ngw++] = pool_gateway(&a->ip.pools[i]);
	e = statedir_lock_in(BRIDGE_LOCK_DIR, b.name, &lock);
	if (e) {
		if (lock >= 0)
			close(lock);
		return internal(err, "cannot lock the bridge", e, NULL);
	}
	e = bridge_ensure(&b, info, &fail);
	if (!e) {
		a->use_lock = bridge_use_hold(b.name);
		if (a->use_lock < 0)
			e = a->use_lock;
	}
	close(lock);
	if (e == -EEXIST && fail.step == BRIDGE_STEP_GATEWAY)
		return cni_fail(err, CNI_ERR_CONFIG,
				"invalid network configuration", "bridge %s %s",
				b.name, fail.why.text);
	if (e && fail.step == BRIDGE_STEP_KIND)
		return cni_fail(err, CNI_ERR_CONFIG,
				"invalid network configuration",
				"bridge %s exists and is not a bridge (it is "
				"%s)",
				b.name, fail.why.text);
	return e ? internal(err, "cannot set up the bridge", e, fail.why.text) :
		   0;
}

static int attach_port(struct add *a, struct cni_err *err)
{
	struct bridge_info info;
	struct bridge_fail fail;
	int e, code = ensure_bridge(a, &info, err);

	if (code)
		return code;
	e = bridge_port_add(info.ifindex, a->m->host, a->c->hairpin, &a->port,
			    &fail);
	return e ? internal(err, "cannot attach to the bridge", e,
			    fail.why.text) :
		   0;
}

static int route_pod(struct add *a, struct cni_err *err)
{
	struct ns_handle pod;
	struct pw_why why = { "" };
	bool added;
	int e = ns_peek(a->env->netns, &pod);

	for (size_t i = 0; !e && a->c->is_default_gw && i < a->ip.npools; i++)
		e = route_default_add(pod.nl, &a->m->gws[i], &added, &why);
	for (size_t i = 0; !e && i < a->c->nroutes; i++) {
		const struct cni_route *r = &a->c->routes[i];
		struct pw_addr gw = r->gw;

		for (size_t p = 0; !gw.family && p < a->ip.npools; p++)
			if (a->ip.pools[p].net.addr.family ==
			    r->dst.addr.family)
				gw = a->ip.pools[p].gateway;
		if (!gw.family) /* a route of a family no range has */
			continue;
		e = route_add(pod.nl, &r->dst, &gw, &added, &why);
	}
	return e ? internal(err, "cannot route the container", e, why.text) : 0;
}

/* Forwarding, as the bridge plugin turns it on for a gateway. */
static int forward(struct add *a, struct cni_err *err)
{
	static const char *const keys[] = { "net/ipv4/ip_forward",
					    "net/ipv6/conf/all/forwarding" };
	struct ns_handle host;
	char have[8];
	int e = ns_peek(NULL, &host);

	for (size_t i = 0; !e && a->c->is_gateway && i < a->ip.npools; i++) {
		const char *key =
			keys[a->ip.pools[i].net.addr.family == AF_INET6];

		/* Read first: a write would need a privilege a read does not. */
		e = ns_sysctl_read(&host, key, have, sizeof(have));
		if (!e && strcmp(have, "1"))
			e = ns_sysctl_write(&host, key, "1");
	}
	return e ? internal(err, "cannot turn forwarding on", e, NULL) : 0;
}

/* Is there a rule for subnet already, whoever's (nat-out's, say)? */
static bool masqueraded(const struct nft_masq *have, size_t n,
			const struct pw_prefix *subnet)
{
	for (size_t i = 0; i < n; i++)
		if (have[i].subnet.len == subnet->len &&
		    addr_equal(&have[i].subnet.addr, &subnet->addr))
			return true;
	return false;
}

/*
 * The subnets' masquerade rules, unless each has one: a rule nat-out
 * made for the subnet (--out uplink0) is left as it is, not replaced.
 */
static int masquerade(struct add *a, struct cni_err *err)
{
	struct nft_masq rules[IPAM_POOLS_MAX], *have = NULL;
	struct nft *nft = NULL;
	size_t n = 0, nhave = 0;
	char why[256];
	bool changed;
	int e;

	if (!a->c->ip_masq)
		return 0;
	memset(rules, 0, sizeof(rules));
	e = nft_open(&nft);
	if (!e) {
		e = nft_masq_list(nft, &have, &nhave);
		if (e == -ENOENT)
			e = 0;
	}
	for (size_t i = 0; !e && i < a->ip.npools; i++) {
		if (masqueraded(have, nhave, &a->ip.pools[i].net))
			continue;
		rules[n].subnet = a->ip.pools[i].net;
		snprintf(rules[n].bridge, sizeof(rules[n].bridge), "%s",
			 a->c->bridge);
		n++;
	}
	free(have);
	if (!e && n)
		e = nft_masq_sync(nft, rules, n, NULL, 0, &changed);
	if (e == -EEXIST) {
		nft_close(nft);
		return cni_fail(err, CNI_ERR_INTERNAL, "cannot masquerade",
				"an nftables table inet %s exists that podwire "
				"did not make",
				NFT_TABLE);
	}
	if (e && nft)
		nft_why(nft, e, why, sizeof(why));
	else if (e)
		snprintf(why, sizeof(why), "%s", strerror(-e));
	if (nft)
		nft_close(nft);
	return e ? internal(err, "cannot masquerade", e, why) : 0;
}

/* The MACs the result lists: the bridge's and the host end's. */
static void read_macs(struct add *a)
{
	struct ns_handle host;
	struct nl_link l;

	if (ns_peek(NULL, &host))
		return;
	if (!nl_link_get(host.nl, 0, a->c->bridge, &l))
		memcpy(a->m->bridge_mac, l.mac, sizeof(l.mac));
	if (!nl_link_get(host.nl, 0, a->m->host, &l))
		memcpy(a->m->host_mac, l.mac, sizeof(l.mac));
}

/* Undo, newest first: the port and routes go with the pair. */
static void undo_add(struct add *a)
{
	if (a->veth_made) {
		struct veth_spec s = {
			.pod = { .netns = a->env->netns,
				 .ifname = a->env->ifname,
				 .cid = a->env->cid },
			.peer = { .ifname = a->m->host },
		};
		struct veth_fail fail;

		if (a->port)
			bridge_port_release(a->port);
		veth_pair_del(&s, &fail);
	}
	if (a->leased)
		ipam_unassign(&a->ip, &a->who, &a->m->lease);
}

static int open_container(const struct cni_env *env, struct cni_err *err)
{
	struct ns_handle pod;
	int e = ns_peek(env->netns, &pod);

	if (e == -ENOENT || e == -ENOTNAM)
		return cni_fail(err, CNI_ERR_UNKNOWN_CONTAINER,
				"container unknown", "CNI_NETNS %s: %s",
				env->netns, ns_strerror(e));
	return e ? cni_fail(err, CNI_ERR_INTERNAL, "cannot open CNI_NETNS",
			    "%s: %s", env->netns, ns_strerror(e)) :
		   0;
}

int cni_add(const struct cni_env *env, const struct cni_conf *c,
	    struct cni_made *m, struct cni_err *err)
{
	struct add a = {
		.env = env,
		.c = c,
		.m = m,
		.who = { .netns = env->netns,
			 .ifname = env->ifname,
			 .cid = env->cid,
			 .net = c->name },
		.use_lock = -1,
	};
	int code;

	memset(m, 0, sizeof(*m));
	cni_host_ifname(env->cid, env->ifname, m->host);
	code = cni_pools(c, &a.ip, err);
	if (!code)
		code = open_container(env, err);
	if (!code)
		code = take_lease(&a, err);
	if (!code)
		code = make_veth(&a, err);
	if (!code)
		code = attach_port(&a, err);
	if (!code)
		code = route_pod(&a, err);
	if (!code)
		code = forward(&a, err);
	if (!code)
		code = masquerade(&a, err);
	if (code)
		undo_add(&a);
	else
		read_macs(&a);
	if (c->set_mac && !code)
		memcpy(m->pod_mac, c->mac, sizeof(m->pod_mac));
	if (a.use_lock >= 0)
		close(a.use_lock);
	ipam_close(&a.ip);
	return code;
}

/* ---- DEL ---------------------------------------------------------------- */

static int del_veth(const struct cni_env *env, const char *host,
		    struct cni_err *err)
{
	struct veth_spec s = {
		.pod = { .netns = env->netns,
			 .ifname = env->ifname,
			 .cid = env->cid },
		.peer = { .ifname = host },
	};
	struct veth_fail fail;
	int e = veth_pair_del(&s, &fail);

	/* A namespace that can't be used: the host end alone will do. */
	if (e && fail.step == VETH_STEP_NETNS && s.pod.netns &&
	    fail.name == s.pod.netns) {
		s.pod.netns = NULL;
		e = veth_pair_del(&s, &fail);
	}
	/* A link of that name that is not this attachment's: not ours. */
	if (e == -EPERM && fail.step == VETH_STEP_REFUSED)
		return 0;
	return e ? internal(err, "cannot delete the veth pair", e,
			    fail.why.text) :
		   0;
}

/* prevResult's addresses, a hint for a lease whose index entry is lost. */
static void hint_from_prev(const struct cni_env *env, const struct cni_conf *c,
			   const struct ipam *ip, struct lease *hint)
{
	struct cni_prev prev;
	struct cni_err ignored;

	memset(hint, 0, sizeof(*hint));
	if (!c->prev || cni_prev_read(c->prev, env, &prev, &ignored))
		return;
	for (size_t i = 0; i < prev.naddrs; i++)
		for (size_t p = 0; p < ip->npools; p++)
			if (addr_prefix_contains(&ip->pools[p].net,
						 &prev.addrs[i].addr)) {
				hint->addr[p] = prev.addrs[i];
				hint->has[p] = true;
			}
}

int cni_del(const struct cni_env *env, const struct cni_conf *c,
	    struct cni_err *err)
{
	const struct lease_owner who = { .netns = env->netns,
					 .ifname = env->ifname,
					 .cid = env->cid };
	char host[IFNAMSIZ];
	struct lease hint, released;
	struct ipam_fail fail;
	struct ipam ip;
	int e, code;

	cni_host_ifname(env->cid, env->ifname, host);
	code = cni_pools(c, &ip, err);
	/* The pod's end may hold its address until the pair is gone. */
	if (!code)
		code = del_veth(env, host, err);
	if (!code) {
		hint_from_prev(env, c, &ip, &hint);
		e = ipam_release(&ip, &who, &hint, &released, &fail);
		if (e)
			code = internal(err, "cannot release the lease", e,
					NULL);
	}
	ipam_close(&ip);
	return code;
}

/* ---- CHECK -------------------------------------------------------------- */

/* CHECK found the attachment not as prevResult says. */
static __attribute__((format(printf, 2, 3))) int differs(struct cni_err *err,
							 const char *fmt, ...)
{
	va_list ap;

	cni_fail(err, CNI_ERR_INTERNAL, "attachment differs", "%s", "");
	va_start(ap, fmt);
	vsnprintf(err->details, sizeof(err->details), fmt, ap);
	va_end(ap);
	return err->code;
}

/* The host end: a veth marked for this attachment, up, on the bridge. */
static int check_host_end(const struct cni_env *env, const struct cni_conf *c,
			  struct cni_err *err)
{
	struct ns_handle host;
	struct nl_link l, br;
	char name[IFNAMSIZ];
	struct owner o;
	int e = ns_peek(NULL, &host);

	cni_host_ifname(env->cid, env->ifname, name);
	if (e)
		return internal(err, "cannot open rtnetlink", e, NULL);
	if (nl_link_get(host.nl, 0, name, &l) || strcmp(l.kind, "veth") ||
	    !owner_parse(l.alias, &o) ||
	    !owner_names_attachment(&o, env->cid, env->ifname))
		return differs(err, "the host end %s is missing", name);
	if (!(l.flags & IFF_UP))
		return differs(err, "the host end %s is down", name);
	if (nl_link_get(host.nl, 0, c->bridge, &br) || br.ifindex != l.master)
		return differs(err, "the host end %s is no port of %s", name,
			       c->bridge);
	if (!(br.flags & IFF_UP))
		return differs(err, "the bridge %s is down", c->bridge);
	return 0;
}

static int check_addrs(struct nl *nl, const struct nl_link *l,
		       const struct cni_prev *prev, struct cni_err *err)
{
	struct nl_addr *addrs;
	size_t n;
	char text[PW_ADDRSTRLEN];
	int e = nl_addr_list(nl, AF_UNSPEC, l->ifindex, &addrs, &n);

	if (e)
		return internal(err, "cannot list addresses", e, NULL);
	for (size_t i = 0; i < prev->naddrs && !e; i++) {
		bool found = false;

		for (size_t j = 0; j < n && !found; j++)
			found = addrs[j].prefix.len == prev->addrs[i].len &&
				addr_equal(&addrs[j].prefix.addr,
					   &prev->addrs[i].addr);
		if (!found)
			e = differs(err, "address %s is missing on %s",
				    addr_format_prefix(&prev->addrs[i], text,
						       sizeof(text)),
				    l->ifname);
	}
	free(addrs);
	return e;
}

static int check_routes(struct nl *nl, const struct cni_prev *prev,
			struct cni_err *err)
{
	char text[PW_ADDRSTRLEN], gw[PW_ADDRSTRLEN + 8];

	for (size_t i = 0; i < prev->nroutes; i++) {
		if (route_present(nl, &prev->routes[i], &prev->route_gws[i]))
			continue;
		snprintf(gw, sizeof(gw), "%s%s",
			 prev->route_gws[i].family ? " via " : "",
			 prev->route_gws[i].family ?
				 addr_format(&prev->route_gws[i], text,
					     sizeof(text)) :
				 "");
		addr_format_prefix(&prev->routes[i], text, sizeof(text));
		return differs(err,
			       "the route to %s%s is missing in the "
			       "container",
			       text, gw);
	}
	return 0;
}

/* The leases: each prevResult address is this attachment's in the store. */
static int check_leases(const struct cni_env *env, const struct cni_prev *prev,
			struct cni_err *err)
{
	const struct lease_owner who = { .ifname = env->ifname,
					 .cid = env->cid };
	char text[PW_ADDRSTRLEN];

	for (size_t i = 0; i < prev->naddrs; i++) {
		struct pw_prefix held;

		if (ipam_lookup(&who, prev->addrs[i].addr.family, &held) &&
		    addr_equal(&held.addr, &prev->addrs[i].addr))
			continue;
		return differs(err, "the lease of %s is not this attachment's",
			       addr_format(&prev->addrs[i].addr, text,
					   sizeof(text)));
	}
	return 0;
}

static int check_masquerade(const struct cni_conf *c, struct cni_err *err)
{
	struct nft_masq *rules = NULL;
	struct nft *nft;
	size_t n = 0;
	char text[PW_ADDRSTRLEN];
	int e;

	if (!c->ip_masq)
		return 0;
	e = nft_open(&nft);
	if (!e) {
		e = nft_masq_list(nft, &rules, &n);
		nft_close(nft);
	}
	if (e && e != -ENOENT)
		return internal(err, "cannot list masquerade rules", e, NULL);
	for (size_t i = 0; i < c->nranges && !e; i++) {
		struct pw_prefix net = addr_network(&c->ranges[i].subnet);
		bool found = false;

		for (size_t j = 0; j < n && !found; j++)
			found = rules[j].subnet.len == net.len &&
				addr_equal(&rules[j].subnet.addr, &net.addr);
		if (!found)
			e = differs(err, "the masquerade rule of %s is missing",
				    addr_format_prefix(&net, text,
						       sizeof(text)));
	}
	free(rules);
	return e == -ENOENT ? differs(err, "the masquerade rules are missing") :
			      e;
}

int cni_check(const struct cni_env *env, const struct cni_conf *c,
	      struct cni_err *err)
{
	struct cni_prev prev;
	struct ns_handle pod;
	struct nl_link l;
	char mac[18];
	int code;

	if (!c->prev)
		return cni_fail(err, CNI_ERR_CONFIG,
				"invalid network configuration", "%s",
				"CHECK needs prevResult");
	code = cni_prev_read(c->prev, env, &prev, err);
	if (!code)
		code = open_container(env, err);
	if (code)
		return code;
	ns_peek(env->netns, &pod);
	if (nl_link_get(pod.nl, 0, env->ifname, &l) || strcmp(l.kind, "veth"))
		return differs(err, "%s is missing in %s", env->ifname,
			       env->netns);
	if (!(l.flags & IFF_UP))
		return differs(err, "%s is down in %s", env->ifname,
			       env->netns);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", prev.mac[0],
		 prev.mac[1], prev.mac[2], prev.mac[3], prev.mac[4],
		 prev.mac[5]);
	if (prev.has_mac && memcmp(prev.mac, l.mac, sizeof(l.mac)))
		return differs(err, "%s has another MAC than %s", env->ifname,
			       mac);
	code = check_addrs(pod.nl, &l, &prev, err);
	if (!code)
		code = check_routes(pod.nl, &prev, err);
	if (!code)
		code = check_host_end(env, c, err);
	if (!code)
		code = check_leases(env, &prev, err);
	if (!code)
		code = check_masquerade(c, err);
	return code;
}
