// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_topo.c - pod-inspect --check: how a pod is wired, and what the
 * checks work out from that before any of them runs.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The pod's veth is followed to its other end as inspect.h traces it.
 * That end on the host makes the pod bridged or routed, by whether it is
 * a bridge's port; an end in another named namespace makes a cable.
 * Only then are the pod's gateway and the addresses it and its far end
 * should have worked out, since where they come from depends on that.
 */
#include <stdio.h>
#include <string.h>

#include "check_priv.h"
#include "ipam.h"

static const char *const topo_names[] = {
	[CHECK_TOPO_UNWIRED] = "unwired", [CHECK_TOPO_BRIDGED] = "bridged",
	[CHECK_TOPO_ROUTED] = "routed",	  [CHECK_TOPO_CABLE] = "point-to-point",
	[CHECK_TOPO_UNKNOWN] = "unknown",
};

static void set_kind(struct check *c, enum check_topo kind)
{
	c->topo.kind = kind;
	c->topo.name = topo_names[kind];
}

/* A host bridge with an address in the subnet of a. */
static const struct nl_link *bridge_for(const struct inspect_host *host,
					const struct pw_prefix *a)
{
	struct pw_prefix net = addr_network(a);

	for (size_t i = 0; i < host->naddrs; i++) {
		const struct nl_addr *ha = &host->addrs[i];
		const struct nl_link *l =
			inspect_link(host->links, host->nlinks, ha->ifindex);

		if (l && !strcmp(l->kind, "bridge") &&
		    addr_prefix_contains(&net, &ha->prefix.addr))
			return l;
	}
	return NULL;
}

/* The first address of link ifindex inside the subnet of p, or NULL. */
static const struct nl_addr *addr_in_subnet(const struct nl_addr *v, size_t n,
					    unsigned ifindex,
					    const struct pw_prefix *p)
{
	struct pw_prefix net = addr_network(p);

	for (size_t i = 0; i < n; i++)
		if (v[i].ifindex == ifindex &&
		    addr_prefix_contains(&net, &v[i].prefix.addr))
			return &v[i];
	return NULL;
}

/*
 * The veth's other end is on the host.  A port of a bridge makes the pod
 * bridged.  An end on no bridge is a router's port when it holds an
 * address of its own, whatever bridge holds the pod's subnet too; without
 * one, a bridge that holds the pod's subnet says the end was meant to be
 * its port (and lost it), and no such bridge leaves the host routing.
 */
static void on_host(struct check *c)
{
	const struct inspect_host *host = c->env->host;
	const struct nl_link *h = c->host_end;

	pw_strlcpy(c->topo.host_ifname, h->ifname, sizeof(c->topo.host_ifname));
	c->bridge = inspect_bridge_of(host, h);
	c->enslaved = c->bridge != NULL;
	if (!c->bridge &&
	    !inspect_addr(host->addrs, host->naddrs, h->ifindex, AF_UNSPEC))
		for (size_t f = 0; f < FAMILIES && !c->bridge; f++)
			if (c->wants[f])
				c->bridge = bridge_for(host, &c->want[f]);
	if (c->bridge)
		pw_strlcpy(c->topo.bridge, c->bridge->ifname,
			   sizeof(c->topo.bridge));
	set_kind(c, c->bridge ? CHECK_TOPO_BRIDGED : CHECK_TOPO_ROUTED);
}

/*
 * The other end is in another namespace: a cable, when a named namespace
 * holds it and it is no port there.  A port of a bridge there makes that
 * namespace the pod's host, which --check sees only through -n.
 */
static void elsewhere(struct check *c)
{
	const struct nl_link *master;

	set_kind(c, CHECK_TOPO_UNKNOWN);
	c->topo.peer_nsid = c->podif->link_netnsid;
	if (c->podif->link_netnsid < 0 ||
	    inspect_peer_open(c->env->pod, c->podif, c->env->host, &c->peer))
		return;
	c->peer_open = true;
	c->peer_end =
		inspect_link(c->peer.links, c->peer.nlinks, c->podif->link);
	if (!c->peer_end)
		return;
	pw_strlcpy(c->topo.peer_netns, c->peer.name,
		   sizeof(c->topo.peer_netns));
	pw_strlcpy(c->topo.peer_ifname, c->peer_end->ifname,
		   sizeof(c->topo.peer_ifname));
	if (c->peer_end->master) {
		master = inspect_link(c->peer.links, c->peer.nlinks,
				      c->peer_end->master);
		if (master)
			pw_strlcpy(c->topo.bridge, master->ifname,
				   sizeof(c->topo.bridge));
		return;
	}
	snprintf(c->peer_ip, sizeof(c->peer_ip), "ip -n %s", c->peer.name);
	set_kind(c, CHECK_TOPO_CABLE);
}

/*
 * The address for the other end of a link of two, given one end's: the
 * first host address of the subnet that is not that end's.  Between two
 * ends any other address of the subnet works; the first makes the fix
 * the same every time.  false when the subnet holds no other (a /32).
 */
static bool other_end(const struct pw_prefix *one, struct pw_prefix *out)
{
	static const uint64_t tries[] = { 1, 2, 0 }; /* 0: a /31's first */
	struct pw_prefix net = addr_network(one);
	uint64_t span = addr_span(&net);

	for (size_t i = 0; i < PW_ARRAY_SIZE(tries); i++) {
		struct pw_prefix p = { .len = one->len };

		if (tries[i] >= span)
			continue;
		p.addr = addr_nth(&net, tries[i]);
		if (!addr_equal(&p.addr, &one->addr) &&
		    addr_iface_ok(&p, NULL)) {
			*out = p;
			return true;
		}
	}
	return false;
}

/* The far end's IPAM lease of a family, when it is in the pod's subnet. */
static bool peer_lease(const struct check *c, size_t f, struct pw_prefix *out)
{
	const struct lease_owner who = { .netns = c->peer.name,
					 .ifname = c->peer_end->ifname };
	struct pw_prefix net = addr_network(&c->want[f]);

	return ipam_lookup(&who, check_families[f].af, out) &&
	       addr_prefix_contains(&net, &out->addr);
}

/*
 * A cable's far end, for each family: the address it has in the pod's
 * subnet; the address it should have (that one, its lease, else the
 * other address of the pair).  A pod that lost its own address, with no
 * lease, should have the other address of the far end's subnet.
 */
static void cable_wants(struct check *c, size_t f)
{
	const struct inspect_pod *peer = &c->peer;
	const struct nl_link *e = c->peer_end;
	int family = check_families[f].af;
	const struct nl_addr *a;

	if (!c->wants[f]) {
		a = inspect_addr(peer->addrs, peer->naddrs, e->ifindex, family);
		if (a)
			c->wants[f] = other_end(&a->prefix, &c->want[f]);
	}
	if (!c->wants[f])
		return;
	c->peer_addr[f] = addr_in_subnet(peer->addrs, peer->naddrs, e->ifindex,
					 &c->want[f]);
	if (c->peer_addr[f]) {
		c->peer_want[f] = c->peer_addr[f]->prefix;
		c->peer_wants[f] = true;
	} else {
		c->peer_wants[f] = peer_lease(c, f, &c->peer_want[f]) ||
				   other_end(&c->want[f], &c->peer_want[f]);
	}
}

/* A routed pod that lost its address should have the other address of
 * its host end's subnet. */
static void routed_wants(struct check *c, size_t f)
{
	const struct inspect_host *host = c->env->host;
	const struct nl_addr *a;

	if (c->wants[f])
		return;
	a = inspect_addr(host->addrs, host->naddrs, c->host_end->ifindex,
			 check_families[f].af);
	if (a)
		c->wants[f] = other_end(&a->prefix, &c->want[f]);
}

/*
 * The gateway a pod of a family should use: its default route's, else
 * the address its bridge, or its routed host end, has in its subnet.
 */
static void find_gateways(struct check *c)
{
	const struct inspect_host *host = c->env->host;

	for (size_t f = 0; f < FAMILIES; f++) {
		const struct nl_link *via =
			c->topo.kind == CHECK_TOPO_BRIDGED ? c->bridge :
			c->topo.kind == CHECK_TOPO_ROUTED  ? c->host_end :
							     NULL;
		const struct nl_addr *a;

		if (c->defroute[f] && c->defroute[f]->gateway.family) {
			c->gw[f] = c->defroute[f]->gateway;
			continue;
		}
		if (!c->wants[f] || !via)
			continue;
		a = addr_in_subnet(host->addrs, host->naddrs, via->ifindex,
				   &c->want[f]);
		if (a)
			c->gw[f] = a->prefix.addr;
	}
}

void check_recognise(struct check *c)
{
	c->topo.peer_nsid = -1;
	if (!c->podif) {
		set_kind(c, CHECK_TOPO_UNWIRED);
		return;
	}
	pw_strlcpy(c->topo.ifname, c->podif->ifname, sizeof(c->topo.ifname));
	pw_strlcpy(c->topo.if_kind, c->podif->kind, sizeof(c->topo.if_kind));
	if (strcmp(c->podif->kind, "veth"))
		set_kind(c, CHECK_TOPO_UNKNOWN);
	else if ((c->host_end = inspect_host_end(c->env->host, c->env->pod,
						 c->podif)))
		on_host(c);
	else
		elsewhere(c);
	for (size_t f = 0; f < FAMILIES; f++) {
		if (c->topo.kind == CHECK_TOPO_CABLE)
			cable_wants(c, f);
		else if (c->topo.kind == CHECK_TOPO_ROUTED)
			routed_wants(c, f);
	}
	find_gateways(c);
}

void check_forget(struct check *c)
{
	if (c->peer_open)
		inspect_pod_close(&c->peer);
	c->peer_open = false;
}
