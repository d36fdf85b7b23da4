/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nftrace.h - which nftables chains one packet met in this namespace,
 * and what each did with it, from the kernel's own trace (meta nftrace).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * nftrace_start() adds a table of its own, "podwire-trace-PID" (inet),
 * with two base chains at priority -350, before raw and conntrack: in
 * prerouting for packets that arrive (from a pod), in output for those
 * the host sends.  Each marks the packets of one flow (source and
 * destination address, the source left open for output; the protocol;
 * the destination port of TCP and UDP) with
 * `meta nftrace set 1`; from then on every chain of every table the
 * packet meets here reports to NFNLGRP_NFTRACE what it did: a rule's
 * verdict, or the chain's policy.  nftrace_collect() gathers those
 * reports; nftrace_stop() deletes the table.  A tracer killed before
 * it could (kill -9) leaves its table, which the next nftrace_start()
 * removes once no process of that PID runs.  A table of its own, not a
 * chain in podwire's table, so that nat-out's "the table goes with its
 * last rule" never meets a chain it did not make.
 *
 * The mark does not cross namespaces (the veth scrubs it), so this
 * traces the namespace the program runs in: the host of the pods.  One
 * packet's trace id changes between prerouting and forward, so reports
 * are told apart by the packet's addresses, not by id.
 */
#ifndef PODWIRE_NFTRACE_H
#define PODWIRE_NFTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct nftrace;

struct nftrace_event {
	char table[64];
	char chain[64];
	uint32_t family; /* NFPROTO_* of the table: inet, ip, bridge ... */
	uint32_t type; /* NFT_TRACETYPE_RULE, _RETURN or _POLICY */
	uint32_t verdict; /* NF_ACCEPT, NF_DROP, NFT_CONTINUE ... */
	uint64_t handle; /* the rule's; 0: none (a policy) */
	unsigned iif, oif; /* 0: not known at that hook */
	struct pw_addr saddr, daddr; /* family 0: not in the report */
};

struct nftrace_flow {
	struct pw_addr src; /* family 0: any */
	struct pw_addr dst;
	uint8_t l4proto; /* IPPROTO_ICMP, _ICMPV6, _TCP, _UDP */
	uint16_t dport; /* TCP's and UDP's; 0: any */
	int echo_id; /* an ICMP echo request's identifier; -1: any */
};

/*
 * Trace the packets of flow.  0, -EEXIST when a table of that name is
 * there already, or -errno.
 */
int nftrace_start(struct nftrace **out, const struct nftrace_flow *flow);
/*
 * The reports of the flow's packets that came, oldest first, waiting
 * until none has come for quiet_ms; the tracers' own tables' are left
 * out, and so are the reports of other packets (another tracer's, or
 * anyone's `meta nftrace set 1`).  *ev is malloc'ed, for the caller to
 * free.  0, -EINTR (a signal), -ENOBUFS (some reports were lost), both
 * with what came kept; -ENOMEM.
 */
int nftrace_collect(struct nftrace *t, int quiet_ms, struct nftrace_event **ev,
		    size_t *n);
/* Delete the table and free t; 0 or -errno (the table is then left). */
int nftrace_stop(struct nftrace *t);

#endif
