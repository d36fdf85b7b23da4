/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * route.h - a pod's default route via its gateway.
 *
 * Copyright (C) 2026 The podwire developers
 */
#ifndef PODWIRE_ROUTE_H
#define PODWIRE_ROUTE_H

#include <stdbool.h>

#include "addr.h"
#include "nl.h"

/*
 * "default via gw" in the namespace of nl, unless it has exactly that
 * already; *added when this call made it.  -EEXIST: its default route of
 * that family goes elsewhere, which is not replaced.  why: the kernel's.
 */
int route_default_add(struct nl *nl, const struct pw_addr *gw, bool *added,
		      struct pw_why *why);

/*
 * "dst via gw" in the namespace of nl (dst of length 0: the default
 * route, as route_default_add()), unless a route to dst via gw is there
 * already; *added when this call made it.  -EEXIST: a route to dst goes
 * elsewhere, which is not replaced.
 */
int route_add(struct nl *nl, const struct pw_prefix *dst,
	      const struct pw_addr *gw, bool *added, struct pw_why *why);

/* Is there a route to dst (main table) via gw (family 0: any)? */
bool route_present(struct nl *nl, const struct pw_prefix *dst,
		   const struct pw_addr *gw);

/*
 * Remove "default via gws[i]" for each, in one batch; a route that is
 * gone is fine, and nothing else is reported (a pod being taken apart).
 */
void route_default_del(struct nl *nl, const struct pw_addr *gws, size_t n);

#endif
