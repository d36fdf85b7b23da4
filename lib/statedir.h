/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * statedir.h - podwire's own files under /run/podwire: private
 * directories, files written whole or not at all, and the locks around
 * them.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Every path is opened from a directory already checked, never by a
 * string from the root: openat() with O_NOFOLLOW, so a symlink planted
 * in the store leads nowhere.  A directory must belong to the user
 * podwire runs as and be writable by nobody else, or another user could
 * forge or steal what it holds; podwire makes its directories 0700 and
 * its lock files 0600, since anyone who can open a lock file can hold
 * its lock.  Lock files are never unlinked: a lock
 * unlinked while someone waits on it would let a third process lock a
 * new file of the same name, and two would be inside at once.
 */
#ifndef PODWIRE_STATEDIR_H
#define PODWIRE_STATEDIR_H

#include <stddef.h>

/* STATEDIR_ROOT, and the two steps walked to reach it. */
#define STATEDIR_PARENT "/run"
#define STATEDIR_NAME "podwire"
#define STATEDIR_ROOT STATEDIR_PARENT "/" STATEDIR_NAME

/*
 * What a temporary file's name ends with.  '~' is in no interface or
 * namespace name, so a file named after one (pod/NETNS@IFNAME) is never
 * another's temporary: with ".tmp", writing the entry of eth0 went
 * through the entry of an interface named eth0.tmp.
 */
#define STATEDIR_TMP "~"

/*
 * Open the directory name under parent, making it (0700) if missing, and
 * closing it to others if it was open to them.  Returns an O_DIRECTORY
 * fd, or -EPERM when it is not ours or is group- or world-writable, or
 * -errno.
 */
int statedir_open_private(int parent, const char *name);

/*
 * Open STATEDIR_ROOT/parts[0]/parts[1]/..., each step a private directory
 * made if missing and opened from the one before.
 */
int statedir_open(const char *const *parts, size_t nparts);

/*
 * Which step of STATEDIR_ROOT/parts... a program could not use: -EPERM
 * (not ours, or writable by others) or -errno with that directory's path
 * in path; 0 when every step that exists is fine.  Changes nothing.
 */
int statedir_fault(const char *const *parts, size_t nparts, char *path,
		   size_t size);

/*
 * The same for a reader: nothing is made or changed; -ENOENT when a
 * step is missing.
 */
int statedir_find(const char *const *parts, size_t nparts);

/*
 * Read a small regular file under dirfd into buf, its trailing newline
 * dropped.  -EINVAL for anything but a regular file (a FIFO planted there
 * must not hang the reader), -errno.
 */
int statedir_read(int dirfd, const char *path, char *buf, size_t size);

/*
 * Write text to tmp under dirfd, whole, and fsync() it, for a caller
 * that then publishes it with rename() or link().  On failure nothing
 * is left.
 */
int statedir_write_tmp(int dirfd, const char *tmp, const char *text);

/*
 * Replace path with text atomically: write to path STATEDIR_TMP, fsync,
 * rename.
 */
int statedir_write_replace(int dirfd, const char *path, const char *text);

/*
 * Take the exclusive flock on the lock file name under dirfd, opening
 * (making) it the first time and keeping the fd in *lockfd (-1 before):
 * a program streaming records locks and unlocks per record on one fd.
 * -ETIMEDOUT when someone holds it for longer than LOCK_WAIT_MS
 * (lock_holder(*lockfd) says who).
 */
int statedir_lock(int dirfd, const char *name, int *lockfd);
void statedir_unlock(int lockfd);

/*
 * The lock of an object podwire shares between runs, the file name in
 * STATEDIR_ROOT/dir: statedir_lock() on a new fd, which the caller
 * closes to let go (*lockfd: -1 or that fd, lock_holder() on it after
 * -ETIMEDOUT).
 */
int statedir_lock_in(const char *dir, const char *name, int *lockfd);

/*
 * The same lock file (dir NULL: in STATEDIR_ROOT itself), taken with
 * flock(2) operation op (LOCK_SH or LOCK_EX, with LOCK_NB: -EWOULDBLOCK
 * when held; without, waiting as long as it takes): the fd, or -errno.
 */
int statedir_flock_in(const char *dir, const char *name, int op);

#endif
