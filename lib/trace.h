/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trace.h - pod-inspect --trace: one real packet from a pod (or the
 * host) to an address, followed hop by hop from the kernel's evidence.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The evidence, in the order the packet meets it:
 *   - the route the source's kernel picks (RTM_GETROUTE in its namespace);
 *   - the veth's other end on the host, its bridge, and whether each is
 *     up; or a cable's far end, in another pod;
 *   - where the first hop leads: the host's own route to the destination
 *     (the bridge or host end holds the gateway, and its MAC is the one
 *     that answered for it), or, on the same bridge, the neighbour entry
 *     the source made for the destination and the bridge's forwarding
 *     entry for that MAC, which names the port; over a cable, the far
 *     end's address and its route back;
 *   - the nftables chains of the host that saw the packet, each with its
 *     verdict (nftrace.h), while the probe is sent (probe.h): an ICMP
 *     echo, a TCP SYN or a UDP datagram;
 *   - whether it was answered, or refused (TCP RST, ICMP port
 *     unreachable: it arrived, and nothing listens there).
 * Where the packet dies, the hop says where and why: no route, a link or
 * bridge down, no neighbour answer, a drop verdict with its chain and rule
 * handle, a refusal, or no answer at all.  Nothing here prints; the tracer's nft
 * table is gone when trace_run() returns.
 */
#ifndef PODWIRE_TRACE_H
#define PODWIRE_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "inspect.h"
#include "probe.h"

#define TRACE_HOPS_MAX 48

struct trace_hop {
	char where[PW_NETNS_MAX + 1]; /* a pod's label, or "host" */
	char what[512];
	bool dies; /* the packet goes no further: what says why */
};

struct trace {
	struct trace_hop hops[TRACE_HOPS_MAX];
	size_t n;
	bool answered;
	double rtt_ms; /* when answered */
};

struct trace_spec {
	struct inspect_pod *src; /* loaded with routes and neighbours; NULL:
				    the host */
	const struct inspect_host *host;
	struct pw_addr dst;
	struct probe probe;
	const char *dst_label; /* the pod dst is the address of, or NULL */
	volatile const int *stop; /* a signal came: stop probing (or NULL) */
};

/*
 * Send the probe and read the evidence into t.  0: answered; 1: the packet
 * died, was refused or went unanswered (the last hop says where and why); -errno: the
 * trace itself could not be made (the tracer's table, the probe's socket),
 * with why.
 */
int trace_run(const struct trace_spec *s, struct trace *t, struct pw_why *why);

#endif
