// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_host.c - pod-inspect --check on the host: the veth's host end,
 * its bridge, forwarding and the nftables rules the pod's traffic meets.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <linux/netfilter.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "check_priv.h"
#include "sysctl.h"

/* ---- The checks on the host --------------------------------------------- */

/*
 * A pod whose wiring is not known: no veth, or one whose other end is
 * nowhere the host's checks could follow.  One line that says where.
 */
static void unknown_end(struct check *c)
{
	const struct check_topology *t = &c->topo;

	if (strcmp(t->if_kind, "veth"))
		check_report(c, "host_end", false, NULL,
			     "the pod's end is a veth", "%s is %s", t->ifname,
			     t->if_kind[0] ? t->if_kind : "not a veth");
	else if (t->peer_netns[0])
		check_report(c, "host_end", false, NULL, "its host end exists",
			     "%s's peer %s is in namespace %s, a port of %s "
			     "there: check with pod-inspect -n %s",
			     t->ifname, t->peer_ifname, t->peer_netns,
			     t->bridge[0] ? t->bridge : "another device",
			     t->peer_netns);
	else if (t->peer_nsid >= 0)
		check_report(c, "host_end", false, NULL, "its host end exists",
			     "%s's peer is in a namespace with no name under "
			     "/run/netns (the pod's id for it: %d)",
			     t->ifname, t->peer_nsid);
	else
		check_report(c, "host_end", false, NULL, "its host end exists",
			     "%s's peer is in the pod itself", t->ifname);
}

void check_host_end(struct check *c)
{
	const struct nl_link *h = c->host_end;
	char fix[PATH_MAX + 256], what[96];

	if (!h) {
		unknown_end(c);
		return;
	}
	check_report(c, "host_end", true, NULL, "its host end exists",
		     "%s is %s's peer", h->ifname, c->podif->ifname);
	snprintf(what, sizeof(what), "host end %s is up", h->ifname);
	snprintf(fix, sizeof(fix), "%s link set %s up", c->host_ip, h->ifname);
	check_report(c, "host_end_up", h->flags & IFF_UP,
		     check_fix(c, fix, h->ifname, NULL), what, "%s",
		     h->flags & IFF_UP ? "up" : "down");
	if (c->topo.kind != CHECK_TOPO_BRIDGED)
		return; /* routed: on no bridge, as it should be */
	snprintf(what, sizeof(what), "host end %s is a bridge port", h->ifname);
	snprintf(fix, sizeof(fix), "%s link set %s master %s", c->host_ip,
		 h->ifname, c->bridge->ifname);
	check_report(c, "enslaved", c->enslaved,
		     check_fix(c, fix, h->ifname, c->bridge->ifname), what,
		     "%s", c->enslaved ? c->bridge->ifname : "on no bridge");
}

void check_bridge(struct check *c)
{
	const struct nl_link *b = c->bridge;
	char fix[PATH_MAX + 256], what[96], g[PW_ADDRSTRLEN];

	if (!b)
		return;
	snprintf(what, sizeof(what), "bridge %s is up", b->ifname);
	snprintf(fix, sizeof(fix), "%s link set %s up", c->host_ip, b->ifname);
	check_report(c, "bridge_up", b->flags & IFF_UP,
		     check_fix(c, fix, b->ifname, NULL), what, "%s",
		     b->flags & IFF_UP ? "up" : "down");
	for (size_t f = 0; f < FAMILIES; f++) {
		const struct inspect_host *host = c->env->host;
		bool holds = false;

		if (!c->wants[f] || !c->gw[f].family)
			continue;
		for (size_t i = 0; i < host->naddrs; i++)
			holds |= host->addrs[i].ifindex == b->ifindex &&
				 addr_equal(&host->addrs[i].prefix.addr,
					    &c->gw[f]);
		addr_format(&c->gw[f], g, sizeof(g));
		snprintf(what, sizeof(what), "bridge %s holds the gateway %s",
			 b->ifname, g);
		snprintf(fix, sizeof(fix), "%s addr add %s/%u dev %s",
			 c->host_ip, g, c->want[f].len, b->ifname);
		check_report(c, "bridge_gw", holds,
			     check_fix(c, fix, b->ifname, NULL), what, "%s",
			     holds ? "yes" : "no");
	}
}

/*
 * Does the host end answer for the gateway?  It holds it, or (IPv4) it
 * answers ARP for any address by proxy, as routed setups that give every
 * pod the same link-local gateway do (Calico's 169.254.1.1).
 */
static bool host_end_answers(const struct check *c, size_t f, bool *proxy)
{
	const struct inspect_host *host = c->env->host;
	char key[64], value[8] = "";

	*proxy = false;
	for (size_t i = 0; i < host->naddrs; i++)
		if (host->addrs[i].ifindex == c->host_end->ifindex &&
		    addr_equal(&host->addrs[i].prefix.addr, &c->gw[f]))
			return true;
	if (check_families[f].af != AF_INET)
		return false;
	/* An interface name holds no '/' (the kernel's rule): a safe path. */
	snprintf(key, sizeof(key), "net/ipv4/conf/%s/proxy_arp",
		 c->host_end->ifname);
	*proxy = !ns_sysctl_read(&host->h, key, value, sizeof(value)) &&
		 !strcmp(value, "1");
	return *proxy;
}

/*
 * The host's route back to the pod leaves by the host end.  Judged only
 * once the end is up and holds the gateway: until then the fixes above
 * bring back the route that comes with the end's address.
 */
static void check_host_route(struct check *c, size_t f)
{
	const struct inspect_host *host = c->env->host;
	const struct nl_link *h = c->host_end;
	const struct nl_link *oif;
	char what[96], fix[PATH_MAX + 128], a[PW_ADDRSTRLEN];
	struct nl_route r;
	int err = nl_route_lookup(host->h.nl, &c->want[f].addr, &r);

	addr_format(&c->want[f].addr, a, sizeof(a));
	snprintf(what, sizeof(what), "the host routes %s to %s", a, h->ifname);
	snprintf(fix, sizeof(fix), "%s %sroute add %s dev %s", c->host_ip,
		 check_families[f].ip_flag, a, h->ifname);
	if (err) {
		check_report(c, "host_route", false,
			     check_fix(c, fix, h->ifname, NULL), what,
			     "no route to it: %s", strerror(-err));
		return;
	}
	oif = inspect_link(host->links, host->nlinks, r.oif);
	if (r.oif == h->ifindex)
		check_report(c, "host_route", true, NULL, what, "yes");
	else
		check_report(c, "host_route", false,
			     check_fix(c, fix, h->ifname, NULL), what,
			     "it leaves by %s",
			     oif ? oif->ifname : "another device");
}

void check_routed_host(struct check *c)
{
	const struct nl_link *h = c->host_end;

	for (size_t f = 0; f < FAMILIES; f++) {
		char what[96], fix[PATH_MAX + 128], g[PW_ADDRSTRLEN];
		bool proxy, answers;

		if (!c->wants[f] || !c->gw[f].family)
			continue;
		answers = host_end_answers(c, f, &proxy);
		addr_format(&c->gw[f], g, sizeof(g));
		snprintf(what, sizeof(what), "host end %s holds the gateway %s",
			 h->ifname, g);
		snprintf(fix, sizeof(fix), "%s %saddr add %s/%u dev %s",
			 c->host_ip, check_families[f].ip_flag, g,
			 c->want[f].len, h->ifname);
		check_report(c, "host_gw", answers,
			     check_fix(c, fix, h->ifname, NULL), what, "%s",
			     !answers ? "no" :
			     proxy    ? "no, but it answers ARP by proxy" :
					"yes");
		if (answers && (h->flags & IFF_UP))
			check_host_route(c, f);
	}
}

void check_forwarding(struct check *c)
{
	for (size_t f = 0; f < FAMILIES; f++) {
		char value[16] = "", fix[PATH_MAX + 96], what[64];
		int err;

		if (!c->wants[f])
			continue;
		err = ns_sysctl_read(&c->env->host->h,
				     sysctl_forward_key(check_families[f].af),
				     value, sizeof(value));
		snprintf(what, sizeof(what), "the host forwards %s",
			 check_families[f].name);
		snprintf(fix, sizeof(fix), "%ssysctl -w %s=1", c->host_exec,
			 sysctl_forward_name(check_families[f].af));
		check_report(c, "forwarding", !err && !strcmp(value, "1"), fix,
			     what, "%s = %s",
			     sysctl_forward_name(check_families[f].af),
			     err ? strerror(-err) : value);
	}
}

/*
 * The first rule that masquerades a's traffic and can: one that names no
 * outgoing interface, or one that is there.  *dead is the first rule
 * that would, but only by an interface the host does not have
 * (nat-out --out with a name that does not exist, or no longer does).
 */
static const struct ruleset_rule *
masquerade_rule(const struct check *c, const struct pw_addr *a,
		const struct ruleset_rule **dead)
{
	const struct inspect_host *host = c->env->host;
	const struct ruleset_rule *r = NULL;

	*dead = NULL;
	while ((r = ruleset_masquerade_for(&c->rs, a, r))) {
		if (!r->has_oif ||
		    inspect_link_named(host->links, host->nlinks, r->oif))
			return r;
		if (!*dead)
			*dead = r;
	}
	return NULL;
}

static void masquerade_fix(const struct check *c, const char *net, char *fix,
			   size_t size)
{
	bool bridged = c->topo.kind == CHECK_TOPO_BRIDGED;

	snprintf(fix, size, "nat-out%s%s%s%s %s",
		 c->env->host_netns ? " -n " : "",
		 c->env->host_netns ? c->env->host_netns : "",
		 bridged ? " --bridge " : "", bridged ? c->bridge->ifname : "",
		 net);
}

void check_masquerade(struct check *c)
{
	for (size_t f = 0; f < FAMILIES; f++) {
		const struct ruleset_rule *hit, *dead;
		const char *safe;
		char fix[PATH_MAX + 256], what[96], net[PW_ADDRSTRLEN];
		struct pw_prefix subnet;

		if (!c->wants[f])
			continue;
		subnet = addr_network(&c->want[f]);
		addr_format_prefix(&subnet, net, sizeof(net));
		snprintf(what, sizeof(what), "a masquerade rule covers %s",
			 net);
		if (c->rs_err) {
			check_report(c, "masquerade", false, NULL, what,
				     "cannot read the nftables ruleset: %s",
				     strerror(-c->rs_err));
			continue;
		}
		hit = masquerade_rule(c, &c->want[f].addr, &dead);
		masquerade_fix(c, net, fix, sizeof(fix));
		safe = c->topo.kind == CHECK_TOPO_BRIDGED ?
			       check_fix(c, fix, c->bridge->ifname, NULL) :
			       fix;
		if (hit)
			check_report(c, "masquerade", true, NULL, what,
				     "%s %s chain %s, handle %llu",
				     ruleset_family_name(hit->family),
				     hit->table, hit->chain,
				     (unsigned long long)hit->handle);
		else if (dead)
			check_report(c, "masquerade", false, safe, what,
				     "%s %s chain %s, handle %llu, masquerades "
				     "only what leaves by %s, and the host has "
				     "no %s",
				     ruleset_family_name(dead->family),
				     dead->table, dead->chain,
				     (unsigned long long)dead->handle,
				     dead->oif, dead->oif);
		else
			check_report(c, "masquerade", false, safe, what,
				     "no nat postrouting rule masquerades it");
	}
}

/*
 * The interface the pod's traffic comes in by on the host: its bridge,
 * or for a routed pod its host end.
 */
static const char *in_ifname(const struct check *c)
{
	return c->topo.kind == CHECK_TOPO_BRIDGED ? c->bridge->ifname :
	       c->topo.kind == CHECK_TOPO_ROUTED  ? c->host_end->ifname :
						    NULL;
}

/* The rules that let a subnet through a chain, both ways. */
static void forward_fix(const struct check *c, const struct ruleset_chain *ch,
			const char *net, int family, char *fix, size_t size)
{
	const char *word = family == AF_INET ? "ip" : "ip6";

	/* A table iptables-nft made is best changed with iptables. */
	if (ch->family == NFPROTO_IPV4 && !strcmp(ch->table, "filter") &&
	    !strcmp(ch->name, "FORWARD"))
		snprintf(fix, size,
			 "%siptables -I FORWARD -s %s -j ACCEPT && "
			 "%siptables -I FORWARD -d %s -j ACCEPT",
			 c->host_exec, net, c->host_exec, net);
	else
		snprintf(fix, size,
			 "%snft insert rule %s %s %s %s saddr %s accept && "
			 "%snft insert rule %s %s %s %s daddr %s accept",
			 c->host_exec, ruleset_family_name(ch->family),
			 ch->table, ch->name, word, net, c->host_exec,
			 ruleset_family_name(ch->family), ch->table, ch->name,
			 word, net);
}

void check_forward_path(struct check *c)
{
	for (size_t f = 0; f < FAMILIES; f++) {
		const struct ruleset_chain *dropper;
		const char *safe;
		uint64_t handle;
		char fix[2 * PATH_MAX + 256], what[96], net[PW_ADDRSTRLEN];
		struct pw_prefix subnet;
		const struct pw_addr *a;

		if (!c->wants[f])
			continue;
		a = &c->want[f].addr;
		subnet = addr_network(&c->want[f]);
		addr_format_prefix(&subnet, net, sizeof(net));
		snprintf(what, sizeof(what), "no forward chain drops %s", net);
		if (c->rs_err) {
			check_report(c, "forward_path", false, NULL, what,
				     "cannot read the nftables ruleset: %s",
				     strerror(-c->rs_err));
			continue;
		}
		dropper = ruleset_forward_dropper(&c->rs, a, in_ifname(c),
						  &handle);
		if (!dropper) {
			check_report(c, "forward_path", true, NULL, what,
				     "nothing in the forward path drops it");
			continue;
		}
		forward_fix(c, dropper, net, a->family, fix, sizeof(fix));
		/* Tables and chains are the host's, but a name read from
		 * the kernel goes into a shell line only if it is a word. */
		safe = check_fix_word(c, fix, dropper->table) ?
			       check_fix_word(c, fix, dropper->name) :
			       NULL;
		if (handle)
			check_report(
				c, "forward_path", false, safe, what,
				"%s %s chain %s drops it (rule handle %llu)",
				ruleset_family_name(dropper->family),
				dropper->table, dropper->name,
				(unsigned long long)handle);
		else
			check_report(
				c, "forward_path", false, safe, what,
				"%s %s chain %s has policy drop and no rule "
				"accepts it",
				ruleset_family_name(dropper->family),
				dropper->table, dropper->name);
	}
}
