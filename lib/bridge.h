/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge.h - a Linux bridge and its ports, in the namespace the program
 * runs in.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * A bridge podwire makes carries the mark "podwire: bridge=NAME
 * gw=ADDR/LEN gw6=ADDR/LEN created=T" (owner.h), its gateways one per
 * family, and a random locally administered MAC: without a MAC of its
 * own a bridge takes the lowest MAC of its ports, and the pods' gateway
 * would change address as pods come and go.  It is deleted only when it
 * carries the mark (or a killed run's intent vouches for it, intent.h)
 * and no port is left but those going away: the caller's, and veths
 * whose pod's namespace is being destroyed.
 */
#ifndef PODWIRE_BRIDGE_H
#define PODWIRE_BRIDGE_H

#include <net/if.h>
#include <stdbool.h>

#include "addr.h"
#include "name.h"
#include "util.h"

/* BR_MAX_PORTS is 1024 and port number 0 is reserved. */
#define BRIDGE_PORTS_MAX 1023

struct bridge_spec {
	const char *name;
	/* Made with multicast snooping on (the kernel's default); podwire's
	 * default is off, see create() in bridge.c. */
	bool mcast_snooping;
	unsigned mtu; /* 0: keep */
	const struct pw_prefix *gws; /* its addresses: the pods' gateways */
	size_t ngw;
};

enum bridge_step {
	BRIDGE_STEP_OPEN, /* no rtnetlink socket here */
	BRIDGE_STEP_LOOKUP,
	BRIDGE_STEP_CREATE,
	BRIDGE_STEP_KIND, /* the name is another kind of link; why: which */
	BRIDGE_STEP_GATEWAY, /* it has another gateway; why: which */
	BRIDGE_STEP_SETUP, /* up, MTU, addresses */
	BRIDGE_STEP_PORT, /* attaching or detaching a port */
	BRIDGE_STEP_DELETE,
};

struct bridge_fail {
	enum bridge_step step;
	struct pw_why why;
};

/* A bridge as found or made. */
struct bridge_info {
	unsigned ifindex; /* 0: there is none (bridge_find()) */
	bool created; /* made by this call */
	/* Its gateways, IPv4 first: those asked for, or those its mark
	 * records. */
	struct pw_prefix gws[2];
	size_t ngw;
};

/*
 * Make it if missing; it must be a bridge; bring it up, with its MTU and
 * each gateway address (added once; IPv6 without DAD).  A bridge has one
 * gateway per family, recorded in podwire's mark: a different one than it
 * has is -EEXIST at BRIDGE_STEP_GATEWAY, with nothing changed.
 */
int bridge_ensure(const struct bridge_spec *b, struct bridge_info *info,
		  struct bridge_fail *fail);

/* The bridge and its marked gateways; ifindex 0 when there is no bridge
 * of that name. */
int bridge_find(const char *name, struct bridge_info *info,
		struct bridge_fail *fail);

/*
 * Make port a port of the bridge, up, in hairpin mode if asked.  *newly
 * is its index when it was no port of this bridge before, else 0, so a
 * later failure can bridge_port_release() it.  -ENODEV: no such link;
 * -EINVAL: a bridge or the loopback; -EBUSY: a port of another device;
 * -EXFULL: the bridge has BRIDGE_PORTS_MAX ports.  why says which.
 */
int bridge_port_add(unsigned bridge, const char *port, bool hairpin,
		    unsigned *newly, struct bridge_fail *fail);
/* Set a port free again (a rollback); best effort. */
void bridge_port_release(unsigned ifindex);
/* Make port no port of the bridge; gone, or not its port, is fine. */
int bridge_port_del(unsigned bridge, const char *port,
		    struct bridge_fail *fail);

/* What deleting a bridge would do. */
struct bridge_usage {
	unsigned ifindex; /* 0: there is no such link */
	bool ours; /* a bridge with podwire's mark for this name */
	size_t staying; /* ports that are not going away */
	char example[IFNAMSIZ]; /* one of them */
};

/*
 * Look before deleting: leaving(ifname, arg) says which ports go away
 * with their namespace (deleting a bridge sets its ports free, so those
 * don't count).  Changes nothing, but for forgetting a killed run's
 * intent to make a bridge that is not there.
 */
int bridge_usage(const char *name,
		 bool (*leaving)(const char *ifname, void *arg), void *arg,
		 struct bridge_usage *u, struct bridge_fail *fail);

/* Delete it (name: for its intent); gone is fine. */
int bridge_del(const char *name, unsigned ifindex, struct bridge_fail *fail);

/* An address of a pod on a bridge: netns/ifname name the pod's end. */
struct bridge_pod_addr {
	unsigned port; /* the host end's index: the bridge port */
	char netns[PW_NETNS_MAX + 1];
	char ifname[PW_IFNAME_MAX + 1];
	struct pw_prefix addr;
};

/*
 * The global addresses of the pods on the bridge: for every veth port
 * with podwire's mark whose pod's namespace still goes by the mark's
 * name, the addresses of the pod's end (one namespace peeked and one
 * dump per port).  A malloc'ed array the caller frees.
 */
int bridge_pod_addrs(unsigned bridge, struct bridge_pod_addr **out, size_t *n);

/* The first of all[] that holds a, but for the pod behind port; or NULL. */
const struct bridge_pod_addr *
bridge_pod_holder(const struct bridge_pod_addr *all, size_t n, unsigned port,
		  const struct pw_addr *a);

/*
 * The lock of a bridge's name: statedir_lock_in(BRIDGE_LOCK_DIR, name),
 * held around making it and around deciding to delete it, so a teardown
 * decides on what the one before it left, and a setup can't lose the
 * bridge between its look and its make.
 */
#define BRIDGE_LOCK_DIR "bridge"

/*
 * A setup that found or made the bridge holds its use lock (shared,
 * BRIDGE_USE_DIR/NAME) until it ends, taken while it still holds the
 * bridge's lock; whoever decides to delete the bridge, under the bridge's
 * lock, first takes the use lock exclusively without waiting: held means
 * a setup is about to attach ports, so the bridge is in use though it has
 * none yet.  A directory of its own, as "NAME.use" could be a bridge's
 * name.
 */
#define BRIDGE_USE_DIR "bridge-use"

/* The use lock, shared: the fd to close when the setup ends, or -errno. */
int bridge_use_hold(const char *name);
/*
 * The use lock, exclusive, when no setup holds it: the fd to close after
 * the delete; -EBUSY when a setup holds it; -errno.
 */
int bridge_use_take(const char *name);

#endif
