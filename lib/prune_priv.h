/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prune_priv.h - what the files of prune.h share while they look.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * prune.c runs the look, kind after kind, and keeps the plan;
 * prune_links.c judges the links here (orphans, half-made objects, empty
 * bridges); prune_store.c the store and the rules (leases, empty
 * namespaces, NAT); prune_remove.c removes what was planned.
 */
#ifndef PODWIRE_PRUNE_PRIV_H
#define PODWIRE_PRUNE_PRIV_H

#include "nl.h"
#include "owner.h"
#include "prune.h"

struct prune_scan {
	const struct prune_opts *o;
	int64_t now;
	struct nl *nl; /* the namespace here */
	uint64_t here_net; /* its nsfs inode (intent_here()) */
	struct nl_link *links; /* by ifindex */
	size_t nlinks;
	/* Per link: its podwire mark, parsed once (marked[i]: it has one),
	 * and whether the plan removes it. */
	struct owner *marks;
	bool *marked;
	bool *planned;
	struct ipam_lease *leases;
	size_t nleases;
	struct prune_plan *plan;
	struct prune_fail *fail;
};

/* Is something created at t (0: not known, so old) past the grace? */
bool prune_old_enough(const struct prune_scan *s, int64_t t);

/* A new item of the plan, zeroed but for reason and what; NULL: -ENOMEM. */
struct prune_item *prune_add(struct prune_scan *s, enum prune_reason reason,
			     enum prune_object what);

/* Is the link of ifindex planned to go (a veth or a bridge)? */
bool prune_link_planned(const struct prune_scan *s, unsigned ifindex);
/* The link of ifindex is planned to go. */
void prune_link_plan(struct prune_scan *s, unsigned ifindex);

/* The link here of ifindex, or NULL. */
const struct nl_link *prune_link_at(const struct prune_scan *s,
				    unsigned ifindex);

/* The link here called ifname, or NULL. */
const struct nl_link *prune_link_named(const struct prune_scan *s,
				       const char *ifname);

/*
 * Is /run/netns/NAME the placeholder a killed create left: an empty
 * file with no namespace (nor anything else) mounted on it?
 */
bool prune_placeholder(const char *name);

/* Fill s->fail and return err. */
int prune_failed(struct prune_scan *s, const char *what, int err);

/* The kinds, in the order they are looked for. */
int prune_orphans(struct prune_scan *s);
int prune_half_made(struct prune_scan *s);
int prune_empty_netns(struct prune_scan *s);
int prune_leases(struct prune_scan *s);
int prune_empty_bridges(struct prune_scan *s);
int prune_nat(struct prune_scan *s);

#endif
