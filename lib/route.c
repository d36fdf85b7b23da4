// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * route.c - a pod's default route via its gateway.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>

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
