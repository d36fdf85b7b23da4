// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ipam.c - address leases from a pool.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explain.h"
#include "ipam.h"
#include "kv.h"
#include "lock.h"
#include "name.h"
#include "statedir.h"

/* A scan longer than this means a pool too crowded to search. */
#define IPAM_SCAN_MAX (UINT64_C(1) << 20)
#define LEASE_TMP ".lease" STATEDIR_TMP

/* ---- Pools -------------------------------------------------------------- */

void ipam_init(struct ipam *ip)
{
	memset(ip, 0, sizeof(*ip));
	for (size_t i = 0; i < IPAM_POOLS_MAX; i++)
		ip->pools[i].dirfd = ip->pools[i].lockfd = -1;
}

void ipam_close(struct ipam *ip)
{
	for (size_t i = 0; i < ip->npools; i++) {
		free(ip->pools[i].planned);
		if (ip->pools[i].lockfd >= 0)
			close(ip->pools[i].lockfd);
		if (ip->pools[i].dirfd >= 0)
			close(ip->pools[i].dirfd);
	}
	ipam_init(ip);
}

bool ipam_pool_ok(const struct pw_prefix *net, struct pw_why *why)
{
	if (!addr_subnet_ok(net, why))
		return false;
	if (net->addr.family == AF_INET && net->len > 30)
		return pw_why_not(why, "is smaller than a /30 (no room for a "
				       "gateway and a pod)");
	if (net->addr.family == AF_INET6 && net->len < 64)
		return pw_why_not(why, "is larger than a /64 (podwire leases "
				       "from the last 64 bits)");
	if (net->addr.family == AF_INET6 && net->len > 126)
		return pw_why_not(why, "is smaller than a /126");
	return true;
}

static bool offset_usable(const struct ipam_pool *p, uint64_t off)
{
	struct pw_addr a;

	if (off < p->first || off > p->last)
		return false;
	a = addr_nth(&p->net, off);
	return !addr_equal(&a, &p->gateway);
}

int ipam_add_pool(struct ipam *ip, const struct pw_prefix *net,
		  struct pw_why *why)
{
	struct ipam_pool *p;
	unsigned host_bits = addr_bits(net->addr.family) - net->len;

	if (!ipam_pool_ok(net, why))
		return -EINVAL;
	if (ip->npools == IPAM_POOLS_MAX)
		return -E2BIG;
	for (size_t i = 0; i < ip->npools; i++)
		if (ip->pools[i].net.addr.family == net->addr.family)
			return -EEXIST;
	/* IPv4 first: a pool's index is then the same for every caller. */
	if (net->addr.family == AF_INET && ip->npools)
		ip->pools[1] = ip->pools[0];
	p = &ip->pools[net->addr.family == AF_INET ? 0 : ip->npools];
	memset(p, 0, sizeof(*p));
	p->net = *net;
	p->dirfd = p->lockfd = -1;
	/* IPv4 keeps its network and broadcast addresses out; IPv6 its
	 * subnet-router anycast address (offset 0). */
	p->first = 1;
	p->last = host_bits >= 64 ? UINT64_MAX - 1 : addr_span(net) - 1;
	if (net->addr.family == AF_INET)
		p->last--;
	p->gateway = addr_nth(net, 1);
	ip->npools++;
	return 0;
}

int ipam_set_gateway(struct ipam *ip, const struct pw_addr *gw,
		     struct pw_why *why)
{
	uint64_t off;

	if (!addr_host_ok(gw, why))
		return -EINVAL;
	for (size_t i = 0; i < ip->npools; i++) {
		struct ipam_pool *p = &ip->pools[i];

		if (p->net.addr.family != gw->family)
			continue;
		if (!addr_prefix_contains(&p->net, gw))
			return pw_why_not(why, "is outside the pool"), -EINVAL;
		/* Any host of the pool, the default gateway (its first
		 * host) among them. */
		off = addr_offset(&p->net, gw);
		if (off < p->first || off > p->last)
			return pw_why_not(why, "is the network or broadcast "
					       "address"),
			       -EINVAL;
		p->gateway = *gw;
		return 0;
	}
	pw_why_not(why, "matches no pool's family");
	return -EINVAL;
}

/* ---- The store ---------------------------------------------------------- */

/* The pool's directory name: its text with '/' as '_'. */
static void pool_dirname(const struct ipam_pool *p, char *buf, size_t size)
{
	char *slash;

	addr_format_prefix(&p->net, buf, size);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '_';
}

void ipam_pool_path(const struct ipam_pool *p, const char *file, char *buf,
		    size_t size)
{
	char name[PW_ADDRSTRLEN];

	pool_dirname(p, name, sizeof(name));
	snprintf(buf, size, "%s/%s%s%s", IPAM_DIR, name, file ? "/" : "",
		 file ? file : "");
}

int ipam_store_fault(const struct ipam_pool *p, char *path, size_t size)
{
	char name[PW_ADDRSTRLEN];
	const char *parts[2] = { IPAM_STORE, name };

	pool_dirname(p, name, sizeof(name));
	return statedir_fault(parts, PW_ARRAY_SIZE(parts), path, size);
}

/* Opened on first use, so a user without root hears that first. */
static int pool_open(struct ipam_pool *p)
{
	static const char *const subdirs[] = { "addr", "pod" };
	char name[PW_ADDRSTRLEN];
	const char *parts[2] = { "ipam", name };
	int fd;

	if (p->dirfd >= 0)
		return 0;
	pool_dirname(p, name, sizeof(name));
	p->dirfd = statedir_open(parts, PW_ARRAY_SIZE(parts));
	if (p->dirfd < 0) {
		int err = p->dirfd;

		p->dirfd = -1;
		return err;
	}
	for (size_t i = 0; i < PW_ARRAY_SIZE(subdirs); i++) {
		fd = statedir_open_private(p->dirfd, subdirs[i]);
		if (fd < 0)
			return fd;
		close(fd);
	}
	return 0;
}

/* ---- Leases ------------------------------------------------------------- */

bool ipam_parse_lease(const char *text, char *netns, size_t nsize, char *ifname,
		      size_t isize)
{
	size_t len = strlen(text);
	struct kv kv;

	/* As written: one line, with its newline. */
	if (len && text[len - 1] == '\n')
		len--;
	return kv_split(text, len, &kv, NULL) &&
	       kv_copy(&kv, "ifname", ifname, isize) == 0 &&
	       kv_copy(&kv, "netns", netns, nsize) != -ENAMETOOLONG;
}

static void owner_key(const struct lease_owner *who, char *buf, size_t size)
{
	/* '@' and '=' are in no name, so neither is ever ambiguous. */
	if (who->cid)
		snprintf(buf, size, "pod/cid=%s@%s", who->cid, who->ifname);
	else
		snprintf(buf, size, "pod/%s@%s", who->netns ? who->netns : "",
			 who->ifname);
}

/* The cid= of a lease's text into cid ("" for none); false when bad. */
static bool lease_cid(const char *text, char *cid, size_t size)
{
	struct kv kv;

	return kv_split(text, strlen(text), &kv, NULL) &&
	       kv_copy(&kv, "cid", cid, size) != -ENAMETOOLONG;
}

/*
 * Remove who's index entry, and the temporary file of a writer of it
 * killed before its rename, which would otherwise stay for good.
 */
static void drop_index(const struct ipam_pool *p, const struct lease_owner *who)
{
	char path[PATH_MAX];

	owner_key(who, path, sizeof(path));
	unlinkat(p->dirfd, path, 0);
	if (strlen(path) + strlen(STATEDIR_TMP) < sizeof(path)) {
		strcat(path, STATEDIR_TMP);
		unlinkat(p->dirfd, path, 0);
	}
}

static void lease_path(const struct pw_addr *a, char *buf, size_t size)
{
	char text[PW_ADDRSTRLEN];

	snprintf(buf, size, "addr/%s", addr_format(a, text, sizeof(text)));
}

/* Does the lease for a belong to who? */
static bool lease_is(const struct ipam_pool *p, const struct pw_addr *a,
		     const struct lease_owner *who)
{
	char path[PATH_MAX], text[IPAM_LEASE_TEXT_MAX];
	char lns[PW_NETNS_MAX + 1], lif[PW_IFNAME_MAX + 1];
	char cid[PW_CID_MAX + 1];

	lease_path(a, path, sizeof(path));
	if (statedir_read(p->dirfd, path, text, sizeof(text)) ||
	    !ipam_parse_lease(text, lns, sizeof(lns), lif, sizeof(lif)) ||
	    !lease_cid(text, cid, sizeof(cid)) || strcmp(lif, who->ifname))
		return false;
	/* An attachment's lease is its container's wherever its netns. */
	if (who->cid || cid[0])
		return who->cid && !strcmp(cid, who->cid);
	return !strcmp(lns, who->netns ? who->netns : "");
}

/*
 * The address who holds in this pool, from pod/.  With prune (lock held),
 * an index entry whose lease is gone or someone else's is removed.
 */
static bool find_held(const struct ipam_pool *p, const struct lease_owner *who,
		      struct pw_addr *out, bool prune)
{
	char path[PATH_MAX], text[PW_ADDRSTRLEN];

	owner_key(who, path, sizeof(path));
	if (statedir_read(p->dirfd, path, text, sizeof(text)) ||
	    !addr_parse(text, p->net.addr.family, out, NULL) ||
	    !addr_prefix_contains(&p->net, out))
		return false;
	if (lease_is(p, out, who))
		return true;
	if (prune)
		drop_index(p, who); /* a stale index entry */
	return false;
}

static uint64_t read_cursor(const struct ipam_pool *p)
{
	char text[32];
	uint64_t v;

	if (statedir_read(p->dirfd, "cursor", text, sizeof(text)) ||
	    pw_parse_u64(text, p->last, &v) || v < p->first)
		return p->last; /* start from the beginning */
	return v;
}

/*
 * Claim a for who: the index entry first, then the lease, linked from the
 * written temporary file (-EEXIST when a is taken).  The entry is the
 * claim's intent: killed after the link, a re-run finds the lease by it
 * (find_held()); killed before, the entry names a lease that is not who's,
 * and find_held() prunes it.  The other order leaked a lease nobody's
 * index led to.
 */
static int claim(const struct ipam_pool *p, const struct lease_owner *who,
		 const struct pw_addr *a)
{
	char path[PATH_MAX], text[PW_ADDRSTRLEN];
	int err;

	owner_key(who, path, sizeof(path));
	err = statedir_write_replace(p->dirfd, path,
				     addr_format(a, text, sizeof(text)));
	if (err)
		return err;
	lease_path(a, path, sizeof(path));
	return linkat(p->dirfd, LEASE_TMP, p->dirfd, path, 0) < 0 ? -errno : 0;
}

/*
 * Next fit from the cursor: O(1) while addresses are handed out in order;
 * a full pool is scanned once to find that out.
 */
static int claim_next(const struct ipam_pool *p, const struct lease_owner *who,
		      struct pw_addr *out, uint64_t *off_out)
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
		err = claim(p, who, out);
		if (err != -EEXIST) {
			*off_out = off;
			return err;
		}
	}
	return -ENOSPC;
}

/* Take a free address (or the one asked for) for who (lock held). */
static int lease_new(struct ipam_pool *p, const struct lease_owner *who,
		     const struct pw_addr *want, struct pw_addr *got)
{
	const char *boot = pw_boot_id();
	char text[IPAM_LEASE_TEXT_MAX], cur[32];
	uint64_t off = 0;
	int err;

	/* boot=: veth-prune releases a lease an earlier boot left. */
	snprintf(text, sizeof(text),
		 "%s%s%s%s%s%sifname=%s%s%s created=%" PRId64 "%s%s\n",
		 who->cid ? "cid=" : "", who->cid ? who->cid : "",
		 who->cid ? " " : "", who->netns ? "netns=" : "",
		 who->netns ? who->netns : "", who->netns ? " " : "",
		 who->ifname, who->net ? " net=" : "", who->net ? who->net : "",
		 pw_now(), boot[0] ? " boot=" : "", boot);
	err = statedir_write_tmp(p->dirfd, LEASE_TMP, text);
	if (!err && want) {
		*got = *want;
		err = claim(p, who, got);
	} else if (!err) {
		err = claim_next(p, who, got, &off);
	}
	unlinkat(p->dirfd, LEASE_TMP, 0);
	if (!err && !want) {
		snprintf(cur, sizeof(cur), "%" PRIu64, off);
		/* Only a hint: a lost cursor costs a longer look next time. */
		statedir_write_replace(p->dirfd, "cursor", cur);
	}
	if (err)
		drop_index(p, who); /* written for an address not claimed */
	return err;
}

/* Is want an address this pool can lease? */
static bool leasable(const struct ipam_pool *p, const struct pw_prefix *want)
{
	return want->addr.family == p->net.addr.family &&
	       addr_prefix_contains(&p->net, &want->addr) &&
	       want->len == p->net.len &&
	       offset_usable(p, addr_offset(&p->net, &want->addr));
}

static int lock_pool(struct ipam_pool *p, struct ipam_fail *fail)
{
	int err = pool_open(p);

	fail->step = IPAM_STEP_OPEN;
	if (!err) {
		fail->step = IPAM_STEP_LOCK;
		err = statedir_lock(p->dirfd, IPAM_LOCK, &p->lockfd);
		if (err == -ETIMEDOUT)
			fail->holder = lock_holder(p->lockfd);
	}
	if (!err)
		fail->step = IPAM_STEP_LEASE;
	return err;
}

DIR *ipam_lease_dir(int poolfd)
{
	int fd = openat(poolfd, "addr",
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	if (fd >= 0 && !d)
		close(fd);
	return d;
}

/* How many leases the pool directory poolfd holds, up to max. */
static unsigned long count_leases(int poolfd, unsigned long max)
{
	DIR *d = ipam_lease_dir(poolfd);
	unsigned long n = 0;
	struct dirent *de;

	if (!d)
		return 0;
	while (n < max && (de = readdir(d))) {
		struct pw_addr a;

		if (addr_parse(de->d_name, AF_UNSPEC, &a, NULL))
			n++;
	}
	closedir(d);
	return n;
}

struct overlap {
	const struct pw_prefix *net;
	struct ipam_fail *fail;
};

static bool overlap_wants(const struct pw_prefix *net, const void *arg)
{
	const struct overlap *o = arg;

	return addr_prefix_overlap(net, o->net) &&
	       !(net->len == o->net->len &&
		 addr_equal(&net->addr, &o->net->addr));
}

static bool overlap_in(int fd, const struct pw_prefix *net, void *arg)
{
	struct overlap *o = arg;

	o->fail->leases = count_leases(fd, ULONG_MAX);
	if (!o->fail->leases)
		return false; /* released to the last: no longer in use */
	o->fail->other = *net;
	return true;
}

/*
 * Two pools that share addresses would give one address to two pods, so
 * of pools that overlap only one may hold leases at a time.  A pool's
 * first lease is therefore taken under the store's own lock, after
 * looking for an overlapping pool with leases (-EADDRINUSE, that pool and
 * its count in fail); once a pool holds one, an overlapping pool's first
 * lease sees it.  *store: the store lock's fd, or -1 when not taken.
 */
static int first_lease_guard(const struct ipam_pool *p, int *store,
			     struct ipam_fail *fail)
{
	struct overlap o = { &p->net, fail };
	int err;

	*store = -1;
	if (count_leases(p->dirfd, 1))
		return 0;
	err = statedir_lock_in(IPAM_STORE, IPAM_LOCK, store);
	if (err) {
		fail->step = IPAM_STEP_STORE_LOCK;
		if (err == -ETIMEDOUT)
			fail->holder = lock_holder(*store);
		if (*store >= 0)
			close(*store);
		*store = -1;
		return err;
	}
	return ipam_each_pool(overlap_wants, overlap_in, &o) ? -EADDRINUSE : 0;
}

/* ---- Dry runs: the lease that would be given, and nothing written ---- */

/* The pool's directory if it is there; a pool never used has none. */
static int pool_peek(struct ipam_pool *p)
{
	char path[PATH_MAX], name[PW_ADDRSTRLEN];

	if (p->dirfd >= 0)
		return 0;
	pool_dirname(p, name, sizeof(name));
	snprintf(path, sizeof(path), "%s/%s", IPAM_DIR, name);
	p->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (p->dirfd < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static bool planned_here(const struct ipam_pool *p, uint64_t off)
{
	for (size_t i = 0; i < p->nplanned; i++)
		if (p->planned[i] == off)
			return true;
	return false;
}

/* Is a leased, or planned earlier in this run? */
static bool plan_taken(const struct ipam_pool *p, const struct pw_addr *a)
{
	char path[PATH_MAX];

	if (planned_here(p, addr_offset(&p->net, a)))
		return true;
	lease_path(a, path, sizeof(path));
	return p->dirfd >= 0 && faccessat(p->dirfd, path, F_OK, 0) == 0;
}

/* claim_next()'s walk from the cursor, looking instead of claiming. */
static int plan_next(const struct ipam_pool *p, struct pw_addr *out)
{
	uint64_t span = p->last - p->first + 1;
	uint64_t off = p->nplanned   ? p->planned[p->nplanned - 1] :
		       p->dirfd >= 0 ? read_cursor(p) :
				       p->last;

	for (uint64_t tried = 0; tried < span && tried < IPAM_SCAN_MAX;
	     tried++) {
		off = off >= p->last ? p->first : off + 1;
		if (!offset_usable(p, off))
			continue;
		*out = addr_nth(&p->net, off);
		if (!plan_taken(p, out))
			return 0;
	}
	return -ENOSPC;
}

static int plan_keep(struct ipam_pool *p, const struct pw_addr *a)
{
	uint64_t *more =
		realloc(p->planned, (p->nplanned + 1) * sizeof(*p->planned));

	if (!more)
		return -ENOMEM;
	p->planned = more;
	p->planned[p->nplanned++] = addr_offset(&p->net, a);
	return 0;
}

/* Would the pool's first lease run into an overlapping pool's? */
static int plan_overlap(const struct ipam_pool *p, struct ipam_fail *fail)
{
	struct overlap o = { &p->net, fail };

	if (p->nplanned || (p->dirfd >= 0 && count_leases(p->dirfd, 1)))
		return 0;
	return ipam_each_pool(overlap_wants, overlap_in, &o) ? -EADDRINUSE : 0;
}

/*
 * pool_assign() for a dry run: the address it would give, found without
 * a lock and without writing; an address planned earlier in this run is
 * taken.  A planned address is said as a comment of the plan.
 */
static int pool_plan(struct ipam_pool *p, const struct lease_owner *who,
		     const struct pw_prefix *want, struct pw_prefix *got,
		     bool *fresh, struct ipam_fail *fail)
{
	char a[PW_ADDRSTRLEN], net[PW_ADDRSTRLEN];
	int err = pool_peek(p);

	fail->step = err ? IPAM_STEP_OPEN : IPAM_STEP_LEASE;
	if (err)
		return err;
	if (p->dirfd >= 0 && find_held(p, who, &got->addr, false)) {
		if (want && !addr_equal(&want->addr, &got->addr)) {
			fail->addr = got->addr;
			return -EBUSY;
		}
		return 0;
	}
	err = plan_overlap(p, fail);
	if (!err && want && plan_taken(p, &want->addr)) {
		fail->addr = want->addr;
		err = -EEXIST;
	}
	if (!err && want)
		got->addr = want->addr;
	else if (!err)
		err = plan_next(p, &got->addr);
	if (!err)
		err = plan_keep(p, &got->addr);
	if (err)
		return err;
	*fresh = true;
	explain("# %s: the address %s%s%s would lease from %s (planned)",
		addr_format(&got->addr, a, sizeof(a)),
		who->netns ? who->netns : "", who->netns ? ":" : "",
		who->ifname, addr_format_prefix(&p->net, net, sizeof(net)));
	return 0;
}

static int pool_assign(struct ipam_pool *p, const struct lease_owner *who,
		       const struct pw_prefix *want, struct pw_prefix *got,
		       bool *fresh, struct ipam_fail *fail)
{
	int err, store = -1;

	*fresh = false;
	got->len = p->net.len;
	fail->step = IPAM_STEP_LEASE;
	if (want && !leasable(p, want)) {
		fail->addr = want->addr;
		return -EADDRNOTAVAIL;
	}
	if (dry_running())
		return pool_plan(p, who, want, got, fresh, fail);
	err = lock_pool(p, fail);
	if (err)
		return err;
	if (find_held(p, who, &got->addr, true)) {
		if (want && !addr_equal(&want->addr, &got->addr)) {
			fail->addr = got->addr;
			err = -EBUSY;
		}
	} else {
		err = first_lease_guard(p, &store, fail);
		if (!err)
			err = lease_new(p, who, want ? &want->addr : NULL,
					&got->addr);
		if (err == -EEXIST && want)
			fail->addr = want->addr;
		*fresh = !err;
	}
	if (store >= 0)
		close(store);
	statedir_unlock(p->lockfd);
	return err;
}

/* Drop who's lease (lock held); true with it in *released if it had one. */
static bool lease_drop(const struct ipam_pool *p, const struct lease_owner *who,
		       const struct pw_addr *hint, struct pw_addr *released)
{
	char path[PATH_MAX];
	struct pw_addr a;

	if (!find_held(p, who, &a, true)) {
		/* No index entry: the address given, if its lease is who's. */
		if (!hint || !lease_is(p, hint, who)) {
			drop_index(p, who); /* a killed writer's leftover */
			return false;
		}
		a = *hint;
	}
	lease_path(&a, path, sizeof(path));
	unlinkat(p->dirfd, path, 0);
	drop_index(p, who);
	*released = a;
	return true;
}

/* pool_release() for a dry run: what it would give back, left as it is. */
static int plan_release(struct ipam_pool *p, const struct lease_owner *who,
			const struct pw_addr *hint, struct pw_prefix *rel,
			bool *had, struct ipam_fail *fail)
{
	int err = pool_peek(p);

	fail->step = IPAM_STEP_OPEN;
	rel->len = p->net.len;
	if (err || p->dirfd < 0)
		return err;
	*had = find_held(p, who, &rel->addr, false);
	if (!*had && hint && lease_is(p, hint, who)) {
		rel->addr = *hint;
		*had = true;
	}
	return 0;
}

static int pool_release(struct ipam_pool *p, const struct lease_owner *who,
			const struct pw_prefix *hint, struct pw_prefix *rel,
			bool *had, struct ipam_fail *fail)
{
	bool use_hint = hint && hint->addr.family == p->net.addr.family &&
			addr_prefix_contains(&p->net, &hint->addr);
	int err;

	*had = false;
	if (dry_running())
		return plan_release(p, who, use_hint ? &hint->addr : NULL, rel,
				    had, fail);
	err = lock_pool(p, fail);
	if (err)
		return err;
	rel->len = p->net.len;
	*had = lease_drop(p, who, use_hint ? &hint->addr : NULL, &rel->addr);
	statedir_unlock(p->lockfd);
	return 0;
}

int ipam_assign(struct ipam *ip, const struct lease_owner *who,
		const struct lease *want, struct lease *got,
		struct ipam_fail *fail)
{
	memset(got, 0, sizeof(*got));
	memset(fail, 0, sizeof(*fail));
	for (size_t i = 0; i < ip->npools; i++) {
		int err = pool_assign(&ip->pools[i], who,
				      want && want->has[i] ? &want->addr[i] :
							     NULL,
				      &got->addr[i], &got->fresh[i], fail);

		if (err) {
			fail->pool = i;
			/* All pools or none: give back what this call took. */
			ipam_unassign(ip, who, got);
			memset(got, 0, sizeof(*got));
			return err;
		}
		got->has[i] = true;
	}
	return 0;
}

void ipam_unassign(struct ipam *ip, const struct lease_owner *who,
		   const struct lease *got)
{
	for (size_t i = 0; i < ip->npools; i++) {
		struct ipam_fail ignored;
		struct pw_prefix rel;
		bool had;

		if (got->fresh[i])
			pool_release(&ip->pools[i], who, &got->addr[i], &rel,
				     &had, &ignored);
	}
}

int ipam_release(struct ipam *ip, const struct lease_owner *who,
		 const struct lease *hint, struct lease *released,
		 struct ipam_fail *fail)
{
	memset(released, 0, sizeof(*released));
	memset(fail, 0, sizeof(*fail));
	for (size_t i = 0; i < ip->npools; i++) {
		int err = pool_release(
			&ip->pools[i], who,
			hint && hint->has[i] ? &hint->addr[i] : NULL,
			&released->addr[i], &released->has[i], fail);

		if (err) {
			fail->pool = i;
			return err;
		}
	}
	return 0;
}

static bool same_lease(const struct ipam_lease *a, const struct ipam_lease *b)
{
	return !strcmp(a->netns, b->netns) && !strcmp(a->ifname, b->ifname) &&
	       !strcmp(a->cid, b->cid) && a->created == b->created &&
	       !strcmp(a->boot, b->boot);
}

int ipam_release_lease(const struct ipam_lease *l)
{
	struct ipam_pool p = { .net = l->pool, .dirfd = -1, .lockfd = -1 };
	const struct lease_owner who = { l->netns[0] ? l->netns : NULL,
					 l->ifname, l->cid[0] ? l->cid : NULL,
					 NULL };
	struct ipam_lease now = { .pool = l->pool, .addr = l->addr };
	char name[PW_ADDRSTRLEN], path[PATH_MAX];
	struct pw_addr held;
	struct ipam_fail fail;
	bool indexed;
	int err = lock_pool(&p, &fail);

	if (err)
		goto out;
	addr_format(&l->addr, name, sizeof(name));
	if (!ipam_read_lease(p.dirfd, name, &now) || !same_lease(&now, l)) {
		err = -ESTALE;
		goto unlock;
	}
	/* The owner's index entry goes too, if it leads to this lease. */
	indexed = find_held(&p, &who, &held, false) &&
		  addr_equal(&held, &l->addr);
	lease_path(&l->addr, path, sizeof(path));
	if (unlinkat(p.dirfd, path, 0) < 0)
		err = -errno;
	if (!err && indexed)
		drop_index(&p, &who);
unlock:
	statedir_unlock(p.lockfd);
out:
	if (p.lockfd >= 0)
		close(p.lockfd);
	if (p.dirfd >= 0)
		close(p.dirfd);
	return err;
}

/* ---- Lookup ------------------------------------------------------------- */

/* A pool directory's name back to its prefix: "10.244.0.0_24". */
static bool pool_from_dirname(const char *name, struct pw_prefix *p)
{
	char text[PW_ADDRSTRLEN], *us;

	if (pw_strlcpy(text, name, sizeof(text)) >= sizeof(text))
		return false;
	us = strrchr(text, '_');
	if (!us)
		return false;
	*us = '/';
	return addr_parse_prefix(text, AF_UNSPEC, p, NULL);
}

bool ipam_each_pool(bool (*wants)(const struct pw_prefix *, const void *),
		    bool (*visit)(int, const struct pw_prefix *, void *),
		    void *arg)
{
	DIR *d = opendir(IPAM_DIR);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		struct pw_prefix net;
		int fd;

		if (de->d_name[0] == '.' ||
		    !pool_from_dirname(de->d_name, &net) ||
		    (wants && !wants(&net, arg)))
			continue;
		fd = openat(dirfd(d), de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		found = visit(fd, &net, arg);
		close(fd);
	}
	closedir(d);
	return found;
}

struct lookup {
	const struct lease_owner *who;
	int family;
	struct pw_prefix *out;
};

static bool lookup_wants(const struct pw_prefix *net, const void *arg)
{
	const struct lookup *l = arg;

	return net->addr.family == l->family;
}

static bool lookup_in(int fd, const struct pw_prefix *net, void *arg)
{
	struct lookup *l = arg;
	struct ipam_pool p = { .net = *net, .dirfd = fd, .lockfd = -1 };

	if (!find_held(&p, l->who, &l->out->addr, false))
		return false;
	l->out->len = net->len;
	return true;
}

bool ipam_lookup(const struct lease_owner *who, int family,
		 struct pw_prefix *out)
{
	struct lookup l = { who, family, out };

	return ipam_each_pool(lookup_wants, lookup_in, &l);
}

/*
 * The lowest leased address of subnet in pool directory poolfd (lowest,
 * so the answer does not hang on the order of the directory), into low.
 */
static bool lowest_lease_in(int poolfd, const struct pw_prefix *subnet,
			    struct pw_addr *low)
{
	DIR *d = ipam_lease_dir(poolfd);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while ((de = readdir(d))) {
		struct pw_addr a;

		if (!addr_parse(de->d_name, subnet->addr.family, &a, NULL) ||
		    !addr_prefix_contains(subnet, &a))
			continue;
		if (!found || memcmp(a.bytes, low->bytes, sizeof(a.bytes)) < 0)
			*low = a;
		found = true;
	}
	closedir(d);
	return found;
}

/* "pod3:eth0" for the lease of a in the pool directory poolfd. */
static void lease_owner_text(int poolfd, const struct pw_addr *a, char *owner,
			     size_t size)
{
	char path[PATH_MAX], text[IPAM_LEASE_TEXT_MAX];
	char ns[PW_NETNS_MAX + 1], ifn[PW_IFNAME_MAX + 1];
	char cid[PW_CID_MAX + 1];

	lease_path(a, path, sizeof(path));
	if (statedir_read(poolfd, path, text, sizeof(text)) ||
	    !ipam_parse_lease(text, ns, sizeof(ns), ifn, sizeof(ifn)) ||
	    !lease_cid(text, cid, sizeof(cid)))
		addr_format(a, owner, size);
	else if (cid[0]) /* a container: its short id, as podman shows it */
		snprintf(owner, size, "container %.12s:%s", cid, ifn);
	else
		snprintf(owner, size, "%s%s%s", ns, ns[0] ? ":" : "", ifn);
}

struct leased {
	const struct pw_prefix *subnet;
	char *owner;
	size_t size;
};

static bool leased_wants(const struct pw_prefix *net, const void *arg)
{
	const struct leased *l = arg;

	return addr_prefix_overlap(net, l->subnet);
}

static bool leased_in(int fd, const struct pw_prefix *net, void *arg)
{
	struct leased *l = arg;
	struct pw_addr low;

	(void)net;
	if (!lowest_lease_in(fd, l->subnet, &low))
		return false;
	lease_owner_text(fd, &low, l->owner, l->size);
	return true;
}

bool ipam_subnet_leased(const struct pw_prefix *subnet, char *owner,
			size_t size)
{
	struct leased l = { subnet, owner, size };

	return ipam_each_pool(leased_wants, leased_in, &l);
}
