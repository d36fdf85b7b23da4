/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * veth_rec.h - a record's veth pair: the spec its fields describe, and
 * what a failure says.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The pod's end is netns, ifname, addr and addr6; the other end the same
 * keys with host_ in front.
 */
#ifndef PODWIRE_VETH_REC_H
#define PODWIRE_VETH_REC_H

#include "rec.h"
#include "veth.h"

/* The spec of r's pair; it points into r, which must outlive it. */
void veth_rec_spec(const struct rec *r, unsigned mtu, unsigned queues,
		   struct veth_spec *s);

/* The one line that says why veth_pair_add() or _del() failed. */
void veth_rec_err(const struct rec *r, const struct veth_spec *s,
		  const struct veth_fail *f);

#endif
