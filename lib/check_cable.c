// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_cable.c - pod-inspect --check of a point-to-point cable: a veth
 * whose other end is in another pod, as in the seeds' first exercise
 * ("two namespaces, zero connectivity ... you need a veth pair").
 *
 * Copyright (C) 2026 The podwire developers
 *
 * No host is on the path, so nothing of the host is checked: no
 * forwarding, no NAT, no bridge.  What must hold is the cable itself,
 * both of its ends up and addressed in one subnet, a route each way,
 * and a real echo across it.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "check_priv.h"
#include "probe.h"

/* The far end is up. */
static void check_peer_up(struct check *c)
{
	const struct nl_link *e = c->peer_end;
	char what[96], fix[PATH_MAX + 64];
	bool up = e->flags & IFF_UP;

	snprintf(what, sizeof(what), "far end %s is up", e->ifname);
	snprintf(fix, sizeof(fix), "%s link set %s up", c->peer_ip, e->ifname);
	check_report(c, "peer_up", up, check_fix(c, fix, e->ifname, NULL), what,
		     "%s%s", up ? "up" : "down",
		     up && !(e->flags & IFF_LOWER_UP) ? " (no carrier)" : "");
}

/* The far end has an address of the family in the pod's subnet. */
static void check_peer_addr(struct check *c, size_t f)
{
	const struct nl_link *e = c->peer_end;
	char what[96], fix[PATH_MAX + 128], a[PW_ADDRSTRLEN],
		net[PW_ADDRSTRLEN];
	struct pw_prefix subnet = addr_network(&c->want[f]);

	addr_format_prefix(&subnet, net, sizeof(net));
	snprintf(what, sizeof(what), "far end %s has an %s address in %s",
		 e->ifname, check_families[f].name, net);
	if (c->peer_wants[f])
		snprintf(fix, sizeof(fix), "%s %saddr add %s dev %s",
			 c->peer_ip, check_families[f].ip_flag,
			 addr_format_prefix(&c->peer_want[f], a, sizeof(a)),
			 e->ifname);
	if (c->peer_addr[f])
		check_report(c, "peer_addr", true, NULL, what, "%s",
			     addr_format_prefix(&c->peer_addr[f]->prefix, a,
						sizeof(a)));
	else
		check_report(c, "peer_addr", false,
			     c->peer_wants[f] ?
				     check_fix(c, fix, e->ifname, NULL) :
				     NULL,
			     what, "none");
}

/*
 * The route from pod p to dst leaves by its end of the cable: 0, -errno
 * when there is none, or -EXDEV when it leaves by another interface
 * (named in other).
 */
static int route_by(const struct inspect_pod *p, const struct nl_link *end,
		    const struct pw_addr *dst, const char **other)
{
	struct nl_route r;
	const struct nl_link *oif;
	int err = nl_route_lookup(p->h.nl, dst, &r);

	if (err)
		return err;
	if (r.oif == end->ifindex)
		return 0;
	oif = inspect_link(p->links, p->nlinks, r.oif);
	*other = oif ? oif->ifname : "another device";
	return -EXDEV;
}

/*
 * One end's route to the other end's address.  No route: the subnet's
 * own route comes back (the one the kernel made with the address); a
 * route by another interface: a route to that one address, which is
 * more specific than anything but another such.
 */
static void check_route_to(struct check *c, const char *id, const char *ip,
			   const struct inspect_pod *from,
			   const struct nl_link *end, size_t f,
			   const struct pw_prefix *dst)
{
	char what[96], fix[PATH_MAX + 128], a[PW_ADDRSTRLEN],
		net[PW_ADDRSTRLEN];
	struct pw_prefix subnet = addr_network(dst);
	const char *other = NULL;
	int err = route_by(from, end, &dst->addr, &other);

	addr_format(&dst->addr, a, sizeof(a));
	addr_format_prefix(&subnet, net, sizeof(net));
	snprintf(what, sizeof(what), "route from %s to %s", end->ifname, a);
	snprintf(fix, sizeof(fix), "%s %sroute add %s dev %s", ip,
		 check_families[f].ip_flag, err == -EXDEV ? a : net,
		 end->ifname);
	if (!err)
		check_report(c, id, true, NULL, what, "dev %s", end->ifname);
	else if (err == -EXDEV)
		check_report(c, id, false, check_fix(c, fix, end->ifname, NULL),
			     what, "it leaves by %s", other);
	else
		check_report(c, id, false, check_fix(c, fix, end->ifname, NULL),
			     what, "no route to it: %s", strerror(-err));
}

static void check_peer_answers(struct check *c, size_t f)
{
	char what[96], a[PW_ADDRSTRLEN];
	int err;

	addr_format(&c->peer_addr[f]->prefix.addr, a, sizeof(a));
	snprintf(what, sizeof(what), "far end %s answers", a);
	err = probe_echo(&c->env->pod->h, &c->peer_addr[f]->prefix.addr,
			 GATEWAY_TRIES, GATEWAY_WAIT_MS);
	check_report(c, "peer_answers", !err, NULL, what, "%s",
		     check_echo_words(err));
}

/*
 * The routes are judged only between ends that are up and addressed:
 * until then the fixes above bring back the routes that come with the
 * addresses, and a fix that added them again would fail.
 */
void check_cable(struct check *c)
{
	const struct nl_link *e = c->peer_end;
	bool pod_up = c->podif->flags & IFF_UP, peer_up = e->flags & IFF_UP;

	check_peer_up(c);
	for (size_t f = 0; f < FAMILIES; f++) {
		if (!c->wants[f])
			continue;
		check_peer_addr(c, f);
		if (!c->peer_addr[f] || !c->addr[f])
			continue;
		if (pod_up)
			check_route_to(c, "route", c->pod_ip, c->env->pod,
				       c->podif, f, &c->peer_addr[f]->prefix);
		if (peer_up)
			check_route_to(c, "peer_route", c->peer_ip, &c->peer, e,
				       f, &c->addr[f]->prefix);
		check_peer_answers(c, f);
	}
}
