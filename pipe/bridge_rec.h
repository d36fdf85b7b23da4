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

#endif
