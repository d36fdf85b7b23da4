// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check.c - pod-inspect --check: the checklist in order, and the checks
 * made inside the pod (check_host.c has those made on the host).
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check_priv.h"
#include "ipam.h"
#include "probe.h"

const struct check_family check_families[2] = {
	{ AF_INET, "IPv4", "" },
	{ AF_INET6, "IPv6", "-6 " },
};

void check_report(struct check *c, const char *id, bool ok, const char *fix,
		  const char *what, const char *detail_fmt, ...)
{
	struct check_result r = { .id = id, .ok = ok };
	size_t n;
	va_list ap;

	pw_strlcpy(r.what, what, sizeof(r.what));
	va_start(ap, detail_fmt);
	vsnprintf(r.detail, sizeof(r.detail), detail_fmt, ap);
	va_end(ap);
	if (!ok && fix)
		pw_strlcpy(r.fix, fix, sizeof(r.fix));
	n = strlen(r.detail);
	if (!ok && !fix && c->refused && n < sizeof(r.detail))
		snprintf(r.detail + n, sizeof(r.detail) - n,
			 " (no fix: '%s' is not a name podwire puts in a "
			 "command)",
			 c->refused);
	c->refused = NULL;
	if (!ok)
		c->failures++;
	c->out->result(&r, c->out->arg);
}

const char *check_fix(struct check *c, const char *fix, const char *name,
		      const char *name2)
{
	if (!name_ifname_ok(name, NULL))
		c->refused = name;
	else if (name2 && !name_ifname_ok(name2, NULL))
		c->refused = name2;
	else
		return fix;
	return NULL;
}

/* [A-Za-z0-9_.-]+, not starting with '-': a word a shell takes as it is. */
const char *check_fix_word(struct check *c, const char *fix, const char *word)
{
	size_t len = strlen(word);

	if (len && word[0] != '-' &&
	    strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.-") == len)
		return fix;
	c->refused = word;
	return NULL;
}

const char *check_echo_words(int err)
{
	return !err		 ? "it answered an ICMP echo" :
	       err == -ETIMEDOUT ? "no reply to 3 ICMP echoes" :
				   strerror(-err);
}

/* ---- What the checks share --------------------------------------------- */

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
		int family = check_families[f].af;

		c->addr[f] = inspect_addr(pod->addrs, pod->naddrs,
					  c->podif->ifindex, family);
		if (c->addr[f]) {
			c->want[f] = c->addr[f]->prefix;
			c->wants[f] = true;
		} else if (pod->name[0] || pod->found_name[0]) {
			const struct lease_owner who = {
				.netns = pod->name[0] ? pod->name :
							pod->found_name,
				.ifname = c->podif->ifname,
			};

			c->wants[f] = ipam_lookup(&who, family, &c->want[f]);
		}
	}
	for (size_t i = 0; i < pod->nroutes; i++) {
		const struct nl_route *r = &pod->routes[i];
		size_t f = check_family_slot(r->dst.addr.family);

		if (r->dst.len == 0 && r->type == RTN_UNICAST &&
		    !c->defroute[f])
			c->defroute[f] = r;
	}
}

/* ---- The checks inside the pod ------------------------------------------ */

static void check_lo(struct check *c)
{
	/* Named as the kernel has it: root in the pod may rename lo. */
	const char *name = c->lo ? c->lo->ifname : "lo";
	char fix[PATH_MAX + 64];
	bool up = c->lo && (c->lo->flags & IFF_UP);

	snprintf(fix, sizeof(fix), "%s link set %s up", c->pod_ip, name);
	check_report(c, "lo", up, check_fix(c, fix, name, NULL),
		     "loopback is up", "%s",
		     !c->lo ? "there is no lo" :
		     up	    ? "up" :
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
		check_report(c, "if_up", up, check_fix(c, fix, l->ifname, NULL),
			     what, "%s%s", up ? "up" : "down",
			     up && !(l->flags & IFF_LOWER_UP) ?
				     " (no carrier)" :
				     "");
	}
}

/*
 * Each family the pod should have (it has an address of it, IPAM leased
 * it one, or the end it is joined to tells it) must have its address;
 * the fix adds the one it should have.  A pod with none of them gets one
 * line and a fix to fill in.
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
			 check_families[f].ip_flag, a, name);
		snprintf(what, sizeof(what), "%s has an %s address", name,
			 check_families[f].name);
		check_report(c, "address", c->addr[f] != NULL,
			     check_fix(c, fix, name, NULL), what, "%s",
			     c->addr[f] ? a : "none");
	}
	if (!any) {
		snprintf(fix, sizeof(fix), "%s addr add ADDR/LEN dev %s",
			 c->pod_ip, name);
		check_report(c, "address", false, check_fix(c, fix, name, NULL),
			     what, "none (and no lease)");
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
			 check_families[f].name);
		if (c->gw[f].family)
			snprintf(fix, sizeof(fix),
				 "%s %sroute add default via %s", c->pod_ip,
				 check_families[f].ip_flag,
				 addr_format(&c->gw[f], g, sizeof(g)));
		if (r && r->gateway.family)
			check_report(c, "route", true, NULL, what, "via %s",
				     addr_format(&r->gateway, g, sizeof(g)));
		else
			check_report(c, "route", r != NULL,
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
			check_report(c, "gateway", false, NULL,
				     "the gateway answers",
				     "no gateway known (%s)",
				     check_families[f].name);
			continue;
		}
		addr_format(&c->gw[f], g, sizeof(g));
		snprintf(what, sizeof(what), "gateway %s answers", g);
		if (!c->addr[f]) {
			check_report(c, "gateway", false, NULL, what,
				     "the pod has no %s address to ask from",
				     check_families[f].name);
			continue;
		}
		err = probe_echo(&c->env->pod->h, &c->gw[f], GATEWAY_TRIES,
				 GATEWAY_WAIT_MS);
		check_report(c, "gateway", !err, NULL, what, "%s",
			     check_echo_words(err));
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
		check_report(c, "to", false, NULL, what, "no route to it: %s",
			     strerror(-err));
		return;
	}
	err = probe_echo(&c->env->pod->h, to, GATEWAY_TRIES, GATEWAY_WAIT_MS);
	check_report(c, "to", !err, NULL, what, "%s (via %s)",
		     check_echo_words(err),
		     r.gateway.family ? addr_format(&r.gateway, g, sizeof(g)) :
					"a direct route");
}

/* A pod wired through the host, by a bridge or routed. */
static void check_through_host(struct check *c)
{
	check_routes(c);
	check_gateway(c);
	check_host_end(c);
	if (c->topo.kind == CHECK_TOPO_BRIDGED) {
		check_bridge(c);
		check_unique(c);
	} else
		check_routed_host(c);
	c->rs_err = ruleset_read(&c->rs);
	check_forwarding(c);
	check_masquerade(c);
	check_forward_path(c);
	ruleset_free(&c->rs);
}

int check_pod(const struct check_env *env, const struct check_sink *out)
{
	struct check c = { .env = env, .out = out };

	command_prefixes(&c);
	find_interfaces(&c);
	check_recognise(&c);
	if (out->topology)
		out->topology(&c.topo, out->arg);
	check_lo(&c);
	if (!c.podif) {
		check_report(&c, "if_up", false, NULL,
			     "the pod has an interface",
			     "only lo: nothing connects it");
		return c.failures;
	}
	check_links_up(&c);
	check_address(&c);
	switch (c.topo.kind) {
	case CHECK_TOPO_BRIDGED:
	case CHECK_TOPO_ROUTED:
		check_through_host(&c);
		break;
	case CHECK_TOPO_CABLE:
		check_cable(&c);
		break;
	default:
		/* Whatever it is wired to, its own routes and a real echo
		 * to its gateway still tell something. */
		check_routes(&c);
		check_gateway(&c);
		check_host_end(&c);
		break;
	}
	if (env->to)
		check_to(&c, env->to);
	check_forget(&c);
	return c.failures;
}
