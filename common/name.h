/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * name.h - validation of interface and namespace names.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Allow-lists, stricter than the kernel, checked before any syscall
 * (RELIABILITY.md rule 1).  Both kinds of name are 1..max bytes of
 * [A-Za-z0-9_.-], not "." or "..", and do not start with '-' (a name
 * that looks like an option is a trap in every tool that takes it on a
 * command line).  Namespace names are path components under /run/netns.
 */
#ifndef PODWIRE_NAME_H
#define PODWIRE_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* IFNAMSIZ - 1 */
#define PW_IFNAME_MAX 15
/* DESIGN.md: namespace names are 1..64 bytes. */
#define PW_NETNS_MAX 64

/*
 * Each returns NULL when name is valid, else a human-readable reason
 * ("is longer than 15 bytes", "contains a space" ...) for the caller's
 * message, kept in *why.
 */
const char *name_ifname_invalid(const char *name, struct pw_why *why);
const char *name_netns_invalid(const char *name, struct pw_why *why);

static inline bool name_ifname_ok(const char *name)
{
	struct pw_why why;

	return name_ifname_invalid(name, &why) == NULL;
}

static inline bool name_netns_ok(const char *name)
{
	struct pw_why why;

	return name_netns_invalid(name, &why) == NULL;
}

#endif
