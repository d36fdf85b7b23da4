/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probe.h - a real packet from inside a namespace, for pod-inspect: an
 * ICMP echo, a TCP connection's first SYN, or a UDP datagram.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The socket is made inside the pod's namespace, so the probe leaves
 * through the pod's own routes and interfaces exactly as the pod's
 * traffic would.  The echo's is raw, not an unprivileged ping socket:
 * those depend on net.ipv4.ping_group_range, which is closed by default.
 */
#ifndef PODWIRE_PROBE_H
#define PODWIRE_PROBE_H

#include <stdint.h>

#include "addr.h"
#include "ns_cache.h"

/*
 * Up to tries echo requests to dst, each waiting up to wait_ms for its
 * reply.  0: dst answered; -ETIMEDOUT: it did not; -errno: the echo could
 * not be sent (-ENETUNREACH: no route).
 */
int probe_echo(const struct ns_handle *h, const struct pw_addr *dst, int tries,
	       int wait_ms);

enum probe_kind {
	PROBE_ICMP, /* an echo request (ICMPv6 for an IPv6 address) */
	PROBE_TCP, /* a connection: SYN, and SYN-ACK or RST back */
	PROBE_UDP, /* a datagram: a reply, or ICMP port unreachable back */
};

struct probe {
	enum probe_kind kind;
	uint16_t port; /* TCP's and UDP's destination port */
};

/* The probe reached dst and was turned away: TCP RST, port unreachable. */
#define PROBE_REFUSED 1

/*
 * One probe to dst, waiting up to wait_ms for what comes back.  0: an
 * answer (echo reply, SYN-ACK, a datagram); PROBE_REFUSED; -ETIMEDOUT:
 * nothing came; -errno: it could not be sent, or an ICMP error came back
 * (-EHOSTUNREACH, -ENETUNREACH ...).  A TCP connection made is closed at
 * once.
 */
int probe_send(const struct ns_handle *h, const struct pw_addr *dst,
	       const struct probe *p, int wait_ms);

/* The identifier of this process's ICMP echo requests. */
uint16_t probe_echo_id(void);

/* The IP protocol number of the probe's packets to dst. */
uint8_t probe_l4proto(const struct probe *p, int family);

#endif
