/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge_rec.h - what a bridge failure says.
 *
 * Copyright (C) 2026 The podwire developers
 */
#ifndef PODWIRE_BRIDGE_REC_H
#define PODWIRE_BRIDGE_REC_H

#include "bridge.h"
#include "rec.h"

/* The bridge as a whole (made, found, deleted): no record to name. */
void bridge_rec_err(const char *bridge, const struct bridge_fail *f);

/* A port that could not be attached to, or detached from, the bridge. */
void bridge_rec_port_err(const struct rec *r, const char *bridge,
			 const char *port, bool attaching,
			 const struct bridge_fail *f, int err);

/*
 * The addresses of the pods on a bridge, loaded at the first pod that
 * asks and kept up to date as the run attaches pods.
 */
struct bridge_held {
	struct bridge_pod_addr *a;
	size_t n;
	bool loaded;
};

/*
 * Is an address of the record's pod held by another pod on the bridge
 * (ifindex, named name)?  Prints why (naming the holder) and returns
 * an exit status; changes nothing.
 */
int bridge_rec_check_unique(const struct rec *r, struct bridge_held *h,
			    unsigned bridge, const char *name);
/* The record's pod, attached now: its addresses join the table. */
void bridge_rec_held_add(struct bridge_held *h, const struct rec *r);
void bridge_rec_held_free(struct bridge_held *h);

#endif
