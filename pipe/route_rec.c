// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * route_rec.c - a record's pod routed through its bridge.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>

#include "name.h"
#include "ns.h"
#include "ns_cache.h"
#include "route.h"
#include "route_rec.h"
#include "stage.h"

/* The pod's two families: each address key with the key of its gateway. */
static const struct {
	const char *addr;
	const char *gw;
	int family;
} families[] = {
	{ "addr", "gw", AF_INET },
	{ "addr6", "gw6", AF_INET6 },
};

/* The gateway of gws that serves a pod address (ADDR/LEN), or NULL. */
static const struct pw_prefix *gateway_for(const struct pw_prefix *gws,
					   size_t ngw, const char *addr)
{
	struct pw_prefix p;

	if (!addr || !addr_parse_prefix(addr, AF_UNSPEC, &p, NULL))
		return NULL;
	for (size_t i = 0; i < ngw; i++)
		if (addr_prefix_contains(&p, &gws[i].addr))
			return &gws[i];
	return NULL;
}

/* "pod1's address 10.244.0.1/24" or "the address 10.244.0.1/24". */
static const char *whose(const struct rec *r, const char *addr, char *buf,
			 size_t size)
{
	const char *netns = rec_get(r, "netns");

	snprintf(buf, size, "%s%s address %s", netns ? netns : "the",
		 netns ? "'s" : "", addr);
	return buf;
}

int route_rec_check(const struct rec *r, const struct pw_prefix *gws,
		    size_t ngw, const char *bridge, bool routing)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(families); i++) {
		const char *addr = rec_get(r, families[i].addr);
		const struct pw_prefix *gw =
			addr_prefix_of_family(gws, ngw, families[i].family);
		char g[PW_ADDRSTRLEN], who[PW_ADDRSTRLEN + PW_NETNS_MAX + 16];
		struct pw_prefix p;

		if (!addr || !gw ||
		    !addr_parse_prefix(addr, AF_UNSPEC, &p, NULL))
			continue;
		addr_format_prefix(gw, g, sizeof(g));
		if (addr_equal(&p.addr, &gw->addr)) {
			stage_err(r,
				  "%s is the gateway of bridge '%s': the pod "
				  "would answer for its own gateway",
				  whose(r, addr, who, sizeof(who)), bridge);
			return PW_EXIT_FAIL;
		}
		if (routing && !gateway_for(gw, 1, addr)) {
			stage_err(
				r,
				"%s is not in the subnet of gateway %s of "
				"bridge '%s': no default route could reach it",
				whose(r, addr, who, sizeof(who)), g, bridge);
			return PW_EXIT_FAIL;
		}
	}
	return PW_EXIT_OK;
}

/* "default via GW" in the pod; *added when this call made it. */
static int add_route(const struct rec *r, struct ns_handle *pod,
		     const struct pw_prefix *gw, bool *added)
{
	char g[PW_ADDRSTRLEN];
	struct pw_why why;
	int err = route_default_add(pod->nl, &gw->addr, added, &why);

	if (!err)
		return PW_EXIT_OK;
	addr_format(&gw->addr, g, sizeof(g));
	if (err == -EEXIST)
		stage_err(r,
			  "namespace '%s' already has another default "
			  "route; not replacing it with one via %s",
			  rec_get(r, "netns"), g);
	else
		stage_err(r, "cannot add the default route via %s in '%s': %s",
			  g, rec_get(r, "netns"), why.text);
	return PW_EXIT_FAIL;
}

/* The pod's namespace, which must not be the one the program runs in. */
static int open_pod(const struct rec *r, const char *netns,
		    struct ns_handle *pod)
{
	int err = ns_peek(netns, pod);

	if (err) {
		stage_err(r, "cannot use namespace '%s': %s", netns,
			  ns_strerror(err));
		return PW_EXIT_FAIL;
	}
	if (ns_is_current(pod->fd)) {
		stage_err(r,
			  "refusing to set a default route in '%s': it is "
			  "the namespace %s runs in",
			  netns, pw_prog());
		return PW_EXIT_FAIL;
	}
	return PW_EXIT_OK;
}

/* Does one of gws serve any of the pod's addresses? */
static bool served(const struct rec *r, const struct pw_prefix *gws, size_t ngw)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(families); i++)
		if (gateway_for(gws, ngw, rec_get(r, families[i].addr)))
			return true;
	return false;
}

int route_rec_add(struct rec *r, const struct pw_prefix *gws, size_t ngw)
{
	const char *netns = rec_get(r, "netns");
	const struct pw_prefix *made = NULL;
	struct ns_handle pod;
	int st;

	if (!netns || !served(r, gws, ngw))
		return PW_EXIT_OK;
	st = open_pod(r, netns, &pod);
	for (size_t i = 0; !st && i < PW_ARRAY_SIZE(families); i++) {
		const struct pw_prefix *gw =
			gateway_for(gws, ngw, rec_get(r, families[i].addr));
		char text[PW_ADDRSTRLEN];
		bool added;

		if (!gw)
			continue;
		st = add_route(r, &pod, gw, &added);
		if (!st &&
		    rec_set(r, families[i].gw,
			    addr_format(&gw->addr, text, sizeof(text)))) {
			stage_err(r,
				  "cannot set %s= in the record: it has no "
				  "room left",
				  families[i].gw);
			if (added)
				route_default_del(pod.nl, &gw->addr, 1);
			st = PW_EXIT_FAIL;
		}
		if (st) {
			/* The route made just now for the other family
			 * goes again. */
			if (made)
				route_default_del(pod.nl, &made->addr, 1);
			break;
		}
		made = added ? gw : NULL;
	}
	return st;
}

/* The gateway a family of the pod was routed through, if any. */
static bool record_gateway(const struct rec *r, const struct pw_prefix *gws,
			   size_t ngw, size_t family, struct pw_addr *out)
{
	const struct pw_prefix *gw =
		gateway_for(gws, ngw, rec_get(r, families[family].addr));
	const char *v = rec_get(r, families[family].gw);

	if (v && addr_parse(v, families[family].family, out, NULL))
		return true;
	if (gw)
		*out = gw->addr;
	return gw != NULL;
}

void route_rec_del(const struct rec *r, const struct pw_prefix *gws, size_t ngw,
		   struct nl *nl)
{
	struct pw_addr via[PW_ARRAY_SIZE(families)];
	size_t n = 0;

	for (size_t i = 0; i < PW_ARRAY_SIZE(families); i++)
		if (record_gateway(r, gws, ngw, i, &via[n]))
			n++;
	route_default_del(nl, via, n);
}
