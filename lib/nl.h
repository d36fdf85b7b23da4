/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nl.h - rtnetlink over libmnl: the only place that talks to the kernel
 * about links, addresses and routes.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Shape (after wireguard-tools ipc.h): a handle per namespace; functions
 * return 0 or -errno and print nothing, since only the program knows what
 * it was doing; callers get decoded structs (nl_decode.h), never a struct
 * nlattr; the kernel's extended-ack text for the last failure is in
 * nl_extack().
 *
 * Changes are queued with nl_put_*() and sent by nl_commit() in one
 * sendmsg(), which then collects one ACK per request.  That is how a
 * program pays one round trip for "alias, address-generation off, up"
 * instead of three.  A queued request whose failure is expected (EEXIST
 * for an address that is already there) is marked with nl_tolerate().
 *
 * The sockets, the queue and the ACKs are in nl.c; the requests and
 * queries of rtnetlink in nl_msg.c; the decoders in nl_decode.c.
 */
#ifndef PODWIRE_NL_H
#define PODWIRE_NL_H

#include <linux/netlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "nl_decode.h"

struct nl;

/*
 * Opens a socket in the namespace of netns_fd, or the current one (-1).
 * -ENOMEM when the handle cannot be allocated.
 */
int nl_open(struct nl **out, int netns_fd);
/* The same for another netlink protocol (NETLINK_NETFILTER for nft.c). */
int nl_open_proto(struct nl **out, int netns_fd, int protocol);
void nl_close(struct nl *nl);
/*
 * The stand-in of a namespace a dry run would make (explain.h): it has
 * no socket, its queries find nothing, and it only takes changes to
 * explain them.  0 or -ENOMEM.
 */
int nl_open_planned(struct nl **out);
/*
 * A dry run's stand-in index for a link it would make, or that an
 * earlier stage would (a veth a pipeline's veth-link plans, attached by
 * its br-attach): explanations name the link by it; the kernel knows no
 * such index.  0 when memory runs out.
 */
unsigned nl_plan_link(const char *ifname);
/* Forget them: at the end of a command (ns_cache_clear()). */
void nl_plan_forget(void);
/*
 * The namespace the handle's changes are explained as acting in (a name
 * under /run/netns or a path; NULL, the default: the program's own), for
 * explain.h.  0 or -ENOMEM.
 */
int nl_explain_as(struct nl *nl, const char *netns);
const char *nl_label(const struct nl *nl);
/* The kernel's message for the last failed request, "" when it gave none. */
const char *nl_extack(const struct nl *nl);

/*
 * strerror(-err) followed by " (kernel: MSG)" when the kernel explained
 * itself; for the "why" part of an error line.
 */
const char *nl_why(const struct nl *nl, int err, char *buf, size_t size);

/* ---- Queries ------------------------------------------------------------ */

/* One link by index (ifindex > 0) or name; -ENODEV when there is none. */
int nl_link_get(struct nl *nl, unsigned ifindex, const char *ifname,
		struct nl_link *out);

/*
 * Dumps return a malloc'ed array the caller frees.  A dump that the kernel
 * marks inconsistent (NLM_F_DUMP_INTR) is retried whole, up to 5 times.
 * family AF_UNSPEC dumps both; ifindex 0 means every link.  On failure
 * (-ENOMEM when the array cannot grow) *out is NULL and *n is 0.
 */
int nl_link_list(struct nl *nl, struct nl_link **out, size_t *n);
int nl_addr_list(struct nl *nl, int family, unsigned ifindex,
		 struct nl_addr **out, size_t *n);
/* Routes of the main table only. */
int nl_route_list(struct nl *nl, int family, struct nl_route **out, size_t *n);
int nl_neigh_list(struct nl *nl, int family, struct nl_neigh **out, size_t *n);

/*
 * The id this namespace gives the namespace of netns_fd (what links show
 * as IFLA_LINK_NETNSID), or -1 when it has given it none.
 */
int nl_netns_id(struct nl *nl, int netns_fd, int *nsid);

/* The route the kernel would use to reach dst (RTM_GETROUTE), as ip route
 * get shows it: -ENETUNREACH and the like when there is none. */
int nl_route_lookup(struct nl *nl, const struct pw_addr *dst,
		    struct nl_route *out);

/*
 * 0 when the main table's default route of gw's family goes via gw,
 * -EEXIST when it goes elsewhere, -ENOENT when there is none.
 */
int nl_default_route_via(struct nl *nl, const struct pw_addr *gw);

/* ---- Changes: queue, then commit ---------------------------------------- */

struct nl_veth {
	const char *ifname; /* this end, in the handle's namespace */
	const char *peer_ifname;
	int peer_netns_fd; /* -1: the peer stays in this namespace */
	unsigned master; /* enslave this end; 0: don't */
	unsigned mtu; /* both ends; 0: the default */
	/* TX and RX queues of each end; 0: the kernel's (one per CPU). */
	unsigned queues;
	/* The peer's namespace as a person names it, for explain.h. */
	const char *peer_netns;
	/*
	 * Only this end can come up in the same message: the kernel brings
	 * the peer up before the pair is joined and veth_open() refuses it
	 * with ENOTCONN.
	 */
	bool up;
};

enum nl_tristate {
	NL_KEEP = 0,
	NL_OFF,
	NL_ON,
};

struct nl_link_change {
	const char *alias; /* NULL: keep */
	unsigned mtu; /* 0: keep */
	bool set_master; /* apply master (0 releases) */
	unsigned master;
	enum nl_tristate up;
	/*
	 * IPv6 address generation off (IFLA_INET6_ADDR_GEN_MODE none): no
	 * link-local address, so no DAD or MLD for the bridge to flood.  The
	 * kernel refuses it in RTM_NEWLINK (EAFNOSUPPORT) and applies it after
	 * the flags in RTM_SETLINK, so queue it before the change that brings
	 * the link up.
	 */
	bool addrgen_none;
	bool set_mac;
	uint8_t mac[6];
	bool set_group; /* IFLA_GROUP: the link's group */
	uint32_t group;
};

struct nl_route_req {
	struct pw_prefix dst; /* len 0: default */
	struct pw_addr gateway; /* family 0: none (a link route) */
	unsigned oif; /* 0: let the kernel pick from the gateway */
};

/*
 * Each returns 0, -ENOBUFS when the queue is full (32 requests: commit
 * before it fills), -ENOMEM when the queue cannot be allocated, or
 * -EMSGSIZE when a value is too long for the request (an alias longer
 * than its message holds): nothing is then queued, never a request cut
 * short, and the next nl_commit() fails with the same error and sends
 * nothing, so a caller that checks only the commit loses no request
 * without knowing.
 */
int nl_put_veth(struct nl *nl, const struct nl_veth *v);
/* A new bridge; multicast snooping off unless mcast_snooping. */
int nl_put_bridge(struct nl *nl, const char *ifname, bool mcast_snooping);
int nl_put_link_set(struct nl *nl, unsigned ifindex, const char *ifname,
		    const struct nl_link_change *c);
int nl_put_link_del(struct nl *nl, unsigned ifindex, const char *ifname);
/*
 * Delete every link of group (not 0) in one request, which the kernel
 * unregisters as one batch (`ip link delete group N`): -ENODEV when none
 * is in it, -EOPNOTSUPP when one of them can't be deleted so.
 */
int nl_put_link_del_group(struct nl *nl, uint32_t group);
/*
 * Bridge port options (IFLA_BRPORT_MODE: hairpin), as RTM_NEWLINK slave
 * data.  The link must already be a port when this message is processed:
 * queue it after the change that sets its master.
 */
int nl_put_bridge_port(struct nl *nl, unsigned ifindex, bool hairpin);
int nl_put_addr(struct nl *nl, bool add, unsigned ifindex,
		const struct pw_prefix *p, uint32_t ifa_flags);
int nl_put_route(struct nl *nl, bool add, const struct nl_route_req *r);

/* The last queued request may fail with err (> 0) and still count as done. */
void nl_tolerate(struct nl *nl, int err);

/*
 * Send the queue and wait for every ACK.  Returns 0, or the first error
 * (-errno) in queue order, with its position in *failed when failed is not
 * NULL; a request that could not be queued is that error, and then
 * nothing is sent.  The queue is empty afterwards either way.
 */
int nl_commit(struct nl *nl, size_t *failed);
/* Drop the queue without sending it. */
void nl_discard(struct nl *nl);

/* ---- Events: what the kernel sends a multicast group ---------------------- */

/*
 * Receive the messages of group (NFNLGRP_NFTRACE ...) too, with a
 * receive buffer large enough for bursts.  0 or -errno.
 */
int nl_join_group(struct nl *nl, unsigned group);
/*
 * Feed every message sent to the joined groups to fn until none has come
 * for quiet_ms.  0, -EINTR when a signal came, -ENOBUFS when the socket
 * overran (messages were lost), or what fn returned (< 0).
 */
int nl_events(struct nl *nl, int quiet_ms,
	      int (*fn)(const struct nlmsghdr *nlh, void *arg), void *arg);

/* ---- Raw exchanges, for protocols built on this socket (nft.c) ----------- */

/* The next sequence number; use one per message of a prebuilt buffer. */
uint32_t nl_next_seq(struct nl *nl);

/*
 * Send len bytes of prebuilt messages whose sequence numbers run from lo to
 * hi, and wait for the ACKs of the acked messages among them, those with
 * numbers first..first+count-1.  An error for any other number in [lo, hi]
 * (nfnetlink refuses a whole batch at its BEGIN message, then acks nothing
 * else) ends the wait.  Any number of messages: the socket's buffers are
 * grown to hold the whole send and every ACK first, and -ENOBUFS, with
 * nothing sent, when the kernel will not make them that big.  Returns 0
 * or the first error in sequence order, its number in *failed_seq.
 */
int nl_send_acked(struct nl *nl, const void *buf, size_t len, uint32_t lo,
		  uint32_t hi, uint32_t first, size_t count,
		  uint32_t *failed_seq);

/* One GET (dump false) or DUMP request; every data reply goes to fn. */
int nl_request(struct nl *nl, struct nlmsghdr *req, bool dump,
	       int (*fn)(const struct nlmsghdr *nlh, void *arg), void *arg);

#endif
