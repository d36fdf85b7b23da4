// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check.c - pod-inspect --check.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ipam.h"
#include "probe.h"
#include "ruleset.h"
#include "sysctl.h"

#define GATEWAY_TRIES 3
#define GATEWAY_WAIT_MS 700
/* IFF_LOWER_UP is in <linux/if.h>, which clashes with <net/if.h>. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

/* What the checks work out once and share. */
struct check {
	const struct check_env *env;
	check_emit_fn emit;
	void *arg;
	int failures;

	char pod_ip[PATH_MAX + 32]; /* "ip -n pod1", "nsenter -t 7 -n ip" */
	char host_ip[PATH_MAX + 32]; /* "ip", "ip -n host" ... */
	char host_exec[PATH_MAX + 32]; /* "", "ip netns exec host " ... */

	const struct nl_link *lo;
	const struct nl_link *podif; /* the pod's interface to the world */
	const struct nl_addr *addr[2]; /* its IPv4 and IPv6 address */
	/*
	 * The address it should have, of each family: the one it has, else
	 * its IPAM lease.  Everything derived from the pod's subnet hangs on
	 * this, so a pod that lost its address still gets every fix at once.
	 */
	struct pw_prefix want[2];
	bool wants[2];
	const struct nl_route *defroute[2];
	const struct nl_link *host_end;
	const struct nl_link *bridge; /* its master, or the likely one */
	bool enslaved;
	struct pw_addr gw[2]; /* family 0: none known */

	struct ruleset rs;
	int rs_err; /* the ruleset could not be read: -errno */
};

/*
 * The families a pod may use, in the order struct check keeps what it
 * works out for each: its addr[], want[], defroute[] and gw[].
 */
static const struct family {
	int af;
	const char *name;
	const char *ip_flag; /* what ip(8) needs to be told of it */
	const char *forward_key; /* under /proc/sys */
	const char *forward_sysctl; /* as sysctl(8) names it */
} families[] = {
	{ AF_INET, "IPv4", "", "net/ipv4/ip_forward", "net.ipv4.ip_forward" },
	{ AF_INET6, "IPv6", "-6 ", "net/ipv6/conf/all/forwarding",
	  "net.ipv6.conf.all.forwarding" },
};

#define FAMILIES PW_ARRAY_SIZE(families)

/* The place of a family in families[]. */
static size_t family_slot(int af)
{
	return af == AF_INET ? 0 : 1;
}

static void report(struct check *c, const char *id, bool ok, const char *fix,
		   const char *what, const char *detail_fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void report(struct check *c, const char *id, bool ok, const char *fix,
		   const char *what, const char *detail_fmt, ...)
{
	struct check_result r = { .id = id, .ok = ok };
	va_list ap;

	pw_strlcpy(r.what, what, sizeof(r.what));
	va_start(ap, detail_fmt);
	vsnprintf(r.detail, sizeof(r.detail), detail_fmt, ap);
	va_end(ap);
	if (!ok && fix)
		pw_strlcpy(r.fix, fix, sizeof(r.fix));
	if (!ok)
		c->failures++;
	c->emit(&r, c->arg);
}

/* ---- Working out the topology ------------------------------------------- */

static void command_prefixes(struct check *c)
{
	const struct inspect_pod *pod = c->env->pod;
	const char *hn = c->env->host_netns;

	if (pod->name[0] || pod->found_name[0])
		snprintf(c->pod_ip, sizeof(c->pod_ip), "ip -n %s",
			 pod->name[0] ? pod->name : pod->found_name);
	else if (pod->pid)
		snprintf(c->pod_ip, sizeof(c->pod_ip), "nsenter -t %d -n ip",
			 (int)pod->pid);
	else
		snprintf(c->pod_ip, sizeof(c->pod_ip), "nsenter --net=%s ip",
			 pod->path);
	if (hn && strchr(hn, '/')) {
		/* ip -n and ip netns exec take names only. */
		snprintf(c->host_ip, sizeof(c->host_ip), "nsenter --net=%s ip",
			 hn);
		snprintf(c->host_exec, sizeof(c->host_exec),
			 "nsenter --net=%s ", hn);
	} else if (hn) {
		snprintf(c->host_ip, sizeof(c->host_ip), "ip -n %s", hn);
		snprintf(c->host_exec, sizeof(c->host_exec),
			 "ip netns exec %s ", hn);
	} else {
		pw_strlcpy(c->host_ip, "ip", sizeof(c->host_ip));
		c->host_exec[0] = '\0';
	}
}

/* The pod's interface to check: its first veth, else its first non-lo. */
static void find_interfaces(struct check *c)
{
	const struct inspect_pod *pod = c->env->pod;

	for (size_t i = 0; i < pod->nlinks; i++) {
		const struct nl_link *l = &pod->links[i];

		if (l->flags & IFF_LOOPBACK) {
			c->lo = c->lo ? c->lo : l;
			continue;
		}
		if (!c->podif || (strcmp(c->podif->kind, "veth") &&
				  !strcmp(l->kind, "veth")))
			c->podif = l;
	}
	if (!c->podif)
		return;
	for (size_t f = 0; f < FAMILIES; f++) {
		int family = families[f].af;

		c->addr[f] = inspect_addr(pod->addrs, pod->naddrs,
					  c->podif->ifindex, family);
		if (c->addr[f]) {
			c->want[f] = c->addr[f]->prefix;
			c->wants[f] = true;
		} else if (pod->name[0] || pod->found_name[0]) {
			const struct lease_owner who = {
				pod->name[0] ? pod->name : pod->found_name,
				c->podif->ifname,
			};

			c->wants[f] = ipam_lookup(&who, family, &c->want[f]);
		}
	}
	for (size_t i = 0; i < pod->nroutes; i++) {
		const struct nl_route *r = &pod->routes[i];
		size_t f = family_slot(r->dst.addr.family);

		if (r->dst.len == 0 && r->type == RTN_UNICAST &&
		    !c->defroute[f])
			c->defroute[f] = r;
	}
}

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

/*
 * The gateway a pod of this family should use: its default route's, else
 * its bridge's address in its subnet.
 */
static void find_gateways(struct check *c)
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

static void find_host_side(struct check *c)
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

/* ---- The checks inside the pod ------------------------------------------ */

static void check_lo(struct check *c)
{
	char fix[PATH_MAX + 64];
	bool up = c->lo && (c->lo->flags & IFF_UP);

	snprintf(fix, sizeof(fix), "%s link set lo up", c->pod_ip);
	report(c, "lo", up, fix, "loopback is up", "%s",
	       !c->lo ? "there is no lo" :
	       up     ? "up" :
			"down");
}

static void check_links_up(struct check *c)
{
	const struct inspect_pod *pod = c->env->pod;

	for (size_t i = 0; i < pod->nlinks; i++) {
		const struct nl_link *l = &pod->links[i];
		char what[64], fix[PATH_MAX + 64];
		bool up = l->flags & IFF_UP;

		if (l->flags & IFF_LOOPBACK)
			continue;
		snprintf(what, sizeof(what), "%s is up", l->ifname);
		snprintf(fix, sizeof(fix), "%s link set %s up", c->pod_ip,
			 l->ifname);
		report(c, "if_up", up, fix, what, "%s%s", up ? "up" : "down",
		       up && !(l->flags & IFF_LOWER_UP) ? " (no carrier)" : "");
	}
}

/*
 * Each family the pod should have (it has an address of it, or IPAM leased
 * it one) must have its address; the fix re-adds the lease.  A pod with
 * neither gets one line and a fix to fill in.
 */
static void check_address(struct check *c)
{
	const char *name = c->podif->ifname;
	char what[64], fix[PATH_MAX + 128], a[PW_ADDRSTRLEN];
	bool any = false;

	snprintf(what, sizeof(what), "%s has an address", name);
	for (size_t f = 0; f < FAMILIES; f++) {
		if (!c->wants[f])
			continue;
		any = true;
		addr_format_prefix(&c->want[f], a, sizeof(a));
		snprintf(fix, sizeof(fix), "%s %saddr add %s dev %s", c->pod_ip,
			 families[f].ip_flag, a, name);
		snprintf(what, sizeof(what), "%s has an %s address", name,
			 families[f].name);
		report(c, "address", c->addr[f] != NULL, fix, what, "%s",
		       c->addr[f] ? a : "none");
	}
	if (!any) {
		snprintf(fix, sizeof(fix), "%s addr add ADDR/LEN dev %s",
			 c->pod_ip, name);
		report(c, "address", false, fix, what, "none (and no lease)");
	}
}

static void check_routes(struct check *c)
{
	for (size_t f = 0; f < FAMILIES; f++) {
		const struct nl_route *r = c->defroute[f];
		char what[64], fix[PATH_MAX + 128], g[PW_ADDRSTRLEN];

		if (!c->wants[f])
			continue; /* no route is needed for a family not used */
		snprintf(what, sizeof(what), "default route (%s)",
			 families[f].name);
		if (c->gw[f].family)
			snprintf(fix, sizeof(fix),
				 "%s %sroute add default via %s", c->pod_ip,
				 families[f].ip_flag,
				 addr_format(&c->gw[f], g, sizeof(g)));
		if (r && r->gateway.family)
			report(c, "route", true, NULL, what, "via %s",
			       addr_format(&r->gateway, g, sizeof(g)));
		else
			report(c, "route", r != NULL,
			       c->gw[f].family ? fix : NULL, what, "%s",
			       r ? "a link route, no gateway" : "none");
	}
}

static void check_gateway(struct check *c)
{
	for (size_t f = 0; f < FAMILIES; f++) {
		char what[96], g[PW_ADDRSTRLEN];
		int err;

		if (!c->wants[f])
			continue;
		if (!c->gw[f].family) {
			report(c, "gateway", false, NULL, "the gateway answers",
			       "no gateway known (%s)", families[f].name);
			continue;
		}
		addr_format(&c->gw[f], g, sizeof(g));
		snprintf(what, sizeof(what), "gateway %s answers", g);
		if (!c->addr[f]) {
			report(c, "gateway", false, NULL, what,
			       "the pod has no %s address to ask from",
			       families[f].name);
			continue;
		}
		err = probe_echo(&c->env->pod->h, &c->gw[f], GATEWAY_TRIES,
				 GATEWAY_WAIT_MS);
		report(c, "gateway", !err, NULL, what, "%s",
		       !err		 ? "it answered an ICMP echo" :
		       err == -ETIMEDOUT ? "no reply to 3 ICMP echoes" :
					   strerror(-err));
	}
}

/* ---- The checks on the host --------------------------------------------- */

static void check_host_end(struct check *c)
{
	const struct nl_link *h = c->host_end;
	char fix[PATH_MAX + 256], what[96];

	if (strcmp(c->podif->kind, "veth")) {
		report(c, "host_end", false, NULL, "the pod's end is a veth",
		       "%s is %s", c->podif->ifname,
		       c->podif->kind[0] ? c->podif->kind : "not a veth");
		return;
	}
	report(c, "host_end", h != NULL, NULL, "its host end exists",
	       h ? "%s is %s's peer" :
		   "the peer of %s is not in the host's "
		   "namespace",
	       h ? h->ifname : c->podif->ifname, c->podif->ifname);
	if (!h)
		return;
	snprintf(what, sizeof(what), "host end %s is up", h->ifname);
	snprintf(fix, sizeof(fix), "%s link set %s up", c->host_ip, h->ifname);
	report(c, "host_end_up", h->flags & IFF_UP, fix, what, "%s",
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
	report(c, "enslaved", c->enslaved, fix, what, "%s",
	       c->enslaved ? c->bridge->ifname : "on no bridge");
}

static void check_bridge(struct check *c)
{
	const struct nl_link *b = c->bridge;
	char fix[PATH_MAX + 256], what[96], g[PW_ADDRSTRLEN];

	if (!b)
		return;
	snprintf(what, sizeof(what), "bridge %s is up", b->ifname);
	snprintf(fix, sizeof(fix), "%s link set %s up", c->host_ip, b->ifname);
	report(c, "bridge_up", b->flags & IFF_UP, fix, what, "%s",
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
		report(c, "bridge_gw", holds, fix, what, "%s",
		       holds ? "yes" : "no");
	}
}

static void check_forwarding(struct check *c)
{
	for (size_t f = 0; f < FAMILIES; f++) {
		char value[16] = "", fix[PATH_MAX + 96], what[64];
		int err;

		if (!c->wants[f])
			continue;
		err = ns_sysctl_read(&c->env->host->h, families[f].forward_key,
				     value, sizeof(value));
		snprintf(what, sizeof(what), "the host forwards %s",
			 families[f].name);
		snprintf(fix, sizeof(fix), "%ssysctl -w %s=1", c->host_exec,
			 families[f].forward_sysctl);
		report(c, "forwarding", !err && !strcmp(value, "1"), fix, what,
		       "%s = %s", families[f].forward_sysctl,
		       err ? strerror(-err) : value);
	}
}

static const char *family_word(int nfproto)
{
	return nfproto == NFPROTO_INET ? "inet" :
	       nfproto == NFPROTO_IPV6 ? "ip6" :
					 "ip";
}

static void check_masquerade(struct check *c)
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
			report(c, "masquerade", false, NULL, what,
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
			report(c, "masquerade", true, NULL, what,
			       "%s %s chain %s, handle %llu",
			       family_word(hit->family), hit->table, hit->chain,
			       (unsigned long long)hit->handle);
		else
			report(c, "masquerade", false, fix, what,
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

static void check_forward_path(struct check *c)
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
			report(c, "forward_path", false, NULL, what,
			       "cannot read the nftables ruleset: %s",
			       strerror(-c->rs_err));
			continue;
		}
		dropper = ruleset_forward_dropper(
			&c->rs, a, c->bridge ? c->bridge->ifname : NULL,
			&handle);
		if (!dropper) {
			report(c, "forward_path", true, NULL, what,
			       "nothing in the forward path drops it");
			continue;
		}
		forward_fix(c, dropper, net, a->family, fix, sizeof(fix));
		if (handle)
			report(c, "forward_path", false, fix, what,
			       "%s %s chain %s drops it (rule handle %llu)",
			       family_word(dropper->family), dropper->table,
			       dropper->name, (unsigned long long)handle);
		else
			report(c, "forward_path", false, fix, what,
			       "%s %s chain %s has policy drop and no rule "
			       "accepts it",
			       family_word(dropper->family), dropper->table,
			       dropper->name);
	}
}

static void check_to(struct check *c, const struct pw_addr *to)
{
	struct nl_route r;
	char what[96], t[PW_ADDRSTRLEN], g[PW_ADDRSTRLEN];
	int err = nl_route_lookup(c->env->pod->h.nl, to, &r);

	addr_format(to, t, sizeof(t));
	snprintf(what, sizeof(what), "%s is reachable from the pod", t);
	if (err) {
		report(c, "to", false, NULL, what, "no route to it: %s",
		       strerror(-err));
		return;
	}
	err = probe_echo(&c->env->pod->h, to, GATEWAY_TRIES, GATEWAY_WAIT_MS);
	report(c, "to", !err, NULL, what, "%s (via %s)",
	       !err		 ? "it answered an ICMP echo" :
	       err == -ETIMEDOUT ? "no reply to 3 ICMP echoes" :
				   strerror(-err),
	       r.gateway.family ? addr_format(&r.gateway, g, sizeof(g)) :
				  "a direct route");
}

int check_pod(const struct check_env *env, check_emit_fn emit, void *arg)
{
	struct check c = { .env = env, .emit = emit, .arg = arg };

	command_prefixes(&c);
	find_interfaces(&c);
	check_lo(&c);
	if (!c.podif) {
		report(&c, "if_up", false, NULL, "the pod has an interface",
		       "only lo: nothing connects it");
		return c.failures;
	}
	find_host_side(&c);
	find_gateways(&c);
	c.rs_err = ruleset_read(&c.rs);
	check_links_up(&c);
	check_address(&c);
	check_routes(&c);
	check_gateway(&c);
	check_host_end(&c);
	check_bridge(&c);
	check_forwarding(&c);
	check_masquerade(&c);
	check_forward_path(&c);
	if (env->to)
		check_to(&c, env->to);
	ruleset_free(&c.rs);
	return c.failures;
}
