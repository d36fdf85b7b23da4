/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ruleset.h - anyone's nftables ruleset, read and judged for
 * pod-inspect --check.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Every chain and rule of every table and family, whoever wrote them,
 * reduced to what can be judged for one pod: the address matches, the
 * interface names, whether anything else is asked, and the verdict.
 * Rules written by podwire, by nft and by iptables-nft all come out the
 * same, since they are the same expressions in the kernel.  A rule with
 * a condition that can't be evaluated here is uncertain, and an uncertain
 * rule decides nothing.  Reading and judging print nothing.
 */
#ifndef PODWIRE_RULESET_H
#define PODWIRE_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "name.h"

#define RULESET_NAME_MAX 256

struct ruleset_chain {
	int family; /* NFPROTO_* */
	char table[RULESET_NAME_MAX];
	char name[RULESET_NAME_MAX];
	bool base; /* hooked: has type, hook, priority and policy */
	char type[16]; /* "filter", "nat", "route" */
	uint32_t hook; /* NF_INET_* */
	int32_t prio;
	uint32_t policy; /* NF_ACCEPT or NF_DROP */
};

enum ruleset_verdict {
	RULESET_V_NONE, /* no verdict: the packet goes on */
	RULESET_V_ACCEPT,
	RULESET_V_DROP, /* drop or reject */
	RULESET_V_MASQ, /* masquerade, or source NAT to an address */
	RULESET_V_OTHER, /* jump, goto, return, queue ...: can't judge */
};

/*
 * A rule reduced to what --check can judge: its source and destination
 * prefix matches, its interface names, whether it has any other
 * condition, and its verdict.
 */
struct ruleset_rule {
	int family;
	char table[RULESET_NAME_MAX];
	char chain[RULESET_NAME_MAX];
	uint64_t handle;
	bool has_saddr, saddr_neg;
	struct pw_prefix saddr;
	bool has_daddr, daddr_neg;
	struct pw_prefix daddr;
	/*
	 * iifname / oifname compared with a whole name ("eth*" is other).
	 * A rule may name the interface traffic must leave by and one it
	 * must not, as podwire's does (oifname "uplink0" oifname != "cni0"),
	 * so the two are kept apart; a second match of either kind is
	 * another condition.
	 */
	bool has_iif, iif_neg;
	char iif[PW_IFNAME_MAX + 1];
	bool has_oif; /* oifname NAME */
	char oif[PW_IFNAME_MAX + 1];
	bool has_oif_not; /* oifname != NAME */
	char oif_not[PW_IFNAME_MAX + 1];
	bool other; /* a condition besides those: this rule may not apply */
	enum ruleset_verdict verdict;
};

/* Rules in dump order, which is each chain's order. */
struct ruleset {
	struct ruleset_chain *chains;
	size_t nchains;
	struct ruleset_rule *rules;
	size_t nrules;
};

/*
 * Every chain and rule, of every family, through a NETLINK_NETFILTER
 * socket of its own in the current namespace.  0 or -errno; on failure
 * *rs is empty.  ruleset_free() releases it either way.
 */
int ruleset_read(struct ruleset *rs);

/* A table's family (NFPROTO_*) as nft(8) writes it: "inet", "ip" ... */
const char *ruleset_family_name(uint32_t nfproto);
void ruleset_free(struct ruleset *rs);

/*
 * The first masquerade (or source NAT) rule after prev (NULL: from the
 * start) in a nat postrouting base chain of a family that applies to a,
 * whose source match covers a; NULL when there is none.
 */
const struct ruleset_rule *
ruleset_masquerade_for(const struct ruleset *rs, const struct pw_addr *a,
		       const struct ruleset_rule *prev);

/*
 * The first filter forward base chain, of a family that applies to a,
 * that drops a's outbound traffic coming in by in_if (the pod's bridge,
 * or a routed pod's host end; NULL when it is not known); NULL when none
 * does.  *handle is the handle of the rule that drops it, 0 when the
 * chain's policy does (or nothing drops it).
 */
const struct ruleset_chain *ruleset_forward_dropper(const struct ruleset *rs,
						    const struct pw_addr *a,
						    const char *in_if,
						    uint64_t *handle);

#endif
