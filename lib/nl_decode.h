/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nl_decode.h - received rtnetlink messages, decoded: walking a datagram,
 * NLMSG_ERROR, links, addresses, routes, neighbours and namespace ids.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Pure functions over bytes already received: no socket, no allocation,
 * nothing printed.  That is what lets the fuzz target and the unit tests
 * feed them any datagram without a kernel; nl.c and nl_msg.c decode
 * every reply through them.
 */
#ifndef PODWIRE_NL_DECODE_H
#define PODWIRE_NL_DECODE_H

#include <linux/netlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define NL_ALIAS_MAX 256 /* IFALIASZ */
#define NL_KIND_MAX 16
/* nl_decode_error() keeps this much of the kernel's text, NUL included. */
#define NL_EXTACK_MAX 256

struct nl_link {
	unsigned ifindex;
	char ifname[IFNAMSIZ];
	char kind[NL_KIND_MAX]; /* IFLA_INFO_KIND: "veth", "bridge", "" */
	char slave_kind[NL_KIND_MAX]; /* "bridge" for a bridge port */
	unsigned flags; /* IFF_* */
	uint8_t operstate; /* IF_OPER_* */
	unsigned mtu;
	unsigned master; /* 0: none */
	unsigned link; /* IFLA_LINK: a veth's peer ifindex, in its netns */
	int link_netnsid; /* -1: the peer is in this namespace */
	uint32_t group; /* IFLA_GROUP: 0, the default group */
	uint8_t mac[6];
	bool has_mac;
	char alias[NL_ALIAS_MAX];
};

struct nl_addr {
	unsigned ifindex;
	struct pw_prefix prefix;
	uint8_t scope;
	uint32_t flags; /* IFA_F_* */
};

struct nl_route {
	struct pw_prefix dst; /* len 0: default route */
	struct pw_addr gateway; /* family 0: none */
	unsigned oif;
	uint32_t table;
	uint8_t type; /* RTN_* */
	uint8_t protocol;
	uint8_t scope;
};

struct nl_neigh {
	unsigned ifindex;
	struct pw_addr dst;
	uint8_t lladdr[6];
	bool has_lladdr;
	uint16_t state; /* NUD_* */
	bool fdb; /* a bridge's forwarding entry (AF_BRIDGE): no dst */
};

/*
 * Walk one received datagram the way nl_commit() and the dumps do, with
 * every length checked.  Calls fn for each message that belongs to us
 * (portid, and seq within [seq_lo, seq_hi]).  Returns the number of
 * messages walked, or -EBADMSG for a datagram that is not whole.
 */
int nl_walk(const void *buf, size_t len, uint32_t portid, uint32_t seq_lo,
	    uint32_t seq_hi, int (*fn)(const struct nlmsghdr *nlh, void *arg),
	    void *arg);

/*
 * Is seq in [lo, hi], counting up from lo?  Sequence numbers are 32 bits
 * and wrap: a batch numbered from 0xfffffffe runs on to 0, 1, ..., and
 * `seq >= lo && seq <= hi` would refuse every ACK after the wrap.
 */
static inline bool nl_seq_in(uint32_t seq, uint32_t lo, uint32_t hi)
{
	return (uint32_t)(seq - lo) <= (uint32_t)(hi - lo);
}

/* Decode an NLMSG_ERROR: its errno (<= 0) and its extack text into msg. */
int nl_decode_error(const struct nlmsghdr *nlh, char *msg, size_t size);

/* Decode link/address/route/neighbour messages; -EBADMSG if malformed. */
int nl_decode_link(const struct nlmsghdr *nlh, struct nl_link *out);
int nl_decode_addr(const struct nlmsghdr *nlh, struct nl_addr *out);
int nl_decode_route(const struct nlmsghdr *nlh, struct nl_route *out);
int nl_decode_neigh(const struct nlmsghdr *nlh, struct nl_neigh *out);

/*
 * Decode an RTM_NEWNSID: the id, -1 when the kernel says none is assigned;
 * -EBADMSG if malformed or without NETNSA_NSID.
 */
int nl_decode_nsid(const struct nlmsghdr *nlh, int *nsid);

#endif
