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
 * skipped.
 */
#ifndef PODWIRE_PROCS_H
#define PODWIRE_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Call fn(pid, inode, arg) for each process whose namespace can be read;
 * fn returns false to stop.  *seen (may be NULL) counts those processes,
 * so 0 means /proc told nothing.  0, or -errno when /proc can't be read.
 */
int procs_each_netns(bool (*fn)(pid_t pid, ino_t netns, void *arg), void *arg,
		     size_t *seen);

/*
 * The processes in the namespace of netns_fd: their number in *n, the
 * first max of them in pids.  0, or -errno when /proc can't be read.
 */
int procs_in_netns(int netns_fd, pid_t *pids, size_t max, size_t *n);

#endif
