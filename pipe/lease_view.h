/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lease_view.h - pod-inspect --leases: the lease store, one record per
 * lease, and whether its pod still exists.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   pool=10.244.0.0/24 addr=10.244.0.2/24 netns=pod1 ifname=eth0
 *     created=1796038742 pod=exists
 *
 * pod= is "exists" while the lease's namespace goes by that name and has
 * the interface, else "gone": the leases a teardown with --ipam (or a
 * cleanup) should free.  addr= carries the pool's prefix length, as
 * veth-link wrote it into the pod's record, so the records can be piped
 * into veth-link -D --ipam POOL.
 */
#ifndef PODWIRE_LEASE_VIEW_H
#define PODWIRE_LEASE_VIEW_H

#include "addr.h"
#include "rec.h"

/*
 * The leases of pool (NULL: of every pool) to stdout.  Returns an exit
 * status, having said why not.
 */
int lease_view(const struct pw_prefix *pool, enum rec_format fmt, bool quiet);

#endif
