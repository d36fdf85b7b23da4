// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cni_check.c - CHECK: the attachment as prevResult says it is, in the
 * container, on the host, in the lease store and in nftables.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni.h"
#include "nft.h"
#include "ns.h"
#include "ns_cache.h"
#include "owner.h"
#include "route.h"

/* ---- CHECK -------------------------------------------------------------- */

/* CHECK found the attachment not as prevResult says. */
static __attribute__((format(printf, 2, 3))) int differs(struct cni_err *err,
							 const char *fmt, ...)
{
	va_list ap;

	cni_fail(err, CNI_ERR_INTERNAL, "attachment differs", "%s", "");
	va_start(ap, fmt);
	vsnprintf(err->details, sizeof(err->details), fmt, ap);
	va_end(ap);
	return err->code;
}

/* The host end: a veth marked for this attachment, up, on the bridge. */
static int check_host_end(const struct cni_env *env, const struct cni_conf *c,
			  struct cni_err *err)
{
	struct ns_handle host;
	struct nl_link l, br;
	char name[IFNAMSIZ];
	struct owner o;
	int e = ns_peek(NULL, &host);

	cni_host_ifname(env->cid, env->ifname, name);
	if (e)
		return cni_internal(err, "cannot open rtnetlink", e, NULL);
	if (nl_link_get(host.nl, 0, name, &l) || strcmp(l.kind, "veth") ||
	    !owner_parse(l.alias, &o) ||
	    !owner_names_attachment(&o, env->cid, env->ifname))
		return differs(err, "the host end %s is missing", name);
	if (!(l.flags & IFF_UP))
		return differs(err, "the host end %s is down", name);
	if (nl_link_get(host.nl, 0, c->bridge, &br) || br.ifindex != l.master)
		return differs(err, "the host end %s is no port of %s", name,
			       c->bridge);
	if (!(br.flags & IFF_UP))
		return differs(err, "the bridge %s is down", c->bridge);
	return 0;
}

static int check_addrs(struct nl *nl, const struct nl_link *l,
		       const struct cni_prev *prev, struct cni_err *err)
{
	struct nl_addr *addrs;
	size_t n;
	char text[PW_ADDRSTRLEN];
	int e = nl_addr_list(nl, AF_UNSPEC, l->ifindex, &addrs, &n);

	if (e)
		return cni_internal(err, "cannot list addresses", e, NULL);
	for (size_t i = 0; i < prev->naddrs && !e; i++) {
		bool found = false;

		for (size_t j = 0; j < n && !found; j++)
			found = addrs[j].prefix.len == prev->addrs[i].len &&
				addr_equal(&addrs[j].prefix.addr,
					   &prev->addrs[i].addr);
		if (!found)
			e = differs(err, "address %s is missing on %s",
				    addr_format_prefix(&prev->addrs[i], text,
						       sizeof(text)),
				    l->ifname);
	}
	free(addrs);
	return e;
}

static int check_routes(struct nl *nl, const struct cni_prev *prev,
			struct cni_err *err)
{
	char text[PW_ADDRSTRLEN], gw[PW_ADDRSTRLEN + 8];

	for (size_t i = 0; i < prev->nroutes; i++) {
		if (route_present(nl, &prev->routes[i], &prev->route_gws[i]))
			continue;
		snprintf(gw, sizeof(gw), "%s%s",
			 prev->route_gws[i].family ? " via " : "",
			 prev->route_gws[i].family ?
				 addr_format(&prev->route_gws[i], text,
					     sizeof(text)) :
				 "");
		addr_format_prefix(&prev->routes[i], text, sizeof(text));
		return differs(err,
			       "the route to %s%s is missing in the "
			       "container",
			       text, gw);
	}
	return 0;
}

/* The leases: each prevResult address is this attachment's in the store. */
static int check_leases(const struct cni_env *env, const struct cni_prev *prev,
			struct cni_err *err)
{
	const struct lease_owner who = { .ifname = env->ifname,
					 .cid = env->cid };
	char text[PW_ADDRSTRLEN];

	for (size_t i = 0; i < prev->naddrs; i++) {
		struct pw_prefix held;

		if (ipam_lookup(&who, prev->addrs[i].addr.family, &held) &&
		    addr_equal(&held.addr, &prev->addrs[i].addr))
			continue;
		return differs(err, "the lease of %s is not this attachment's",
			       addr_format(&prev->addrs[i].addr, text,
					   sizeof(text)));
	}
	return 0;
}

static int check_masquerade(const struct cni_conf *c, struct cni_err *err)
{
	struct nft_masq *rules;
	size_t n;
	char text[PW_ADDRSTRLEN];
	int e;

	if (!c->ip_masq)
		return 0;
	e = cni_masq_rules(&rules, &n);
	if (e && e != -ENOENT)
		return cni_internal(err, "cannot list masquerade rules", e,
				    NULL);
	for (size_t i = 0; i < c->nranges && !e; i++) {
		struct pw_prefix net = addr_network(&c->ranges[i].subnet);

		if (!cni_masqueraded(rules, n, &net))
			e = differs(err, "the masquerade rule of %s is missing",
				    addr_format_prefix(&net, text,
						       sizeof(text)));
	}
	free(rules);
	return e == -ENOENT ? differs(err, "the masquerade rules are missing") :
			      e;
}

int cni_check(const struct cni_env *env, const struct cni_conf *c,
	      struct cni_err *err)
{
	struct cni_prev prev;
	struct ns_handle pod;
	struct nl_link l;
	char mac[18];
	int code;

	if (!c->prev)
		return cni_fail(err, CNI_ERR_CONFIG,
				"invalid network configuration", "%s",
				"CHECK needs prevResult");
	code = cni_prev_read(c->prev, env, &prev, err);
	if (!code)
		code = cni_open_container(env, err);
	if (code)
		return code;
	ns_peek(env->netns, &pod);
	if (nl_link_get(pod.nl, 0, env->ifname, &l) || strcmp(l.kind, "veth"))
		return differs(err, "%s is missing in %s", env->ifname,
			       env->netns);
	if (!(l.flags & IFF_UP))
		return differs(err, "%s is down in %s", env->ifname,
			       env->netns);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", prev.mac[0],
		 prev.mac[1], prev.mac[2], prev.mac[3], prev.mac[4],
		 prev.mac[5]);
	if (prev.has_mac && memcmp(prev.mac, l.mac, sizeof(l.mac)))
		return differs(err, "%s has another MAC than %s", env->ifname,
			       mac);
	code = check_addrs(pod.nl, &l, &prev, err);
	if (!code)
		code = check_routes(pod.nl, &prev, err);
	if (!code)
		code = check_host_end(env, c, err);
	if (!code)
		code = check_leases(env, &prev, err);
	if (!code)
		code = check_masquerade(c, err);
	return code;
}
