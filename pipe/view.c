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

#include "msg.h"
#include "view.h"

/*
 * A kernel string as a record value, never empty: escaped for a text
 * record, which must hold no whitespace or control byte; as it is for
 * JSON, whose own escaping carries any byte (rec.h), so that jq -r gives
 * back the name itself.
 */
static void put(const struct view *v, struct rec *r, const char *key,
		const char *value)
{
	char e[PW_ESCAPED_SIZE(256)];

	if (!value[0])
		value = "-";
	if (v->format == REC_JSON) {
		rec_set_raw(r, key, value);
		return;
	}
	pw_escape(value, e, sizeof(e));
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

void view_target(const struct view *v, struct rec *r,
		 const struct inspect_pod *pod)
{
	char pid[24];

	if (pod->name[0]) {
		put(v, r, "netns", pod->name);
	} else if (pod->pid) {
		snprintf(pid, sizeof(pid), "%d", (int)pod->pid);
		rec_put(r, "pid", pid);
	} else {
		put(v, r, "path", pod->path);
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
static void put_host_side(const struct view *v, struct rec *r,
			  const struct inspect_host *host,
			  const struct inspect_pod *pod,
			  const struct nl_link *l, bool with_bridge_addr)
{
	const struct nl_link *h = inspect_host_end(host, pod, l);
	const struct nl_link *b = inspect_bridge_of(host, h);
	const struct nl_addr *ba;

	if (!h)
		return;
	put(v, r, "host_ifname", h->ifname);
	put(v, r, "host_state", inspect_operstate(h->operstate));
	if (!b)
		return;
	put(v, r, "bridge", b->ifname);
	put(v, r, "bridge_state", inspect_operstate(b->operstate));
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
		view_target(v, &r, pod);
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
			put(v, &r, "ifname", l->ifname);
			put(v, &r, "state", inspect_operstate(l->operstate));
			if (l->has_mac)
				put(v, &r, "mac",
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
			put_host_side(v, &r, host, pod, l, false);
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

		view_target(v, &r, pod);
		rec_put(&r, "object", "link");
		put(v, &r, "ifname", l->ifname);
		snprintf(num, sizeof(num), "%u", l->ifindex);
		rec_put(&r, "ifindex", num);
		put(v, &r, "kind", link_kind(l));
		put(v, &r, "state", inspect_operstate(l->operstate));
		rec_put(&r, "admin", l->flags & IFF_UP ? "up" : "down");
		snprintf(num, sizeof(num), "%u", l->mtu);
		rec_put(&r, "mtu", num);
		if (l->has_mac)
			put(v, &r, "mac",
			    inspect_mac(l->mac, mac, sizeof(mac)));
		put_host_side(v, &r, host, pod, l, true);
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

		view_target(v, &r, pod);
		rec_put(&r, "object", "addr");
		put(v, &r, "ifname", ifname_of(pod, a->ifindex));
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
		view_target(v, &r, pod);
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
		put(v, &r, "dev", ifname_of(pod, rt->oif));
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

		view_target(v, &r, pod);
		rec_put(&r, "object", "neigh");
		rec_put(&r, "dst", addr_format(&n->dst, a, sizeof(a)));
		if (n->has_lladdr)
			put(v, &r, "mac",
			    inspect_mac(n->lladdr, mac, sizeof(mac)));
		put(v, &r, "dev", ifname_of(pod, n->ifindex));
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

/* ---- --check ------------------------------------------------------------ */

/* The topology in words, after "topology: ". */
static void topology_words(const struct check_topology *t, char *buf,
			   size_t size)
{
	switch (t->kind) {
	case CHECK_TOPO_UNWIRED:
		snprintf(buf, size, "only lo");
		break;
	case CHECK_TOPO_BRIDGED:
		snprintf(buf, size, "%s -- host end %s -- bridge %s", t->ifname,
			 t->host_ifname, t->bridge);
		break;
	case CHECK_TOPO_ROUTED:
		snprintf(buf, size, "%s -- host end %s (no bridge)", t->ifname,
			 t->host_ifname);
		break;
	case CHECK_TOPO_CABLE:
		snprintf(buf, size, "%s -- %s in namespace %s", t->ifname,
			 t->peer_ifname, t->peer_netns);
		break;
	default:
		if (strcmp(t->if_kind, "veth"))
			snprintf(buf, size, "%s is %s, not a veth", t->ifname,
				 t->if_kind[0] ? t->if_kind : "a device");
		else if (t->peer_netns[0])
			snprintf(buf, size,
				 "%s -- %s in namespace %s, a port of %s there",
				 t->ifname, t->peer_ifname, t->peer_netns,
				 t->bridge[0] ? t->bridge : "another device");
		else if (t->peer_nsid >= 0)
			snprintf(buf, size,
				 "%s -- a namespace with no name (id %d)",
				 t->ifname, t->peer_nsid);
		else
			snprintf(buf, size, "%s -- its peer, in the pod itself",
				 t->ifname);
	}
}

static void topology_record(const struct view *v, struct rec *r,
			    const struct check_topology *t)
{
	rec_put(r, "topology", t->name);
	if (t->ifname[0])
		put(v, r, "ifname", t->ifname);
	if (t->host_ifname[0])
		put(v, r, "host_ifname", t->host_ifname);
	if (t->bridge[0])
		put(v, r, "bridge", t->bridge);
	if (t->peer_netns[0])
		put(v, r, "peer_netns", t->peer_netns);
	if (t->peer_ifname[0])
		put(v, r, "peer_ifname", t->peer_ifname);
}

void view_check_topology(const struct view *v, const struct inspect_pod *pod,
			 const struct check_topology *t)
{
	char words[256], e[PW_ESCAPED_SIZE(256)];
	struct rec r;

	if (v->quiet)
		return;
	if (v->format == REC_JSON) {
		rec_init(&r);
		view_target(v, &r, pod);
		topology_record(v, &r, t);
		emit(v, &r);
		return;
	}
	topology_words(t, words, sizeof(words));
	printf("topology: %s: %s\n", t->name, pw_escape(words, e, sizeof(e)));
	fflush(stdout);
}

/*
 * A check's line and its fix, for a terminal: what the kernel named is
 * in them as it is (a pod's root names its interfaces), so each is
 * escaped whole, as the records are, before it is printed.
 */
static void print_check_line(const struct view *v,
			     const struct check_result *res)
{
	char fix[PW_ESCAPED_SIZE(sizeof(res->fix))];
	char what[PW_ESCAPED_SIZE(sizeof(res->what))],
		detail[PW_ESCAPED_SIZE(sizeof(res->detail))];

	printf("%s%-4s%s  %s: %s\n",
	       v->color ? (res->ok ? "\033[32m" : "\033[31m") : "",
	       res->ok ? "ok" : "FAIL", v->color ? "\033[0m" : "",
	       pw_escape(res->what, what, sizeof(what)),
	       pw_escape(res->detail, detail, sizeof(detail)));
	if (!res->ok && res->fix[0])
		printf("      fix: %s\n",
		       pw_escape(res->fix, fix, sizeof(fix)));
	fflush(stdout);
}

void view_check_result(const struct view *v, const struct inspect_pod *pod,
		       const struct check_result *res)
{
	struct rec r;

	if (v->quiet)
		return;
	if (v->format == REC_JSON) {
		rec_init(&r);
		view_target(v, &r, pod);
		rec_put(&r, "check", res->id);
		rec_put(&r, "result", res->ok ? "ok" : "fail");
		/* Free text, raw: JSON carries spaces and any byte. */
		rec_set_raw(&r, "what", res->what);
		rec_set_raw(&r, "detail", res->detail);
		if (res->fix[0])
			rec_set_raw(&r, "fix", res->fix);
		emit(v, &r);
		return;
	}
	print_check_line(v, res);
}
