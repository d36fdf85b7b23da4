/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns_cache.h - handles on network namespaces: the namespace's fd and an
 * rtnetlink socket inside it.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Two kinds, named for who closes them:
 *
 *   ns_peek()         a handle borrowed from the cache: one per namespace
 *                     a program touches, opened once and kept while it
 *                     streams records, so a pipeline of a thousand pods
 *                     opens a thousand sockets, not four thousand.  The
 *                     caller never closes it; it stays valid until the
 *                     next ns_forget() or ns_cache_clear(), or until
 *                     NS_CACHE_MAX other namespaces have been peeked at
 *                     (the least recently used goes first).
 *   ns_handle_open()  a handle the caller owns, on an fd it opened, for
 *                     a namespace it holds by other means (a pidfd, a
 *                     path); ns_handle_close() closes the socket and
 *                     leaves the fd to the caller.
 *
 * A cached entry is checked against its file on every ns_peek(), so a
 * namespace deleted and made again under the same name is never served
 * from a stale entry.
 */
#ifndef PODWIRE_NS_CACHE_H
#define PODWIRE_NS_CACHE_H

#include <stdbool.h>

#include "nl.h"

#define NS_CACHE_MAX 32

struct ns_handle {
	int fd; /* the namespace, for IFLA_NET_NS_FD and setns() */
	struct nl *nl; /* an rtnetlink socket inside it */
	bool own; /* the namespace the program runs in */
};

/*
 * Borrow the handle of target (a name or a path, as ns_open() takes it),
 * or of the program's own namespace when target is NULL.  0, or -errno
 * as ns_open() gives it, or -ENOMEM.
 */
int ns_peek(const char *target, struct ns_handle *out);
/* Drop target's entry (after deleting the namespace). */
void ns_forget(const char *target);
/* Drop every entry: at the end of a command, or after moving elsewhere. */
void ns_cache_clear(void);

int ns_handle_open(int fd, struct ns_handle *out);
void ns_handle_close(struct ns_handle *h);

/* A socket made inside the namespace of h (socket(2) arguments). */
int ns_socket(const struct ns_handle *h, int domain, int type, int protocol);

#endif
