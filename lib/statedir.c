// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * statedir.c - private directories, atomic files and locks under
 * /run/podwire.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock.h"
#include "explain.h"
#include "statedir.h"

/*
 * Open the directory name under parent.  make: made (0700) if missing,
 * and closed to others if it was open to them; else as it is.  -EPERM
 * when it is not ours or others can write to it.
 */
static int open_dir(int parent, const char *name, bool make)
{
	struct stat st;
	int fd;

	if (make && mkdirat(parent, name, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(parent, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return -EPERM;
	}
	/* Made 0755 by an older podwire: nobody else needs to look in. */
	if (make && (st.st_mode & 0077) && fchmod(fd, 0700) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int statedir_open_private(int parent, const char *name)
{
	return open_dir(parent, name, true);
}

/* Step from dir (closed) into its subdirectory name. */
static int step_into(int dir, const char *name, bool make)
{
	int next = open_dir(dir, name, make);

	close(dir);
	return next;
}

/* /run/podwire/parts..., each step opened from the one before. */
static int walk(const char *const *parts, size_t nparts, bool make)
{
	int dir = open(STATEDIR_PARENT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dir < 0)
		return -errno;
	dir = step_into(dir, STATEDIR_NAME, make);
	for (size_t i = 0; i < nparts && dir >= 0; i++)
		dir = step_into(dir, parts[i], make);
	return dir;
}

int statedir_fault(const char *const *parts, size_t nparts, char *path,
		   size_t size)
{
	int dir = open(STATEDIR_PARENT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *name = STATEDIR_NAME;
	int len;

	len = snprintf(path, size, "%s", STATEDIR_PARENT);
	for (size_t i = 0; dir >= 0 && i <= nparts; i++) {
		if (i)
			name = parts[i - 1];
		if (len >= 0 && (size_t)len < size)
			len += snprintf(path + len, size - (size_t)len, "/%s",
					name);
		dir = step_into(dir, name, false);
	}
	if (dir >= 0)
		close(dir);
	return dir == -ENOENT ? 0 : dir < 0 ? dir : 0;
}

int statedir_open(const char *const *parts, size_t nparts)
{
	return walk(parts, nparts, true);
}

int statedir_find(const char *const *parts, size_t nparts)
{
	return walk(parts, nparts, false);
}

int statedir_read(int dirfd, const char *path, char *buf, size_t size)
{
	int fd = openat(dirfd, path,
			O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

int statedir_write_tmp(int dirfd, const char *tmp, const char *text)
{
	size_t len = strlen(text);
	int fd, err = 0;

	/*
	 * Always a new file: a killed writer's temporary may be a hard link
	 * of what it published (a lease is linked from it), and writing
	 * into it in place rewrote that lease to name the next pod.
	 */
	if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = openat(dirfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
		err = errno ? -errno : -EIO;
	close(fd);
	if (err)
		unlinkat(dirfd, tmp, 0);
	return err;
}

int statedir_write_replace(int dirfd, const char *path, const char *text)
{
	char tmp[PATH_MAX];
	int err;

	if (snprintf(tmp, sizeof(tmp), "%s" STATEDIR_TMP, path) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	err = statedir_write_tmp(dirfd, tmp, text);
	if (!err && renameat(dirfd, tmp, dirfd, path) < 0) {
		err = -errno;
		unlinkat(dirfd, tmp, 0);
	}
	return err;
}

/* The lock file, 0600: whoever can open it can flock it. */
static int open_lock(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
			0600);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || ((st.st_mode & 0077) && fchmod(fd, 0600))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int statedir_lock(int dirfd, const char *name, int *lockfd)
{
	if (*lockfd < 0) {
		int fd = open_lock(dirfd, name);

		if (fd < 0)
			return fd;
		*lockfd = fd;
	}
	return lock_wait(*lockfd);
}

void statedir_unlock(int lockfd)
{
	flock(lockfd, LOCK_UN);
}

/*
 * A dry run (explain.h) changes nothing, so it needs no lock and makes no
 * lock file: it gets a descriptor that stands for one, to close.
 */
static int dry_lock(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int statedir_lock_in(const char *dir, const char *name, int *lockfd)
{
	const char *const parts[] = { dir };
	int fd;
	int err;

	*lockfd = -1;
	if (dry_running()) {
		*lockfd = dry_lock();
		return *lockfd < 0 ? *lockfd : 0;
	}
	fd = statedir_open(parts, 1);
	if (fd < 0)
		return fd;
	err = statedir_lock(fd, name, lockfd);
	close(fd);
	return err;
}

int statedir_flock_in(const char *dir, const char *name, int op)
{
	const char *const parts[] = { dir };
	int dirfd, fd;

	if (dry_running())
		return dry_lock();
	dirfd = statedir_open(parts, dir ? 1 : 0);
	if (dirfd < 0)
		return dirfd;
	fd = open_lock(dirfd, name);
	close(dirfd);
	if (fd >= 0 && flock(fd, op) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}
