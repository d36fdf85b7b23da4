// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cni_attach.c - what ADD, DEL and CHECK share, and DEL.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * ADD: lease, veth pair (the pod end addressed, in CNI_NETNS), bridge
 * (made if missing, under its lock, then held in use until the port is
 * on it, as br-attach does), the pod's routes, forwarding, masquerade.
 * A failure undoes what this call did, newest first.  DEL: the pair
 * through its host end (its mark proves it by container id and ifname,
 * with or without the namespace), then the lease.  The bridge and the
 * subnet's masquerade rule stay: other attachments, podwire pipelines
 * among them, may use them; veth-prune --empty-bridges --nat takes them
 * once nothing does (podwire-cni(8)).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"
#include "cni.h"
#include "nft.h"
#include "ns.h"
#include "ns_cache.h"
#include "owner.h"
#include "route.h"
#include "statedir.h"
#include "sysctl.h"
#include "veth.h"

void cni_host_ifname(const char *cid, const char *ifname, char out[IFNAMSIZ])
{
	char key[PW_CID_MAX + 8];

	/* "cid=" keeps these names apart from veth-link's netns hashes. */
	snprintf(key, sizeof(key), "cid=%s", cid);
	veth_host_ifname(key, ifname, out);
}

int cni_internal(struct cni_err *err, const char *msg, int e, const char *why)
{
	return cni_fail(err,
			e == -ETIMEDOUT || e == -EBUSY ? CNI_ERR_TRY_AGAIN :
							 CNI_ERR_INTERNAL,
			msg, "%s", why && why[0] ? why : strerror(-e));
}

/* ---- Pools -------------------------------------------------------------- */

static int range_limits(struct ipam_pool *p, const struct cni_range *r,
			struct cni_err *err)
{
	char a[PW_ADDRSTRLEN];

	if (r->start.family) {
		uint64_t off = addr_offset(&p->net, &r->start);

		if (off > p->first)
			p->first = off;
	}
	if (r->end.family) {
		uint64_t off = addr_offset(&p->net, &r->end);

		if (off < p->last)
			p->last = off;
	}
	if (p->first <= p->last)
		return 0;
	return cni_fail(err, CNI_ERR_CONFIG, "invalid network configuration",
			"ipam range of %s: rangeStart is after rangeEnd",
			addr_format_prefix(&r->subnet, a, sizeof(a)));
}

int cni_pools(const struct cni_conf *c, struct ipam *ip, struct cni_err *err)
{
	ipam_init(ip);
	for (size_t i = 0; i < c->nranges; i++) {
		const struct cni_range *r = &c->ranges[i];
		struct pw_prefix net = addr_network(&r->subnet);
		char a[PW_ADDRSTRLEN];
		struct pw_why why;
		int code;

		if (ipam_add_pool(ip, &net, &why))
			return cni_fail(err, CNI_ERR_CONFIG,
					"invalid network configuration",
					"subnet %s %s",
					addr_format_prefix(&net, a, sizeof(a)),
					why.text);
		if (r->gateway.family &&
		    ipam_set_gateway(ip, &r->gateway, &why))
			return cni_fail(err, CNI_ERR_CONFIG,
					"invalid network configuration",
					"gateway %s %s",
					addr_format(&r->gateway, a, sizeof(a)),
					why.text);
		code = range_limits(&ip->pools[i], r, err);
		if (code)
			return code;
	}
	return 0;
}

int cni_open_container(const struct cni_env *env, struct cni_err *err)
{
	struct ns_handle pod;
	int e = ns_peek(env->netns, &pod);

	if (e == -ENOENT || e == -ENOTNAM)
		return cni_fail(err, CNI_ERR_UNKNOWN_CONTAINER,
				"container unknown", "CNI_NETNS %s: %s",
				env->netns, ns_strerror(e));
	return e ? cni_fail(err, CNI_ERR_INTERNAL, "cannot open CNI_NETNS",
			    "%s: %s", env->netns, ns_strerror(e)) :
		   0;
}

/* ---- Masquerade rules ------------------------------------------------ */

int cni_masq_rules(struct nft_masq **rules, size_t *n)
{
	struct nft *nft;
	int e = nft_open(&nft);

	*rules = NULL;
	*n = 0;
	if (e)
		return e;
	e = nft_masq_list(nft, rules, n);
	nft_close(nft);
	return e;
}

bool cni_masqueraded(const struct nft_masq *rules, size_t n,
		     const struct pw_prefix *subnet)
{
	for (size_t i = 0; i < n; i++)
		if (rules[i].subnet.len == subnet->len &&
		    addr_equal(&rules[i].subnet.addr, &subnet->addr))
			return true;
	return false;
}

/* ---- DEL ---------------------------------------------------------------- */

static int del_veth(const struct cni_env *env, const char *host,
		    struct cni_err *err)
{
	struct veth_spec s = {
		.pod = { .netns = env->netns,
			 .ifname = env->ifname,
			 .cid = env->cid },
		.peer = { .ifname = host },
	};
	struct veth_fail fail;
	int e = veth_pair_del(&s, &fail);

	/* A namespace that can't be used: the host end alone will do. */
	if (e && fail.step == VETH_STEP_NETNS && s.pod.netns &&
	    fail.name == s.pod.netns) {
		s.pod.netns = NULL;
		e = veth_pair_del(&s, &fail);
	}
	/* A link of that name that is not this attachment's: not ours. */
	if (e == -EPERM && fail.step == VETH_STEP_REFUSED)
		return 0;
	return e ? cni_internal(err, "cannot delete the veth pair", e,
				fail.why.text) :
		   0;
}

/* prevResult's addresses, a hint for a lease whose index entry is lost. */
static void hint_from_prev(const struct cni_env *env, const struct cni_conf *c,
			   const struct ipam *ip, struct lease *hint)
{
	struct cni_prev prev;
	struct cni_err ignored;

	memset(hint, 0, sizeof(*hint));
	if (!c->prev || cni_prev_read(c->prev, env, &prev, &ignored))
		return;
	for (size_t i = 0; i < prev.naddrs; i++)
		for (size_t p = 0; p < ip->npools; p++)
			if (addr_prefix_contains(&ip->pools[p].net,
						 &prev.addrs[i].addr)) {
				hint->addr[p] = prev.addrs[i];
				hint->has[p] = true;
			}
}

int cni_del(const struct cni_env *env, const struct cni_conf *c,
	    struct cni_err *err)
{
	const struct lease_owner who = { .netns = env->netns,
					 .ifname = env->ifname,
					 .cid = env->cid };
	char host[IFNAMSIZ];
	struct lease hint, released;
	struct ipam_fail fail;
	struct ipam ip;
	int e, code;

	cni_host_ifname(env->cid, env->ifname, host);
	code = cni_pools(c, &ip, err);
	/* The pod's end may hold its address until the pair is gone. */
	if (!code)
		code = del_veth(env, host, err);
	if (!code) {
		hint_from_prev(env, c, &ip, &hint);
		e = ipam_release(&ip, &who, &hint, &released, &fail);
		if (e)
			code = cni_internal(err, "cannot release the lease", e,
					    NULL);
	}
	ipam_close(&ip);
	return code;
}
