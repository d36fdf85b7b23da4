// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * route.c - a pod's default route via its gateway.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <stdlib.h>

#include "route.h"

int route_default_add(struct nl *nl, const struct pw_addr *gw, bool *added,
		      struct pw_why *why)
{
	struct nl_route_req req = { .gateway = *gw };
	int err;

	req.dst.addr.family = gw->family;
	err = nl_put_route(nl, true, &req);
	if (!err)
		err = nl_commit(nl, NULL);
	*added = !err;
	/* Already there: fine when it goes via gw. */
	if (err == -EEXIST)
		err = nl_default_route_via(nl, gw);
	if (err && why)
		nl_why(nl, err, why->text, sizeof(why->text));
	return err;
}

void route_default_del(struct nl *nl, const struct pw_addr *gws, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct nl_route_req req = { .gateway = gws[i] };

		req.dst.addr.family = gws[i].family;
		if (!nl_put_route(nl, false, &req))
			nl_tolerate(nl, ESRCH);
	}
	nl_commit(nl, NULL);
}

bool route_present(struct nl *nl, const struct pw_prefix *dst,
		   const struct pw_addr *gw)
{
	struct nl_route *routes;
	size_t n;
	bool found = false;

	if (nl_route_list(nl, dst->addr.family, &routes, &n))
		return false;
	for (size_t i = 0; i < n && !found; i++)
		found = routes[i].dst.len == dst->len &&
			(!dst->len ||
			 addr_equal(&routes[i].dst.addr, &dst->addr)) &&
			(!gw->family || addr_equal(&routes[i].gateway, gw));
	free(routes);
	return found;
}

int route_add(struct nl *nl, const struct pw_prefix *dst,
	      const struct pw_addr *gw, bool *added, struct pw_why *why)
{
	struct nl_route_req req = { .dst = *dst, .gateway = *gw };
	int err;

	if (!dst->len)
		return route_default_add(nl, gw, added, why);
	err = nl_put_route(nl, true, &req);
	if (!err)
		err = nl_commit(nl, NULL);
	*added = !err;
	if (err == -EEXIST && route_present(nl, dst, gw))
		err = 0;
	if (err && why)
		nl_why(nl, err, why->text, sizeof(why->text));
	return err;
}
