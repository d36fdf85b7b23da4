/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * procs.h - the processes /proc shows, by the network namespace each is in.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * /proc/PID/ns/net is a link to "net:[INODE]", the inode of the process's
 * network namespace on nsfs: the same number fstat() gives for a
 * namespace file, so a process can be matched with /run/netns/NAME.
 * Processes hidden from us (hidepid) and those that exit meanwhile are
 * skipped.  /proc is read once into a snapshot, which a command asks
 * about every namespace it touches: walking /proc once per namespace
 * would cost a thousand-pod teardown a thousand walks.
 */
#ifndef PODWIRE_PROCS_H
#define PODWIRE_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* PIDs kept per namespace, to name in a message. */
#define PROCS_PIDS_KEPT 8

struct procs_in_netns {
	ino_t netns;
	size_t n; /* processes in it */
	pid_t pids[PROCS_PIDS_KEPT]; /* the first of them */
};

struct procs_snapshot {
	struct procs_in_netns *v; /* one per namespace with processes */
	size_t n;
	bool readable; /* /proc told something: no entry means none */
};

/* Read /proc.  0, -ENOMEM, or -errno when /proc can't be read. */
int procs_snapshot_take(struct procs_snapshot *s);
void procs_snapshot_free(struct procs_snapshot *s);

/* The processes in the namespace of netns_fd, or NULL when none. */
const struct procs_in_netns *procs_in(const struct procs_snapshot *s,
				      int netns_fd);

#endif
