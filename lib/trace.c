// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trace.c - one probe, and the kernel's evidence of where it went.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge.h"
#include "inspect.h"
#include "nftrace.h"
#include "nl.h"
#include "owner.h"
#include "probe.h"
#include "ruleset.h"
#include "sysctl.h"
#include "trace.h"

#define PROBE_TRIES 3
#define PROBE_WAIT_MS 700
/* Reports of the last packet come within a few ms of its answer. */
#define REPORTS_QUIET_MS 150

/* What the walk knows of the packet so far. */
struct walk {
	const struct trace_spec *s;
	struct trace *t;
	const char *src; /* where it starts: a pod's label, or "host" */
	struct nl *nl; /* the source's */
	const struct nl_link *links; /* the source's */
	size_t nlinks;
	const struct nl_addr *addrs;
	size_t naddrs;
	struct nl_route route; /* the source's, for dst */
	struct pw_addr from; /* the source address; family 0: unknown */
	const struct nl_link *host_end; /* a pod's veth's, on the host */
	const struct nl_link *bridge; /* the host end's */
	/* A cable: the pod's veth's far end, in another pod, not the host. */
	struct inspect_pod peer;
	bool peer_open;
	const struct nl_link *peer_end;
	/* The destination's own interface, said after the host's hops. */
	char dest_ns[PW_NETNS_MAX + 1];
	char dest_if[PW_IFNAME_MAX + 1];
	bool died;
	int probed; /* probe_send()'s: 0, PROBE_REFUSED, -errno */
	bool reports_lost; /* the nftables trace overran */
};

static void hop(struct walk *w, const char *where, bool dies, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static void hop(struct walk *w, const char *where, bool dies, const char *fmt,
		...)
{
	struct trace *t = w->t;
	struct trace_hop *h;
	va_list ap;

	if (t->n == TRACE_HOPS_MAX)
		return;
	h = &t->hops[t->n++];
	pw_strlcpy(h->where, where, sizeof(h->where));
	va_start(ap, fmt);
	vsnprintf(h->what, sizeof(h->what), fmt, ap);
	va_end(ap);
	h->dies = dies;
	w->died |= dies;
}

static const char *addr_text(const struct pw_addr *a, char *buf)
{
	return addr_format(a, buf, PW_ADDRSTRLEN);
}

static const char *link_name(const struct nl_link *v, size_t n,
			     unsigned ifindex)
{
	const struct nl_link *l = inspect_link(v, n, ifindex);

	return l ? l->ifname : "?";
}

static const char *host_link_name(const struct walk *w, unsigned ifindex)
{
	return link_name(w->s->host->links, w->s->host->nlinks, ifindex);
}

/* ---- The source --------------------------------------------------------- */

/*
 * Why the source has no route: the commonest causes first, as the kernel
 * shows them: an interface down (its routes went with it), or one with
 * no address of the family (nothing to route from).
 */
static const char *no_route_cause(const struct walk *w, int err, char *buf,
				  size_t size)
{
	int family = w->s->dst.family;

	snprintf(buf, size, "%s", strerror(-err));
	for (size_t i = 0; i < w->nlinks; i++) {
		const struct nl_link *l = &w->links[i];

		if (l->flags & IFF_LOOPBACK)
			continue;
		if (!(l->flags & IFF_UP)) {
			snprintf(buf, size, "%s is down", l->ifname);
			return buf;
		}
		if (!inspect_addr(w->addrs, w->naddrs, l->ifindex, family)) {
			snprintf(buf, size, "%s has no %s address", l->ifname,
				 addr_family_name(family));
			return buf;
		}
	}
	return buf;
}

/* The kernel delivers a namespace's packets to itself through lo. */
static void local_route(struct walk *w)
{
	const struct nl_link *lo = NULL;
	char d[PW_ADDRSTRLEN];

	for (size_t i = 0; i < w->nlinks && !lo; i++)
		if (w->links[i].flags & IFF_LOOPBACK)
			lo = &w->links[i];
	addr_text(&w->s->dst, d);
	if (lo && !(lo->flags & IFF_UP))
		hop(w, w->src, true,
		    "%s is an address of %s itself, and %s is down: nothing "
		    "reaches it",
		    d, w->src, lo->ifname);
	else
		hop(w, w->src, false, "%s is an address of %s itself", d,
		    w->src);
}

static void source_route(struct walk *w)
{
	char d[PW_ADDRSTRLEN], g[PW_ADDRSTRLEN], a[PW_ADDRSTRLEN];
	const struct pw_addr *dst = &w->s->dst;
	const struct nl_link *l;
	const struct nl_addr *ad;
	int err = nl_route_lookup(w->nl, dst, &w->route);

	if (err) {
		char cause[128];

		hop(w, w->src, true, "no route to %s: %s", addr_text(dst, d),
		    no_route_cause(w, err, cause, sizeof(cause)));
		return;
	}
	if (w->route.type == RTN_LOCAL) {
		local_route(w);
		return;
	}
	l = inspect_link(w->links, w->nlinks, w->route.oif);
	ad = inspect_addr(w->addrs, w->naddrs, w->route.oif, dst->family);
	if (ad)
		w->from = ad->prefix.addr;
	if (w->route.gateway.family)
		snprintf(g, sizeof(g), "%s", addr_text(&w->route.gateway, a));
	hop(w, w->src, false, "%s %s -> route %s%s%s", l ? l->ifname : "?",
	    ad ? addr_text(&ad->prefix.addr, d) : "(no address)",
	    addr_text(dst, a), w->route.gateway.family ? " via " : " on link",
	    w->route.gateway.family ? g : "");
	if (l && !(l->flags & IFF_UP))
		hop(w, w->src, true, "%s is down", l->ifname);
}

/*
 * A cable: the veth's far end is in another pod (the seeds' first
 * exercise), and no host is crossed.  false: not one.
 */
static bool cable(struct walk *w, const struct nl_link *pod_if)
{
	const struct nl_link *e;

	if (inspect_peer_open(w->s->src, pod_if, w->s->host, &w->peer))
		return false;
	w->peer_open = true;
	e = inspect_link(w->peer.links, w->peer.nlinks, pod_if->link);
	if (!e)
		return false;
	w->peer_end = e;
	if (!(e->flags & IFF_UP))
		hop(w, w->peer.label, true,
		    "%s (the far end of %s's %s) is down", e->ifname, w->src,
		    pod_if->ifname);
	else
		hop(w, w->peer.label, false, "%s: the far end of %s's %s",
		    e->ifname, w->src, pod_if->ifname);
	return true;
}

/* The veth's other end on the host, and its bridge. */
static void host_side(struct walk *w)
{
	const struct nl_link *pod_if;

	pod_if = inspect_link(w->links, w->nlinks, w->route.oif);
	w->host_end = pod_if ? inspect_host_end(w->s->host, w->s->src, pod_if) :
			       NULL;
	if (!w->host_end && pod_if && cable(w, pod_if))
		return;
	if (!w->host_end) {
		hop(w, w->src, false,
		    "%s's other end is not on the host: the host's part of "
		    "the path is not traced",
		    pod_if ? pod_if->ifname : "the interface");
		return;
	}
	if (!(w->host_end->flags & IFF_UP)) {
		hop(w, "host", true, "%s (the other end of %s's %s) is down",
		    w->host_end->ifname, w->src, pod_if->ifname);
		return;
	}
	w->bridge = inspect_bridge_of(w->s->host, w->host_end);
	if (w->bridge && !(w->bridge->flags & IFF_UP))
		hop(w, "host", true, "%s -> bridge %s, which is down",
		    w->host_end->ifname, w->bridge->ifname);
	else if (w->bridge)
		hop(w, "host", false, "%s -> bridge %s", w->host_end->ifname,
		    w->bridge->ifname);
	else
		hop(w, "host", false, "%s (on no bridge: the host routes it)",
		    w->host_end->ifname);
}

/* The host sends through a bridge: the bridge picks the port. */
static void host_bridge(struct walk *w)
{
	const struct nl_link *l =
		inspect_link(w->links, w->nlinks, w->route.oif);

	if (l && !strcmp(l->kind, "bridge"))
		w->bridge = l;
}

/* Does the namespace of h forward this family?  (Unreadable: say yes.) */
static bool forwards(const struct ns_handle *h, int family)
{
	char v[16] = "";

	return ns_sysctl_read(h, sysctl_forward_key(family), v, sizeof(v)) ||
	       strcmp(v, "0");
}

/* ---- The next hop ------------------------------------------------------- */

/* The host's link a pod's packet arrives on: its bridge, or its host end. */
static const struct nl_link *arrival(const struct walk *w)
{
	return w->bridge ? w->bridge : w->host_end;
}

static bool answered_neighbour(const struct nl_neigh *n)
{
	return n->has_lladdr &&
	       !(n->state & (NUD_FAILED | NUD_INCOMPLETE | NUD_NOARP));
}

/*
 * Why no neighbour answered for a: what should hold it (a cable's far
 * end; for a gateway, the bridge or the routed pod's host end), and
 * whether it does.  Elsewhere, nothing on the link holds it.
 */
static const char *no_neighbour_cause(const struct walk *w,
				      const struct pw_addr *a, char *buf,
				      size_t size)
{
	const struct nl_addr *addrs = w->s->host->addrs;
	size_t n = w->s->host->naddrs;
	const struct nl_link *l = arrival(w);
	const char *what = w->bridge ? "bridge" : "host end";
	char in[PATH_MAX + 8] = "";

	if (w->peer_end) {
		l = w->peer_end;
		what = "far end";
		addrs = w->peer.addrs;
		n = w->peer.naddrs;
		snprintf(in, sizeof(in), " in %s", w->peer.label);
	} else if (!w->s->src || !l || !w->route.gateway.family) {
		return "nothing on the link has that address";
	}
	if (inspect_addr_held(addrs, n, l->ifindex, a))
		snprintf(buf, size, "%s %s%s holds it, and did not answer",
			 what, l->ifname, in);
	else if (!inspect_addr(addrs, n, l->ifindex, a->family))
		snprintf(buf, size, "%s %s%s has no %s address", what,
			 l->ifname, in, addr_family_name(a->family));
	else
		snprintf(buf, size, "%s %s%s does not hold it", what, l->ifname,
			 in);
	return buf;
}

/* The source's neighbour entry for a answered (into *n); else a hop. */
static bool neighbour_ok(struct walk *w, const struct pw_addr *a,
			 struct nl_neigh *n)
{
	char t[PW_ADDRSTRLEN], cause[PATH_MAX + 128];

	if (inspect_neigh_find(w->nl, w->route.oif, a, n) &&
	    answered_neighbour(n))
		return true;
	hop(w, w->src, true, "no neighbour answer for %s: %s", addr_text(a, t),
	    no_neighbour_cause(w, a, cause, sizeof(cause)));
	return false;
}

/* The port a bridge forwards mac to, by its forwarding entries. */
static const struct nl_link *fdb_port(struct walk *w, const uint8_t *mac)
{
	const struct inspect_host *host = w->s->host;
	const struct nl_link *port = NULL;
	struct nl_neigh *v;
	size_t n;

	if (nl_neigh_list(host->h.nl, AF_BRIDGE, &v, &n))
		return NULL;
	for (size_t i = 0; i < n && !port; i++) {
		const struct nl_link *l =
			inspect_link(host->links, host->nlinks, v[i].ifindex);

		if (l && v[i].has_lladdr && !memcmp(v[i].lladdr, mac, 6) &&
		    l->master == w->bridge->ifindex)
			port = l;
	}
	free(v);
	return port;
}

/* Same bridge: the frame goes to the port the bridge learnt the MAC on. */
static void next_on_link(struct walk *w)
{
	char m[32], d[PW_ADDRSTRLEN];
	const struct nl_addr *mine = inspect_addr_held(
		w->s->host->addrs, w->s->host->naddrs, 0, &w->s->dst);
	const struct nl_link *port;
	struct owner o;
	struct nl_neigh n;

	if (!neighbour_ok(w, &w->s->dst, &n) || !w->bridge)
		return;
	if (mine && w->s->src) {
		hop(w, "host", false, "%s %s: an address of the host",
		    host_link_name(w, mine->ifindex), addr_text(&w->s->dst, d));
		return;
	}
	inspect_mac(n.lladdr, m, sizeof(m));
	port = fdb_port(w, n.lladdr);
	if (!port) {
		hop(w, "host", false,
		    "bridge %s: no forwarding entry for %s: flooded to every "
		    "port",
		    w->bridge->ifname, m);
		return;
	}
	hop(w, "host", false, "bridge %s -> %s (forwarding entry for %s)",
	    w->bridge->ifname, port->ifname, m);
	if (!(port->flags & IFF_UP))
		hop(w, "host", true, "%s is down", port->ifname);
	else if (owner_parse(port->alias, &o) && o.netns[0]) {
		pw_strlcpy(w->dest_ns, o.netns, sizeof(w->dest_ns));
		pw_strlcpy(w->dest_if, o.ifname, sizeof(w->dest_if));
	}
}

/* The peer's interface that holds a; NULL: none. */
static const struct nl_link *peer_holder(const struct walk *w,
					 const struct pw_addr *a)
{
	const struct nl_addr *at =
		inspect_addr_held(w->peer.addrs, w->peer.naddrs, 0, a);

	return at ? inspect_link(w->peer.links, w->peer.nlinks, at->ifindex) :
		    NULL;
}

/* The far end is not the destination: it forwards the packet, or not. */
static void not_the_peers(struct walk *w)
{
	int family = w->s->dst.family;
	char d[PW_ADDRSTRLEN];

	addr_text(&w->s->dst, d);
	if (!forwards(&w->peer.h, family))
		hop(w, w->peer.label, true,
		    "%s is no address of %s, which does not forward %s (%s = "
		    "0): the packet ends there",
		    d, w->peer.label, addr_family_name(family),
		    sysctl_forward_name(family));
	else
		hop(w, w->peer.label, false,
		    "%s is no address of %s: it forwards the packet, and the "
		    "trace does not follow it further",
		    d, w->peer.label);
}

/*
 * Over a cable: the far end answers for the next hop, holds the
 * destination, and its way back to the source is the cable.
 */
static void next_on_cable(struct walk *w)
{
	const struct pw_addr *nh = w->route.gateway.family ? &w->route.gateway :
							     &w->s->dst;
	const char *where = w->peer.label;
	char d[PW_ADDRSTRLEN], f[PW_ADDRSTRLEN];
	const struct nl_link *at;
	struct nl_route back;
	struct nl_neigh n;
	int err;

	if (!neighbour_ok(w, nh, &n))
		return;
	at = peer_holder(w, &w->s->dst);
	if (!at) {
		not_the_peers(w);
		return;
	}
	hop(w, where, false, "%s %s: the destination's interface", at->ifname,
	    addr_text(&w->s->dst, d));
	if (!w->from.family)
		return;
	err = nl_route_lookup(w->peer.h.nl, &w->from, &back);
	if (err)
		hop(w, where, true, "no route back to %s: %s",
		    addr_text(&w->from, f), strerror(-err));
	else if (back.oif != w->peer_end->ifindex)
		hop(w, where, true,
		    "the way back to %s is dev %s, not %s where it came in: "
		    "the reply would not reach it",
		    addr_text(&w->from, f),
		    link_name(w->peer.links, w->peer.nlinks, back.oif),
		    w->peer_end->ifname);
}

/*
 * The reply comes back to the source through the host's route to it,
 * which must lead to where the packet came in: the bridge, or the host
 * end of a routed pod.
 */
static void way_back(struct walk *w)
{
	const struct nl_link *in = arrival(w);
	char f[PW_ADDRSTRLEN];
	struct nl_route back;

	if (!w->from.family || !in)
		return;
	if (nl_route_lookup(w->s->host->h.nl, &w->from, &back))
		hop(w, "host", true, "no route back to %s",
		    addr_text(&w->from, f));
	else if (back.oif != in->ifindex)
		hop(w, "host", true,
		    "the way back to %s is dev %s, not %s where it came in: "
		    "the reply would not reach it",
		    addr_text(&w->from, f), host_link_name(w, back.oif),
		    in->ifname);
}

/*
 * The gateway's neighbour entry must be the MAC of the host's link the
 * packet arrives on (the bridge, or a routed pod's host end): another is
 * another holder of the gateway's address, and the packet goes there.
 * *by_host: that link answered (for a routed pod with proxy ARP, without
 * holding the address).  false: another holder (a hop says which).
 */
static bool gateway_mac_ok(struct walk *w, const struct pw_addr *gw,
			   const struct nl_neigh *n, bool *by_host)
{
	const struct nl_link *in = arrival(w);
	char g[PW_ADDRSTRLEN], m[32], im[32];
	const struct nl_link *port;
	struct owner o;

	*by_host = false;
	if (!in || !in->has_mac)
		return true;
	*by_host = !memcmp(n->lladdr, in->mac, 6);
	if (*by_host)
		return true;
	addr_text(gw, g);
	inspect_mac(n->lladdr, m, sizeof(m));
	inspect_mac(in->mac, im, sizeof(im));
	port = w->bridge ? fdb_port(w, n->lladdr) : NULL;
	if (port && owner_parse(port->alias, &o) && o.netns[0])
		hop(w, "host", true,
		    "gateway %s answers from %s, %s's (port %s), not from %s "
		    "%s's %s: %s holds the gateway's address too",
		    g, m, o.netns, port->ifname,
		    w->bridge ? "bridge" : "host end", in->ifname, im, o.netns);
	else
		hop(w, "host", true,
		    "gateway %s answers from %s, not from %s %s's %s: another "
		    "host on the link holds its address",
		    g, m, w->bridge ? "bridge" : "host end", in->ifname, im);
	return false;
}

/* Via a gateway of the host: the host's own route to dst. */
static void next_via_host(struct walk *w)
{
	const struct inspect_host *host = w->s->host;
	const struct pw_addr *gw = &w->route.gateway;
	char g[PW_ADDRSTRLEN], d[PW_ADDRSTRLEN], v[PW_ADDRSTRLEN];
	char at[PW_IFNAME_MAX + PW_ADDRSTRLEN + 32];
	const struct nl_addr *held =
		inspect_addr_held(w->s->host->addrs, w->s->host->naddrs, 0, gw);
	struct nl_route r;
	struct nl_neigh n;
	bool by_host;
	int err;

	if (!neighbour_ok(w, gw, &n) || !gateway_mac_ok(w, gw, &n, &by_host))
		return;
	if (!held && !by_host) {
		hop(w, "host", false,
		    "%s is no address of the host: the gateway is elsewhere",
		    addr_text(gw, g));
		return;
	}
	if (held)
		snprintf(at, sizeof(at), "%s %s",
			 host_link_name(w, held->ifindex), addr_text(gw, g));
	else
		snprintf(at, sizeof(at), "%s (proxy ARP for %s)",
			 arrival(w)->ifname, addr_text(gw, g));
	err = nl_route_lookup(host->h.nl, &w->s->dst, &r);
	if (err && w->t->answered) {
		hop(w, "host", false,
		    "%s -> no route to %s of the host's own, yet it was "
		    "answered: a destination NAT rule rewrote the address",
		    at, addr_text(&w->s->dst, d));
		return;
	}
	if (err) {
		hop(w, "host", true, "%s -> no route to %s: %s", at,
		    addr_text(&w->s->dst, d), strerror(-err));
		return;
	}
	if (r.type == RTN_LOCAL) {
		hop(w, "host", false, "%s -> %s, an address of the host", at,
		    addr_text(&w->s->dst, d));
		return;
	}
	if (r.gateway.family)
		addr_text(&r.gateway, v);
	hop(w, "host", false, "%s -> route %s%s%s dev %s", at,
	    addr_text(&w->s->dst, d), r.gateway.family ? " via " : "",
	    r.gateway.family ? v : "", host_link_name(w, r.oif));
	if (!forwards(&w->s->host->h, w->s->dst.family))
		hop(w, "host", true, "the host does not forward %s (%s = 0)",
		    addr_family_name(w->s->dst.family),
		    sysctl_forward_name(w->s->dst.family));
	else
		way_back(w);
}

/*
 * Another pod on the source's bridge that holds the source's address
 * too: the replies go to whichever answered the host's ARP last.  The
 * packet may get through anyway; when it went unanswered, this is why.
 */
static void source_shared(struct walk *w)
{
	struct bridge_pod_addr *all = NULL;
	const struct bridge_pod_addr *other;
	char a[PW_ADDRSTRLEN];
	size_t n = 0;

	if (!w->s->src || !w->bridge || !w->host_end || !w->from.family ||
	    bridge_pod_addrs(w->bridge->ifindex, &all, &n))
		return;
	other = bridge_pod_holder(all, n, w->host_end->ifindex, &w->from);
	if (other)
		hop(w, "host", !w->t->answered,
		    "%s:%s on bridge %s holds %s too: the replies to %s can go "
		    "there",
		    other->netns, other->ifname, w->bridge->ifname,
		    addr_text(&w->from, a), w->src);
	free(all);
}

/* ---- nftables ------------------------------------------------------------ */

static bool same_report(const struct nftrace_event *a,
			const struct nftrace_event *b)
{
	return a->family == b->family && a->type == b->type &&
	       a->verdict == b->verdict && a->handle == b->handle &&
	       !strcmp(a->table, b->table) && !strcmp(a->chain, b->chain);
}

/* A report that says what became of the packet: a verdict or a policy. */
static bool decisive(const struct nftrace_event *e)
{
	if (e->type == NFT_TRACETYPE_POLICY)
		return true;
	return e->type == NFT_TRACETYPE_RULE &&
	       (e->verdict == NF_ACCEPT || e->verdict == NF_DROP);
}

/*
 * A rule's drop that the source heard of (a TCP RST, an ICMP error) was
 * a reject: the kernel's trace says drop for both.
 */
static const char *drop_word(const struct walk *w,
			     const struct nftrace_event *e)
{
	bool heard = w->probed > 0 ||
		     (w->probed < 0 && w->probed != -ETIMEDOUT &&
		      w->probed != -EINTR);

	return e->type == NFT_TRACETYPE_RULE && heard ? "reject" : "drop";
}

static void nft_hop(struct walk *w, const struct nftrace_event *e)
{
	char how[64], a[PW_ADDRSTRLEN];
	bool drop = e->verdict == NF_DROP;

	if (e->type == NFT_TRACETYPE_POLICY)
		snprintf(how, sizeof(how), "policy");
	else
		snprintf(how, sizeof(how), "rule handle %llu",
			 (unsigned long long)e->handle);
	if (!drop && !strcmp(e->table, "podwire") &&
	    !strcmp(e->chain, "postrouting") && e->type == NFT_TRACETYPE_RULE)
		hop(w, "host", false, "nft %s %s %s: masquerade %s (%s)",
		    ruleset_family_name(e->family), e->table, e->chain,
		    e->saddr.family ? addr_text(&e->saddr, a) : "", how);
	else
		hop(w, "host", drop, "nft %s %s %s: %s (%s)",
		    ruleset_family_name(e->family), e->table, e->chain,
		    drop ? drop_word(w, e) : "accept", how);
}

static void nft_hops(struct walk *w, const struct nftrace_event *ev, size_t n)
{
	if (w->reports_lost && !w->died)
		hop(w, "host", false,
		    "(some nftables trace reports were lost: the chains "
		    "below may not be all the packet met)");
	for (size_t i = 0; i < n && !w->died; i++) {
		bool seen = false;

		if (!decisive(&ev[i]))
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = decisive(&ev[j]) && same_report(&ev[j], &ev[i]);
		if (!seen)
			nft_hop(w, &ev[i]);
	}
}

/* ---- The probe ---------------------------------------------------------- */

/* A probe packet, as a person names one, or several. */
static const char *probe_name(const struct probe *p, bool many)
{
	switch (p->kind) {
	case PROBE_TCP:
		return many ? "TCP SYNs" : "TCP SYN";
	case PROBE_UDP:
		return many ? "UDP datagrams" : "UDP datagram";
	case PROBE_ICMP:
		break;
	}
	return many ? "ICMP echoes" : "ICMP echo";
}

static int probe(struct walk *w, const struct ns_handle *h)
{
	int err = -ETIMEDOUT;

	for (int i = 0; i < PROBE_TRIES && err == -ETIMEDOUT; i++) {
		struct timespec t0;

		if (w->s->stop && *w->s->stop)
			return -EINTR;
		t0 = pw_clock();
		err = probe_send(h, &w->s->dst, &w->s->probe, PROBE_WAIT_MS);
		if (err >= 0)
			w->t->rtt_ms = pw_ms_since(&t0);
	}
	return err;
}

/* Probe with the host's nftables traced; the reports into *ev. */
static int probe_traced(struct walk *w, struct nftrace_event **ev, size_t *n,
			struct pw_why *why)
{
	const struct ns_handle *h = w->s->src ? &w->s->src->h : &w->s->host->h;
	const struct probe *p = &w->s->probe;
	struct nftrace_flow flow = {
		.dst = w->s->dst,
		.l4proto = probe_l4proto(p, w->s->dst.family),
		.dport = p->kind == PROBE_ICMP ? 0 : p->port,
		.echo_id = p->kind == PROBE_ICMP ? probe_echo_id() : -1,
	};
	struct nftrace *nt;
	int probed, err;

	if (w->s->src)
		flow.src = w->from;
	err = nftrace_start(&nt, &flow);
	if (err) {
		pw_why_not(why, "cannot trace nftables: %s", strerror(-err));
		return err;
	}
	probed = probe(w, h);
	err = nftrace_collect(nt, REPORTS_QUIET_MS, ev, n);
	if (err == -EINTR)
		err = 0; /* a signal: what came is what there is */
	w->reports_lost = err == -ENOBUFS;
	if (w->reports_lost)
		err = 0; /* said with the verdicts */
	if (nftrace_stop(nt) && !err)
		err = -EIO;
	if (err)
		pw_why_not(why, "cannot read the nftables trace: %s",
			   strerror(-err));
	w->t->answered = probed == 0;
	w->probed = probed;
	return err;
}

/* ---- The whole walk ----------------------------------------------------- */

static void walk_init(struct walk *w, const struct trace_spec *s,
		      struct trace *t)
{
	memset(w, 0, sizeof(*w));
	memset(t, 0, sizeof(*t));
	w->s = s;
	w->t = t;
	if (s->src) {
		w->src = s->src->label;
		w->nl = s->src->h.nl;
		w->links = s->src->links;
		w->nlinks = s->src->nlinks;
		w->addrs = s->src->addrs;
		w->naddrs = s->src->naddrs;
	} else {
		w->src = "host";
		w->nl = s->host->h.nl;
		w->links = s->host->links;
		w->nlinks = s->host->nlinks;
		w->addrs = s->host->addrs;
		w->naddrs = s->host->naddrs;
	}
}

/* What answered the probe, as the last hop says it. */
static void answered_hop(struct walk *w, const char *where, const char *d)
{
	const struct probe *p = &w->s->probe;

	if (p->kind == PROBE_TCP)
		hop(w, where, false,
		    "%s: answered (TCP port %u open: SYN-ACK, %.2f ms)", d,
		    p->port, w->t->rtt_ms);
	else if (p->kind == PROBE_UDP)
		hop(w, where, false,
		    "%s: answered (a UDP datagram from port %u, %.2f ms)", d,
		    p->port, w->t->rtt_ms);
	else
		hop(w, where, false, "%s: answered (ICMP echo reply, %.2f ms)",
		    d, w->t->rtt_ms);
}

/* It arrived, and was turned away: the port is closed there. */
static void refused_hop(struct walk *w, const char *where, const char *d)
{
	bool tcp = w->s->probe.kind == PROBE_TCP;

	hop(w, where, true,
	    "%s: refused (%s, %.2f ms): it arrived, and nothing listens on "
	    "%s port %u",
	    d, tcp ? "TCP RST" : "ICMP port unreachable", w->t->rtt_ms,
	    tcp ? "TCP" : "UDP", w->s->probe.port);
}

static void unanswered_hop(struct walk *w, const char *where, const char *d)
{
	const struct probe *p = &w->s->probe;
	char port[32] = "";

	if (p->kind != PROBE_ICMP)
		snprintf(port, sizeof(port), " to port %u", p->port);
	hop(w, where, true,
	    "%s: no answer (%d %s%s, %d ms each): the reply did not come "
	    "back%s",
	    d, PROBE_TRIES, probe_name(p, true), port, PROBE_WAIT_MS,
	    p->kind == PROBE_UDP ? ", or nothing there answers a datagram" :
				   "");
}

static void last_hop(struct walk *w)
{
	char d[PW_ADDRSTRLEN];
	const char *where = w->s->dst_label ? w->s->dst_label : "host";

	if (w->route.type == RTN_LOCAL)
		where = w->src;
	else if (!w->s->dst_label && w->dest_ns[0])
		where = w->dest_ns; /* the pod the bridge delivered it to */
	else if (!w->s->dst_label && w->peer_end)
		where = w->peer.label; /* a cable crosses no host */
	else if (!w->s->dst_label && w->s->src && !w->host_end)
		where = w->src; /* nor does a link the host is not on */

	addr_text(&w->s->dst, d);
	if (w->t->answered)
		answered_hop(w, where, d);
	else if (w->died)
		return;
	else if (w->probed == PROBE_REFUSED)
		refused_hop(w, where, d);
	else if (w->probed == -ETIMEDOUT || w->probed == -EINTR)
		unanswered_hop(w, where, d);
	else
		hop(w, w->src, true, "the %s failed: %s",
		    probe_name(&w->s->probe, false), strerror(-w->probed));
}

static int walk(struct walk *w, struct pw_why *why)
{
	const struct trace_spec *s = w->s;
	char d[PW_ADDRSTRLEN];
	struct nftrace_event *ev = NULL;
	size_t nev = 0;
	int err;

	source_route(w);
	if (w->died)
		return 1;
	if (s->src && w->route.type != RTN_LOCAL)
		host_side(w);
	else if (!s->src)
		host_bridge(w);
	if (w->died)
		return 1;
	err = probe_traced(w, &ev, &nev, why);
	if (err) {
		free(ev);
		return err;
	}
	if (w->peer_end)
		next_on_cable(w);
	else if (w->host_end && w->route.gateway.family)
		next_via_host(w);
	else if (w->host_end || (!s->src && w->bridge))
		next_on_link(w);
	if (!w->died)
		source_shared(w);
	nft_hops(w, ev, nev);
	free(ev);
	if (w->dest_if[0] && !w->died)
		hop(w, w->dest_ns, false, "%s %s: the destination's interface",
		    w->dest_if, addr_text(&s->dst, d));
	last_hop(w);
	/* An answer outweighs what the hops foresaw: nothing stopped it. */
	for (size_t i = 0; w->t->answered && i < w->t->n; i++)
		w->t->hops[i].dies = false;
	return w->t->answered ? 0 : 1;
}

int trace_run(const struct trace_spec *s, struct trace *t, struct pw_why *why)
{
	struct walk w;
	int st;

	walk_init(&w, s, t);
	st = walk(&w, why);
	if (w.peer_open)
		inspect_pod_close(&w.peer);
	return st;
}
