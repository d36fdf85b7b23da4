// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysctl.c - /proc/sys/net as a namespace sees it.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "explain.h"
#include "sysctl.h"

/*
 * Every namespace has its own /proc/sys/net directory, and all of them hang
 * under the same parent with the same name, so the dentry cache keeps them
 * on one hash chain: looking up /proc/sys/net compares against the entry of
 * every namespace anyone has looked at.  With 1,000 pods that is about 140
 * microseconds per lookup, and veth-link does three per pod -- a per-pod
 * scan of every namespace, which made its per-pod cost grow by 65% from 100
 * to 1,000 pods.
 *
 * A proc instance of our own (fsopen(2)/fsmount(2), never attached to the
 * mount table) has dentries of its own, and replacing it after
 * SYSCTL_PROC_LOOKUPS lookups keeps that chain short.  A new instance costs
 * some 55 microseconds: under one per lookup.  Where proc can't be mounted
 * (no CAP_SYS_ADMIN, a kernel before 5.2, a seccomp filter) the machine's
 * /proc serves, as it always would.
 */
#define SYSCTL_PROC_LOOKUPS 64

static int sysctl_proc = -1; /* root of our proc instance, or -1 */
static unsigned sysctl_proc_lookups;
static bool sysctl_proc_unavailable;

static int private_proc(void)
{
	int fs = fsopen("proc", FSOPEN_CLOEXEC);
	int mnt = -1;

	if (fs < 0)
		return -1;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	close(fs);
	return mnt;
}

/* The directory to resolve "sys/KEY" from, or -1 for /proc/sys/KEY. */
static int sysctl_root(void)
{
	if (sysctl_proc >= 0 && sysctl_proc_lookups < SYSCTL_PROC_LOOKUPS) {
		sysctl_proc_lookups++;
		return sysctl_proc;
	}
	if (sysctl_proc >= 0)
		close(sysctl_proc);
	sysctl_proc = sysctl_proc_unavailable ? -1 : private_proc();
	sysctl_proc_unavailable = sysctl_proc < 0;
	sysctl_proc_lookups = 1;
	return sysctl_proc;
}

static int sysctl_io(int root, const char *key, char *buf, size_t size,
		     bool write_it)
{
	char path[PATH_MAX];
	int fd, err = 0;
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s/%s",
		     root >= 0 ? "sys" : "/proc/sys", key) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = openat(root >= 0 ? root : AT_FDCWD, path,
		    (write_it ? O_WRONLY : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (write_it) {
		n = write(fd, buf, strlen(buf));
		if (n < 0)
			err = -errno;
	} else {
		n = read(fd, buf, size - 1);
		if (n < 0) {
			err = -errno;
		} else {
			buf[n] = '\0';
			if (n && buf[n - 1] == '\n')
				buf[n - 1] = '\0';
		}
	}
	close(fd);
	return err;
}

struct sysctl_args {
	int root;
	const char *key;
	char *buf;
	size_t size;
	bool write_it;
};

static int sysctl_call(void *arg)
{
	const struct sysctl_args *a = arg;

	return sysctl_io(a->root, a->key, a->buf, a->size, a->write_it);
}

/* Run sysctl_io() from inside the namespace of h. */
static int sysctl_in(const struct ns_handle *h, const char *key, char *buf,
		     size_t size, bool write_it)
{
	struct sysctl_args a = { sysctl_root(), key, buf, size, write_it };

	if (!h->own && h->fd < 0)
		return -ENOENT; /* a dry run's planned namespace: nothing yet */
	return h->own ? sysctl_call(&a) : pw_in_netns(h->fd, sysctl_call, &a);
}

/*
 * The write as sysctl(8) takes it: dotted, unless a part holds a dot
 * (an interface named eth0.1), when sysctl wants the slashes kept.
 */
static void explain_write(const struct ns_handle *h, const char *key,
			  const char *value)
{
	char cmd[EXPLAIN_LINE_MAX / 2], dotted[256];

	pw_strlcpy(dotted, key, sizeof(dotted));
	if (!strchr(dotted, '.'))
		for (char *p = dotted; *p; p++)
			if (*p == '/')
				*p = '.';
	explain("%s -qw %s=%s",
		explain_in(h->nl ? nl_label(h->nl) : NULL, "sysctl", cmd,
			   sizeof(cmd)),
		dotted, value);
}

int ns_sysctl_write(const struct ns_handle *h, const char *key,
		    const char *value)
{
	char buf[64];
	int err;

	pw_strlcpy(buf, value, sizeof(buf));
	err = dry_running() ? 0 : sysctl_in(h, key, buf, sizeof(buf), true);
	if (!err && explaining())
		explain_write(h, key, value);
	return err;
}

int ns_sysctl_read(const struct ns_handle *h, const char *key, char *buf,
		   size_t size)
{
	return sysctl_in(h, key, buf, size, false);
}

const char *sysctl_forward_key(int family)
{
	return family == AF_INET ? "net/ipv4/ip_forward" :
				   "net/ipv6/conf/all/forwarding";
}

const char *sysctl_forward_name(int family)
{
	return family == AF_INET ? "net.ipv4.ip_forward" :
				   "net.ipv6.conf.all.forwarding";
}
