// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view.c - pod-inspect's records: the overview and a pod's detail.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

/* A kernel string as a record value: escaped, never empty. */
static void put(struct rec *r, const char *key, const char *value)
{
	char e[PW_ESCAPED_SIZE(256)];

	pw_escape(value[0] ? value : "-", e, sizeof(e));
	for (char *p = e; *p; p++)
		if (*p == ' ')
			*p = '_';
	rec_put(r, key, e);
}

static void put_prefix(struct rec *r, const char *key,
		       const struct pw_prefix *p)
{
	char a[PW_ADDRSTRLEN];

	rec_put(r, key, addr_format_prefix(p, a, sizeof(a)));
}

void view_target(struct rec *r, const struct inspect_pod *pod)
{
	char pid[24];

	if (pod->name[0]) {
		put(r, "netns", pod->name);
	} else if (pod->pid) {
		snprintf(pid, sizeof(pid), "%d", (int)pod->pid);
		rec_put(r, "pid", pid);
	} else {
		put(r, "path", pod->path);
	}
}

static int emit(const struct view *v, struct rec *r)
{
	int err = v->quiet ? 0 : rec_write(stdout, r, v->format);

	rec_clear(r);
	return err;
}

static const char *link_kind(const struct nl_link *l)
{
	if (l->flags & IFF_LOOPBACK)
		return "loopback";
	return l->kind[0] ? l->kind : "device";
}

/* host_ifname, host_state, bridge, bridge_state of a pod's veth. */
static void put_host_side(struct rec *r, const struct inspect_host *host,
			  const struct inspect_pod *pod,
			  const struct nl_link *l, bool with_bridge_addr)
{
	const struct nl_link *h = inspect_host_end(host, pod, l);
	const struct nl_link *b = inspect_bridge_of(host, h);
	const struct nl_addr *ba;

	if (!h)
		return;
	put(r, "host_ifname", h->ifname);
	put(r, "host_state", inspect_operstate(h->operstate));
	if (!b)
		return;
	put(r, "bridge", b->ifname);
	put(r, "bridge_state", inspect_operstate(b->operstate));
	ba = inspect_addr(host->addrs, host->naddrs, b->ifindex, AF_INET);
	if (with_bridge_addr && ba)
		put_prefix(r, "bridge_addr", &ba->prefix);
}

/* The overview: one record per pod interface, one per empty pod. */
int view_overview(const struct view *v, const struct inspect_host *host,
		  const struct inspect_pod *pod)
{
	char count[16], mac[18];
	bool any = false;
	struct rec r;
	int err = 0;

	rec_init(&r);
	for (size_t i = 0; i <= pod->nlinks && !err; i++) {
		const struct nl_link *l = i < pod->nlinks ? &pod->links[i] :
							    NULL;
		const struct nl_addr *a4, *a6;

		if ((l && (l->flags & IFF_LOOPBACK)) || (!l && any))
			continue;
		view_target(&r, pod);
		if (pod->name[0])
			rec_put(&r, "owner",
				pod->owner == NS_OWNER_PODWIRE ? "podwire" :
								 "other");
		if (pod->procs >= 0) {
			snprintf(count, sizeof(count), "%d", pod->procs);
			rec_put(&r, "procs", count);
		}
		if (l) {
			any = true;
			put(&r, "ifname", l->ifname);
			put(&r, "state", inspect_operstate(l->operstate));
			if (l->has_mac)
				put(&r, "mac",
				    inspect_mac(l->mac, mac, sizeof(mac)));
			a4 = inspect_addr(pod->addrs, pod->naddrs, l->ifindex,
					  AF_INET);
			a6 = inspect_addr(pod->addrs, pod->naddrs, l->ifindex,
					  AF_INET6);
			if (a4)
				put_prefix(&r, rec_addr_key(AF_INET),
					   &a4->prefix);
			if (a6)
				put_prefix(&r, rec_addr_key(AF_INET6),
					   &a6->prefix);
			put_host_side(&r, host, pod, l, false);
		}
		err = emit(v, &r);
	}
	return err;
}

static int detail_links(const struct view *v, const struct inspect_host *host,
			const struct inspect_pod *pod)
{
	char num[16], mac[18];
	struct rec r;
	int err = 0;

	rec_init(&r);
	for (size_t i = 0; i < pod->nlinks && !err; i++) {
		const struct nl_link *l = &pod->links[i];

		view_target(&r, pod);
		rec_put(&r, "object", "link");
		put(&r, "ifname", l->ifname);
		snprintf(num, sizeof(num), "%u", l->ifindex);
		rec_put(&r, "ifindex", num);
		put(&r, "kind", link_kind(l));
		put(&r, "state", inspect_operstate(l->operstate));
		rec_put(&r, "admin", l->flags & IFF_UP ? "up" : "down");
		snprintf(num, sizeof(num), "%u", l->mtu);
		rec_put(&r, "mtu", num);
		if (l->has_mac)
			put(&r, "mac", inspect_mac(l->mac, mac, sizeof(mac)));
		put_host_side(&r, host, pod, l, true);
		err = emit(v, &r);
	}
	return err;
}

static const char *ifname_of(const struct inspect_pod *pod, unsigned ifindex)
{
	const struct nl_link *l =
		inspect_link(pod->links, pod->nlinks, ifindex);

	return l ? l->ifname : "-";
}

static int detail_addrs(const struct view *v, const struct inspect_pod *pod)
{
	struct rec r;
	int err = 0;

	rec_init(&r);
	for (size_t i = 0; i < pod->naddrs && !err; i++) {
		const struct nl_addr *a = &pod->addrs[i];

		view_target(&r, pod);
		rec_put(&r, "object", "addr");
		put(&r, "ifname", ifname_of(pod, a->ifindex));
		put_prefix(&r, rec_addr_key(a->prefix.addr.family), &a->prefix);
		rec_put(&r, "scope",
			a->scope == RT_SCOPE_HOST ? "host" :
			a->scope == RT_SCOPE_LINK ? "link" :
						    "global");
		err = emit(v, &r);
	}
	return err;
}

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case RTPROT_KERNEL:
		return "kernel";
	case RTPROT_BOOT:
		return "boot";
	case RTPROT_STATIC:
		return "static";
	case RTPROT_RA:
		return "ra";
	case RTPROT_DHCP:
		return "dhcp";
	default:
		return "other";
	}
}

static int detail_routes(const struct view *v, const struct inspect_pod *pod)
{
	char a[PW_ADDRSTRLEN];
	struct rec r;
	int err = 0;

	rec_init(&r);
	for (size_t i = 0; i < pod->nroutes && !err; i++) {
		const struct nl_route *rt = &pod->routes[i];

		if (rt->type != RTN_UNICAST)
			continue;
		view_target(&r, pod);
		rec_put(&r, "object", "route");
		if (rt->dst.len == 0)
			rec_put(&r, "dst",
				rt->dst.addr.family == AF_INET ? "default" :
								 "default6");
		else
			put_prefix(&r, "dst", &rt->dst);
		if (rt->gateway.family)
			rec_put(&r, "gw",
				addr_format(&rt->gateway, a, sizeof(a)));
		put(&r, "dev", ifname_of(pod, rt->oif));
		rec_put(&r, "proto", proto_name(rt->protocol));
		err = emit(v, &r);
	}
	return err;
}

static const char *nud_name(uint16_t state)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} states[] = {
		{ NUD_REACHABLE, "reachable" },
		{ NUD_STALE, "stale" },
		{ NUD_DELAY, "delay" },
		{ NUD_PROBE, "probe" },
		{ NUD_FAILED, "failed" },
		{ NUD_INCOMPLETE, "incomplete" },
		{ NUD_NOARP, "noarp" },
		{ NUD_PERMANENT, "permanent" },
	};

	for (size_t i = 0; i < PW_ARRAY_SIZE(states); i++)
		if (state & states[i].bit)
			return states[i].name;
	return "none";
}

static int detail_neighs(const struct view *v, const struct inspect_pod *pod)
{
	char a[PW_ADDRSTRLEN], mac[18];
	struct rec r;
	int err = 0;

	rec_init(&r);
	for (size_t i = 0; i < pod->nneighs && !err; i++) {
		const struct nl_neigh *n = &pod->neighs[i];

		view_target(&r, pod);
		rec_put(&r, "object", "neigh");
		rec_put(&r, "dst", addr_format(&n->dst, a, sizeof(a)));
		if (n->has_lladdr)
			put(&r, "mac",
			    inspect_mac(n->lladdr, mac, sizeof(mac)));
		put(&r, "dev", ifname_of(pod, n->ifindex));
		rec_put(&r, "state", nud_name(n->state));
		err = emit(v, &r);
	}
	return err;
}

int view_detail(const struct view *v, const struct inspect_host *host,
		const struct inspect_pod *pod)
{
	return detail_links(v, host, pod)    ?:
		       detail_addrs(v, pod)  ?:
		       detail_routes(v, pod) ?:
					       detail_neighs(v, pod);
}
