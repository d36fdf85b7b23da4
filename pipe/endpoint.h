/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * endpoint.h - one end of a veth as written on the command line.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   [NETNS:]IFNAME[=ADDR/LEN[,ADDR/LEN]]
 *
 *   red:veth-red=10.0.0.1/24          veth-red in namespace red
 *   pod1:eth0=10.0.0.2/24,fd00::2/64  one address of each family
 *   vethhost                          in the current namespace
 *
 * Names cannot hold ':' and addresses come after '=', so the first ':'
 * before '=' ends the namespace.  Endpoints become record fields: the
 * first one netns/ifname/addr/addr6, the second (the host side)
 * host_netns/host_ifname/host_addr/host_addr6.
 */
#ifndef PODWIRE_ENDPOINT_H
#define PODWIRE_ENDPOINT_H

#include "rec.h"
#include "util.h"

/*
 * Parse s and store its fields in r, each key prefixed by key_prefix ("" or
 * "host_").  Returns NULL or the reason s is not an endpoint; r may hold
 * some fields then.
 */
const char *endpoint_to_rec(const char *s, const char *key_prefix,
			    struct rec *r, struct pw_why *why);

#endif
