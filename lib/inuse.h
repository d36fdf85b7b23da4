/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inuse.h - is an object podwire shares between pods still in use?
 *
 * Copyright (C) 2026 The podwire developers
 *
 * A teardown takes some pods down, not always all: a subnet's masquerade
 * rule must stay while any pod of the subnet is left.  A pod is left
 * when it holds a lease in a pool of the subnet, or when a veth podwire
 * made is still on the host with its pod end, in a namespace that still
 * has its name, holding an address of the subnet (pods addressed by
 * hand have no lease).
 */
#ifndef PODWIRE_INUSE_H
#define PODWIRE_INUSE_H

#include <stdbool.h>

#include "addr.h"
#include "name.h"

struct inuse {
	bool used;
	/* One user, for a message: "pod3:eth0" (a lease or a veth). */
	char example[PW_NETNS_MAX + PW_IFNAME_MAX + 2];
};

/* Who uses subnet, as above.  0, or -errno when it could not be told. */
int inuse_subnet(const struct pw_prefix *subnet, struct inuse *u);

#endif
