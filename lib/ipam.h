/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipam.h - address leases from a pool.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Store layout, one directory per pool (the pool's text with '/' as '_'):
 *
 *   /run/podwire/ipam/10.244.0.0_24/
 *       lock               flock(2)ed around every read-modify-write
 *       cursor             offset of the address handed out last
 *       addr/10.244.0.2    a lease: "netns=pod1 ifname=eth0 created=T
 *                          boot=B" (B: the kernel's boot_id then)
 *       pod/pod1@eth0      the same lease found by its owner: "10.244.0.2"
 *       addr/10.244.0.3    a CNI attachment's: "cid=ID netns=PATH
 *                          ifname=eth0 net=NETWORK created=T boot=B"
 *       pod/cid=ID@eth0    found by container id and ifname, as a CNI DEL
 *                          asks ('=' is in no name)
 *   /run/podwire/ipam/lock   taken for a pool's first lease: of pools that
 *                            overlap, only one holds leases at a time
 *
 * A lease file is written whole to a temporary name, fsync()ed and then
 * link()ed to its address, which fails if the address is taken: a lease
 * is never half-written and never overwritten.  The next address is looked
 * for after the cursor, so handing out a pool's addresses one after another
 * costs O(1) each; only a full pool is scanned, once, to say so.  A re-run
 * for the same pod finds its lease through pod/ and gets the same address.
 *
 * /run is a tmpfs: leases vanish at reboot with the namespaces they name.
 */
#ifndef PODWIRE_IPAM_H
#define PODWIRE_IPAM_H

#include <dirent.h>
#include <stdbool.h>
#include <sys/types.h>

#include "addr.h"
#include "name.h"
#include "statedir.h"

#define IPAM_STORE "ipam"
#define IPAM_DIR STATEDIR_ROOT "/" IPAM_STORE
#define IPAM_POOLS_MAX 2
#define IPAM_LOCK "lock"

struct ipam_pool {
	struct pw_prefix net;
	struct pw_addr gateway; /* never handed out */
	uint64_t first, last; /* offsets handed out: [first, last] */
	int dirfd; /* the pool's directory, -1 until first used */
	int lockfd; /* its lock file, -1 until first locked */
	/* A dry run's (explain.h) addresses, planned and not leased: the
	 * next plan skips them.  Offsets, malloc'ed. */
	uint64_t *planned;
	size_t nplanned;
};

/* At most one pool per family, IPv4 first. */
struct ipam {
	struct ipam_pool pools[IPAM_POOLS_MAX];
	size_t npools;
};

void ipam_init(struct ipam *ip);
void ipam_close(struct ipam *ip);

/*
 * Can podwire lease from net?  A subnet, IPv4 no smaller than a /30 (a
 * gateway and a pod), IPv6 from /64 (podwire counts in the last 64 bits)
 * to /126.  false with the reason in why.
 */
bool ipam_pool_ok(const struct pw_prefix *net, struct pw_why *why);

/*
 * Add a pool, its gateway the first host.  -EINVAL with why when it is
 * no pool (ipam_pool_ok()), -E2BIG when there are two already, -EEXIST
 * when there is one of its family.
 */
int ipam_add_pool(struct ipam *ip, const struct pw_prefix *net,
		  struct pw_why *why);

/*
 * Make gw the gateway of the pool of its family.  -EINVAL with why: not a
 * host address, outside the pool, the network or broadcast address, or
 * of a family no pool has.
 */
int ipam_set_gateway(struct ipam *ip, const struct pw_addr *gw,
		     struct pw_why *why);

/* The path of a file in the pool's directory (file NULL: the directory). */
void ipam_pool_path(const struct ipam_pool *p, const char *file, char *buf,
		    size_t size);

/*
 * After IPAM_STEP_OPEN failed: the directory at fault (the store's, a
 * pool's, or /run/podwire itself) into path, and why (statedir_fault()).
 */
int ipam_store_fault(const struct ipam_pool *p, char *path, size_t size);

/*
 * Whose lease: the pod end's namespace (NULL: none) and interface; or,
 * cid set, a CNI attachment: its container id and interface, which alone
 * say whose it is (netns is kept in the lease for a diagnosis, net is
 * the CNI network's name, which scopes its GC).
 */
struct lease_owner {
	const char *netns;
	const char *ifname;
	const char *cid;
	const char *net;
};

/* The longest text of a lease file. */
#define IPAM_LEASE_TEXT_MAX 512

/* An address per pool, indexed as ipam.pools. */
struct lease {
	struct pw_prefix addr[IPAM_POOLS_MAX];
	bool has[IPAM_POOLS_MAX];
	bool fresh[IPAM_POOLS_MAX]; /* leased just now, not found again */
};

enum ipam_step {
	IPAM_STEP_OPEN, /* the store: -EPERM when not ours or writable */
	IPAM_STEP_LOCK,
	IPAM_STEP_STORE_LOCK, /* the store's own lock (IPAM_DIR/lock) */
	IPAM_STEP_LEASE,
};

/* Where an assign or release stopped. */
struct ipam_fail {
	enum ipam_step step;
	size_t pool; /* index of the pool */
	struct pw_addr addr; /* -EEXIST: the taken one; -EBUSY: the held one */
	pid_t holder; /* -ETIMEDOUT: who holds the pool's lock; 0: unknown */
	struct pw_prefix other; /* -EADDRINUSE: the overlapping pool */
	unsigned long leases; /* and how many leases it holds */
};

/*
 * Give the owner an address from every pool, into got; an address in
 * want->addr[i] is asked for by name.  All pools or none: on failure what
 * this call newly leased is given back.  Errors, with fail filled:
 * -ENOSPC the pool is full, -EADDRINUSE a pool that overlaps this one
 * holds leases (asked at a pool's first lease), -EEXIST the address asked for is another
 * pod's, -EADDRNOTAVAIL the address asked for (in fail->addr) is not one
 * the pool leases (outside it, another length, its gateway, network or
 * broadcast address), -EBUSY the owner already holds another address of the pool,
 * -errno the store.
 */
int ipam_assign(struct ipam *ip, const struct lease_owner *who,
		const struct lease *want, struct lease *got,
		struct ipam_fail *fail);

/* Give back what got says ipam_assign() newly leased (a rollback). */
void ipam_unassign(struct ipam *ip, const struct lease_owner *who,
		   const struct lease *got);

/*
 * Release the owner's lease in every pool, into released (has[i] when
 * there was one).  hint->addr[i] is tried when the owner's index entry
 * is gone, and released only if its lease names the owner.  Nothing
 * leased is fine.
 */
int ipam_release(struct ipam *ip, const struct lease_owner *who,
		 const struct lease *hint, struct lease *released,
		 struct ipam_fail *fail);

/*
 * The address an owner holds in any pool of the store, with its pool's
 * prefix length; read-only and lock-free, for a diagnosis.  false when it
 * holds none of that family.
 */
bool ipam_lookup(const struct lease_owner *who, int family,
		 struct pw_prefix *out);

/*
 * Is any address of subnet leased, in any pool of the store?  The first
 * lease's owner goes to owner ("pod3:eth0").  Read-only and lock-free.
 */
bool ipam_subnet_leased(const struct pw_prefix *subnet, char *owner,
			size_t size);

/*
 * Every pool directory of the store, read-only and lock-free: visit(its
 * opened directory, its prefix, arg) until one returns true.  wants(the
 * prefix, arg), when not NULL, skips those not worth opening.  true when
 * a visit did.
 */
bool ipam_each_pool(bool (*wants)(const struct pw_prefix *, const void *),
		    bool (*visit)(int, const struct pw_prefix *, void *),
		    void *arg);

/* The lease files of the pool directory poolfd (its addr/), for a walk;
 * NULL when it can't be opened. */
DIR *ipam_lease_dir(int poolfd);

/* A lease as the store holds it. */
struct ipam_lease {
	struct pw_prefix pool;
	struct pw_addr addr;
	char netns[PW_NETNS_MAX + 1]; /* "": the namespace veth-link ran in */
	char ifname[PW_IFNAME_MAX + 1];
	char cid[PW_CID_MAX + 1]; /* a CNI attachment's, or "" */
	char net[PW_CNI_NET_MAX + 1]; /* its CNI network, or "" */
	int64_t created;
	char boot[PW_BOOT_ID_SIZE]; /* "": written without one */
};

/*
 * The leases of pool, or of every pool (NULL), by pool then address: a
 * malloc'ed array the caller frees.  Read-only and lock-free.
 */
int ipam_leases(const struct pw_prefix *pool, struct ipam_lease **out,
		size_t *n);

/*
 * The same, and (bad not NULL) the paths of files under the pools' addr/
 * that are no lease: a name that is no address of the pool, or a text
 * that does not parse (a file someone put there by hand).  A malloc'ed
 * array of malloc'ed strings, freed with ipam_paths_free().
 */
int ipam_leases_checked(struct ipam_lease **out, size_t *n, char ***bad,
			size_t *nbad);
void ipam_paths_free(char **paths, size_t n);

/*
 * Release one lease as the store held it, under its pool's lock, only if
 * its file still says the same (the same pod, created, boot): 0 when
 * released, -ESTALE when it changed or went meanwhile, -errno.
 */
int ipam_release_lease(const struct ipam_lease *l);

/* The lease file addr/NAME of pool directory poolfd into out (its pool
 * and address are the caller's). */
bool ipam_read_lease(int poolfd, const char *name, struct ipam_lease *out);

/* The owner named by the text of a lease file (strings copied out). */
bool ipam_parse_lease(const char *text, char *netns, size_t nsize, char *ifname,
		      size_t isize);

#endif
