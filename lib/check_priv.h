/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_priv.h - what the files of pod-inspect --check share: the state
 * the checks work out once, the families, and how a result is reported.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * check.c runs the checklist and holds the checks made inside the pod;
 * check_topo.c recognises how the pod is wired and works out what the
 * checks share; check_host.c holds the checks made on the host for a
 * bridged or routed pod, check_cable.c those of a point-to-point cable.
 */
#ifndef PODWIRE_CHECK_PRIV_H
#define PODWIRE_CHECK_PRIV_H

#include <limits.h>
#include <stdbool.h>

#include "check.h"
#include "ruleset.h"

#define GATEWAY_TRIES 3
#define GATEWAY_WAIT_MS 700
/* IFF_LOWER_UP is in <linux/if.h>, which clashes with <net/if.h>. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

/* What the checks work out once and share. */
struct check {
	const struct check_env *env;
	const struct check_sink *out;
	int failures;

	char pod_ip[PATH_MAX + 32]; /* "ip -n pod1", "nsenter -t 7 -n ip" */
	char host_ip[PATH_MAX + 32]; /* "ip", "ip -n host" ... */
	char host_exec[PATH_MAX + 32]; /* "", "ip netns exec host " ... */

	const struct nl_link *lo;
	const struct nl_link *podif; /* the pod's interface to the world */
	const struct nl_addr *addr[2]; /* its IPv4 and IPv6 address */
	/*
	 * The address it should have, of each family: the one it has, else
	 * its IPAM lease, else (routed, a cable) the other address of the
	 * subnet of the end it is joined to.  Everything derived from the
	 * pod's subnet hangs on this, so a pod that lost its address still
	 * gets every fix at once.
	 */
	struct pw_prefix want[2];
	bool wants[2];
	const struct nl_route *defroute[2];
	struct check_topology topo;
	const struct nl_link *host_end;
	const struct nl_link *bridge; /* its master, or the likely one */
	bool enslaved;
	struct pw_addr gw[2]; /* family 0: none known */

	/* A cable: the pod at its far end, and that end. */
	struct inspect_pod peer;
	bool peer_open;
	const struct nl_link *peer_end;
	char peer_ip[PATH_MAX + 32]; /* "ip -n b" */
	const struct nl_addr *peer_addr[2]; /* in the pod's subnet */
	/* The address the far end should have: the one it has, its lease,
	 * else the other end's of a two-address link. */
	struct pw_prefix peer_want[2];
	bool peer_wants[2];

	struct ruleset rs;
	int rs_err; /* the ruleset could not be read: -errno */

	/* A name check_fix() kept out of the fix being reported. */
	const char *refused;
};

/*
 * The families a pod may use, in the order struct check keeps what it
 * works out for each: its addr[], want[], defroute[] and gw[].
 */
struct check_family {
	int af;
	const char *name;
	const char *ip_flag; /* what ip(8) needs to be told of it */
};

extern const struct check_family check_families[2];

#define FAMILIES PW_ARRAY_SIZE(check_families)

/* The place of a family in check_families[]. */
static inline size_t check_family_slot(int af)
{
	return af == AF_INET ? 0 : 1;
}

void check_report(struct check *c, const char *id, bool ok, const char *fix,
		  const char *what, const char *detail_fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * fix, when each name in it (name2 may be NULL) is an interface name
 * podwire would take (name.h); else NULL, and check_report() says which
 * name kept the fix out.  A fix is pasted into a root shell, and these
 * names come from the kernel, where root in a pod may call its
 * interface 'a;id>x' or put escape bytes in it.
 */
const char *check_fix(struct check *c, const char *fix, const char *name,
		      const char *name2);
/* The same for a name that is no interface's (an nftables table). */
const char *check_fix_word(struct check *c, const char *fix, const char *word);

/* "it answered an ICMP echo", "no reply to 3 ICMP echoes" ...: err of
 * probe_echo() in words. */
const char *check_echo_words(int err);

/*
 * check_topo.c: what kind of wiring the pod has (c->topo), its host end
 * or far end, the addresses it and its far end should have, and its
 * gateways.  check_forget() lets go of what it opened.
 */
void check_recognise(struct check *c);
void check_forget(struct check *c);

/* check_host.c: a bridged or routed pod's host end, its bridge, and what
 * the host does with its traffic. */
void check_host_end(struct check *c);
void check_bridge(struct check *c);
/* check_unique.c: a bridged pod's address is its own, its gateway the
 * bridge. */
void check_unique(struct check *c);
void check_routed_host(struct check *c);
void check_forwarding(struct check *c);
void check_masquerade(struct check *c);
void check_forward_path(struct check *c);

/* check_cable.c: the far end of a point-to-point cable. */
void check_cable(struct check *c);

#endif
