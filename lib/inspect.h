/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inspect.h - what pod-inspect reads: the host's links and addresses, and
 * a pod's links, addresses, routes and neighbours, with each pod veth
 * traced to its end on the host.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * A veth's end on the host is found the way the kernel links them: the pod
 * end's peer index (IFLA_LINK) is an index on the host, and the host end's
 * peer index is the pod end's, with IFLA_LINK_NETNSID naming the pod's
 * namespace by the id the host gives it (RTM_GETNSID).  That works for
 * veths made by podwire, by ip or by the CNI plugins alike.  One dump of
 * the host and one of each pod, never a dump per interface.
 */
#ifndef PODWIRE_INSPECT_H
#define PODWIRE_INSPECT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "name.h"
#include "nl.h"
#include "ns.h"
#include "ns_cache.h"
#include "procs.h"

struct inspect_host {
	struct ns_handle h;
	struct nl_link *links;
	size_t nlinks;
	struct nl_addr *addrs;
	size_t naddrs;
};

struct inspect_pod {
	char name[PW_NETNS_MAX + 1]; /* a /run/netns name, or "" */
	char label[PATH_MAX]; /* what to call it: name, "pid N", a path */
	pid_t pid; /* the --pid target, else 0 */
	char path[PATH_MAX]; /* the path target, else "" */
	/* For a pid or path target, its name under /run/netns if it has one
	 * (for leases and for fixes that say ip -n NAME). */
	char found_name[PW_NETNS_MAX + 1];
	/* By podwire's records, for a pod with a name (NONE: no name). */
	enum ns_owner owner;
	int fd; /* the namespace */
	struct ns_handle h;
	int nsid; /* the host's id for it; -1: none */
	int procs; /* processes in it; -1: unknown */
	struct nl_link *links;
	size_t nlinks;
	struct nl_addr *addrs;
	size_t naddrs;
	struct nl_route *routes;
	size_t nroutes;
	struct nl_neigh *neighs;
	size_t nneighs;
};

/* The links and addresses of the namespace the program runs in. */
int inspect_host_load(struct inspect_host *host);
void inspect_host_free(struct inspect_host *host);

/*
 * Open a pod by target: a name, a path (with '/') or, with pid > 0, a
 * process.  Prints nothing; returns 0 or -errno (see ns_strerror()).
 */
int inspect_pod_open(struct inspect_pod *pod, const char *target, pid_t pid);
/* Read it; full adds routes and neighbours. */
int inspect_pod_load(struct inspect_pod *pod, const struct inspect_host *host,
		     bool full);
void inspect_pod_close(struct inspect_pod *pod);
/* Close its socket and namespace fd but keep what was read: a thousand
 * pods must not hold two thousand descriptors. */
void inspect_pod_release(struct inspect_pod *pod);

/*
 * How many processes are in the namespace of netns_fd, by a snapshot of
 * /proc (procs.h); -1 when /proc says nothing (hidepid, not mounted).
 */
int inspect_procs_in(const struct procs_snapshot *p, int netns_fd);

/*
 * Is there a link named ifname in the namespace the program runs in?  1
 * or 0, or -errno when the kernel can't be asked.
 */
int inspect_link_exists(const char *ifname);

/* Lookups in arrays read above. */
const struct nl_link *inspect_link(const struct nl_link *v, size_t n,
				   unsigned ifindex);
const struct nl_link *inspect_link_named(const struct nl_link *v, size_t n,
					 const char *name);
/* The entry of address a, on link ifindex (0: any link); NULL: none. */
const struct nl_addr *inspect_addr_held(const struct nl_addr *v, size_t n,
					unsigned ifindex,
					const struct pw_addr *a);
/*
 * The neighbour entry for a on link ifindex in the namespace of nl, read
 * now (the kernel's, not a loaded copy), into *out.  false: none.
 */
bool inspect_neigh_find(struct nl *nl, unsigned ifindex,
			const struct pw_addr *a, struct nl_neigh *out);
/* The first address of a family on a link (AF_UNSPEC: any), no link-local. */
const struct nl_addr *inspect_addr(const struct nl_addr *v, size_t n,
				   unsigned ifindex, int family);

/* The host end of a pod's veth, or NULL when it is not on the host. */
const struct nl_link *inspect_host_end(const struct inspect_host *host,
				       const struct inspect_pod *pod,
				       const struct nl_link *pod_if);
/*
 * The pod at the far end of a veth whose other end is neither in the pod
 * nor on the host: the named namespace that the pod's own namespace gives
 * the id of pod_if's peer (IFLA_LINK_NETNSID), asked of the pod with
 * RTM_GETNSID for each name under /run/netns.  peer is opened and read
 * (links and addresses) for inspect_pod_close(); -ENOENT when no named
 * namespace is it.
 */
int inspect_peer_open(const struct inspect_pod *pod,
		      const struct nl_link *pod_if,
		      const struct inspect_host *host,
		      struct inspect_pod *peer);
/* Its bridge, when its master is one. */
const struct nl_link *inspect_bridge_of(const struct inspect_host *host,
					const struct nl_link *host_end);

/* "up", "down", "dormant" ...: IF_OPER_* as ip shows it, lower-case. */
const char *inspect_operstate(uint8_t operstate);
/* A MAC as text. */
char *inspect_mac(const uint8_t mac[6], char *buf, size_t size);

#endif
