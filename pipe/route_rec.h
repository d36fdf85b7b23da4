/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * route_rec.h - a record's pod routed through its bridge: "default via
 * GW" in the pod's namespace for each of its addresses a gateway serves.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The pod is netns=, its addresses addr= and addr6=; the gateway used is
 * written back as gw= and gw6=.  A gateway serves an address when it lies
 * in the address's own subnet, the only gateway a route can reach.
 */
#ifndef PODWIRE_ROUTE_REC_H
#define PODWIRE_ROUTE_REC_H

#include "addr.h"
#include "nl.h"
#include "rec.h"

/*
 * May the record's pod sit behind gws (at most one per family) on
 * bridge?  Its address must not be a gateway's, and when it is to be
 * routed (routing), each of its addresses must lie in the subnet of the
 * gateway of its family, or no default route could reach that gateway.
 * Prints why not and returns an exit status; changes nothing.
 */
int route_rec_check(const struct rec *r, const struct pw_prefix *gws,
		    size_t ngw, const char *bridge, bool routing);

/*
 * Route the record's pod via gws (at most one per family).  Nothing to do
 * when it names no namespace or no gateway serves it.  Atomic per record:
 * a route made for one family goes again when the other fails.  Prints
 * why not and returns an exit status.
 */
int route_rec_add(struct rec *r, const struct pw_prefix *gws, size_t ngw);

/*
 * Remove the pod's default routes through the gateways it was given (its
 * gw= and gw6=, else the one of gws that serves its address), using the
 * pod's socket nl.  Best effort: the pod is being taken apart.
 */
void route_rec_del(const struct rec *r, const struct pw_prefix *gws, size_t ngw,
		   struct nl *nl);

#endif
