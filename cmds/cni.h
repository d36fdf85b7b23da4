/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cni.h - podwire-cni's commands, over the library's typed specs.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * An attachment (SPEC.md: the (CNI_CONTAINERID, CNI_IFNAME) pair) is a
 * veth pair whose host end is named from the container id and ifname
 * (veth_host_ifname() of "cid=ID" and ifname, so a DEL finds it without
 * the namespace), marked with cid= (owner.h), its pod end addressed from
 * the lease store (a lease keyed by cid and ifname, ipam.h), the host end
 * a port of the bridge, the pod routed through the bridge's gateways, and
 * the subnet masqueraded in podwire's nft table (nft.h).
 */
#ifndef PODWIRE_CNI_H
#define PODWIRE_CNI_H

#include <jansson.h>

#include "cni_conf.h"
#include "ipam.h"

/* Exit statuses, as every podwire program's (DESIGN.md). */
enum { CNI_EXIT_OK = 0, CNI_EXIT_FAIL = 1, CNI_EXIT_USAGE = 2 };

/* What ADD made, for the result. */
struct cni_made {
	char host[IFNAMSIZ];
	uint8_t host_mac[6], pod_mac[6], bridge_mac[6];
	struct lease lease;
	struct pw_addr gws[IPAM_POOLS_MAX]; /* family 0: no gateway */
	unsigned mtu;
};

/* The host end's name of an attachment. */
void cni_host_ifname(const char *cid, const char *ifname, char out[IFNAMSIZ]);

/*
 * A library error as the spec's: 11 (try again) for a lock held too long
 * or an object another process is making, else 999 with why (strerror()
 * when why is empty).
 */
int cni_internal(struct cni_err *err, const char *msg, int e, const char *why);

/* CNI_NETNS opened: 0, or error 3 when there is no such namespace. */
int cni_open_container(const struct cni_env *env, struct cni_err *err);

/*
 * podwire's masquerade rules (a malloc'ed array, NULL and 0 on failure):
 * 0, -ENOENT when there is no table, -EEXIST when table inet podwire is
 * not podwire's, -errno.
 */
struct nft_masq;
int cni_masq_rules(struct nft_masq **rules, size_t *n);
/* Is there a rule for subnet among them, whoever's (nat-out's, say)? */
bool cni_masqueraded(const struct nft_masq *rules, size_t n,
		     const struct pw_prefix *subnet);

/* The pools of the configuration, with their gateways and ranges. */
int cni_pools(const struct cni_conf *c, struct ipam *ip, struct cni_err *err);

int cni_add(const struct cni_env *env, const struct cni_conf *c,
	    struct cni_made *made, struct cni_err *err);
int cni_del(const struct cni_env *env, const struct cni_conf *c,
	    struct cni_err *err);
int cni_check(const struct cni_env *env, const struct cni_conf *c,
	      struct cni_err *err);
int cni_gc(const struct cni_conf *c, struct cni_err *err);
int cni_status(const struct cni_conf *c, struct cni_err *err);

/* The ADD result, merged into prevResult when there is one. */
json_t *cni_result(const struct cni_env *env, const struct cni_conf *c,
		   const struct cni_made *made);

/* prevResult's addresses of the container's interface (CHECK, DEL). */
struct cni_prev {
	struct pw_prefix addrs[8];
	size_t naddrs;
	struct pw_prefix routes[16];
	struct pw_addr route_gws[16]; /* family 0: any */
	size_t nroutes;
	bool has_mac;
	uint8_t mac[6];
};

int cni_prev_read(json_t *prev, const struct cni_env *env, struct cni_prev *out,
		  struct cni_err *err);

#endif
