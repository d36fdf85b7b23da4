// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lock.c - flock(2) with a bounded wait, and who holds it.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "lock.h"
#include "util.h"

/* The pause between tries: short against LOCK_WAIT_MS, long against a
 * syscall. */
#define LOCK_RETRY_NS 10000000L

int lock_wait(int fd)
{
	const struct timespec pause = { 0, LOCK_RETRY_NS };
	struct timespec start = pw_clock();

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (pw_ms_since(&start) >= LOCK_WAIT_MS)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
}

/*
 * One line of /proc/locks: "1: FLOCK  ADVISORY  WRITE 3127 00:1c:33 0 EOF"
 * (fs/locks.c lock_get_status(): device major and minor in hex, inode in
 * decimal).  A line with "->" is a waiter, not the holder.
 */
static pid_t holder_in_line(const char *line, const struct stat *st)
{
	char kind[16], mode[16], access[16];
	unsigned int major, minor;
	unsigned long long ino;
	int pid;

	if (sscanf(line, "%*d: %15s %15s %15s %d %x:%x:%llu", kind, mode,
		   access, &pid, &major, &minor, &ino) != 7)
		return 0;
	if (major != major(st->st_dev) || minor != minor(st->st_dev) ||
	    ino != (unsigned long long)st->st_ino)
		return 0;
	return pid > 0 ? pid : 0;
}

pid_t lock_holder(int fd)
{
	struct stat st;
	char line[256];
	pid_t pid = 0;
	FILE *f;

	if (fstat(fd, &st) < 0)
		return 0;
	f = fopen("/proc/locks", "re");
	if (!f)
		return 0;
	while (!pid && fgets(line, sizeof(line), f))
		pid = holder_in_line(line, &st);
	fclose(f);
	return pid;
}
