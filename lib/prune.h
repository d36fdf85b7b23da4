/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prune.h - what podwire made and is provably stale, found and removed.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * An object is stale only by a fact the kernel or the store shows, never
 * by its name, and only if it carries podwire's mark (or a dead writer's
 * intent vouches for it) and is older than the grace period:
 *
 *   orphan        a marked veth end here whose mark's far end names a
 *                 namespace that is gone by that name, or whose name
 *                 leads to another namespace than the one the peer is
 *                 in (the kernel's nsid of each), while a process keeps
 *                 the peer's namespace alive (else the kernel reaps it)
 *   half-made     an orphaned intent (intent.h) and the unmarked veth,
 *                 the unmarked bridge without ports, or the placeholder
 *                 under /run/netns it names
 *   lease         an IPAM lease whose pod's namespace is gone and that
 *                 no marked veth here names, or that was written in
 *                 another boot and no marked veth here names
 *   empty-bridge  (asked for) a marked bridge without ports
 *   empty-netns   (asked for) a namespace netns-new made, by its record,
 *                 holding only lo and no process
 *   nat           (asked for) a rule of the podwire table whose subnet
 *                 no lease holds and no address here lies in
 *
 * prune_plan() looks, in that order, and each kind counts what the ones
 * before it will remove (an orphan's lease goes in the same run);
 * prune_remove() removes one object after checking it is still the one
 * planned, so a pod made meanwhile under the same name is left alone.
 * Everything is judged in the namespace the program runs in: its links,
 * its nftables table.  Nothing here prints.
 */
#ifndef PODWIRE_PRUNE_H
#define PODWIRE_PRUNE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intent.h"
#include "ipam.h"
#include "name.h"
#include "nft.h"
#include "nl_decode.h"
#include "util.h"

enum prune_reason {
	PRUNE_ORPHAN,
	PRUNE_HALF_MADE,
	PRUNE_EMPTY_NETNS,
	PRUNE_LEASE,
	PRUNE_EMPTY_BRIDGE,
	PRUNE_NAT,
	PRUNE_REASONS,
};

/* "orphan", "half-made" ...: the reason= of a record. */
const char *prune_reason_name(enum prune_reason r);

struct prune_opts {
	/* The name of the namespace the program runs in, as marks and
	 * intents may call it (-n NAME); NULL when it was not entered by
	 * name. */
	const char *here;
	int64_t older_than; /* seconds; nothing younger is touched */
	bool empty_bridges;
	bool empty_netns;
	bool nat;
};

/* What a stale object is. */
enum prune_object {
	PRUNE_OBJ_VETH,
	PRUNE_OBJ_BRIDGE,
	PRUNE_OBJ_NETNS,
	PRUNE_OBJ_LEASE,
	PRUNE_OBJ_RULE,
	PRUNE_OBJ_INTENT, /* only an intent: what it names is not here */
};

struct prune_item {
	enum prune_reason reason;
	enum prune_object what;
	/* Its fields, as a record shows them ("": none). */
	char host_ifname[IFNAMSIZ]; /* a veth: its end here */
	char netns[PW_NETNS_MAX + 1]; /* its pod's namespace, or itself */
	char ifname[IFNAMSIZ]; /* a veth or lease: the pod's end */
	char bridge[IFNAMSIZ]; /* a bridge; a veth's master */
	int64_t created; /* 0: not known */
	bool old_boot; /* a lease written in another boot */
	struct ipam_lease lease;
	struct nft_masq rule;
	/* Found again by these before it goes. */
	unsigned ifindex;
	char alias[NL_ALIAS_MAX]; /* a link: its mark as found */
	enum intent_kind ikind;
	char ikey[INTENT_KEY_MAX];
	char itext[INTENT_TEXT_MAX];
	uint64_t inet; /* the intent's writer's network namespace */
};

struct prune_plan {
	struct prune_item *items;
	size_t n;
	/* Files under the lease store that are no lease: skipped. */
	char **bad_leases;
	size_t nbad;
	uint32_t group; /* the link group prune_remove_orphans() used */
};

/* What could not be looked at. */
struct prune_fail {
	const char *what; /* "the links", "the lease store" ... */
	struct pw_why why;
};

/*
 * Everything stale, in the order it should go.  0, or -errno with fail
 * filled: then nothing is planned.  Free with prune_plan_free().
 */
int prune_plan(const struct prune_opts *o, struct prune_plan *p,
	       struct prune_fail *fail);
void prune_plan_free(struct prune_plan *p);

/*
 * Remove one planned object, if it is still the one planned: 0 removed,
 * -ESTALE when it changed or went meanwhile (nothing done), -errno with
 * why.  Only intents (PRUNE_OBJ_INTENT) are podwire's bookkeeping; every
 * other object is one to report.
 */
int prune_remove(const struct prune_item *it, struct pw_why *why);

/*
 * Remove every orphan of the plan at once (res[i] for each item: 0
 * removed, -ESTALE changed or gone meanwhile, -errno; 1 for the items
 * that are no orphan).  Each orphan still as planned is put in a link
 * group of this run's own, unused, and the group is deleted in one
 * request: the kernel unregisters them as one batch, one wait for RCU
 * instead of one per pair (at 1,000 pairs, 1.8 s against 23 s).  What
 * the group delete left goes one by one.  0, or -errno when the links
 * could not be read or tagged.
 */
int prune_remove_orphans(struct prune_plan *p, int *res);

/* The end of a run: close what the library kept open. */
void prune_done(void);

#endif
