// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_nl.c - libFuzzer target for received rtnetlink datagrams
 * (nl_walk() and nl_decode_*() in lib/nl_decode.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The input is one datagram from the kernel, in a buffer of exactly its
 * size: nl_walk() for port 0 and every sequence number hands each message
 * to all six decoders, which must stay inside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nl_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int each(const struct nlmsghdr *nlh, void *arg)
{
	char msg[512];
	struct nl_link link;
	struct nl_addr addr;
	struct nl_route route;
	struct nl_neigh neigh;
	int nsid;
	int err;

	(void)arg;
	err = nl_decode_error(nlh, msg, sizeof(msg));
	if (err > 0 || strnlen(msg, sizeof(msg)) == sizeof(msg))
		abort();
	if (!nl_decode_link(nlh, &link) &&
	    (strnlen(link.ifname, sizeof(link.ifname)) >= sizeof(link.ifname) ||
	     strnlen(link.alias, sizeof(link.alias)) >= sizeof(link.alias) ||
	     strnlen(link.kind, sizeof(link.kind)) >= sizeof(link.kind)))
		abort();
	if (!nl_decode_addr(nlh, &addr) &&
	    addr.prefix.len > addr_bits(addr.prefix.addr.family))
		abort();
	nl_decode_route(nlh, &route);
	nl_decode_neigh(nlh, &neigh);
	nl_decode_nsid(nlh, &nsid);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy, so the datagram is aligned like a receive buffer. */
	void *buf = malloc(size ? size : 1);

	if (!buf)
		abort();
	if (size)
		memcpy(buf, data, size);
	nl_walk(buf, size, 0, 0, UINT32_MAX, each, NULL);
	free(buf);
	return 0;
}
