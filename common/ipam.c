// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ipam.c - address leases from a pool, for veth-link --ipam.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipam.h"
#include "name.h"
#include "stage.h"

/* A scan longer than this means a pool too crowded to search. */
#define IPAM_SCAN_MAX (UINT64_C(1) << 20)
#define LEASE_TMP ".lease.tmp"

/* ---- The store ---------------------------------------------------------- */

/*
 * Open (making it if missing) a directory under parent that is ours and
 * not writable by anyone else: a group- or world-writable state directory
 * would let another user forge or steal leases.
 */
static int open_private_dir(int parent, const char *name)
{
	struct stat st;
	int fd;

	if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST)
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
	return fd;
}

/* /run/podwire/ipam/<pool>, each step opened from the one before. */
static int open_pool_dir(const struct pw_prefix *net)
{
	static const char *const steps[] = { "podwire", "ipam" };
	char text[PW_ADDRSTRLEN], *slash;
	int dir = open("/run", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int next;

	if (dir < 0)
		return -errno;
	for (size_t i = 0; i <= PW_ARRAY_SIZE(steps); i++) {
		const char *name = steps[i < PW_ARRAY_SIZE(steps) ? i : 0];

		if (i == PW_ARRAY_SIZE(steps)) {
			addr_format_prefix(net, text, sizeof(text));
			slash = strchr(text, '/');
			*slash = '_';
			name = text;
		}
		next = open_private_dir(dir, name);
		close(dir);
		if (next < 0)
			return next;
		dir = next;
	}
	return dir;
}

static int make_subdirs(int dirfd)
{
	static const char *const subdirs[] = { "addr", "pod" };

	for (size_t i = 0; i < PW_ARRAY_SIZE(subdirs); i++) {
		int fd = open_private_dir(dirfd, subdirs[i]);

		if (fd < 0)
			return fd;
		close(fd);
	}
	return 0;
}

/*
 * Hold the pool's lock for one read-modify-write.  The lock file is opened
 * once per pool and kept; flock and unlock per record, so parallel
 * programs take turns lease by lease.  Returns the lock fd or -errno.
 */
static int pool_lock(struct ipam_pool *p)
{
	if (p->lockfd < 0) {
		p->lockfd = openat(p->dirfd, "lock",
				   O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
				   0644);
		if (p->lockfd < 0)
			return -errno;
	}
	while (flock(p->lockfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return -errno;
	return p->lockfd;
}

static void pool_unlock(int lockfd)
{
	flock(lockfd, LOCK_UN);
}

/* Read a small file under dirfd; refuses anything but a regular file. */
static int read_small(int dirfd, const char *path, char *buf, size_t size)
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

/* Write a file whole under a temporary name and fsync it. */
static int write_tmp(int dirfd, const char *tmp, const char *text)
{
	int fd = openat(dirfd, tmp,
			O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
			0644);
	size_t len = strlen(text);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
		err = errno ? -errno : -EIO;
	close(fd);
	if (err)
		unlinkat(dirfd, tmp, 0);
	return err;
}

/* Replace path atomically (write, fsync, rename). */
static int write_replace(int dirfd, const char *path, const char *text)
{
	char tmp[PATH_MAX];
	int err;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	err = write_tmp(dirfd, tmp, text);
	if (!err && renameat(dirfd, tmp, dirfd, path) < 0) {
		err = -errno;
		unlinkat(dirfd, tmp, 0);
	}
	return err;
}

/* ---- Leases ------------------------------------------------------------- */

bool ipam_parse_lease(const char *text, char *netns, size_t nsize, char *ifname,
		      size_t isize)
{
	const char *bad, *ns, *ifn;
	struct pw_why why;
	struct rec r;
	bool ok;

	size_t len = strlen(text);

	/* As written: one line, with its newline. */
	if (len && text[len - 1] == '\n')
		len--;
	rec_init(&r);
	ok = rec_parse_line(text, len, &r, &bad, &why) == 1;
	ns = rec_get(&r, "netns");
	ifn = rec_get(&r, "ifname");
	ok = ok && ifn && pw_strlcpy(ifname, ifn, isize) < isize &&
	     pw_strlcpy(netns, ns ? ns : "", nsize) < nsize;
	rec_clear(&r);
	return ok;
}

static void owner_key(const char *netns, const char *ifname, char *buf,
		      size_t size)
{
	/* '@' is in no name, so netns@ifname is never ambiguous. */
	snprintf(buf, size, "pod/%s@%s", netns ? netns : "", ifname);
}

static void lease_path(const struct pw_addr *a, char *buf, size_t size)
{
	char text[PW_ADDRSTRLEN];

	snprintf(buf, size, "addr/%s", addr_format(a, text, sizeof(text)));
}

/* Does the lease for a belong to netns/ifname? */
static bool lease_is(const struct ipam_pool *p, const struct pw_addr *a,
		     const char *netns, const char *ifname)
{
	char path[PATH_MAX], text[256];
	char lns[PW_NETNS_MAX + 1], lif[PW_IFNAME_MAX + 1];

	lease_path(a, path, sizeof(path));
	return read_small(p->dirfd, path, text, sizeof(text)) == 0 &&
	       ipam_parse_lease(text, lns, sizeof(lns), lif, sizeof(lif)) &&
	       !strcmp(lns, netns ? netns : "") && !strcmp(lif, ifname);
}

/*
 * The address the pod holds in this pool, from pod/.  With prune (lock
 * held), an index entry whose lease is gone or someone else's is removed.
 */
static bool find_held(const struct ipam_pool *p, const char *netns,
		      const char *ifname, struct pw_addr *out, bool prune)
{
	char path[PATH_MAX], text[PW_ADDRSTRLEN];
	struct pw_why why;

	owner_key(netns, ifname, path, sizeof(path));
	if (read_small(p->dirfd, path, text, sizeof(text)) ||
	    addr_parse(text, p->net.addr.family, out, &why) ||
	    !addr_prefix_contains(&p->net, out))
		return false;
	if (lease_is(p, out, netns, ifname))
		return true;
	if (prune)
		unlinkat(p->dirfd, path, 0); /* a stale index entry */
	return false;
}

static bool offset_usable(const struct ipam_pool *p, uint64_t off)
{
	struct pw_addr a;

	if (off < p->first || off > p->last)
		return false;
	a = addr_nth(&p->net, off);
	return !addr_equal(&a, &p->gateway);
}

static uint64_t read_cursor(const struct ipam_pool *p)
{
	char text[32];
	uint64_t v;

	if (read_small(p->dirfd, "cursor", text, sizeof(text)) ||
	    pw_parse_u64(text, p->last, &v) || v < p->first)
		return p->last; /* start from the beginning */
	return v;
}

/* Link the written temporary lease to the address: -EEXIST if taken. */
static int claim(const struct ipam_pool *p, const struct pw_addr *a)
{
	char path[PATH_MAX];

	lease_path(a, path, sizeof(path));
	return linkat(p->dirfd, LEASE_TMP, p->dirfd, path, 0) < 0 ? -errno : 0;
}

/*
 * Next fit from the cursor: O(1) while addresses are handed out in order;
 * a full pool is scanned once to find that out.
 */
static int claim_next(const struct ipam_pool *p, struct pw_addr *out,
		      uint64_t *off_out)
{
	uint64_t span = p->last - p->first + 1;
	uint64_t off = read_cursor(p);

	for (uint64_t tried = 0; tried < span && tried < IPAM_SCAN_MAX;
	     tried++) {
		int err;

		off = off >= p->last ? p->first : off + 1;
		if (!offset_usable(p, off))
			continue;
		*out = addr_nth(&p->net, off);
		err = claim(p, out);
		if (err != -EEXIST) {
			*off_out = off;
			return err;
		}
	}
	return -ENOSPC;
}

static const char *pool_text(const struct ipam_pool *p, char *buf, size_t size)
{
	return addr_format_prefix(&p->net, buf, size);
}

static int explain_claim(const struct rec *r, const struct ipam_pool *p,
			 const struct pw_addr *want, int err)
{
	char pool[PW_ADDRSTRLEN], a[PW_ADDRSTRLEN];

	pool_text(p, pool, sizeof(pool));
	if (err == -ENOSPC)
		stage_err(r, "no free address in pool %s: it is full", pool);
	else if (err == -EEXIST)
		stage_err(r, "address %s of pool %s is leased to another pod",
			  addr_format(want, a, sizeof(a)), pool);
	else
		stage_err(r, "cannot lease an address from pool %s: %s", pool,
			  strerror(-err));
	return PW_EXIT_FAIL;
}

/* Take a free address (or the one asked for) for the pod (lock held). */
static int lease_new(struct ipam_pool *p, const struct rec *r,
		     const struct pw_addr *want, struct pw_addr *got)
{
	const char *netns = rec_get(r, "netns");
	const char *ifname = rec_get(r, "ifname");
	char text[256], path[PATH_MAX], cur[32], a[PW_ADDRSTRLEN];
	uint64_t off = 0;
	int err;

	snprintf(text, sizeof(text), "%s%s%sifname=%s created=%" PRId64 "\n",
		 netns ? "netns=" : "", netns ? netns : "", netns ? " " : "",
		 ifname, pw_now());
	err = write_tmp(p->dirfd, LEASE_TMP, text);
	if (!err && want) {
		*got = *want;
		err = claim(p, got);
	} else if (!err) {
		err = claim_next(p, got, &off);
	}
	unlinkat(p->dirfd, LEASE_TMP, 0);
	if (err)
		return explain_claim(r, p, want, err);
	owner_key(netns, ifname, path, sizeof(path));
	err = write_replace(p->dirfd, path, addr_format(got, a, sizeof(a)));
	if (!err && !want) {
		snprintf(cur, sizeof(cur), "%" PRIu64, off);
		err = write_replace(p->dirfd, "cursor", cur);
	}
	if (err) {
		lease_path(got, path, sizeof(path));
		unlinkat(p->dirfd, path, 0);
		return explain_claim(r, p, got, err);
	}
	p->fresh = true;
	return PW_EXIT_OK;
}

/* ---- Setup -------------------------------------------------------------- */

static int parse_pool(const char *text, struct ipam_pool *p)
{
	char esc[STAGE_ESC_SIZE];
	struct pw_why why;
	const char *bad = addr_parse_prefix(text, AF_UNSPEC, &p->net, &why);
	unsigned bits;

	if (!bad)
		bad = addr_subnet_invalid(&p->net, &why);
	bits = addr_bits(p->net.addr.family);
	if (!bad && p->net.addr.family == AF_INET && p->net.len > 30)
		bad = "is smaller than a /30 (no room for a gateway and a pod)";
	if (!bad && p->net.addr.family == AF_INET6 && p->net.len < 64)
		bad = "is larger than a /64 (podwire leases from the last "
		      "64 bits)";
	if (!bad && p->net.addr.family == AF_INET6 && p->net.len > 126)
		bad = "is smaller than a /126";
	if (bad) {
		pw_usage_err("invalid pool '%s': it %s", stage_esc(text, esc),
			     bad);
		return PW_EXIT_USAGE;
	}
	/* IPv4 keeps its network and broadcast addresses out; IPv6 its
	 * subnet-router anycast address (offset 0). */
	p->first = 1;
	p->last = bits - p->net.len >= 64 ? UINT64_MAX - 1 :
					    addr_span(&p->net) - 1;
	if (p->net.addr.family == AF_INET)
		p->last--;
	p->gateway = addr_nth(&p->net, 1);
	p->dirfd = -1;
	p->lockfd = -1;
	return PW_EXIT_OK;
}

static int take_gateway(struct ipam *ip, const char *text)
{
	char esc[STAGE_ESC_SIZE];
	struct pw_why why;
	struct pw_addr gw;
	const char *bad = addr_parse(text, AF_UNSPEC, &gw, &why);

	if (!bad)
		bad = addr_host_invalid(&gw, &why);
	for (size_t i = 0; !bad && i < ip->npools; i++) {
		if (ip->pools[i].net.addr.family != gw.family)
			continue;
		if (!addr_prefix_contains(&ip->pools[i].net, &gw))
			bad = "is outside the pool";
		else if (!offset_usable(&ip->pools[i],
					addr_offset(&ip->pools[i].net, &gw)))
			bad = "is the network or broadcast address";
		else
			ip->pools[i].gateway = gw;
		if (!bad)
			return PW_EXIT_OK;
	}
	if (!bad)
		bad = "matches no pool's family";
	pw_usage_err("invalid gateway '%s': it %s", stage_esc(text, esc), bad);
	return PW_EXIT_USAGE;
}

/* Split "A[,B]" and hand each part to fn. */
static int each_part(const char *arg, struct ipam *ip,
		     int (*fn)(struct ipam *, const char *), const char *what)
{
	char buf[2 * PW_ADDRSTRLEN + 2];
	char *comma;
	int st;

	if (pw_strlcpy(buf, arg, sizeof(buf)) >= sizeof(buf)) {
		pw_usage_err("%s is too long", what);
		return PW_EXIT_USAGE;
	}
	comma = strchr(buf, ',');
	if (comma)
		*comma = '\0';
	st = fn(ip, buf);
	if (!st && comma)
		st = fn(ip, comma + 1);
	return st;
}

static int add_pool(struct ipam *ip, const char *text)
{
	struct ipam_pool *p = &ip->pools[ip->npools];
	int st;

	if (ip->npools == 2) {
		pw_usage_err("--ipam takes at most two pools");
		return PW_EXIT_USAGE;
	}
	st = parse_pool(text, p);
	if (st)
		return st;
	if (ip->npools && ip->pools[0].net.addr.family == p->net.addr.family) {
		pw_usage_err("--ipam takes one pool per family");
		return PW_EXIT_USAGE;
	}
	ip->npools++;
	return PW_EXIT_OK;
}

/*
 * Opened on first use, not at setup: by then the program has checked it
 * runs as root, so a user without it is told that, not that the store is
 * unreadable.
 */
static int open_store(struct ipam *ip)
{
	for (size_t i = 0; i < ip->npools; i++) {
		struct ipam_pool *p = &ip->pools[i];
		char pool[PW_ADDRSTRLEN];
		int err;

		if (p->dirfd >= 0)
			continue;
		p->dirfd = open_pool_dir(&p->net);
		err = p->dirfd < 0 ? p->dirfd : make_subdirs(p->dirfd);
		if (err) {
			pw_err("cannot open the lease store %s for pool %s: %s",
			       IPAM_DIR, pool_text(p, pool, sizeof(pool)),
			       err == -EPERM ? "it is not root's or is "
					       "writable by others" :
					       strerror(-err));
			return PW_EXIT_FAIL;
		}
	}
	return PW_EXIT_OK;
}

int ipam_setup(struct ipam *ip, const char *pool_arg, const char *gw_arg)
{
	int st;

	memset(ip, 0, sizeof(*ip));
	ip->pools[0].dirfd = ip->pools[1].dirfd = -1;
	ip->pools[0].lockfd = ip->pools[1].lockfd = -1;
	if (!pool_arg) {
		pw_usage_err("--gw needs --ipam");
		return PW_EXIT_USAGE;
	}
	st = each_part(pool_arg, ip, add_pool, "--ipam");
	if (!st && ip->npools == 2 &&
	    ip->pools[0].net.addr.family == AF_INET6) {
		struct ipam_pool t = ip->pools[0];

		ip->pools[0] = ip->pools[1];
		ip->pools[1] = t;
	}
	if (!st && gw_arg)
		st = each_part(gw_arg, ip, take_gateway, "--gw");
	return st;
}

void ipam_close(struct ipam *ip)
{
	for (size_t i = 0; i < ip->npools; i++) {
		if (ip->pools[i].lockfd >= 0)
			close(ip->pools[i].lockfd);
		if (ip->pools[i].dirfd >= 0)
			close(ip->pools[i].dirfd);
	}
	ip->npools = 0;
}

/* ---- Assign and release ------------------------------------------------- */

static const char *family_key(int family)
{
	return family == AF_INET ? "addr" : "addr6";
}

/* The address a record asks for in this pool, if any. */
static int wanted(const struct ipam_pool *p, const struct rec *r,
		  struct pw_prefix *want, bool *has)
{
	const char *v = rec_get(r, family_key(p->net.addr.family));
	char pool[PW_ADDRSTRLEN];
	struct pw_why why;

	*has = false;
	if (!v || addr_parse_prefix(v, p->net.addr.family, want, &why))
		return PW_EXIT_OK;
	if (!addr_prefix_contains(&p->net, &want->addr) ||
	    want->len != p->net.len ||
	    !offset_usable(p, addr_offset(&p->net, &want->addr))) {
		stage_err(r, "%s '%s' is not an address pool %s can lease",
			  family_key(p->net.addr.family), v,
			  pool_text(p, pool, sizeof(pool)));
		return PW_EXIT_FAIL;
	}
	*has = true;
	return PW_EXIT_OK;
}

static int pool_assign(struct ipam_pool *p, struct rec *r)
{
	const char *netns = rec_get(r, "netns");
	const char *ifname = rec_get(r, "ifname");
	char text[PW_ADDRSTRLEN], a[PW_ADDRSTRLEN];
	struct pw_prefix want, got = { .len = p->net.len };
	bool has_want;
	int lockfd, st = wanted(p, r, &want, &has_want);

	p->fresh = false;
	if (st)
		return st;
	lockfd = pool_lock(p);
	if (lockfd < 0) {
		stage_err(r, "cannot lock the lease store: %s",
			  strerror(-lockfd));
		return PW_EXIT_FAIL;
	}
	if (find_held(p, netns, ifname, &got.addr, true)) {
		if (has_want && !addr_equal(&want.addr, &got.addr)) {
			stage_err(r, "this pod already holds %s in pool %s",
				  addr_format(&got.addr, a, sizeof(a)),
				  pool_text(p, text, sizeof(text)));
			st = PW_EXIT_FAIL;
		}
	} else {
		st = lease_new(p, r, has_want ? &want.addr : NULL, &got.addr);
	}
	pool_unlock(lockfd);
	if (!st)
		rec_set(r, family_key(p->net.addr.family),
			addr_format_prefix(&got, text, sizeof(text)));
	return st;
}

/* Drop the pod's lease (lock held); sets *released when there was one. */
static void lease_drop(const struct ipam_pool *p, const char *netns,
		       const char *ifname, const struct pw_addr *hint,
		       struct pw_addr *released, bool *had)
{
	char path[PATH_MAX];
	struct pw_addr a;

	*had = false;
	if (!find_held(p, netns, ifname, &a, true)) {
		/* No index entry: the record's own address, if it is ours. */
		if (!hint || !lease_is(p, hint, netns, ifname))
			return;
		a = *hint;
	}
	lease_path(&a, path, sizeof(path));
	unlinkat(p->dirfd, path, 0);
	owner_key(netns, ifname, path, sizeof(path));
	unlinkat(p->dirfd, path, 0);
	*released = a;
	*had = true;
}

static int pool_release(struct ipam_pool *p, struct rec *r)
{
	const char *key = family_key(p->net.addr.family);
	const char *v = rec_get(r, key);
	struct pw_prefix hint, rel = { .len = p->net.len };
	char text[PW_ADDRSTRLEN];
	struct pw_why why;
	bool has_hint, had;
	int lockfd;

	has_hint = v &&
		   !addr_parse_prefix(v, p->net.addr.family, &hint, &why) &&
		   addr_prefix_contains(&p->net, &hint.addr);
	lockfd = pool_lock(p);
	if (lockfd < 0) {
		stage_err(r, "cannot lock the lease store: %s",
			  strerror(-lockfd));
		return PW_EXIT_FAIL;
	}
	lease_drop(p, rec_get(r, "netns"), rec_get(r, "ifname"),
		   has_hint ? &hint.addr : NULL, &rel.addr, &had);
	pool_unlock(lockfd);
	if (had)
		rec_set(r, key, addr_format_prefix(&rel, text, sizeof(text)));
	return PW_EXIT_OK;
}

int ipam_assign(struct ipam *ip, struct rec *r)
{
	if (open_store(ip))
		return PW_EXIT_FAIL;
	for (size_t i = 0; i < ip->npools; i++) {
		int st = pool_assign(&ip->pools[i], r);

		if (st) {
			/* All pools or none: give back what this call took. */
			while (i--)
				if (ip->pools[i].fresh)
					pool_release(&ip->pools[i], r);
			return st;
		}
	}
	return PW_EXIT_OK;
}

void ipam_undo_assign(struct ipam *ip, const struct rec *r)
{
	struct rec copy;

	/* pool_release() writes the address back; keep r as it was. */
	rec_init(&copy);
	for (size_t i = 0; i < r->n; i++)
		rec_set(&copy, r->f[i].key, r->f[i].val);
	for (size_t i = 0; i < ip->npools; i++)
		if (ip->pools[i].fresh)
			pool_release(&ip->pools[i], &copy);
	rec_clear(&copy);
}

int ipam_release(struct ipam *ip, struct rec *r)
{
	if (open_store(ip))
		return PW_EXIT_FAIL;
	for (size_t i = 0; i < ip->npools; i++) {
		int st = pool_release(&ip->pools[i], r);

		if (st)
			return st;
	}
	return PW_EXIT_OK;
}

/* ---- Lookup ------------------------------------------------------------- */

/* A pool directory's name back to its prefix: "10.244.0.0_24". */
static bool pool_from_dirname(const char *name, struct pw_prefix *p)
{
	char text[PW_ADDRSTRLEN], *us;
	struct pw_why why;

	if (pw_strlcpy(text, name, sizeof(text)) >= sizeof(text))
		return false;
	us = strrchr(text, '_');
	if (!us)
		return false;
	*us = '/';
	return !addr_parse_prefix(text, AF_UNSPEC, p, &why);
}

bool ipam_lookup(const char *netns, const char *ifname, int family,
		 struct pw_prefix *out)
{
	DIR *d = opendir(IPAM_DIR);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		struct ipam_pool p = { .dirfd = -1, .lockfd = -1 };
		struct pw_addr a;

		if (de->d_name[0] == '.' ||
		    !pool_from_dirname(de->d_name, &p.net) ||
		    p.net.addr.family != family)
			continue;
		p.dirfd =
			openat(dirfd(d), de->d_name,
			       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (p.dirfd < 0)
			continue;
		if (find_held(&p, netns, ifname, &a, false)) {
			out->addr = a;
			out->len = p.net.len;
			found = true;
		}
		close(p.dirfd);
	}
	closedir(d);
	return found;
}
