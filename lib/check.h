/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.h - pod-inspect --check: the seeds' "Pod A can't reach Pod B"
 * checklist, run from inside the pod and from the host.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * First the pod's wiring is recognised, since what must hold depends on
 * it (struct check_topology); then, in order, each check that applies is
 * ok or FAIL, with what was seen and, for a failure with a known remedy,
 * the command that fixes it.  A fix is only ever offered for a path that
 * is broken, never one that would change a path that works into another
 * kind (a routed pod is never told to join a bridge):
 *
 *   lo            the pod's loopback is up                      all
 *   if_up         each pod interface is up                      all
 *   address       the pod's interface has an address            all
 *   route         the pod has a default route                   B R ?
 *                 (a cable: the route to the far end)           P
 *   gateway       the gateway answers an ICMP echo from the pod B R ?
 *   host_end      the veth's other end is on the host           B R ?
 *   host_end_up   ... and up                                    B R
 *   enslaved      ... and a port of a bridge                    B
 *   bridge_up     the bridge is up                              B
 *   bridge_gw     the bridge holds the gateway address          B
 *   host_gw       the host end holds the gateway address        R
 *   host_route    the host routes the pod's address to it       R
 *   forwarding    the host forwards (net.ipv4.ip_forward ...)   B R
 *   masquerade    a masquerade rule covers the pod's subnet     B R
 *   forward_path  no forward chain drops the pod's traffic      B R
 *   peer_up       the far end of the cable is up                P
 *   peer_addr     ... and has an address in the pod's subnet    P
 *   peer_route    ... and a route back to the pod               P
 *   peer_answers  it answers an ICMP echo from the pod          P
 *   to            (with --to) the pod reaches that address      all
 *
 * (B bridged, R routed, P point-to-point, ? unknown.)
 */
#ifndef PODWIRE_CHECK_H
#define PODWIRE_CHECK_H

#include <limits.h>
#include <stdbool.h>

#include "addr.h"
#include "inspect.h"

struct check_env {
	const struct inspect_host *host;
	struct inspect_pod *pod;
	const char *host_netns; /* -n: fixes reach the host through it */
	const struct pw_addr *to; /* --to, or NULL */
};

/*
 * How the pod is wired, told from the kernel's own links before anything
 * is checked:
 *
 *   BRIDGED  its veth's other end is on the host and a port of a bridge,
 *            or on no bridge while a bridge of the host holds an address
 *            in the pod's subnet (so it should be one)
 *   ROUTED   its veth's other end is on the host and on no bridge: the
 *            host routes the pod's traffic through that end
 *   CABLE    its veth's other end is in another named namespace, not the
 *            host, and no bridge's port there: two pods joined by one
 *            veth, as in the seeds' first exercise
 *   UNWIRED  no interface but lo
 *   UNKNOWN  its interface is no veth, or the other end is where it
 *            can't be judged from here: in a namespace with no name, in
 *            the pod itself, or a bridge's port in another namespace
 *            (which is the host of that pod: pod-inspect -n there)
 */
enum check_topo {
	CHECK_TOPO_UNWIRED,
	CHECK_TOPO_BRIDGED,
	CHECK_TOPO_ROUTED,
	CHECK_TOPO_CABLE,
	CHECK_TOPO_UNKNOWN,
};

struct check_topology {
	enum check_topo kind;
	const char *name; /* "bridged", "routed", "point-to-point" ... */
	char ifname[IFNAMSIZ]; /* the pod's interface; "" when unwired */
	char if_kind[NL_KIND_MAX]; /* its kind: "veth", "dummy", "" */
	char host_ifname[IFNAMSIZ]; /* bridged, routed: the host end */
	char bridge[IFNAMSIZ]; /* bridged; unknown: the far end's bridge */
	char peer_netns[PW_NETNS_MAX + 1]; /* cable, unknown: the far end */
	char peer_ifname[IFNAMSIZ];
	int peer_nsid; /* the pod's id for the far end's namespace, or -1 */
};

struct check_result {
	const char *id;
	bool ok;
	char what[160];
	char detail[256];
	char fix[2 * PATH_MAX + 256]; /* "" when there is no single command */
};

/*
 * Where the checklist goes: the topology once, first, then each result.
 * Names in them are as the kernel has them, raw: whoever prints them
 * escapes them.
 */
struct check_sink {
	void (*topology)(const struct check_topology *t, void *arg);
	void (*result)(const struct check_result *r, void *arg);
	void *arg;
};

/* Run the checklist; returns the number of checks that failed. */
int check_pod(const struct check_env *env, const struct check_sink *out);

#endif
