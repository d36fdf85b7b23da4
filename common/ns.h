/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns.h - named network namespaces, as iproute2 makes them, and a cache of
 * one rtnetlink socket per namespace.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * A named namespace is a file /run/netns/NAME with the namespace bind-
 * mounted on it, exactly as `ip netns add` leaves it, so `ip netns list`
 * and `ip netns exec` see what podwire made and podwire sees what ip made.
 * A target is a name (a file in /run/netns) or, when it holds a '/', a
 * path such as /proc/PID/ns/net.  Opening one checks that it really is a
 * network namespace (NSFS_MAGIC and NS_GET_NSTYPE, RELIABILITY.md rule 7).
 */
#ifndef PODWIRE_NS_H
#define PODWIRE_NS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nl.h"
#include "util.h"

#define PW_NETNS_RUN_DIR "/run/netns"

/* NULL when target is a valid namespace name or an absolute path. */
const char *ns_target_invalid(const char *target, struct pw_why *why);

/*
 * Create /run/netns/NAME holding a new network namespace, with lo up
 * unless lo_up is false.  Returns 0, -EEXIST when the name is taken, or
 * -errno.  A failure leaves nothing behind.
 */
int ns_create(const char *name, bool lo_up);
/* Unmount and remove /run/netns/NAME.  0, -ENOENT when absent, -errno. */
int ns_delete(const char *name);

/*
 * Open a target for setns()/IFLA_NET_NS_FD.  Returns an O_CLOEXEC fd, or
 * -ENOENT (no such namespace), -ENOTNAM (the file is not a network
 * namespace: a placeholder left by an interrupted create, a mount
 * namespace, a directory ...), -ELOOP (a symlink), -EXDEV (PID 1's
 * namespace, the host's, while the program runs elsewhere), -errno.
 */
int ns_open(const char *target);

/*
 * Open the network namespace of process pid through a pidfd
 * (pidfd_open(2), then setns(2) on the pidfd to read the namespace), so a
 * PID recycled meanwhile cannot lead anywhere else.  The same checks as
 * ns_open() follow.  -ESRCH: no such process, or it has exited.
 */
int ns_open_pid(pid_t pid);

/* True when fd is the namespace the program is running in. */
bool ns_is_current(int fd);

/* Move the program into target for good (the -n option). */
int ns_enter_target(const char *target);
/* The same for a namespace already open (pod-inspect --exec). */
int ns_enter_fd(int fd);

/* A readable reason for the errors of ns_open(). */
const char *ns_strerror(int err);

/*
 * The cache: a handle for each namespace a program touches, opened once
 * and kept while it streams records (DESIGN.md "Performance").  NULL
 * target means the program's own namespace.  Entries are checked against
 * the file on every lookup, so a namespace deleted and made again under
 * the same name is never served from a stale entry.  At most
 * NS_CACHE_MAX entries are kept; the least recently used one goes first.
 */
#define NS_CACHE_MAX 32

struct ns_handle {
	int fd; /* the namespace, for IFLA_NET_NS_FD and setns() */
	struct nl *nl; /* an rtnetlink socket inside it */
	bool own; /* the program's own namespace */
};

int ns_get(const char *target, struct ns_handle *out);

/* A handle for an fd the caller opened (not cached); close it with
 * ns_handle_close(), which leaves the fd to the caller. */
int ns_handle_from_fd(int fd, struct ns_handle *out);
void ns_handle_close(struct ns_handle *h);

/* A socket made inside the namespace of h (socket(2) arguments). */
int ns_socket(const struct ns_handle *h, int domain, int type, int protocol);

/*
 * Write value to /proc/sys/KEY as seen from the namespace of h (sysctls
 * under net/ follow the namespace of whoever opens them).  Returns 0 or
 * -errno; -ENOENT when the key does not exist (no IPv6, say).
 */
int ns_sysctl_write(const struct ns_handle *h, const char *key,
		    const char *value);
/* Read it into buf (trailing newline dropped). */
int ns_sysctl_read(const struct ns_handle *h, const char *key, char *buf,
		   size_t size);
/* Forget a namespace (after deleting it). */
void ns_forget(const char *target);
void ns_cache_clear(void);

#endif
