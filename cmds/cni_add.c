// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cni_add.c - ADD: one attachment made, or nothing of it left.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The lease first, then the veth pair with the pod end addressed in
 * CNI_NETNS, the bridge (made if missing, under its lock, then held in use
 * until the port is on it, as br-attach does), the pod's routes,
 * forwarding, the masquerade.  A failure undoes what this call did, newest
 * first; cni_attach.c says what DEL leaves.
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
				"the address asked for, %s, is not one pool "
				"%s can lease: outside it, or its gateway, "
				"network or broadcast address",
				addr, pool);
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
	return cni_internal(err, "cannot lease an address", e, NULL);
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
		return cni_internal(err, "cannot make the veth pair", e,
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
		return cni_internal(err, "cannot lock the bridge", e, NULL);
	}
	e = bridge_ensure(&b, info, &fail);
	if (!e) {
		a->use_lock = bridge_use_hold(b.name);
		if (a->use_lock < 0)
			e = a->use_lock;
	}
	close(lock);
	/* The host's state, not the configuration's text: not code 7. */
	if (e == -EEXIST && fail.step == BRIDGE_STEP_GATEWAY)
		return cni_fail(
			err, CNI_ERR_INTERNAL, "bridge has another gateway",
			"bridge %s %s", b.name,
			fail.why.text +
				(strncmp(fail.why.text, "it ", 3) ? 0 : 3));
	if (e && fail.step == BRIDGE_STEP_KIND)
		return cni_fail(err, CNI_ERR_INTERNAL, "bridge name taken",
				"%s exists and is not a bridge (it is %s)",
				b.name, fail.why.text);
	return e ? cni_internal(err, "cannot set up the bridge", e,
				fail.why.text) :
		   0;
}

static int attach_port(struct add *a, struct cni_err *err)
{
	struct bridge_info info = { 0 };
	struct bridge_fail fail;
	int e, code = ensure_bridge(a, &info, err);

	if (code)
		return code;
	e = bridge_port_add(info.ifindex, a->m->host, a->c->hairpin, &a->port,
			    &fail);
	return e ? cni_internal(err, "cannot attach to the bridge", e,
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
	return e ? cni_internal(err, "cannot route the container", e,
				why.text) :
		   0;
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
	return e ? cni_internal(err, "cannot turn forwarding on", e, NULL) : 0;
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
		if (cni_masqueraded(have, nhave, &a->ip.pools[i].net))
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
	return e ? cni_internal(err, "cannot masquerade", e, why) : 0;
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
		code = cni_open_container(env, err);
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
