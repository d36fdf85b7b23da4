/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * veth.h - a veth pair: made (or found again), configured end by end,
 * rolled back on failure, and deleted only when its mark proves it is
 * the one asked for.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Making it: one RTM_NEWLINK creates both ends with the peer already in
 * its namespace; then each end, the pod's first, gets accept_ra 0 (no
 * router advertisements) unless it asked for SLAAC, and then, as one
 * batch, the podwire mark (owner.h), IPv6 address generation off unless
 * it carries IPv6 or asked for SLAAC, its link up, and its addresses.
 * Every run does this again, so a re-run converges.  A name that is
 * taken is looked at: this pod's pair, marked and complete, is used as it
 * is (a re-run); a host end marked for this pod whose peer is gone is left
 * from an earlier pod of the same name and is replaced; anything else is
 * refused.  A failure after the pair was made deletes it.  The mark can't
 * go with the create (the kernel ignores IFLA_IFALIAS there), so an
 * intent (intent.h) under the host end's key says what is being made
 * until the mark is on: a re-run after a kill in between adopts the
 * unmarked pair it finds, and -D deletes it.
 *
 * Deleting it: through its peer (host) end, else its pod end, and only
 * when the end is a veth whose mark names the pod end asked for.  When
 * the pod's namespace has lost its name (deleted, or held by a process
 * after ip netns del), the host end is the way to the pair.
 */
#ifndef PODWIRE_VETH_H
#define PODWIRE_VETH_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "util.h"

/* One end of the pair. */
struct veth_end {
	const char *netns; /* a name or a path; NULL: the caller's namespace */
	const char *ifname;
	struct pw_prefix addrs[2]; /* at most one of each family */
	size_t naddrs;
	/*
	 * Take IPv6 router advertisements (SLAAC): the namespace's defaults
	 * for accept_ra and address generation.  Without it the end takes
	 * none: any pod on a bridge can send one.
	 */
	bool slaac;
	/*
	 * The pod end only: a CNI attachment's container id.  The mark then
	 * names the pod end by it and ifname (owner.h), which is how a
	 * delete proves the pair; netns NULL on a delete means the
	 * namespace is not known (a CNI DEL may come without one), and the
	 * pair is deleted through the host end alone.
	 */
	const char *cid;
	bool set_mac; /* give the end this MAC address */
	uint8_t mac[6];
};

struct veth_spec {
	struct veth_end pod; /* the first end, the one the mark names */
	struct veth_end peer; /* the other: the host side of a pod */
	unsigned mtu; /* both ends; 0: the kernel's */
	unsigned queues; /* per end and direction; 0: the kernel's */
};

/* What was made. */
struct veth_made {
	uint8_t mac[6]; /* the pod end's */
	bool has_mac;
	bool existed; /* found complete from an earlier run; left as it was */
};

enum veth_step {
	VETH_STEP_NETNS, /* name: the namespace that can't be used */
	VETH_STEP_LOOKUP, /* name: the interface that can't be looked up */
	VETH_STEP_TAKEN, /* a name is taken by something else (why says) */
	VETH_STEP_CREATE, /* the create itself */
	VETH_STEP_CONFIGURE, /* end: the end that can't be configured */
	VETH_STEP_REFUSED, /* name: an end that is not the pair asked for */
	VETH_STEP_DELETE, /* name: the end the delete failed through */
};

/* Where an add or delete stopped, and why. */
struct veth_fail {
	enum veth_step step;
	const char *name;
	const struct veth_end *end;
	struct pw_why why;
};

/* Make the pair, or find it made.  0, or -errno with fail filled. */
int veth_pair_add(const struct veth_spec *s, struct veth_made *out,
		  struct veth_fail *fail);

/*
 * Delete the pair if it is there; gone (or its namespace gone) is fine.
 * Only the names of the ends are used.  0, or -errno with fail filled.
 */
int veth_pair_del(const struct veth_spec *s, struct veth_fail *fail);

/*
 * The host-side name of a pod's interface when none is given: "veth" and
 * 8 hex digits of a hash of netns and ifname, so a re-run for the same
 * pod finds the same name.
 */
void veth_host_ifname(const char *netns, const char *ifname,
		      char out[IFNAMSIZ]);

#endif
