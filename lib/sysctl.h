/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysctl.h - /proc/sys/net as a namespace sees it.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Sysctls under net/ follow the namespace of whoever opens them, so they
 * are opened from inside the namespace of the handle.
 */
#ifndef PODWIRE_SYSCTL_H
#define PODWIRE_SYSCTL_H

#include <stddef.h>

#include "ns_cache.h"

/*
 * Write value to /proc/sys/KEY of the namespace of h.  0 or -errno;
 * -ENOENT when the key does not exist (no IPv6, say).
 */
int ns_sysctl_write(const struct ns_handle *h, const char *key,
		    const char *value);
/* Read it into buf, its trailing newline dropped. */
int ns_sysctl_read(const struct ns_handle *h, const char *key, char *buf,
		   size_t size);

/*
 * The key that says whether a namespace forwards family (AF_INET or
 * AF_INET6) between its interfaces: net/ipv4/ip_forward,
 * net/ipv6/conf/all/forwarding; and the same as sysctl(8) names it.
 */
const char *sysctl_forward_key(int family);
const char *sysctl_forward_name(int family);

#endif
