// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bridge_pods.c - the addresses of the pods on a bridge.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "nl.h"
#include "ns_cache.h"
#include "owner.h"

/* Grow the array by one entry; NULL when it can't. */
static struct bridge_pod_addr *append(struct bridge_pod_addr **arr, size_t *n)
{
	struct bridge_pod_addr *grown = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (!grown)
		return NULL;
	*arr = grown;
	return &grown[(*n)++];
}

/*
 * The pod end of the marked veth port l: its namespace (by the mark's
 * name, and only if that name still leads to the namespace the peer is
 * in) and the peer's index there.  false for any other port.
 */
static bool pod_end(struct nl *host, const struct nl_link *l, struct owner *o,
		    struct ns_handle *pod)
{
	int nsid;

	if (strcmp(l->kind, "veth") || l->link_netnsid < 0 || !l->link ||
	    !owner_parse(l->alias, o) || o->bridge[0] || !o->netns[0] ||
	    ns_peek(o->netns, pod))
		return false;
	return !nl_netns_id(host, pod->fd, &nsid) && nsid == l->link_netnsid;
}

/* The addresses of the pod end of port l, appended to the array. */
static int add_pod(struct nl *host, const struct nl_link *l,
		   struct bridge_pod_addr **arr, size_t *n)
{
	struct ns_handle pod;
	struct nl_addr *addrs;
	struct owner o;
	size_t na;
	int err;

	if (!pod_end(host, l, &o, &pod))
		return 0;
	err = nl_addr_list(pod.nl, AF_UNSPEC, l->link, &addrs, &na);
	if (err)
		return err == -ENODEV ? 0 : err;
	for (size_t i = 0; i < na && !err; i++) {
		struct bridge_pod_addr *a;

		if (addrs[i].scope != RT_SCOPE_UNIVERSE)
			continue; /* link-local: every pod has its own */
		a = append(arr, n);
		if (!a) {
			err = -ENOMEM;
			break;
		}
		a->port = l->ifindex;
		pw_strlcpy(a->netns, o.netns, sizeof(a->netns));
		pw_strlcpy(a->ifname, o.ifname, sizeof(a->ifname));
		a->addr = addrs[i].prefix;
	}
	free(addrs);
	return err;
}

int bridge_pod_addrs(unsigned bridge, struct bridge_pod_addr **out, size_t *n)
{
	struct nl_link *links;
	struct ns_handle host;
	size_t nl_n;
	int err = ns_peek(NULL, &host);

	*out = NULL;
	*n = 0;
	if (err)
		return err;
	err = nl_link_list(host.nl, &links, &nl_n);
	if (err)
		return err;
	for (size_t i = 0; i < nl_n && !err; i++)
		if (links[i].master == bridge)
			err = add_pod(host.nl, &links[i], out, n);
	free(links);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

const struct bridge_pod_addr *
bridge_pod_holder(const struct bridge_pod_addr *all, size_t n, unsigned port,
		  const struct pw_addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (all[i].port != port && addr_equal(&all[i].addr.addr, a))
			return &all[i];
	return NULL;
}
