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

/* ---- Working out the host side ------------------------------------------ */

/* A host bridge with an address in the subnet of a. */
static const struct nl_link *bridge_for(const struct inspect_host *host,
					const struct pw_prefix *a,
					const struct nl_addr **baddr)
{
	struct pw_prefix net = addr_network(a);

	for (size_t i = 0; i < host->naddrs; i++) {
		const struct nl_addr *ha = &host->addrs[i];
		const struct nl_link *l =
			inspect_link(host->links, host->nlinks, ha->ifindex);

		if (l && !strcmp(l->kind, "bridge") &&
		    addr_prefix_contains(&net, &ha->prefix.addr)) {
			*baddr = ha;
			return l;
		}
	}
	return NULL;
}

void check_find_host_side(struct check *c)
{
	const struct inspect_host *host = c->env->host;
	const struct nl_addr *baddr;

	if (c->podif)
		c->host_end = inspect_host_end(host, c->env->pod, c->podif);
	c->bridge = inspect_bridge_of(host, c->host_end);
	c->enslaved = c->bridge != NULL;
	for (size_t f = 0; f < FAMILIES && !c->bridge; f++)
		if (c->wants[f])
			c->bridge = bridge_for(host, &c->want[f], &baddr);
}

/*
 * The gateway a pod of this family should use: its default route's, else
 * its bridge's address in its subnet.
 */
void check_find_gateways(struct check *c)
{
	const struct inspect_host *host = c->env->host;

	for (size_t f = 0; f < FAMILIES; f++) {
		const struct nl_addr *baddr = NULL;
		struct pw_prefix net;

		if (c->defroute[f] && c->defroute[f]->gateway.family) {
			c->gw[f] = c->defroute[f]->gateway;
			continue;
		}
		if (!c->wants[f])
			continue;
		net = addr_network(&c->want[f]);
		for (size_t i = 0; c->bridge && i < host->naddrs; i++) {
			const struct nl_addr *ha = &host->addrs[i];

			if (ha->ifindex == c->bridge->ifindex &&
			    addr_prefix_contains(&net, &ha->prefix.addr))
				baddr = ha;
		}
		if (!baddr && !c->bridge)
			bridge_for(host, &c->want[f], &baddr);
		if (baddr)
			c->gw[f] = baddr->prefix.addr;
	}
}

/* ---- The checks on the host --------------------------------------------- */

void check_host_end(struct check *c)
{
	const struct nl_link *h = c->host_end;
	char fix[PATH_MAX + 256], what[96];

	if (strcmp(c->podif->kind, "veth")) {
		check_report(c, "host_end", false, NULL,
			     "the pod's end is a veth", "%s is %s",
			     c->podif->ifname,
			     c->podif->kind[0] ? c->podif->kind : "not a veth");
		return;
	}
	check_report(c, "host_end", h != NULL, NULL, "its host end exists",
		     h ? "%s is %s's peer" :
			 "the peer of %s is not in the host's "
			 "namespace",
		     h ? h->ifname : c->podif->ifname, c->podif->ifname);
	if (!h)
		return;
	snprintf(what, sizeof(what), "host end %s is up", h->ifname);
	snprintf(fix, sizeof(fix), "%s link set %s up", c->host_ip, h->ifname);
	check_report(c, "host_end_up", h->flags & IFF_UP, fix, what, "%s",
		     h->flags & IFF_UP ? "up" : "down");
	snprintf(what, sizeof(what), "host end %s is a bridge port", h->ifname);
	if (c->bridge)
		snprintf(fix, sizeof(fix), "%s link set %s master %s",
			 c->host_ip, h->ifname, c->bridge->ifname);
	else
		snprintf(fix, sizeof(fix), "br-attach%s%s BRIDGE %s",
			 c->env->host_netns ? " -n " : "",
			 c->env->host_netns ? c->env->host_netns : "",
			 h->ifname);
	check_report(c, "enslaved", c->enslaved, fix, what, "%s",
		     c->enslaved ? c->bridge->ifname : "on no bridge");
}

void check_bridge(struct check *c)
{
	const struct nl_link *b = c->bridge;
	char fix[PATH_MAX + 256], what[96], g[PW_ADDRSTRLEN];

	if (!b)
		return;
	snprintf(what, sizeof(what), "bridge %s is up", b->ifname);
	snprintf(fix, sizeof(fix), "%s link set %s up", c->host_ip, b->ifname);
	check_report(c, "bridge_up", b->flags & IFF_UP, fix, what, "%s",
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
		check_report(c, "bridge_gw", holds, fix, what, "%s",
			     holds ? "yes" : "no");
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
				     check_families[f].forward_key, value,
				     sizeof(value));
		snprintf(what, sizeof(what), "the host forwards %s",
			 check_families[f].name);
		snprintf(fix, sizeof(fix), "%ssysctl -w %s=1", c->host_exec,
			 check_families[f].forward_sysctl);
		check_report(c, "forwarding", !err && !strcmp(value, "1"), fix,
			     what, "%s = %s", check_families[f].forward_sysctl,
			     err ? strerror(-err) : value);
	}
}

static const char *family_word(int nfproto)
{
	return nfproto == NFPROTO_INET ? "inet" :
	       nfproto == NFPROTO_IPV6 ? "ip6" :
					 "ip";
}

void check_masquerade(struct check *c)
{
	for (size_t f = 0; f < FAMILIES; f++) {
		const struct ruleset_rule *hit;
		const struct pw_addr *a;
		char fix[PATH_MAX + 256], what[96], net[PW_ADDRSTRLEN];
		struct pw_prefix subnet;

		if (!c->wants[f])
			continue;
		a = &c->want[f].addr;
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
		hit = ruleset_masquerade_for(&c->rs, a);
		snprintf(fix, sizeof(fix), "nat-out%s%s%s%s %s",
			 c->env->host_netns ? " -n " : "",
			 c->env->host_netns ? c->env->host_netns : "",
			 c->bridge ? " --bridge " : "",
			 c->bridge ? c->bridge->ifname : "", net);
		if (hit)
			check_report(c, "masquerade", true, NULL, what,
				     "%s %s chain %s, handle %llu",
				     family_word(hit->family), hit->table,
				     hit->chain,
				     (unsigned long long)hit->handle);
		else
			check_report(c, "masquerade", false, fix, what,
				     "no nat postrouting rule masquerades it");
	}
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
			 c->host_exec, family_word(ch->family), ch->table,
			 ch->name, word, net, c->host_exec,
			 family_word(ch->family), ch->table, ch->name, word,
			 net);
}

void check_forward_path(struct check *c)
{
	for (size_t f = 0; f < FAMILIES; f++) {
		const struct ruleset_chain *dropper;
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
		dropper = ruleset_forward_dropper(
			&c->rs, a, c->bridge ? c->bridge->ifname : NULL,
			&handle);
		if (!dropper) {
			check_report(c, "forward_path", true, NULL, what,
				     "nothing in the forward path drops it");
			continue;
		}
		forward_fix(c, dropper, net, a->family, fix, sizeof(fix));
		if (handle)
			check_report(
				c, "forward_path", false, fix, what,
				"%s %s chain %s drops it (rule handle %llu)",
				family_word(dropper->family), dropper->table,
				dropper->name, (unsigned long long)handle);
		else
			check_report(
				c, "forward_path", false, fix, what,
				"%s %s chain %s has policy drop and no rule "
				"accepts it",
				family_word(dropper->family), dropper->table,
				dropper->name);
	}
}
