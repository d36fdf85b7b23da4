/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge.h - a Linux bridge and its ports, for br-attach.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * A bridge podwire makes carries the mark "podwire: bridge=NAME created=T"
 * (owner.h) and a random locally administered MAC: without a MAC of its
 * own a bridge takes the lowest MAC of its ports, and the pods' gateway
 * would change address as pods come and go.  It is deleted only when it
 * carries the mark and no port is left but those going away.
 *
 * Every function acts in the program's namespace, prints why not
 * (pw_err() or stage_err() with the record) and returns an exit status.
 */
#ifndef PODWIRE_BRIDGE_H
#define PODWIRE_BRIDGE_H

#include <stdbool.h>

#include "addr.h"
#include "rec.h"

/* BR_MAX_PORTS is 1024 and port number 0 is reserved. */
#define BRIDGE_PORTS_MAX 1023

struct bridge {
	const char *name;
	unsigned ifindex; /* 0 until found or made */
	/* Operands, not a pipeline: refusing to delete is then an error. */
	bool positional;
	/* Made with multicast snooping on (the kernel's default); podwire's
	 * default is off, see create() in bridge.c. */
	bool mcast_snooping;
};

/*
 * Make it if missing; it must be a bridge; bring it up, with mtu (0: keep)
 * and each gateway address (added once; IPv6 without DAD).
 */
int bridge_ensure(struct bridge *b, const struct pw_prefix *gws, size_t ngw,
		  unsigned mtu);
/* Find it, if it is there (absent is fine: ifindex stays 0). */
int bridge_find(struct bridge *b);

/*
 * Make host a port, up, and in hairpin mode if asked.  *newly is its
 * ifindex when it was not a port of this bridge before, else 0, so a
 * failure later for the record can bridge_release() it.
 */
int bridge_attach(const struct bridge *b, const struct rec *r, const char *host,
		  bool hairpin, unsigned *newly);
void bridge_release(unsigned ifindex);
/* Make host stop being a port of b; gone, or not a port, is fine. */
int bridge_detach(const struct bridge *b, const struct rec *r,
		  const char *host);

/*
 * Delete it if podwire made it and every port left is one leaving() says
 * is going away with its namespace (deleting a bridge sets its ports free).
 * In a pipeline, a bridge someone else made or others still use stays
 * (exit 0); given as an operand, that is an error.
 */
int bridge_delete(struct bridge *b,
		  bool (*leaving)(const char *ifname, void *arg), void *arg);

#endif
