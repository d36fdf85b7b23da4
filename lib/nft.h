/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft.h - podwire's masquerade rules in its own nftables table.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Everything lives in one table, marked as podwire's by its comment, so
 * that podwire changes nothing it did not make:
 *
 *   table inet podwire {
 *       comment "podwire"
 *       chain postrouting {
 *           type nat hook postrouting priority srcnat; policy accept;
 *           ip saddr 10.244.0.0/24 oifname "uplink0" oifname != "cni0" \
 *               masquerade comment "podwire: subnet=10.244.0.0/24 ..."
 *       }
 *   }
 *
 * One rule per subnet; its comment is its marker and its whole
 * description ("podwire: subnet=... out=... bridge=... created=T", the
 * time it was added, for veth-prune's grace period), so a re-run compares
 * comments, but for created, and adds nothing, and a
 * delete removes, by handle, only rules that carry the marker.  Every
 * change is one atomic batch checked against the ruleset generation it
 * was computed from; a ruleset changed in between (nft flush ruleset) is
 * read again and the batch recomputed.  The table goes when its last rule
 * does.  A table of the same name without the mark is someone else's and
 * is refused, never adopted.
 */
#ifndef PODWIRE_NFT_H
#define PODWIRE_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "name.h"

#define NFT_TABLE "podwire"
#define NFT_CHAIN "postrouting"
#define NFT_TABLE_MARK "podwire"

struct nft_masq {
	struct pw_prefix subnet;
	char out[PW_IFNAME_MAX + 1]; /* only via this interface; "" any */
	char bridge[PW_IFNAME_MAX + 1]; /* not back out of it; "" none */
	uint64_t handle; /* filled by nft_masq_list() */
	int64_t created; /* seconds since the epoch; 0: unknown, or now */
};

struct nft;

/*
 * A NETLINK_NETFILTER socket in the current namespace.  Nothing here
 * prints; a failure is -errno, -ENOMEM when memory runs out.  Reading
 * anyone else's ruleset is ruleset.h's.
 */
int nft_open(struct nft **out);
void nft_close(struct nft *nft);
const char *nft_why(const struct nft *nft, int err, char *buf, size_t size);

/*
 * Our rules.  -ENOENT: no table.  -EEXIST: a table named podwire that is
 * not podwire's.  The caller frees *rules.
 */
int nft_masq_list(struct nft *nft, struct nft_masq **rules, size_t *n);

/*
 * In one batch: make sure each rule of add exists exactly as given
 * (replacing a rule for the same subnet with other options), and remove
 * the rules for the subnets of del; the table is created when a rule is
 * added and deleted when none is left.  *changed tells whether anything
 * had to be done.  Returns 0 or -errno (-EEXIST: a foreign table).
 */
int nft_masq_sync(struct nft *nft, const struct nft_masq *add, size_t nadd,
		  const struct pw_prefix *del, size_t ndel, bool *changed);

/* The comment that marks a rule (created 0: none), and its parse. */
int nft_masq_comment(const struct nft_masq *m, char *buf, size_t size);
bool nft_masq_parse_comment(const char *comment, struct nft_masq *m);

#endif
