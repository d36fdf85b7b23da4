/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft_priv.h - what nft.c, nft_rule.c, nft_batch.c, nftrace.c and
 * ruleset.c share.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Private to lib/: nft.c reads and writes podwire's own table, nft_rule.c
 * builds its rule, ruleset.c reads anyone's; the readers walk the same
 * NFT_MSG_NEW* replies into growing arrays.  Defined in nft.c but for
 * nft_masq_build().  Nothing here prints, and an allocation
 * that fails is -ENOMEM (NULL from nft_room_for()), never an abort: only
 * the program knows what it was doing, so only it reports the failure.
 */
#ifndef PODWIRE_NFT_PRIV_H
#define PODWIRE_NFT_PRIV_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mnl_nlmsg_batch;
struct nftnl_rule;
struct nftnl_table;
struct nft_masq;
struct nl;

/*
 * The room of each message in a batch.  The largest nft.c builds, a rule
 * for an IPv6 subnet with both interfaces and the longest comment, is
 * some 650 bytes (tests/unit/test_nl_build.c builds and measures it).
 */
#define NFT_MSG_ROOM 1024

/*
 * One nf_tables transaction (nft_batch.c): BEGIN (with the ruleset
 * generation it was computed from, when genid is not NULL: the kernel then
 * refuses it with ERESTART if anything changed meanwhile), messages of the
 * inet family that each ask for an ACK, so an error names the step that
 * failed, and END.  Room for nmsgs messages is allocated at the start; a
 * batch that could not be built whole is not sent.  All return 0, -ENOMEM,
 * -EMSGSIZE, or what the kernel said of the first message it refused.
 */
struct nft_batch {
	char *buf;
	size_t size;
	struct mnl_nlmsg_batch *b;
	struct nl *nl;
	uint32_t begin_seq;
	uint32_t acked_first;
	size_t acked;
};

int nft_batch_begin(struct nft_batch *bt, struct nl *nl, const uint32_t *genid,
		    size_t nmsgs);
/* The header of a message for libnftnl to fill, then nft_batch_next(). */
int nft_batch_msg(struct nft_batch *bt, uint16_t type, uint16_t flags,
		  struct nlmsghdr **nlh);
/* Account for the message just built (-EMSGSIZE past its room). */
int nft_batch_next(struct nft_batch *bt, const struct nlmsghdr *nlh);
/* Add (with flags: NLM_F_CREATE, NLM_F_EXCL) or delete a table. */
int nft_batch_table(struct nft_batch *bt, struct nftnl_table *t, bool add,
		    uint16_t flags);
/* Add a base chain of table, of type ("nat", "filter"), policy accept. */
int nft_batch_base_chain(struct nft_batch *bt, const char *table,
			 const char *name, const char *type, uint32_t hook,
			 int32_t prio);
/* Append a rule, or delete one (by the handle set in r). */
int nft_batch_rule(struct nft_batch *bt, struct nftnl_rule *r, bool add);
int nft_batch_send(struct nft_batch *bt);
void nft_batch_free(struct nft_batch *bt);

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

/*
 * Put text as the comment (user data of the given type) of a table
 * (is_rule false) or rule.  0, -ENOMEM, or -ENAMETOOLONG when the text
 * is longer than user data holds; the comment is then not set.
 */
int nft_set_comment(void *obj, bool is_rule, uint8_t type, const char *text);

/*
 * Fill r, a rule of our chain, with the expressions of m and its marking
 * comment.  0, -ENOMEM, or -ENAMETOOLONG when the comment can't hold m.
 */
int nft_masq_build(const struct nft_masq *m, struct nftnl_rule *r);

/* Expressions of a rule (nft_rule.c): load meta key, or len bytes at
 * offset of a header (NFT_PAYLOAD_*_HEADER), into register 1; compare
 * register 1 with data.  0 or -ENOMEM. */
int nft_expr_meta(struct nftnl_rule *r, uint32_t key);
int nft_expr_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset,
		     uint32_t len);
int nft_expr_cmp(struct nftnl_rule *r, uint32_t op, const void *data,
		 uint32_t len);

#endif
