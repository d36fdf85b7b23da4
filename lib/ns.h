/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns.h - named network namespaces, as iproute2 makes them: made, deleted,
 * opened and entered.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * A named namespace is a file /run/netns/NAME with the namespace bind-
 * mounted on it, exactly as `ip netns add` leaves it, so `ip netns list`
 * and `ip netns exec` see what podwire made and podwire sees what ip made.
 * A target is a name (a file in /run/netns) or, when it holds a '/', a
 * path such as /proc/PID/ns/net.  Opening one checks that it really is a
 * network namespace (the file is on nsfs, NSFS_MAGIC, and NS_GET_NSTYPE
 * says CLONE_NEWNET): a name may lead to a placeholder, a directory or a
 * namespace of another kind, and setns() on those does something else.
 */
#ifndef PODWIRE_NS_H
#define PODWIRE_NS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nl.h"
#include "procs.h"
#include "util.h"

#define PW_NETNS_RUN_DIR "/run/netns"
/* podwire's records of the namespaces it made, under /run/podwire. */
#define NS_RECORD_DIR "netns"

/*
 * Every name under /run/netns that podwire takes, sorted; free them with
 * ns_names_free().  -ENOMEM, -errno.
 */
int ns_names(char ***names, size_t *n);
void ns_names_free(char **names, size_t n);

/* Is target a valid namespace name or an absolute path?  Why not in why. */
bool ns_target_ok(const char *target, struct pw_why *why);

/* PW_NETNS_RUN_DIR/NAME into path: 0 or -ENAMETOOLONG. */
int ns_run_path(const char *name, char *path, size_t size);

/*
 * Create /run/netns/NAME holding a new network namespace, with lo up
 * unless lo_up is false, and record it as podwire's (ns_owner_of()).
 * Returns 0, -EEXIST when the name is taken, -EBUSY when another process
 * is making it (its intent, intent.h), -ETIMEDOUT when /run/netns stayed
 * locked (see ns_run_dir_holder()), or -errno.  A failure leaves nothing
 * behind; a create killed on the way leaves a name the next create of
 * it takes over and finishes.
 */
int ns_create(const char *name, bool lo_up);
/* Who holds the lock on /run/netns, in our PID namespace; 0: unknown. */
pid_t ns_run_dir_holder(void);

/* Whose a named namespace is, by podwire's records. */
enum ns_owner {
	NS_OWNER_NONE, /* no record: ip netns add, a container runtime ... */
	NS_OWNER_PODWIRE, /* ns_create() made the namespace the name holds */
	NS_OWNER_REPLACED, /* it made one of that name; this is another */
};

/* The owner of fd, the namespace opened by the name name. */
enum ns_owner ns_owner_of(const char *name, int fd);
/* When netns-new made name, by its record; 0 when it does not say. */
int64_t ns_record_created(const char *name);

/* Processes named in a refusal, at most. */
#define NS_PIDS_SHOWN PROCS_PIDS_KEPT

/* Why ns_delete() refused. */
struct ns_del_fail {
	enum ns_owner owner; /* -EPERM: not PODWIRE */
	pid_t pids[NS_PIDS_SHOWN]; /* -EBUSY: the first of them */
	size_t npids; /* -EBUSY: how many processes are inside */
};

/*
 * Unmount and remove /run/netns/NAME, and podwire's record of it.  Unless
 * force, only a namespace podwire made (-EPERM otherwise) and that no
 * process is in (-EBUSY): deleting the name of a namespace a process
 * still holds leaves the namespace, and its veths, behind.  A placeholder
 * an interrupted create left (no namespace on it) is removed, as
 * `ip netns del` removes it.  0, -ENOENT when absent, -errno.
 */
int ns_delete(const char *name, bool force, struct ns_del_fail *fail);

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
 * Is the namespace nl's namespace calls nsid one a process is in?  A
 * namespace that lost its name is either being destroyed or held by
 * such a process; the kernel keeps the id of a dying one until its
 * cleanup runs, so the id alone can't tell.  By the same snapshot of
 * /proc as ns_delete(); true when /proc can't be read.
 */
bool ns_nsid_held(struct nl *nl, int nsid);
/*
 * Is the namespace nsid alive: a process is in it, or a name under
 * /run/netns holds it?  Otherwise it is being destroyed, and the kernel
 * takes its interfaces (a veth's peer ends among them) away shortly.
 * Named ones read once per command, as ns_nsid_held(); true when that
 * can't be told.
 */
bool ns_nsid_alive(struct nl *nl, int nsid);
/* Forget what /proc said of processes, and the names (a command's end). */
void ns_procs_forget(void);

/* For ns.c: podwire's record of a namespace it made (ns_owner.c). */
int ns_record_made(const char *name, int fd, int64_t created);
void ns_record_drop(const char *name);
/* Close the records' directory (a command's end). */
void ns_records_close(void);

#endif
