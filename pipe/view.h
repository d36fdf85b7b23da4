/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view.h - pod-inspect's records: the overview and a pod's detail.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The overview is one record per pod interface (one for a namespace with
 * none but lo):
 *
 *   netns=pod1 owner=podwire procs=1 ifname=eth0 state=up mac=..
 *     addr=10.244.0.2/24 host_ifname=veth46b112b9 host_state=up
 *     bridge=cni0 bridge_state=up
 *
 * which a teardown pipeline can read; owner= says whether netns-new made
 * the namespace (podwire) or something else did (other), as netns-new -D
 * will judge it.  The detail is one record per link,
 * address, route and neighbour, told apart by object=:
 *
 *   netns=pod1 object=link ifname=eth0 ifindex=2 kind=veth state=up ...
 *   netns=pod1 object=addr ifname=eth0 addr=10.244.0.2/24 scope=global
 *   netns=pod1 object=route dst=default gw=10.244.0.1 dev=eth0 proto=static
 *   netns=pod1 object=neigh dst=10.244.0.1 mac=.. dev=eth0 state=reachable
 *
 * A pod is named netns=NAME, pid=PID or path=PATH, as it was given.  Every
 * string from the kernel is never empty ("-"), and in a text record
 * escaped (pw_escape(), a space as '_'); JSON carries it as it is.
 */
#ifndef PODWIRE_VIEW_H
#define PODWIRE_VIEW_H

#include <stdbool.h>

#include "check.h"
#include "inspect.h"
#include "rec.h"

struct view {
	enum rec_format format;
	bool quiet;
	bool color; /* --check's ok and FAIL marks, in text */
};

/* Each returns 0, or -errno when stdout refused a record. */
int view_overview(const struct view *v, const struct inspect_host *host,
		  const struct inspect_pod *pod);
int view_detail(const struct view *v, const struct inspect_host *host,
		const struct inspect_pod *pod);
/*
 * --check: the topology line, then a line per check (and its fix), for
 * people; or with -j one JSON object each:
 *
 *   topology: bridged: eth0 -- host end veth46b112b9 -- bridge cni0
 *   ok    eth0 is up: up
 *   FAIL  bridge cni0 is up: down
 *         fix: ip link set cni0 up
 */
void view_check_topology(const struct view *v, const struct inspect_pod *pod,
			 const struct check_topology *t);
void view_check_result(const struct view *v, const struct inspect_pod *pod,
		       const struct check_result *res);
/* The netns=/pid=/path= field that names the pod. */
void view_target(const struct view *v, struct rec *r,
		 const struct inspect_pod *pod);

#endif
