// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ns.c - named network namespaces, as iproute2 makes them, and a cache of
 * one rtnetlink socket per namespace.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "name.h"
#include "ns.h"

const char *ns_target_invalid(const char *target, struct pw_why *why)
{
	if (!strchr(target, '/'))
		return name_netns_invalid(target, why);
	if (target[0] != '/')
		return "is a relative path (give a name or an absolute path)";
	if (strnlen(target, PATH_MAX) >= PATH_MAX)
		return "is too long for a path";
	for (const unsigned char *p = (const unsigned char *)target; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			return "holds whitespace, a control byte or non-ASCII";
	return NULL;
}

static int run_path(const char *name, char *path, size_t size)
{
	int n = snprintf(path, size, "%s/%s", PW_NETNS_RUN_DIR, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/*
 * Make /run/netns a shared mount point once, as iproute2 netns_add() does,
 * so that a namespace unmounted in one mount namespace is unmounted in all
 * and can be freed.  The flock keeps parallel creators from stacking
 * mounts on it (Debian bug 949235); like ip, carry on if it can't be had.
 */
static int prepare_run_dir(void)
{
	static bool prepared;
	bool made_mount = false;
	int lock, err = 0;

	if (prepared)
		return 0;
	if (mkdir(PW_NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	lock = open(PW_NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock >= 0)
		flock(lock, LOCK_EX);
	while (mount("", PW_NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL)) {
		if (errno != EINVAL || made_mount) {
			err = -errno;
			break;
		}
		if (mount(PW_NETNS_RUN_DIR, PW_NETNS_RUN_DIR, "none",
			  MS_BIND | MS_REC, NULL)) {
			err = -errno;
			break;
		}
		made_mount = true;
	}
	if (lock >= 0)
		close(lock);
	prepared = err == 0;
	return err;
}

/* Bring lo up in the namespace the program is in right now. */
static int lo_up_here(void)
{
	const struct nl_link_change up = { .up = NL_ON };
	struct nl *nl;
	int err = nl_open(&nl, -1);

	if (err)
		return err;
	/* A new namespace's loopback is always ifindex 1 (LOOPBACK_IFINDEX). */
	err = nl_put_link_set(nl, 1, NULL, &up);
	if (!err)
		err = nl_commit(nl, NULL);
	nl_close(nl);
	return err;
}

/* In a new namespace: bind it onto path and bring lo up. */
static int bind_new_namespace(const char *path, bool lo_up)
{
	int err;

	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	if (mount(PW_SELF_NETNS, path, "none", MS_BIND, NULL) < 0)
		return -errno;
	err = lo_up ? lo_up_here() : 0;
	if (err)
		umount2(path, MNT_DETACH);
	return err;
}

int ns_create(const char *name, bool lo_up)
{
	char path[PATH_MAX];
	int fd, here, err;

	err = run_path(name, path, sizeof(path));
	if (!err)
		err = prepare_run_dir();
	if (err)
		return err;
	/* Mode 0 like ip: the file only carries the bind mount. */
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0);
	if (fd < 0)
		return -errno;
	close(fd);
	here = open(PW_SELF_NETNS, O_RDONLY | O_CLOEXEC);
	if (here < 0) {
		err = -errno;
		unlink(path);
		return err;
	}
	err = bind_new_namespace(path, lo_up);
	pw_netns_return(here);
	close(here);
	if (err)
		unlink(path);
	return err;
}

int ns_delete(const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	int err = run_path(name, path, sizeof(path));

	if (err)
		return err;
	if (lstat(path, &st) < 0)
		return -errno;
	/* A namespace file is a regular file; refuse to unlink anything else
	 * someone put there. */
	if (!S_ISREG(st.st_mode))
		return -ENOTNAM;
	/* EINVAL: not mounted, a placeholder left by a killed create; it goes
	 * all the same, as `ip netns del` clears it. */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
		return -errno;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	ns_forget(name);
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * PID 1's network namespace is the machine's own (RELIABILITY.md rule 7:
 * refuse the host netns).  A program already running in it may act there
 * -- that is its own namespace -- but none reaches into it from elsewhere
 * (-n /proc/1/ns/net from a sandbox, a /run/netns entry bound to it).
 * With /proc/1 out of sight (hidepid) there is nothing to compare.
 */
static bool is_init_netns_elsewhere(int fd)
{
	struct stat target, init, self;

	if (fstat(fd, &target) < 0 || stat("/proc/1/ns/net", &init) < 0 ||
	    !same_file(&target, &init))
		return false;
	return stat(PW_SELF_NETNS, &self) < 0 || !same_file(&self, &target);
}

static int vet_netns_fd(int fd);

int ns_open(const char *target)
{
	char path[PATH_MAX];
	bool by_name = !strchr(target, '/');
	int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	int fd, err;

	if (by_name) {
		err = run_path(target, path, sizeof(path));
		if (err)
			return err;
		/* A symlink in /run/netns could point at any namespace, the
		 * host's included (/proc/1/ns/net). */
		flags |= O_NOFOLLOW;
	} else {
		pw_strlcpy(path, target, sizeof(path));
	}
	/* O_NONBLOCK: a FIFO planted under the name must not hang us. */
	fd = open(path, flags);
	if (fd < 0)
		return -errno;
	return vet_netns_fd(fd);
}

/* After opening: a network namespace, and not PID 1's from elsewhere. */
static int vet_netns_fd(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != NSFS_MAGIC ||
	    ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET) {
		close(fd);
		return -ENOTNAM;
	}
	if (is_init_netns_elsewhere(fd)) {
		close(fd);
		return -EXDEV;
	}
	return fd;
}

static int open_self(void *arg)
{
	int fd = open(PW_SELF_NETNS, O_RDONLY | O_CLOEXEC);

	(void)arg;
	return fd < 0 ? -errno : fd;
}

int ns_open_pid(pid_t pid)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int fd;

	if (pidfd < 0)
		return -errno;
	/* setns() on a pidfd enters that very process's namespace, which
	 * is then ours to keep by its namespace file. */
	fd = pw_in_netns(pidfd, open_self, NULL);
	close(pidfd);
	return fd < 0 ? fd : vet_netns_fd(fd);
}

int ns_handle_from_fd(int fd, struct ns_handle *out)
{
	memset(out, 0, sizeof(*out));
	out->fd = fd;
	out->own = ns_is_current(fd);
	return nl_open(&out->nl, fd);
}

void ns_handle_close(struct ns_handle *h)
{
	nl_close(h->nl);
	h->nl = NULL;
}

bool ns_is_current(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(PW_SELF_NETNS, &b) == 0 &&
	       same_file(&a, &b);
}

int ns_enter_fd(int fd)
{
	if (setns(fd, CLONE_NEWNET) < 0)
		return -errno;
	ns_cache_clear(); /* its "own namespace" entries are another's now */
	return 0;
}

int ns_enter_target(const char *target)
{
	int fd = ns_open(target);
	int err;

	if (fd < 0)
		return fd;
	err = ns_enter_fd(fd);
	close(fd);
	return err;
}

const char *ns_strerror(int err)
{
	switch (-err) {
	case ENOENT:
		return "no such namespace";
	case ESRCH:
		return "no such process (or it has exited)";
	case ENOTNAM:
		return "not a network namespace (a placeholder left by an "
		       "interrupted create, or another kind of file)";
	case ELOOP:
		return "is a symlink, which podwire does not follow";
	case EXDEV:
		return "it is the network namespace of PID 1, the host's own; "
		       "podwire does not reach into it from elsewhere";
	default:
		return strerror(-err);
	}
}

/* ---- The cache ---------------------------------------------------------- */

struct ns_entry {
	char *target;
	dev_t dev;
	ino_t ino;
	unsigned long last_used;
	struct ns_handle h;
};

static struct ns_entry cache[NS_CACHE_MAX];
static struct ns_handle self = { .fd = -1, .own = true };
static unsigned long clock_tick;

static void entry_drop(struct ns_entry *e)
{
	free(e->target);
	if (e->h.fd >= 0)
		close(e->h.fd);
	nl_close(e->h.nl);
	memset(e, 0, sizeof(*e));
	e->h.fd = -1;
}

/* Does the name still lead to the namespace this entry holds? */
static bool entry_fresh(const struct ns_entry *e)
{
	char path[PATH_MAX];
	struct stat st;

	if (strchr(e->target, '/'))
		pw_strlcpy(path, e->target, sizeof(path));
	else if (run_path(e->target, path, sizeof(path)))
		return false;
	return stat(path, &st) == 0 && st.st_dev == e->dev &&
	       st.st_ino == e->ino;
}

static struct ns_entry *entry_find(const char *target)
{
	for (size_t i = 0; i < NS_CACHE_MAX; i++)
		if (cache[i].target && !strcmp(cache[i].target, target))
			return &cache[i];
	return NULL;
}

static struct ns_entry *entry_victim(void)
{
	struct ns_entry *victim = &cache[0];

	for (size_t i = 0; i < NS_CACHE_MAX; i++) {
		if (!cache[i].target)
			return &cache[i];
		if (cache[i].last_used < victim->last_used)
			victim = &cache[i];
	}
	entry_drop(victim);
	return victim;
}

static int entry_open(const char *target, struct ns_entry *e)
{
	struct stat st;
	int fd = ns_open(target);
	int err;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	err = nl_open(&e->h.nl, fd);
	if (err) {
		close(fd);
		return err;
	}
	e->h.fd = fd;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->target = pw_xstrdup(target);
	return 0;
}

int ns_get(const char *target, struct ns_handle *out)
{
	struct ns_entry *e;
	int err;

	if (!target) {
		if (!self.nl) {
			self.fd = open(PW_SELF_NETNS, O_RDONLY | O_CLOEXEC);
			if (self.fd < 0)
				return -errno;
			err = nl_open(&self.nl, -1);
			if (err) {
				close(self.fd);
				self.fd = -1;
				return err;
			}
		}
		*out = self;
		return 0;
	}
	e = entry_find(target);
	if (e && !entry_fresh(e)) {
		entry_drop(e);
		e = NULL;
	}
	if (!e) {
		e = entry_victim();
		err = entry_open(target, e);
		if (err)
			return err;
	}
	e->last_used = ++clock_tick;
	*out = e->h;
	return 0;
}

void ns_forget(const char *target)
{
	struct ns_entry *e = entry_find(target);

	if (e)
		entry_drop(e);
}

void ns_cache_clear(void)
{
	for (size_t i = 0; i < NS_CACHE_MAX; i++)
		if (cache[i].target)
			entry_drop(&cache[i]);
	nl_close(self.nl);
	self.nl = NULL;
	if (self.fd >= 0)
		close(self.fd);
	self.fd = -1;
}

struct socket_args {
	int domain, type, protocol;
};

static int make_socket(void *arg)
{
	const struct socket_args *a = arg;
	int fd = socket(a->domain, a->type | SOCK_CLOEXEC, a->protocol);

	return fd < 0 ? -errno : fd;
}

int ns_socket(const struct ns_handle *h, int domain, int type, int protocol)
{
	struct socket_args a = { domain, type, protocol };

	return h->own ? make_socket(&a) : pw_in_netns(h->fd, make_socket, &a);
}

/* ---- Sysctls ------------------------------------------------------------ */

/*
 * Every namespace has its own /proc/sys/net directory, and all of them hang
 * under the same parent with the same name, so the dentry cache keeps them
 * on one hash chain: looking up /proc/sys/net compares against the entry of
 * every namespace anyone has looked at.  With 1,000 pods that is about 140
 * microseconds per lookup, and veth-link does three per pod -- a per-pod
 * scan of every namespace, which made its per-pod cost grow by 65% from 100
 * to 1,000 pods (issue 5).
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

	return h->own ? sysctl_call(&a) : pw_in_netns(h->fd, sysctl_call, &a);
}

int ns_sysctl_write(const struct ns_handle *h, const char *key,
		    const char *value)
{
	char buf[64];

	pw_strlcpy(buf, value, sizeof(buf));
	return sysctl_in(h, key, buf, sizeof(buf), true);
}

int ns_sysctl_read(const struct ns_handle *h, const char *key, char *buf,
		   size_t size)
{
	return sysctl_in(h, key, buf, size, false);
}
