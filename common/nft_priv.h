/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft_priv.h - what nft.c and ruleset.c share to read nf_tables dumps.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Private to common/: nft.c reads podwire's own table, ruleset.c reads
 * anyone's, and both walk the same NFT_MSG_NEW* replies into growing
 * arrays.  Defined in nft.c.  Nothing here prints, and an allocation
 * that fails is -ENOMEM (NULL from nft_room_for()), never an abort: only
 * the program knows what it was doing, so only it reports the failure.
 */
#ifndef PODWIRE_NFT_PRIV_H
#define PODWIRE_NFT_PRIV_H

#include <linux/netlink.h>
#include <stddef.h>
#include <stdint.h>

struct nftnl_rule;

/* The netlink message type of an nf_tables message (NFT_MSG_*). */
uint16_t nft_type(uint16_t msg);

/*
 * Room for element n of a growing array of *cap elements of size bytes:
 * returns the array, maybe moved, or NULL when it cannot grow, in which
 * case v is still allocated and *cap unchanged.  (Returning the array
 * rather than writing through a void ** keeps the typed pointer out of
 * aliasing trouble.)
 */
void *nft_room_for(void *v, size_t n, size_t *cap, size_t size);

/*
 * The rule a dump message carries, in *out; *out is NULL for a message
 * that is not a rule or does not parse, which a dump skips.  0 or -ENOMEM.
 */
int nft_rule_from(const struct nlmsghdr *nlh, struct nftnl_rule **out);

/*
 * What a failed nftnl_*_nlmsg_parse() means, read from errno (cleared
 * before the parse): -ENOMEM when libnftnl ran out of memory, for then a
 * reply the caller needed is lost and its answer would be wrong; else 0,
 * and the message, one libnftnl can't read, is skipped.
 */
int nft_parse_error(void);

#endif
