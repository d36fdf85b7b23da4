// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nl_explain.c - each rtnetlink change request as the ip commands a
 * person would type for it (explain.h), attached to the request in the
 * queue and said once the kernel has taken it.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Called by nl_msg.c's builders only while explaining(), after the
 * request is queued.  A link given by index is named by asking the
 * kernel (nl.c numbers the queue when it sends it, so the query does
 * not disturb it).
 */
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "inspect.h"
#include "nl.h"
#include "nl_priv.h"
#include "util.h"

/* The commands of one request: a few lines. */
struct said {
	char text[4 * EXPLAIN_LINE_MAX];
	size_t len;
};

static void say(struct said *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct said *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->len >= sizeof(s->text))
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->text + s->len, sizeof(s->text) - s->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len += (size_t)n;
}

static void said_done(struct nl *nl, const struct said *s)
{
	nl_queue_explain(nl, s->text);
}

/* "ip" or "ip -n NS" for the namespace of nl's changes. */
static const char *ip(const struct nl *nl, char *buf, size_t size)
{
	return explain_in(nl_label(nl), "ip", buf, size);
}

/*
 * The links a dry run plans, by stand-in index: far above any index the
 * kernel gives (it counts up from 1), so a lookup of one finds nothing.
 */
#define PLAN_FIRST 0x7f000000u
#define PLAN_MAX 0x00ffffffu

static char (*planned)[IFNAMSIZ];
static unsigned nplanned, room;

unsigned nl_plan_link(const char *ifname)
{
	for (unsigned i = 0; i < nplanned; i++)
		if (!strcmp(planned[i], ifname))
			return PLAN_FIRST + i;
	if (nplanned == room) {
		unsigned more = room ? 2 * room : 64;
		char(*grown)[IFNAMSIZ];

		if (more > PLAN_MAX)
			return 0;
		grown = realloc(planned, more * sizeof(*planned));
		if (!grown)
			return 0;
		planned = grown;
		room = more;
	}
	pw_strlcpy(planned[nplanned], ifname, IFNAMSIZ);
	return PLAN_FIRST + nplanned++;
}

void nl_plan_forget(void)
{
	free(planned);
	planned = NULL;
	nplanned = room = 0;
}

static const char *planned_name(unsigned ifindex)
{
	if (ifindex < PLAN_FIRST || ifindex - PLAN_FIRST >= nplanned)
		return NULL;
	return planned[ifindex - PLAN_FIRST];
}

/* A link's name: the one given, a planned one's, else the kernel's. */
static const char *link_name(struct nl *nl, unsigned ifindex,
			     const char *ifname, char out[IFNAMSIZ])
{
	struct nl_link l;

	if (ifname)
		return ifname;
	if (planned_name(ifindex))
		return planned_name(ifindex);
	if (!nl_link_get(nl, ifindex, NULL, &l))
		pw_strlcpy(out, l.ifname, IFNAMSIZ);
	else
		snprintf(out, IFNAMSIZ, "if%u", ifindex);
	return out;
}

static void say_sizes(struct said *s, unsigned mtu, unsigned queues)
{
	if (mtu)
		say(s, " mtu %u", mtu);
	if (queues)
		say(s, " numtxqueues %u numrxqueues %u", queues, queues);
}

void nl_explain_veth(struct nl *nl, const struct nl_veth *v)
{
	const char *here = nl_label(nl);
	char cmd[EXPLAIN_LINE_MAX / 2], q[EXPLAIN_LINE_MAX / 2];
	char master[IFNAMSIZ];
	struct said s = { .len = 0 };

	ip(nl, cmd, sizeof(cmd));
	say(&s, "%s link add %s", cmd, v->ifname);
	say_sizes(&s, v->mtu, v->queues);
	say(&s, " type veth peer name %s", v->peer_ifname);
	say_sizes(&s, v->mtu, v->queues);
	/* The peer is made in its namespace: ip takes a name or a path. */
	if (v->peer_netns && (!here || strcmp(here, v->peer_netns)))
		say(&s, " netns %s",
		    explain_quote(v->peer_netns, q, sizeof(q)));
	if (v->master)
		say(&s, "\n%s link set %s master %s", cmd, v->ifname,
		    link_name(nl, v->master, NULL, master));
	if (v->up)
		say(&s, "\n%s link set %s up", cmd, v->ifname);
	said_done(nl, &s);
}

void nl_explain_bridge(struct nl *nl, const char *ifname, bool mcast_snooping)
{
	char cmd[EXPLAIN_LINE_MAX / 2];
	struct said s = { .len = 0 };

	say(&s, "%s link add %s type bridge mcast_snooping %d",
	    ip(nl, cmd, sizeof(cmd)), ifname, mcast_snooping);
	said_done(nl, &s);
}

void nl_explain_link_set(struct nl *nl, unsigned ifindex, const char *ifname,
			 const struct nl_link_change *c)
{
	char cmd[EXPLAIN_LINE_MAX / 2], q[EXPLAIN_LINE_MAX / 2];
	char name[IFNAMSIZ], master[IFNAMSIZ], mac[32];
	struct said s = { .len = 0 };

	say(&s, "%s link set %s", ip(nl, cmd, sizeof(cmd)),
	    link_name(nl, ifindex, ifindex ? NULL : ifname, name));
	if (c->mtu)
		say(&s, " mtu %u", c->mtu);
	if (c->set_mac)
		say(&s, " address %s", inspect_mac(c->mac, mac, sizeof(mac)));
	if (c->set_master && c->master)
		say(&s, " master %s", link_name(nl, c->master, NULL, master));
	else if (c->set_master)
		say(&s, " nomaster");
	if (c->set_group)
		say(&s, " group %u", c->group);
	if (c->alias)
		say(&s, " alias %s", explain_quote(c->alias, q, sizeof(q)));
	if (c->addrgen_none)
		say(&s, " addrgenmode none");
	if (c->up != NL_KEEP)
		say(&s, " %s", c->up == NL_ON ? "up" : "down");
	said_done(nl, &s);
}

void nl_explain_bridge_port(struct nl *nl, unsigned ifindex, bool hairpin)
{
	char cmd[EXPLAIN_LINE_MAX / 2], name[IFNAMSIZ];
	struct said s = { .len = 0 };

	say(&s, "%s link set %s type bridge_slave hairpin %s",
	    ip(nl, cmd, sizeof(cmd)), link_name(nl, ifindex, NULL, name),
	    hairpin ? "on" : "off");
	said_done(nl, &s);
}

void nl_explain_link_del(struct nl *nl, unsigned ifindex, const char *ifname)
{
	char cmd[EXPLAIN_LINE_MAX / 2], name[IFNAMSIZ];
	struct said s = { .len = 0 };

	say(&s, "%s link del %s", ip(nl, cmd, sizeof(cmd)),
	    link_name(nl, ifindex, ifindex ? NULL : ifname, name));
	said_done(nl, &s);
}

void nl_explain_link_del_group(struct nl *nl, uint32_t group)
{
	char cmd[EXPLAIN_LINE_MAX / 2];
	struct said s = { .len = 0 };

	say(&s, "%s link delete group %u", ip(nl, cmd, sizeof(cmd)), group);
	said_done(nl, &s);
}

void nl_explain_addr(struct nl *nl, bool add, unsigned ifindex,
		     const struct pw_prefix *p, uint32_t ifa_flags)
{
	char cmd[EXPLAIN_LINE_MAX / 2], name[IFNAMSIZ], a[64];
	struct said s = { .len = 0 };

	say(&s, "%s addr %s %s", ip(nl, cmd, sizeof(cmd)), add ? "add" : "del",
	    addr_format_prefix(p, a, sizeof(a)));
	/* nl_put_addr() sets the subnet's broadcast, as brd + does. */
	if (add && p->addr.family == AF_INET && p->len <= 30)
		say(&s, " brd +");
	say(&s, " dev %s", link_name(nl, ifindex, NULL, name));
	if (add && (ifa_flags & IFA_F_NODAD))
		say(&s, " nodad");
	if (add && (ifa_flags & IFA_F_NOPREFIXROUTE))
		say(&s, " noprefixroute");
	said_done(nl, &s);
}

void nl_explain_route(struct nl *nl, bool add, const struct nl_route_req *r)
{
	char cmd[EXPLAIN_LINE_MAX / 2], name[IFNAMSIZ], a[64];
	bool v6 = r->dst.addr.family == AF_INET6;
	struct said s = { .len = 0 };

	say(&s, "%s%s route %s ", ip(nl, cmd, sizeof(cmd)), v6 ? " -6" : "",
	    add ? "add" : "del");
	if (r->dst.len)
		say(&s, "%s", addr_format_prefix(&r->dst, a, sizeof(a)));
	else
		say(&s, "default");
	if (r->gateway.family)
		say(&s, " via %s", addr_format(&r->gateway, a, sizeof(a)));
	if (r->oif)
		say(&s, " dev %s", link_name(nl, r->oif, NULL, name));
	/* ip's own default is proto boot; podwire's routes say static. */
	if (add)
		say(&s, " proto static");
	said_done(nl, &s);
}
