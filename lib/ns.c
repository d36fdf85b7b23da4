// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ns.c - named network namespaces, as iproute2 makes them.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <dirent.h>
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

#include "intent.h"
#include "lock.h"
#include "name.h"
#include "nl.h"
#include "explain.h"
#include "ns.h"
#include "ns_cache.h"
#include "procs.h"

bool ns_target_ok(const char *target, struct pw_why *why)
{
	if (!strchr(target, '/'))
		return name_netns_ok(target, why);
	if (target[0] != '/')
		return pw_why_not(why, "is a relative path (give a name or an "
				       "absolute path)");
	if (strnlen(target, PATH_MAX) >= PATH_MAX)
		return pw_why_not(why, "is too long for a path");
	for (const unsigned char *p = (const unsigned char *)target; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			return pw_why_not(why, "holds whitespace, a control "
					       "byte or non-ASCII");
	return true;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void ns_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int ns_names(char ***names, size_t *n)
{
	DIR *d = opendir(PW_NETNS_RUN_DIR);
	struct dirent *de;
	bool oom = false;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!name_netns_ok(de->d_name, NULL))
			continue; /* '.', '..', and names podwire can't take */
		if (*n == cap) {
			char **more = reallocarray(*names, cap ? cap * 2 : 16,
						   sizeof(**names));

			if (!more) {
				oom = true;
				break;
			}
			*names = more;
			cap = cap ? cap * 2 : 16;
		}
		(*names)[*n] = strdup(de->d_name);
		if (!(*names)[*n]) {
			oom = true;
			break;
		}
		(*n)++;
	}
	closedir(d);
	if (oom) {
		ns_names_free(*names, *n);
		*names = NULL;
		*n = 0;
		return -ENOMEM;
	}
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

int ns_run_path(const char *name, char *path, size_t size)
{
	int n = snprintf(path, size, "%s/%s", PW_NETNS_RUN_DIR, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/*
 * Make /run/netns a shared mount point once, as iproute2 netns_add() does,
 * so that a namespace unmounted in one mount namespace is unmounted in all
 * and can be freed.  The flock keeps parallel creators from stacking
 * mounts on it (Debian bug 949235); like ip, carry on if the directory
 * can't be opened to lock it.  Anyone can open /run/netns and hold that
 * lock, so it is waited for LOCK_WAIT_MS and no longer: -ETIMEDOUT, and
 * ns_run_dir_holder() says who has it.
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
	if (lock >= 0 && lock_wait(lock) == -ETIMEDOUT) {
		close(lock);
		return -ETIMEDOUT;
	}
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

pid_t ns_run_dir_holder(void)
{
	int fd = open(PW_NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pid_t pid;

	if (fd < 0)
		return 0;
	pid = lock_holder(fd);
	close(fd);
	return pid;
}

/* Bring lo up in the namespace of fd (-1: the program's, right now),
 * called name. */
static int lo_up_in(int fd, const char *name)
{
	const struct nl_link_change up = { .up = NL_ON };
	struct nl *nl = NULL;
	int err = nl_open(&nl, fd);

	if (!err)
		err = nl_explain_as(nl, name);
	if (err) {
		nl_close(nl);
		return err;
	}
	/* A new namespace's loopback is always ifindex 1 (LOOPBACK_IFINDEX). */
	err = nl_put_link_set(nl, 1, NULL, &up);
	if (!err)
		err = nl_commit(nl, NULL);
	nl_close(nl);
	return err;
}

/*
 * In a new namespace: record it, bind it onto path (which publishes it)
 * and bring lo up.  The namespace file stays open from the record to the
 * mount, so both see one nsfs inode, with one ctime.
 */
static int bind_new_namespace(const char *name, const char *path, bool lo_up,
			      int64_t created)
{
	int self, err;

	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	self = open(PW_SELF_NETNS, O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	err = ns_record_made(name, self, created);
	if (!err && mount(PW_SELF_NETNS, path, "none", MS_BIND, NULL) < 0)
		err = -errno;
	close(self);
	if (!err)
		explain("ip netns add %s", name);
	if (!err && lo_up) {
		err = lo_up_in(-1, name);
		if (err)
			umount2(path, MNT_DETACH);
	}
	return err;
}

/*
 * A killed create left name behind: its intent is an orphan.  A
 * placeholder (no namespace bound on it yet) is made into the namespace
 * now: 1.  A namespace podwire recorded and bound, killed before its lo
 * came up, gets it up: 0.  Anything else is not this create's: -EEXIST.
 */
static int finish_orphan(const char *name, bool lo_up)
{
	int fd = ns_open(name);
	int err = -EEXIST;

	if (fd == -ENOTNAM)
		return 1;
	if (fd < 0)
		return fd == -ENOENT ? -EEXIST : fd;
	if (ns_owner_of(name, fd) == NS_OWNER_PODWIRE)
		err = lo_up ? lo_up_in(fd, name) : 0;
	close(fd);
	return err;
}

/*
 * The placeholder, made with O_EXCL, or a killed create's taken over
 * (orphan): 1 to bind a namespace on it, 0 when there is nothing left
 * to do, -errno.
 */
static int make_placeholder(const char *name, const char *path, bool orphan,
			    bool lo_up)
{
	/* Mode 0 like ip: the file only carries the bind mount. */
	int fd = open(path,
		      O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	if (errno == EEXIST && orphan)
		return finish_orphan(name, lo_up);
	return -errno;
}

/* A dry run (explain.h): the name must be free, and nothing is made. */
static int plan_create(const char *name, const char *path, bool lo_up)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return -EEXIST;
	if (errno != ENOENT)
		return -errno;
	explain("ip netns add %s", name);
	if (lo_up)
		explain("ip -n %s link set lo up", name);
	return 0;
}

/*
 * The intent goes first, so a create killed anywhere leaves a name an
 * intent vouches for: the placeholder, then the record, then the bind
 * mount that publishes the namespace, then lo up.  The next create of
 * that name takes it over and finishes.
 */
int ns_create(const char *name, bool lo_up)
{
	int64_t created = pw_now();
	struct intent_prev prev;
	char path[PATH_MAX], text[PW_NETNS_MAX + 8];
	int here, err;

	err = ns_run_path(name, path, sizeof(path));
	if (!err && dry_running())
		return plan_create(name, path, lo_up);
	if (!err)
		err = prepare_run_dir();
	if (err)
		return err;
	snprintf(text, sizeof(text), "netns=%s", name);
	err = intent_begin(INTENT_NETNS, name, text, &prev);
	if (err)
		return err;
	err = make_placeholder(name, path, prev.orphan, lo_up);
	if (err <= 0) {
		intent_end(INTENT_NETNS, name);
		return err;
	}
	here = open(PW_SELF_NETNS, O_RDONLY | O_CLOEXEC);
	if (here < 0) {
		err = -errno;
	} else {
		err = bind_new_namespace(name, path, lo_up, created);
		pw_netns_return(here);
		close(here);
	}
	if (err) {
		unlink(path);
		ns_record_drop(name);
	}
	intent_end(INTENT_NETNS, name);
	return err;
}

/*
 * Which processes are in which namespace, read from /proc once per
 * command (ns_cache_clear() drops it): a teardown of a thousand pods asks
 * a thousand times.  A process that enters a namespace while the command
 * runs is not seen; one checked per namespace could enter just after its
 * check all the same.
 */
static struct procs_snapshot procs;
static bool procs_taken;
/* The ids the host gives the namespaces processes are in (ns_nsid_held). */
static int *held_nsids;
static size_t nheld_nsids;
static bool held_nsids_known;
/* The ids nl's namespace gives the namespaces named under /run/netns. */
static int *named_nsids;
static size_t nnamed_nsids;
static bool named_nsids_known;

void ns_procs_forget(void)
{
	procs_snapshot_free(&procs);
	procs_taken = false;
	free(held_nsids);
	held_nsids = NULL;
	nheld_nsids = 0;
	held_nsids_known = false;
	free(named_nsids);
	named_nsids = NULL;
	nnamed_nsids = 0;
	named_nsids_known = false;
}

static int take_procs(void)
{
	int err = 0;

	if (!procs_taken) {
		err = procs_snapshot_take(&procs);
		procs_taken = !err;
	}
	return err;
}

/* The id nl's namespace gives the namespace of one of in's processes. */
static int nsid_of(struct nl *nl, const struct procs_in_netns *in)
{
	size_t kept = in->n < PROCS_PIDS_KEPT ? in->n : PROCS_PIDS_KEPT;
	int nsid = -1;

	/* A process may have exited since the snapshot: try the others. */
	for (size_t i = 0; i < kept && nsid < 0; i++) {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/ns/net",
			 (int)in->pids[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (nl_netns_id(nl, fd, &nsid))
			nsid = -1;
		close(fd);
	}
	return nsid;
}

static int know_held_nsids(struct nl *nl)
{
	int err = take_procs();

	if (err)
		return err;
	held_nsids = calloc(procs.n ? procs.n : 1, sizeof(*held_nsids));
	if (!held_nsids)
		return -ENOMEM;
	for (size_t i = 0; i < procs.n; i++) {
		int nsid = nsid_of(nl, &procs.v[i]);

		if (nsid >= 0)
			held_nsids[nheld_nsids++] = nsid;
	}
	held_nsids_known = true;
	return 0;
}

static int know_named_nsids(struct nl *nl)
{
	char **names;
	size_t n;
	int err = ns_names(&names, &n);

	named_nsids_known = true;
	if (err)
		return err;
	named_nsids = calloc(n ? n : 1, sizeof(*named_nsids));
	if (!named_nsids) {
		ns_names_free(names, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		int fd = ns_open(names[i]), nsid;

		if (fd < 0)
			continue;
		if (!nl_netns_id(nl, fd, &nsid) && nsid >= 0)
			named_nsids[nnamed_nsids++] = nsid;
		close(fd);
	}
	ns_names_free(names, n);
	return 0;
}

bool ns_nsid_alive(struct nl *nl, int nsid)
{
	if (ns_nsid_held(nl, nsid))
		return true;
	if (!named_nsids_known && know_named_nsids(nl))
		return true; /* not knowing: alive, as ns_nsid_held() */
	for (size_t i = 0; i < nnamed_nsids; i++)
		if (named_nsids[i] == nsid)
			return true;
	return false;
}

bool ns_nsid_held(struct nl *nl, int nsid)
{
	/* Not knowing, say held: the caller then acts instead of waiting
	 * for a kernel that might not reap. */
	if (!held_nsids_known && know_held_nsids(nl))
		return true;
	for (size_t i = 0; i < nheld_nsids; i++)
		if (held_nsids[i] == nsid)
			return true;
	return false;
}

static int processes_in(int fd, struct ns_del_fail *fail)
{
	const struct procs_in_netns *in;
	int err = take_procs();

	if (err)
		return err;
	in = procs_in(&procs, fd);
	if (!in)
		return 0;
	fail->npids = in->n;
	memcpy(fail->pids, in->pids, sizeof(fail->pids));
	return -EBUSY;
}

/* May name be deleted?  0, or -EPERM / -EBUSY / -errno with fail set. */
static int deletable(const char *name, struct ns_del_fail *fail)
{
	int fd = ns_open(name);
	int err = 0;

	/* A placeholder holds no namespace: nobody's to lose. */
	if (fd == -ENOTNAM)
		return 0;
	if (fd < 0)
		return fd;
	fail->owner = ns_owner_of(name, fd);
	if (fail->owner != NS_OWNER_PODWIRE)
		err = -EPERM;
	if (!err)
		err = processes_in(fd, fail);
	close(fd);
	return err;
}

int ns_delete(const char *name, bool force, struct ns_del_fail *fail)
{
	char path[PATH_MAX];
	struct stat st;
	int err = ns_run_path(name, path, sizeof(path));

	memset(fail, 0, sizeof(*fail));
	if (err)
		return err;
	if (lstat(path, &st) < 0) {
		err = -errno;
		if (err == -ENOENT) {
			/* Of a namespace gone otherwise, or never made. */
			ns_record_drop(name);
			intent_end(INTENT_NETNS, name);
		}
		return err;
	}
	/* A namespace file is a regular file; refuse to unlink anything else
	 * someone put there. */
	if (!S_ISREG(st.st_mode))
		return -ENOTNAM;
	err = force ? 0 : deletable(name, fail);
	if (err)
		return err;
	if (dry_running()) {
		explain("ip netns del %s", name);
		return 0;
	}
	/* EINVAL: not mounted, a placeholder left by a killed create; it goes
	 * all the same, as `ip netns del` clears it. */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
		return -errno;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	explain("ip netns del %s", name);
	ns_forget(name);
	ns_record_drop(name);
	intent_end(INTENT_NETNS, name);
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * PID 1's network namespace is the machine's own, and podwire refuses to
 * reach into the host's namespace from anywhere else.  A program already running in it may act there
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
		err = ns_run_path(target, path, sizeof(path));
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
