/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nl_priv.h - what nl_msg.c needs of nl.c's transport: room in the request
 * queue, and one GET or DUMP exchange.  Private to those two files; the
 * programs use nl.h.
 *
 * Copyright (C) 2026 The podwire developers
 */
#ifndef PODWIRE_NL_PRIV_H
#define PODWIRE_NL_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"
#include "nl_build.h"

/*
 * The room of each request in the queue.  Every request nl_msg.c builds
 * fits in it with room to spare (the longest, a link change that sets
 * the kernel's longest alias, 255 bytes, is under 400); one that does
 * not is -EMSGSIZE (nl_build.h), never a write into the next.
 */
#define NL_MSG_ROOM 2048

/*
 * Start a request at the end of the queue, in b: header and flags
 * (NLM_F_REQUEST and NLM_F_ACK added) set, NL_MSG_ROOM zeroed bytes to
 * build in.  -ENOBUFS when the queue is full, -ENOMEM when it cannot be
 * allocated.
 */
int nl_queue_msg(struct nl *nl, uint16_t type, uint16_t flags,
		 struct nl_build *b);
/*
 * Queue the request b holds, now built (numbered when it is sent):
 * 0, or -EMSGSIZE when it did not fit its room, and then it is not
 * queued.  Either failure, here or in nl_queue_msg(), also fails the next
 * nl_commit(), which sends nothing.
 */
int nl_queue_done(struct nl *nl, struct nl_build *b);

/*
 * The commands the last queued request is explained by (explain.h), said
 * once the kernel has taken it.  Only while explaining().
 */
void nl_queue_explain(struct nl *nl, const char *text);

/* The requests of nl_msg.c as commands (nl_explain.c): after queueing. */
void nl_explain_veth(struct nl *nl, const struct nl_veth *v);
void nl_explain_bridge(struct nl *nl, const char *ifname, bool mcast_snooping);
void nl_explain_link_set(struct nl *nl, unsigned ifindex, const char *ifname,
			 const struct nl_link_change *c);
void nl_explain_bridge_port(struct nl *nl, unsigned ifindex, bool hairpin);
void nl_explain_link_del(struct nl *nl, unsigned ifindex, const char *ifname);
void nl_explain_link_del_group(struct nl *nl, uint32_t group);
void nl_explain_addr(struct nl *nl, bool add, unsigned ifindex,
		     const struct pw_prefix *p, uint32_t ifa_flags);
void nl_explain_route(struct nl *nl, bool add, const struct nl_route_req *r);

/*
 * nl_request(), and for a dump whether the kernel marked any reply
 * NLM_F_DUMP_INTR (interrupted may be NULL).  -ENOBUFS when the socket
 * overran during a dump: the caller may retry it.
 */
int nl_query(struct nl *nl, struct nlmsghdr *req, bool dump,
	     int (*fn)(const struct nlmsghdr *nlh, void *arg), void *arg,
	     bool *interrupted);

#endif
