/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * name.h - validation of interface and namespace names.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Allow-lists, stricter than the kernel, checked before any syscall:
 * the kernel takes names ip rejects (spaces, "$(id)", escape bytes),
 * and such a name turns up later in a shell or on a terminal.  Both kinds of name are 1..max bytes of
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
/* Namespace names are 1..64 bytes: path components under /run/netns. */
#define PW_NETNS_MAX 64
/*
 * A CNI container id (CNI_CONTAINERID) and network name: what the CNI spec
 * allows, an alphanumeric then [A-Za-z0-9_.-], and at most this long, so
 * that a veth's mark holding the id, the netns path and both interface
 * names fits in an interface alias (255 bytes; owner.h).  Runtimes use 64
 * hex digits.
 */
#define PW_CID_MAX 100
#define PW_CNI_NET_MAX 64

/*
 * Is name one podwire takes?  false with the reason ("is longer than 15
 * bytes", "contains a space" ...) in why, which may be NULL.
 */
bool name_ifname_ok(const char *name, struct pw_why *why);
bool name_netns_ok(const char *name, struct pw_why *why);
/* A container id or network name of at most max bytes, as CNI allows. */
bool name_cni_ok(const char *name, size_t max, struct pw_why *why);

#endif
