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

/*
 * Every request nl_msg.c builds in the queue fits in this, and
 * nl_queue_msg() zeroes this much for it: libmnl 1.0.4 leaves the padding
 * after an attribute unset, and those bytes would go to the kernel
 * uninitialised (valgrind caught it).
 */
#define NL_MSG_ROOM 2048

/*
 * Start a request at the end of the queue: header, flags (NLM_F_REQUEST
 * and NLM_F_ACK added) and sequence number set, NL_MSG_ROOM zeroed bytes
 * to build in.  -ENOBUFS when the queue is full, -ENOMEM when it cannot
 * be allocated.
 */
int nl_queue_msg(struct nl *nl, uint16_t type, uint16_t flags,
		 struct nlmsghdr **nlh);
/* Account for the message nl_queue_msg() started, now built; returns 0. */
int nl_queue_done(struct nl *nl, struct nlmsghdr *nlh);

/*
 * nl_request(), and for a dump whether the kernel marked any reply
 * NLM_F_DUMP_INTR (interrupted may be NULL).  -ENOBUFS when the socket
 * overran during a dump: the caller may retry it.
 */
int nl_query(struct nl *nl, struct nlmsghdr *req, bool dump,
	     int (*fn)(const struct nlmsghdr *nlh, void *arg), void *arg,
	     bool *interrupted);

#endif
