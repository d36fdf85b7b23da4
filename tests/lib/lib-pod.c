// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib-pod.c - one pod built and taken down with the library alone: what
 * the CNI plugin and veth-prune will do, with no record, stage or option
 * table in sight.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   lib-pod up NETNS POOL GATEWAY/LEN BRIDGE UPLINK
 *   lib-pod down NETNS POOL BRIDGE
 *
 * up makes the namespace, leases an address from POOL, makes the veth
 * pair with the pod end addressed, makes BRIDGE with GATEWAY/LEN and
 * attaches the host end, routes the pod through the gateway, turns
 * forwarding on and masquerades POOL out of UPLINK; it prints the
 * address and the host end's name.  down undoes each step in reverse.
 * tests/lib.bats checks the result with iproute2, nft and ping.  This file
 * is linked against libpodwire.a only and sees only lib/ headers: if the
 * library needed the pipeline layer, it would not build.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bridge.h"
#include "ipam.h"
#include "nft.h"
#include "ns.h"
#include "ns_cache.h"
#include "route.h"
#include "sysctl.h"
#include "veth.h"

/* Report a failed step and say so to the caller. */
static int failed(const char *step, int err, const char *why)
{
	fprintf(stderr, "lib-pod: %s: %s%s%s\n", step, strerror(-err),
		why && *why ? ": " : "", why ? why : "");
	return 1;
}

static int parse_prefix(const char *text, struct pw_prefix *p)
{
	struct pw_why why;

	if (addr_parse_prefix(text, AF_UNSPEC, p, &why))
		return 0;
	fprintf(stderr, "lib-pod: '%s' %s\n", text, why.text);
	return 1;
}

static int open_pool(struct ipam *ip, const char *pool)
{
	struct pw_prefix net;
	struct pw_why why;
	int err;

	ipam_init(ip);
	if (parse_prefix(pool, &net))
		return 1;
	err = ipam_add_pool(ip, &net, &why);
	return err ? failed("ipam_add_pool", err, why.text) : 0;
}

static int masquerade(const struct pw_prefix *pool, const char *bridge,
		      const char *uplink, bool add)
{
	struct nft_masq m = { .subnet = *pool };
	struct nft *nft;
	bool changed;
	int err = nft_open(&nft);

	if (err)
		return failed("nft_open", err, NULL);
	pw_strlcpy(m.out, uplink ? uplink : "", sizeof(m.out));
	pw_strlcpy(m.bridge, bridge, sizeof(m.bridge));
	err = add ? nft_masq_sync(nft, &m, 1, NULL, 0, &changed) :
		    nft_masq_sync(nft, NULL, 0, pool, 1, &changed);
	nft_close(nft);
	return err ? failed("nft_masq_sync", err, NULL) : 0;
}

static int forwarding_on(void)
{
	struct ns_handle host;
	int err = ns_peek(NULL, &host);

	if (!err)
		err = ns_sysctl_write(&host, "net/ipv4/ip_forward", "1");
	return err ? failed("ns_sysctl_write", err, NULL) : 0;
}

static int route_pod(const char *netns, const struct pw_prefix *gw)
{
	struct ns_handle pod;
	struct pw_why why = { "" };
	bool added;
	int err = ns_peek(netns, &pod);

	if (!err)
		err = route_default_add(pod.nl, &gw->addr, &added, &why);
	return err ? failed("route_default_add", err, why.text) : 0;
}

static int up(const char *netns, const char *pool, const char *gw_text,
	      const char *bridge, const char *uplink)
{
	struct lease_owner who = { .netns = netns, .ifname = "eth0" };
	struct veth_spec spec = { .pod = { netns, "eth0" } };
	struct bridge_spec br = { .name = bridge, .ngw = 1 };
	char host[IFNAMSIZ], a[PW_ADDRSTRLEN];
	struct bridge_fail bfail;
	struct veth_fail vfail;
	struct ipam_fail ifail;
	struct veth_made made;
	struct pw_prefix gw;
	struct lease lease;
	struct bridge_info info;
	unsigned newly;
	struct ipam ip;
	int err;

	if (parse_prefix(gw_text, &gw) || open_pool(&ip, pool))
		return 1;
	br.gws = &gw;
	err = ns_create(netns, true);
	if (err && err != -EEXIST)
		return failed("ns_create", err, NULL);
	err = ipam_assign(&ip, &who, NULL, &lease, &ifail);
	if (err)
		return failed("ipam_assign", err, NULL);
	veth_host_ifname(netns, "eth0", host);
	spec.peer.ifname = host;
	spec.pod.addrs[0] = lease.addr[0];
	spec.pod.naddrs = 1;
	err = veth_pair_add(&spec, &made, &vfail);
	if (err)
		return failed("veth_pair_add", err, vfail.why.text);
	err = bridge_ensure(&br, &info, &bfail);
	if (!err)
		err = bridge_port_add(info.ifindex, host, false, &newly,
				      &bfail);
	if (err)
		return failed("bridge", err, bfail.why.text);
	if (route_pod(netns, &gw) || forwarding_on() ||
	    masquerade(&ip.pools[0].net, bridge, uplink, true))
		return 1;
	printf("addr=%s host_ifname=%s\n",
	       addr_format_prefix(&lease.addr[0], a, sizeof(a)), host);
	ipam_close(&ip);
	ns_cache_clear();
	return 0;
}

static int down(const char *netns, const char *pool, const char *bridge)
{
	struct lease_owner who = { .netns = netns, .ifname = "eth0" };
	struct veth_spec spec = { .pod = { netns, "eth0" } };
	struct bridge_usage usage;
	struct bridge_fail bfail;
	struct veth_fail vfail;
	struct ipam_fail ifail;
	struct ns_del_fail nsfail;
	struct lease released;
	char host[IFNAMSIZ];
	struct ipam ip;
	int err;

	if (open_pool(&ip, pool) ||
	    masquerade(&ip.pools[0].net, bridge, NULL, false))
		return 1;
	veth_host_ifname(netns, "eth0", host);
	spec.peer.ifname = host;
	err = veth_pair_del(&spec, &vfail);
	if (err)
		return failed("veth_pair_del", err, vfail.why.text);
	err = ipam_release(&ip, &who, NULL, &released, &ifail);
	if (err)
		return failed("ipam_release", err, NULL);
	err = bridge_usage(bridge, NULL, NULL, &usage, &bfail);
	if (!err && usage.ifindex && usage.ours && !usage.staying)
		err = bridge_del(bridge, usage.ifindex, &bfail);
	if (err)
		return failed("bridge", err, bfail.why.text);
	err = ns_delete(netns, false, &nsfail);
	if (err && err != -ENOENT)
		return failed("ns_delete", err, NULL);
	ipam_close(&ip);
	ns_cache_clear();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "up"))
		return up(argv[2], argv[3], argv[4], argv[5], argv[6]);
	if (argc == 5 && !strcmp(argv[1], "down"))
		return down(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: lib-pod up NETNS POOL GATEWAY/LEN BRIDGE "
			"UPLINK\n       lib-pod down NETNS POOL BRIDGE\n");
	return 2;
}
