/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probe.h - a real ICMP echo from inside a namespace, for pod-inspect.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * A raw ICMP (or ICMPv6) socket is made inside the pod's namespace, so the
 * echo leaves through the pod's own routes and interfaces exactly as the
 * pod's traffic would.  Raw, not an unprivileged ping socket: those depend
 * on net.ipv4.ping_group_range, which is closed by default.
 */
#ifndef PODWIRE_PROBE_H
#define PODWIRE_PROBE_H

#include "addr.h"
#include "ns_cache.h"

/*
 * Up to tries echo requests to dst, each waiting up to wait_ms for its
 * reply.  0: dst answered; -ETIMEDOUT: it did not; -errno: the echo could
 * not be sent (-ENETUNREACH: no route).
 */
int probe_echo(const struct ns_handle *h, const struct pw_addr *dst, int tries,
	       int wait_ms);

#endif
