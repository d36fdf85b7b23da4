/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.h - pod-inspect --check: the seeds' "Pod A can't reach Pod B"
 * checklist, run from inside the pod and from the host.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * In order, each one ok or FAIL, with what was seen and, for a failure
 * with a known remedy, the command that fixes it:
 *
 *   lo            the pod's loopback is up
 *   if_up         each pod interface is up
 *   address       the pod's interface has an address
 *   route         the pod has a default route
 *   gateway       the gateway answers an ICMP echo sent from inside the pod
 *   host_end      the veth's other end is on the host
 *   host_end_up   ... and up
 *   enslaved      ... and a port of a bridge
 *   bridge_up     the bridge is up
 *   bridge_gw     the bridge holds the gateway address
 *   forwarding    the host forwards (net.ipv4.ip_forward, IPv6 likewise)
 *   masquerade    a masquerade rule covers the pod's subnet
 *   forward_path  no forward chain drops the pod's traffic
 *   to            (with --to) the pod reaches that address
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

struct check_result {
	const char *id;
	bool ok;
	char what[160];
	char detail[256];
	char fix[2 * PATH_MAX + 256]; /* "" when there is no single command */
};

typedef void (*check_emit_fn)(const struct check_result *r, void *arg);

/* Run the checklist; returns the number of checks that failed. */
int check_pod(const struct check_env *env, check_emit_fn emit, void *arg);

#endif
