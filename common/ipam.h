/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipam.h - address leases from a pool, for veth-link --ipam.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Store layout, one directory per pool (the pool's text with '/' as '_'):
 *
 *   /run/podwire/ipam/10.244.0.0_24/
 *       lock               flock(2)ed around every read-modify-write;
 *                          never unlinked (RELIABILITY.md rule 8)
 *       cursor             offset of the address handed out last
 *       addr/10.244.0.2    a lease: "netns=pod1 ifname=eth0 created=T"
 *       pod/pod1@eth0      the same lease found by its owner: "10.244.0.2"
 *
 * A lease file is written whole to a temporary name, fsync()ed and then
 * link()ed to its address, which fails if the address is taken: a lease
 * is never half-written and never overwritten.  The next address is looked
 * for after the cursor, so handing out a pool's addresses one after another
 * costs O(1) each; only a full pool is scanned, once, to say so.  A re-run
 * for the same pod finds its lease through pod/ and gets the same address.
 *
 * /run is a tmpfs: leases vanish at reboot with the namespaces they name.
 */
#ifndef PODWIRE_IPAM_H
#define PODWIRE_IPAM_H

#include <stdbool.h>

#include "addr.h"
#include "rec.h"

#define IPAM_DIR "/run/podwire/ipam"

struct ipam_pool {
	struct pw_prefix net;
	struct pw_addr gateway;
	uint64_t first, last; /* offsets handed out: [first, last] */
	int dirfd; /* the pool's directory, -1 until opened */
	int lockfd; /* its lock file, -1 until first locked */
	bool fresh; /* the last assign made a new lease */
};

struct ipam {
	struct ipam_pool pools[2]; /* IPv4 first, then IPv6 */
	size_t npools;
};

/*
 * Parse "POOL[,POOL6]" and "GW[,GW6]" (gw_arg may be NULL: the first host
 * of each pool) and check them; the store is opened on first use.  Prints
 * why not and returns an exit status.
 */
int ipam_setup(struct ipam *ip, const char *pool_arg, const char *gw_arg);
void ipam_close(struct ipam *ip);

/*
 * Give the record's pod (netns, ifname) an address from each pool, into
 * addr / addr6 with the pool's prefix length.  A record that already has
 * an address of a pool's family asks for that address.  Prints why not
 * and returns an exit status (1 for a full pool or a taken address).
 */
int ipam_assign(struct ipam *ip, struct rec *r);
/* Give back what the last ipam_assign() newly leased (rollback). */
void ipam_undo_assign(struct ipam *ip, const struct rec *r);
/*
 * Release the pod's leases and put the released addresses into the
 * record.  Nothing leased is fine.
 */
int ipam_release(struct ipam *ip, struct rec *r);

/*
 * The address a pod (netns, ifname) holds in any pool of the store, with
 * its pool's prefix length; read-only and lock-free, for pod-inspect's
 * fixes.  false when it holds none of that family.
 */
bool ipam_lookup(const char *netns, const char *ifname, int family,
		 struct pw_prefix *out);

/* For tests: the text of a lease file is a record; parse its owner. */
bool ipam_parse_lease(const char *text, char *netns, size_t nsize, char *ifname,
		      size_t isize);

#endif
