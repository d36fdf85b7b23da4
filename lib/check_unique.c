// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_unique.c - pod-inspect --check: a bridged pod's address is its
 * own, and its gateway is the bridge.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Two pods with one address, or a pod holding the gateway's address,
 * make a network that half works: the echo to the gateway may be
 * answered by the wrong host (the pod itself, through lo), so "the
 * gateway answers" alone proves nothing.  These checks look at who holds
 * what: the other pods on the bridge (podwire's marked ports), the
 * kernel's duplicate address detection (IPv6), and the MAC address the
 * gateway's answer came from.
 */
#include <linux/if_addr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "check_priv.h"

static const char *mac_text(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

/* Does the pod's interface hold a (as one of its addresses)? */
static bool pod_holds(const struct check *c, const struct pw_addr *a)
{
	const struct inspect_pod *pod = c->env->pod;

	return inspect_addr_held(pod->addrs, pod->naddrs, c->podif->ifindex, a);
}

/* The pod's address of family f: not the gateway, nobody else's. */
static void check_own_address(struct check *c, size_t f,
			      const struct bridge_pod_addr *all, size_t n)
{
	const struct nl_addr *mine = c->addr[f];
	const struct bridge_pod_addr *other;
	char what[96], a[PW_ADDRSTRLEN], g[PW_ADDRSTRLEN];

	addr_format(&mine->prefix.addr, a, sizeof(a));
	snprintf(what, sizeof(what), "%s is the pod's alone", a);
	if (c->gw[f].family && pod_holds(c, &c->gw[f])) {
		/* Its echo to the gateway answered itself. */
		check_report(c, "unique", false, NULL, what,
			     "%s also holds the gateway's address %s: the "
			     "pod answers for its own gateway",
			     c->podif->ifname,
			     addr_format(&c->gw[f], g, sizeof(g)));
		return;
	}
	if (mine->flags & IFA_F_DADFAILED) {
		check_report(c, "unique", false, NULL, what,
			     "duplicate address detection found another "
			     "holder on the link");
		return;
	}
	other = bridge_pod_holder(all, n, c->host_end->ifindex,
				  &mine->prefix.addr);
	if (other)
		/* Names from a mark: the front end escapes what it prints. */
		check_report(c, "unique", false, NULL, what,
			     "%s:%s on the bridge holds it too", other->netns,
			     other->ifname);
	else
		check_report(c, "unique", true, NULL, what, "%s", "yes");
}

/* The neighbour entry of the gateway of family f in the pod, if any. */
static bool gateway_mac(const struct check *c, size_t f, uint8_t mac[6])
{
	struct nl_neigh n;

	if (!inspect_neigh_find(c->env->pod->h.nl, c->podif->ifindex, &c->gw[f],
				&n) ||
	    !n.has_lladdr)
		return false;
	memcpy(mac, n.lladdr, 6);
	return true;
}

/*
 * The gateway answered from the bridge's MAC address (after the echo of
 * check_gateway(), the pod's neighbour entry says whose answer it took).
 */
static void check_gateway_mac(struct check *c, size_t f)
{
	const struct nl_link *b = c->bridge;
	char what[96], g[PW_ADDRSTRLEN], m[18], bm[18];
	uint8_t mac[6];

	if (!b || !b->has_mac || !c->gw[f].family || !gateway_mac(c, f, mac))
		return;
	addr_format(&c->gw[f], g, sizeof(g));
	snprintf(what, sizeof(what), "gateway %s is bridge %s", g, b->ifname);
	if (!memcmp(mac, b->mac, 6))
		check_report(c, "gateway_mac", true, NULL, what, "%s",
			     mac_text(mac, m));
	else
		check_report(c, "gateway_mac", false, NULL, what,
			     "it answers from %s, not from the bridge's %s: "
			     "another host on the bridge holds its address",
			     mac_text(mac, m), mac_text(b->mac, bm));
}

void check_unique(struct check *c)
{
	struct bridge_pod_addr *all = NULL;
	size_t n = 0;

	if (!c->bridge || !c->host_end)
		return;
	if (bridge_pod_addrs(c->bridge->ifindex, &all, &n))
		n = 0; /* the others unknown: the rest still tells */
	for (size_t f = 0; f < FAMILIES; f++) {
		if (!c->wants[f] || !c->addr[f])
			continue;
		check_own_address(c, f, all, n);
		check_gateway_mac(c, f);
	}
	free(all);
}
