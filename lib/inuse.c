// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inuse.c - is an object podwire shares between pods still in use?
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inuse.h"
#include "ipam.h"
#include "nl.h"
#include "ns.h"
#include "ns_cache.h"
#include "owner.h"

/* Does ifname, in the namespace of fd, hold an address of subnet? */
static bool holds_address(int fd, const char *ifname,
			  const struct pw_prefix *subnet)
{
	struct nl_addr *addrs = NULL;
	struct nl_link l;
	bool holds = false;
	struct nl *nl;
	size_t n = 0;

	if (nl_open(&nl, fd))
		return false;
	if (!nl_link_get(nl, 0, ifname, &l) &&
	    !nl_addr_list(nl, subnet->addr.family, l.ifindex, &addrs, &n))
		for (size_t i = 0; i < n && !holds; i++)
			holds = addr_prefix_contains(subnet,
						     &addrs[i].prefix.addr);
	free(addrs);
	nl_close(nl);
	return holds;
}

/*
 * A pod's end, named by the mark of its host end, holding an address of
 * subnet.  A namespace without its name any more is being reaped, or is
 * held by a process podwire can't reach: not counted.
 */
static bool pod_end_uses(const struct owner *o, const struct pw_prefix *subnet)
{
	int fd = ns_open(o->netns);
	bool uses;

	if (fd < 0)
		return false;
	uses = holds_address(fd, o->ifname, subnet);
	close(fd);
	return uses;
}

static int veth_user(const struct pw_prefix *subnet, struct inuse *u)
{
	struct nl_link *links;
	struct ns_handle host;
	size_t n;
	int err = ns_peek(NULL, &host);

	if (!err)
		err = nl_link_list(host.nl, &links, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n && !u->used; i++) {
		struct owner o;

		/* The host end of a pod: its mark names the pod's end. */
		if (strcmp(links[i].kind, "veth") ||
		    !owner_parse(links[i].alias, &o) || o.bridge[0] ||
		    !o.netns[0] || o.peer_netns[0] || !pod_end_uses(&o, subnet))
			continue;
		u->used = true;
		snprintf(u->example, sizeof(u->example), "%s:%s", o.netns,
			 o.ifname);
	}
	free(links);
	return 0;
}

int inuse_subnet(const struct pw_prefix *subnet, struct inuse *u)
{
	memset(u, 0, sizeof(*u));
	u->used = ipam_subnet_leased(subnet, u->example, sizeof(u->example));
	return u->used ? 0 : veth_user(subnet, u);
}
