/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * veth.h - a record's veth pair, for veth-link.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The pair is read from a record: the pod's end from netns, ifname, addr
 * and addr6, the other end from the same keys with host_ in front.
 *
 * Making it: one RTM_NEWLINK creates both ends with the peer already in
 * its namespace; then each end, the pod's first, gets the podwire mark
 * (owner.h), IPv6 address generation off and accept_ra 0 unless it carries
 * IPv6, its link up, and its addresses, as one batch.  A name that is
 * taken is looked at: this pod's pair, marked and complete, is used as it
 * is (a re-run); a host end marked for this pod whose peer is gone is left
 * from an earlier pod of the same name and is replaced; anything else is
 * an error.  A failure after the pair was made deletes it.
 *
 * Deleting it: through its host end, else its pod end, and only when the
 * end is a veth whose mark names the record's first endpoint.  A pair
 * whose namespace is gone is the kernel's to reap.
 *
 * Both print why not with stage_err() and return an exit status.
 */
#ifndef PODWIRE_VETH_H
#define PODWIRE_VETH_H

#include "rec.h"

struct veth_opts {
	unsigned mtu; /* 0: the kernel's */
	unsigned queues; /* per end and direction; 0: the kernel's */
};

/* Make or find the record's pair; adds mac= (the pod end's MAC). */
int veth_pair_up(struct rec *r, const struct veth_opts *vo);
/* Delete the record's pair if it is there; gone is fine. */
int veth_pair_down(const struct rec *r);

#endif
