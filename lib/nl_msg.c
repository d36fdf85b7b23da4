// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nl_msg.c - the rtnetlink requests: the nl_put_*() builders of veths,
 * bridges, link changes, bridge ports, addresses and routes, and the
 * queries (one link, the dumps, namespace ids, route lookups).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Messages are built here and handed to nl.c (nl_priv.h), which queues,
 * sends and collects the replies; replies are read with nl_decode.c.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "nl.h"
#include "nl_build.h"
#include "nl_decode.h"
#include "nl_priv.h"

#ifndef RTEXT_FILTER_SKIP_STATS
#define RTEXT_FILTER_SKIP_STATS (1 << 3)
#endif

#define NL_DUMP_TRIES 5
/* Query requests are built in buffers of this size (nl_build.h). */
#define NL_REQ_SIZE 1024

/* ---- Query requests ----------------------------------------------------- */

/* An RTM_GETLINK's header, after the nlmsghdr; NULL when too big. */
static struct ifinfomsg *put_link_query(struct nl_build *b)
{
	struct ifinfomsg *ifi = nl_build_header(b, sizeof(*ifi));

	if (ifi)
		ifi->ifi_family = AF_UNSPEC;
	/* Counters are most of a link message and nobody here reads them. */
	nl_build_u32(b, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return ifi;
}

struct link_get {
	struct nl_link *out;
	bool found;
};

static int link_get_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct link_get *g = arg;

	if (nlh->nlmsg_type == RTM_NEWLINK && !g->found &&
	    nl_decode_link(nlh, g->out) == 0)
		g->found = true;
	return 0;
}

int nl_link_get(struct nl *nl, unsigned ifindex, const char *ifname,
		struct nl_link *out)
{
	char buf[NL_REQ_SIZE];
	struct link_get g = { .out = out };
	struct ifinfomsg *ifi;
	struct nl_build b;
	int err;

	if (!ifindex && (!ifname || strlen(ifname) >= IFNAMSIZ))
		return -EINVAL;
	nl_build_start(&b, buf, sizeof(buf), RTM_GETLINK, 0);
	ifi = put_link_query(&b);
	if (ifi)
		ifi->ifi_index = (int)ifindex;
	if (!ifindex)
		nl_build_strz(&b, IFLA_IFNAME, ifname);
	err = nl_build_error(&b);
	if (err)
		return err;
	err = nl_query(nl, b.nlh, false, link_get_msg, &g, NULL);
	if (err)
		return err;
	return g.found ? 0 : -ENODEV;
}

/* ---- Dumps -------------------------------------------------------------- */

/* What a dump was asked for; the request header and the filters read it. */
struct dump_want {
	int family; /* AF_UNSPEC: both */
	unsigned ifindex; /* 0: every link */
};

/* One kind of object the kernel lists in a dump. */
struct dump_kind {
	uint16_t request; /* RTM_GET* */
	uint16_t reply; /* RTM_NEW*: other message types are skipped */
	size_t size; /* of one decoded object */
	/* The family's header after the nlmsghdr, from what was asked. */
	void (*put_header)(struct nl_build *b, const struct dump_want *w);
	int (*decode)(const struct nlmsghdr *nlh, void *obj);
	/* NULL keeps every object that decodes. */
	bool (*keep)(const void *obj, const struct dump_want *w);
};

static void link_dump_header(struct nl_build *b, const struct dump_want *w)
{
	struct ifinfomsg *ifi = put_link_query(b);

	if (!ifi)
		return;
	ifi->ifi_family = (uint8_t)w->family;
	ifi->ifi_index = (int)w->ifindex;
}

static int link_decode(const struct nlmsghdr *nlh, void *obj)
{
	return nl_decode_link(nlh, obj);
}

static void addr_dump_header(struct nl_build *b, const struct dump_want *w)
{
	struct ifaddrmsg *ifa = nl_build_header(b, sizeof(*ifa));

	if (!ifa)
		return;
	ifa->ifa_family = (uint8_t)w->family;
	ifa->ifa_index = w->ifindex;
}

static int addr_decode(const struct nlmsghdr *nlh, void *obj)
{
	return nl_decode_addr(nlh, obj);
}

/*
 * A kernel without strict checking (NETLINK_GET_STRICT_CHK, which nl.c
 * asks for and older kernels lack) ignores the request's ifindex and
 * lists the addresses of every link.
 */
static bool addr_keep(const void *obj, const struct dump_want *w)
{
	const struct nl_addr *a = obj;

	return !w->ifindex || a->ifindex == w->ifindex;
}

static void route_dump_header(struct nl_build *b, const struct dump_want *w)
{
	struct rtmsg *rtm = nl_build_header(b, sizeof(*rtm));

	if (rtm)
		rtm->rtm_family = (uint8_t)w->family;
}

static int route_decode(const struct nlmsghdr *nlh, void *obj)
{
	return nl_decode_route(nlh, obj);
}

/*
 * A route dump lists every table, the local table's host and broadcast
 * routes among them; callers want the main table, the one `ip route`
 * shows.
 */
static bool route_keep(const void *obj, const struct dump_want *w)
{
	const struct nl_route *r = obj;

	return r->table == RT_TABLE_MAIN;
}

static void neigh_dump_header(struct nl_build *b, const struct dump_want *w)
{
	struct ndmsg *nd = nl_build_header(b, sizeof(*nd));

	if (nd)
		nd->ndm_family = (uint8_t)w->family;
}

static int neigh_decode(const struct nlmsghdr *nlh, void *obj)
{
	return nl_decode_neigh(nlh, obj);
}

enum dump_what {
	DUMP_LINK,
	DUMP_ADDR,
	DUMP_ROUTE,
	DUMP_NEIGH,
};

static const struct dump_kind dump_kinds[] = {
	[DUMP_LINK] = { .request = RTM_GETLINK,
			.reply = RTM_NEWLINK,
			.size = sizeof(struct nl_link),
			.put_header = link_dump_header,
			.decode = link_decode },
	[DUMP_ADDR] = { .request = RTM_GETADDR,
			.reply = RTM_NEWADDR,
			.size = sizeof(struct nl_addr),
			.put_header = addr_dump_header,
			.decode = addr_decode,
			.keep = addr_keep },
	[DUMP_ROUTE] = { .request = RTM_GETROUTE,
			 .reply = RTM_NEWROUTE,
			 .size = sizeof(struct nl_route),
			 .put_header = route_dump_header,
			 .decode = route_decode,
			 .keep = route_keep },
	[DUMP_NEIGH] = { .request = RTM_GETNEIGH,
			 .reply = RTM_NEWNEIGH,
			 .size = sizeof(struct nl_neigh),
			 .put_header = neigh_dump_header,
			 .decode = neigh_decode },
};

/* The objects of one dump, growing as the replies come. */
struct dump_vec {
	const struct dump_kind *kind;
	struct dump_want want;
	char *items;
	size_t n;
	size_t cap;
};

static int dump_add(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_vec *v = arg;
	const struct dump_kind *k = v->kind;
	void *obj;

	if (nlh->nlmsg_type != k->reply)
		return 0;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		char *items;

		if (cap > SIZE_MAX / k->size)
			return -ENOMEM;
		items = realloc(v->items, cap * k->size);
		if (!items)
			return -ENOMEM;
		v->items = items;
		v->cap = cap;
	}
	obj = v->items + v->n * k->size;
	/* A message we can't decode is skipped, not fatal. */
	if (k->decode(nlh, obj) == 0 && (!k->keep || k->keep(obj, &v->want)))
		v->n++;
	return 0;
}

/*
 * Dump every object of one kind into a malloc'ed array, *n long; NULL
 * when there are none, or on failure with *err set and *n 0.  The kernel
 * marks a dump that changed under it NLM_F_DUMP_INTR, and a socket that
 * overran fails with ENOBUFS: either way the dump is run again whole.
 */
static void *dump(struct nl *nl, enum dump_what what, int family,
		  unsigned ifindex, size_t *n, int *err)
{
	char buf[NL_REQ_SIZE];
	struct dump_vec v = { .kind = &dump_kinds[what],
			      .want = { family, ifindex } };
	struct nl_build b;

	nl_build_start(&b, buf, sizeof(buf), v.kind->request, 0);
	v.kind->put_header(&b, &v.want);
	*err = nl_build_error(&b);
	if (*err) {
		*n = 0;
		return NULL;
	}
	*err = -EAGAIN;
	for (int tries = 0; tries < NL_DUMP_TRIES; tries++) {
		bool intr = false;

		v.n = 0;
		*err = nl_query(nl, b.nlh, true, dump_add, &v, &intr);
		if (*err == -ENOBUFS || (!*err && intr)) {
			*err = -EAGAIN;
			continue;
		}
		break;
	}
	if (*err) {
		free(v.items);
		*n = 0;
		return NULL;
	}
	*n = v.n;
	return v.items;
}

int nl_link_list(struct nl *nl, struct nl_link **out, size_t *n)
{
	int err;

	*out = dump(nl, DUMP_LINK, AF_UNSPEC, 0, n, &err);
	return err;
}

int nl_addr_list(struct nl *nl, int family, unsigned ifindex,
		 struct nl_addr **out, size_t *n)
{
	int err;

	*out = dump(nl, DUMP_ADDR, family, ifindex, n, &err);
	return err;
}

int nl_route_list(struct nl *nl, int family, struct nl_route **out, size_t *n)
{
	int err;

	*out = dump(nl, DUMP_ROUTE, family, 0, n, &err);
	return err;
}

int nl_neigh_list(struct nl *nl, int family, struct nl_neigh **out, size_t *n)
{
	size_t kept = 0;
	int err;

	*out = dump(nl, DUMP_NEIGH, family, 0, n, &err);
	/* A bridge's forwarding entries only when they were asked for. */
	for (size_t i = 0; *out && i < *n; i++)
		if ((*out)[i].fdb == (family == AF_BRIDGE))
			(*out)[kept++] = (*out)[i];
	*n = kept;
	return err;
}

/* ---- Other queries ------------------------------------------------------ */

static int nsid_msg(const struct nlmsghdr *nlh, void *arg)
{
	int nsid;

	if (nl_decode_nsid(nlh, &nsid) == 0)
		*(int *)arg = nsid;
	return 0;
}

int nl_netns_id(struct nl *nl, int netns_fd, int *nsid)
{
	char buf[NL_REQ_SIZE];
	struct rtgenmsg *g;
	struct nl_build b;
	int err;

	*nsid = -1;
	nl_build_start(&b, buf, sizeof(buf), RTM_GETNSID, 0);
	g = nl_build_header(&b, sizeof(*g));
	if (g)
		g->rtgen_family = AF_UNSPEC;
	nl_build_u32(&b, NETNSA_FD, (uint32_t)netns_fd);
	err = nl_build_error(&b);
	return err ? err : nl_query(nl, b.nlh, false, nsid_msg, nsid, NULL);
}

struct route_get {
	struct nl_route *out;
	bool found;
};

static int route_get_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct route_get *g = arg;

	if (!g->found && nl_decode_route(nlh, g->out) == 0)
		g->found = true;
	return 0;
}

int nl_route_lookup(struct nl *nl, const struct pw_addr *dst,
		    struct nl_route *out)
{
	char buf[NL_REQ_SIZE];
	struct route_get g = { .out = out };
	struct rtmsg *rtm;
	struct nl_build b;
	int err;

	nl_build_start(&b, buf, sizeof(buf), RTM_GETROUTE, 0);
	rtm = nl_build_header(&b, sizeof(*rtm));
	if (rtm) {
		rtm->rtm_family = (uint8_t)dst->family;
		rtm->rtm_dst_len = (uint8_t)addr_bits(dst->family);
	}
	nl_build_put(&b, RTA_DST, addr_size(dst->family), dst->bytes);
	err = nl_build_error(&b);
	if (!err)
		err = nl_query(nl, b.nlh, false, route_get_msg, &g, NULL);
	if (!err && !g.found)
		err = -ENETUNREACH;
	return err;
}

int nl_default_route_via(struct nl *nl, const struct pw_addr *gw)
{
	struct nl_route *routes;
	size_t n;
	int err = nl_route_list(nl, gw->family, &routes, &n);

	if (err)
		return err;
	err = -ENOENT;
	for (size_t i = 0; i < n && err; i++) {
		if (routes[i].dst.len != 0 || routes[i].type != RTN_UNICAST)
			continue;
		err = addr_equal(&routes[i].gateway, gw) ? 0 : -EEXIST;
	}
	free(routes);
	return err;
}

/* ---- Change requests ---------------------------------------------------- */

/* The link's header; NULL when the message has no room for it. */
static struct ifinfomsg *put_ifinfo(struct nl_build *b, unsigned ifindex,
				    bool up)
{
	struct ifinfomsg *ifi = nl_build_header(b, sizeof(*ifi));

	if (!ifi)
		return NULL;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	if (up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	return ifi;
}

/* What both ends of a veth get: MTU and queue counts. */
static void put_veth_common(struct nl_build *b, const struct nl_veth *v)
{
	if (v->mtu)
		nl_build_u32(b, IFLA_MTU, v->mtu);
	if (v->queues) {
		nl_build_u32(b, IFLA_NUM_TX_QUEUES, v->queues);
		nl_build_u32(b, IFLA_NUM_RX_QUEUES, v->queues);
	}
}

/*
 * IFLA_LINKINFO { IFLA_INFO_KIND "veth", IFLA_INFO_DATA { VETH_INFO_PEER {
 * struct ifinfomsg, IFLA_IFNAME, IFLA_NET_NS_FD } } }, with IFLA_MASTER
 * and IFF_UP on the outer message (iproute2 ip/link_veth.c).  Creating
 * the peer directly in its namespace makes the create atomic: if the
 * peer's name is taken there, nothing is left on this side.
 */
int nl_put_veth(struct nl *nl, const struct nl_veth *v)
{
	struct nlattr *info, *data, *peer;
	struct nl_build b;
	int err = nl_queue_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &b);

	if (err)
		return err;
	put_ifinfo(&b, 0, v->up);
	nl_build_strz(&b, IFLA_IFNAME, v->ifname);
	put_veth_common(&b, v);
	if (v->master)
		nl_build_u32(&b, IFLA_MASTER, v->master);
	info = nl_build_nest_start(&b, IFLA_LINKINFO);
	nl_build_strz(&b, IFLA_INFO_KIND, "veth");
	data = nl_build_nest_start(&b, IFLA_INFO_DATA);
	peer = nl_build_nest_start(&b, VETH_INFO_PEER);
	put_ifinfo(&b, 0, false);
	nl_build_strz(&b, IFLA_IFNAME, v->peer_ifname);
	put_veth_common(&b, v);
	if (v->peer_netns_fd >= 0)
		nl_build_u32(&b, IFLA_NET_NS_FD, (uint32_t)v->peer_netns_fd);
	nl_build_nest_end(&b, peer);
	nl_build_nest_end(&b, data);
	nl_build_nest_end(&b, info);
	err = nl_queue_done(nl, &b);
	if (!err && explaining())
		nl_explain_veth(nl, v);
	return err;
}

int nl_put_bridge(struct nl *nl, const char *ifname, bool mcast_snooping)
{
	struct nlattr *info, *data;
	struct nl_build b;
	int err = nl_queue_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &b);

	if (err)
		return err;
	put_ifinfo(&b, 0, false);
	nl_build_strz(&b, IFLA_IFNAME, ifname);
	info = nl_build_nest_start(&b, IFLA_LINKINFO);
	nl_build_strz(&b, IFLA_INFO_KIND, "bridge");
	data = nl_build_nest_start(&b, IFLA_INFO_DATA);
	nl_build_u8(&b, IFLA_BR_MCAST_SNOOPING, mcast_snooping);
	nl_build_nest_end(&b, data);
	nl_build_nest_end(&b, info);
	err = nl_queue_done(nl, &b);
	if (!err && explaining())
		nl_explain_bridge(nl, ifname, mcast_snooping);
	return err;
}

/* A link is named by index, or by name when the index is 0. */
static void put_link_target(struct nl_build *b, unsigned ifindex,
			    const char *ifname)
{
	if (!ifindex && ifname)
		nl_build_strz(b, IFLA_IFNAME, ifname);
}

int nl_put_link_set(struct nl *nl, unsigned ifindex, const char *ifname,
		    const struct nl_link_change *c)
{
	struct ifinfomsg *ifi;
	struct nl_build b;
	int err = nl_queue_msg(nl, RTM_SETLINK, 0, &b);

	if (err)
		return err;
	ifi = put_ifinfo(&b, ifindex, false);
	if (ifi && c->up != NL_KEEP) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = c->up == NL_ON ? IFF_UP : 0;
	}
	put_link_target(&b, ifindex, ifname);
	if (c->alias)
		nl_build_strz(&b, IFLA_IFALIAS, c->alias);
	if (c->mtu)
		nl_build_u32(&b, IFLA_MTU, c->mtu);
	if (c->set_mac)
		nl_build_put(&b, IFLA_ADDRESS, sizeof(c->mac), c->mac);
	if (c->set_master)
		nl_build_u32(&b, IFLA_MASTER, c->master);
	if (c->set_group)
		nl_build_u32(&b, IFLA_GROUP, c->group);
	if (c->addrgen_none) {
		struct nlattr *af = nl_build_nest_start(&b, IFLA_AF_SPEC);
		struct nlattr *in6 = nl_build_nest_start(&b, AF_INET6);

		nl_build_u8(&b, IFLA_INET6_ADDR_GEN_MODE,
			    IN6_ADDR_GEN_MODE_NONE);
		nl_build_nest_end(&b, in6);
		nl_build_nest_end(&b, af);
	}
	err = nl_queue_done(nl, &b);
	if (!err && explaining())
		nl_explain_link_set(nl, ifindex, ifname, c);
	return err;
}

int nl_put_bridge_port(struct nl *nl, unsigned ifindex, bool hairpin)
{
	/* RTM_SETLINK of AF_UNSPEC has no bridge port options; RTM_NEWLINK's
	 * slave data does (`ip link set X type bridge_slave hairpin on`). */
	struct nlattr *info, *data;
	struct nl_build b;
	int err = nl_queue_msg(nl, RTM_NEWLINK, 0, &b);

	if (err)
		return err;
	put_ifinfo(&b, ifindex, false);
	info = nl_build_nest_start(&b, IFLA_LINKINFO);
	nl_build_strz(&b, IFLA_INFO_SLAVE_KIND, "bridge");
	data = nl_build_nest_start(&b, IFLA_INFO_SLAVE_DATA);
	nl_build_u8(&b, IFLA_BRPORT_MODE, hairpin);
	nl_build_nest_end(&b, data);
	nl_build_nest_end(&b, info);
	err = nl_queue_done(nl, &b);
	if (!err && explaining())
		nl_explain_bridge_port(nl, ifindex, hairpin);
	return err;
}

int nl_put_link_del(struct nl *nl, unsigned ifindex, const char *ifname)
{
	struct nl_build b;
	int err = nl_queue_msg(nl, RTM_DELLINK, 0, &b);

	if (err)
		return err;
	put_ifinfo(&b, ifindex, false);
	put_link_target(&b, ifindex, ifname);
	err = nl_queue_done(nl, &b);
	if (!err && explaining())
		nl_explain_link_del(nl, ifindex, ifname);
	return err;
}

int nl_put_link_del_group(struct nl *nl, uint32_t group)
{
	struct nl_build b;
	int err = nl_queue_msg(nl, RTM_DELLINK, 0, &b);

	if (err)
		return err;
	put_ifinfo(&b, 0, false);
	nl_build_u32(&b, IFLA_GROUP, group);
	err = nl_queue_done(nl, &b);
	if (!err && explaining())
		nl_explain_link_del_group(nl, group);
	return err;
}

int nl_put_addr(struct nl *nl, bool add, unsigned ifindex,
		const struct pw_prefix *p, uint32_t ifa_flags)
{
	struct ifaddrmsg *ifa;
	size_t alen = addr_size(p->addr.family);
	struct nl_build b;
	int err = nl_queue_msg(nl, add ? RTM_NEWADDR : RTM_DELADDR,
			       add ? NLM_F_CREATE | NLM_F_EXCL : 0, &b);

	if (err)
		return err;
	ifa = nl_build_header(&b, sizeof(*ifa));
	if (ifa) {
		ifa->ifa_family = (uint8_t)p->addr.family;
		ifa->ifa_prefixlen = p->len;
		ifa->ifa_scope = RT_SCOPE_UNIVERSE;
		ifa->ifa_index = ifindex;
		ifa->ifa_flags = (uint8_t)ifa_flags;
	}
	nl_build_put(&b, IFA_LOCAL, alen, p->addr.bytes);
	nl_build_put(&b, IFA_ADDRESS, alen, p->addr.bytes);
	if (add && ifa_flags > 0xff)
		nl_build_u32(&b, IFA_FLAGS, ifa_flags);
	if (add && p->addr.family == AF_INET && p->len <= 30) {
		/* The subnet's broadcast address, as `ip addr add ... brd +`
		 * would set it. */
		struct pw_prefix net = addr_network(p);
		struct pw_addr brd = addr_nth(&net, addr_span(&net) - 1);

		nl_build_put(&b, IFA_BROADCAST, 4, brd.bytes);
	}
	err = nl_queue_done(nl, &b);
	if (!err && explaining())
		nl_explain_addr(nl, add, ifindex, p, ifa_flags);
	return err;
}

int nl_put_route(struct nl *nl, bool add, const struct nl_route_req *r)
{
	int family = r->dst.addr.family;
	struct rtmsg *rtm;
	struct nl_build b;
	int err = nl_queue_msg(nl, add ? RTM_NEWROUTE : RTM_DELROUTE,
			       add ? NLM_F_CREATE | NLM_F_EXCL : 0, &b);

	if (err)
		return err;
	rtm = nl_build_header(&b, sizeof(*rtm));
	if (rtm) {
		rtm->rtm_family = (uint8_t)family;
		rtm->rtm_dst_len = r->dst.len;
		rtm->rtm_table = RT_TABLE_MAIN;
		rtm->rtm_protocol = add ? RTPROT_STATIC : RTPROT_UNSPEC;
		rtm->rtm_type = RTN_UNICAST;
		/* Deletes match any scope, as `ip route del` does. */
		rtm->rtm_scope = !add		   ? RT_SCOPE_NOWHERE :
				 r->gateway.family ? RT_SCOPE_UNIVERSE :
						     RT_SCOPE_LINK;
	}
	if (r->dst.len)
		nl_build_put(&b, RTA_DST, addr_size(family), r->dst.addr.bytes);
	if (r->gateway.family)
		nl_build_put(&b, RTA_GATEWAY, addr_size(family),
			     r->gateway.bytes);
	if (r->oif)
		nl_build_u32(&b, RTA_OIF, r->oif);
	err = nl_queue_done(nl, &b);
	if (!err && explaining())
		nl_explain_route(nl, add, r);
	return err;
}
