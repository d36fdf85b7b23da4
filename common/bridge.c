// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bridge.c - a Linux bridge and its ports, for br-attach.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "bridge.h"
#include "cli.h"
#include "ns.h"
#include "owner.h"
#include "stage.h"

static void bridge_err(const struct bridge *b, struct nl *nl, const char *what,
		       int err)
{
	char why[512];

	pw_err("cannot %s bridge '%s': %s", what, b->name,
	       nl_why(nl, err, why, sizeof(why)));
}

static int host_nl(struct nl **nl)
{
	struct ns_handle h;
	int err = ns_get(NULL, &h);

	if (err)
		pw_err("cannot open rtnetlink: %s", strerror(-err));
	*nl = h.nl;
	return err;
}

/*
 * A new bridge takes the lowest MAC of its ports unless its own MAC was set
 * explicitly, so the pods' gateway would change address as pods come and
 * go.  Give it a random locally administered one.
 */
static void random_mac(uint8_t mac[6])
{
	if (getrandom(mac, 6, 0) != 6)
		memset(mac, 0x5a, 6);
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
}

/*
 * Multicast snooping is off on the bridges podwire makes.  Snooping needs
 * an IGMP/MLD querier on the segment, which a pod network does not have;
 * without one the bridge floods multicast to every port anyway.  What it
 * does cost is a timer reset on every port each time any port is added or
 * changes state (br_port_state_selection() -> br_multicast_enable_port()):
 * at 1,000 ports that took a third of each attach, 485 microseconds against
 * 340 without.  br-attach --mcast-snooping keeps the kernel's default.
 */
static int create(const struct bridge *b, struct nl *nl)
{
	struct owner o = { .created = pw_now() };
	struct nl_link_change c = { 0 };
	char alias[NL_ALIAS_MAX];
	int err;

	pw_strlcpy(o.bridge, b->name, sizeof(o.bridge));
	owner_format(&o, alias, sizeof(alias));
	c.alias = alias;
	c.set_mac = true;
	random_mac(c.mac);
	/* No MTU here: only a change through RTM_SETLINK marks the bridge's
	 * MTU as the user's, and otherwise the first port of 1500 bytes
	 * resets it (br_mtu_auto_adjust).  bridge_ensure() sets it. */
	err = nl_put_bridge(nl, b->name, b->mcast_snooping);
	if (!err)
		err = nl_commit(nl, NULL);
	if (err == -EEXIST)
		return err; /* made meanwhile; take it as it is */
	if (!err)
		err = nl_put_link_set(nl, 0, b->name, &c);
	if (!err)
		err = nl_commit(nl, NULL);
	if (err)
		bridge_err(b, nl, "create", err);
	return err;
}

int bridge_ensure(struct bridge *b, const struct pw_prefix *gws, size_t ngw,
		  unsigned mtu)
{
	struct nl_link_change c = { .up = NL_ON, .mtu = mtu };
	struct nl_link l;
	struct nl *nl;
	int err;

	if (host_nl(&nl))
		return PW_EXIT_FAIL;
	err = nl_link_get(nl, 0, b->name, &l);
	if (err == -ENODEV) {
		err = create(b, nl);
		if (err && err != -EEXIST)
			return PW_EXIT_FAIL;
		err = nl_link_get(nl, 0, b->name, &l);
	}
	if (err) {
		bridge_err(b, nl, "look up", err);
		return PW_EXIT_FAIL;
	}
	if (strcmp(l.kind, "bridge")) {
		pw_err("'%s' exists and is not a bridge (it is %s)", b->name,
		       l.kind[0] ? l.kind : "a plain device");
		return PW_EXIT_FAIL;
	}
	b->ifindex = l.ifindex;
	nl_put_link_set(nl, l.ifindex, NULL, &c);
	for (size_t i = 0; i < ngw; i++) {
		/* No DAD: the pods are told to use it at once. */
		nl_put_addr(nl, true, l.ifindex, &gws[i],
			    gws[i].addr.family == AF_INET6 ? IFA_F_NODAD : 0);
		nl_tolerate(nl, EEXIST); /* the address is not added twice */
	}
	err = nl_commit(nl, NULL);
	if (err) {
		bridge_err(b, nl, "set up", err);
		return PW_EXIT_FAIL;
	}
	return PW_EXIT_OK;
}

int bridge_find(struct bridge *b)
{
	struct nl_link l;
	struct nl *nl;
	int err;

	if (host_nl(&nl))
		return PW_EXIT_FAIL;
	err = nl_link_get(nl, 0, b->name, &l);
	if (!err && !strcmp(l.kind, "bridge"))
		b->ifindex = l.ifindex;
	if (err && err != -ENODEV) {
		bridge_err(b, nl, "look up", err);
		return PW_EXIT_FAIL;
	}
	return PW_EXIT_OK;
}

/* ---- Ports -------------------------------------------------------------- */

/* Can host be made a port of b? Prints why not. */
static bool attachable(const struct bridge *b, const struct rec *r,
		       const char *host, const struct nl_link *l)
{
	if (!strcmp(l->kind, "bridge") || (l->flags & IFF_LOOPBACK)) {
		stage_err(r, "cannot attach '%s': it is %s", host,
			  l->kind[0] ? "a bridge" : "the loopback");
		return false;
	}
	if (l->master && l->master != b->ifindex) {
		stage_err(r,
			  "cannot attach '%s': it is a port of another "
			  "device (ifindex %u)",
			  host, l->master);
		return false;
	}
	return true;
}

int bridge_attach(const struct bridge *b, const struct rec *r, const char *host,
		  bool hairpin, unsigned *newly)
{
	struct nl_link_change c = {
		.set_master = true,
		.master = b->ifindex,
		.up = NL_ON,
	};
	struct nl_link l;
	char why[512];
	struct nl *nl;
	int err;

	*newly = 0;
	if (host_nl(&nl))
		return PW_EXIT_FAIL;
	err = nl_link_get(nl, 0, host, &l);
	if (err == -ENODEV) {
		stage_err(r, "cannot attach '%s': no such interface", host);
		return PW_EXIT_FAIL;
	}
	if (!err && !attachable(b, r, host, &l))
		return PW_EXIT_FAIL;
	if (!err && l.master != b->ifindex)
		*newly = l.ifindex;
	if (!err)
		err = nl_put_link_set(nl, l.ifindex, NULL, &c);
	/* Port options are valid once it is a port: queued after. */
	if (!err && hairpin)
		err = nl_put_bridge_port(nl, l.ifindex, true);
	if (!err)
		err = nl_commit(nl, NULL);
	if (err == -EXFULL) {
		stage_err(r,
			  "cannot attach '%s': bridge '%s' holds at most %d "
			  "ports",
			  host, b->name, BRIDGE_PORTS_MAX);
		return PW_EXIT_FAIL;
	}
	if (err) {
		stage_err(r, "cannot attach '%s' to '%s': %s", host, b->name,
			  nl_why(nl, err, why, sizeof(why)));
		return PW_EXIT_FAIL;
	}
	return PW_EXIT_OK;
}

void bridge_release(unsigned ifindex)
{
	const struct nl_link_change free_it = { .set_master = true };
	struct nl *nl;

	if (ifindex && !host_nl(&nl) &&
	    !nl_put_link_set(nl, ifindex, NULL, &free_it))
		nl_commit(nl, NULL);
}

int bridge_detach(const struct bridge *b, const struct rec *r, const char *host)
{
	const struct nl_link_change c = { .set_master = true, .master = 0 };
	struct nl_link l;
	char why[512];
	struct nl *nl;
	int err;

	if (host_nl(&nl))
		return PW_EXIT_FAIL;
	err = nl_link_get(nl, 0, host, &l);
	if (!err && b->ifindex && l.master == b->ifindex) {
		err = nl_put_link_set(nl, l.ifindex, NULL, &c);
		if (!err)
			err = nl_commit(nl, NULL);
	}
	if (err && err != -ENODEV) {
		stage_err(r, "cannot detach '%s' from '%s': %s", host, b->name,
			  nl_why(nl, err, why, sizeof(why)));
		return PW_EXIT_FAIL;
	}
	return PW_EXIT_OK;
}

/* ---- Deleting ----------------------------------------------------------- */

/* The bridge's ports that are not about to vanish. */
static int count_staying(const struct bridge *b, struct nl *nl,
			 bool (*leaving)(const char *, void *), void *arg,
			 size_t *staying, char *example, size_t size)
{
	struct nl_link *links;
	size_t n;
	int err = nl_link_list(nl, &links, &n);

	if (err)
		return err;
	*staying = 0;
	for (size_t i = 0; i < n; i++) {
		if (links[i].master != b->ifindex ||
		    (leaving && leaving(links[i].ifname, arg)))
			continue;
		if (!*staying)
			pw_strlcpy(example, links[i].ifname, size);
		(*staying)++;
	}
	free(links);
	return 0;
}

static bool made_by_podwire(const struct bridge *b, const struct nl_link *l)
{
	struct owner o;

	return !strcmp(l->kind, "bridge") && owner_parse(l->alias, &o) &&
	       !strcmp(o.bridge, b->name);
}

int bridge_delete(struct bridge *b,
		  bool (*leaving)(const char *ifname, void *arg), void *arg)
{
	static const int caps[] = { CAP_NET_ADMIN };
	char example[IFNAMSIZ] = "";
	struct nl_link l;
	size_t staying;
	struct nl *nl;
	int err;

	if (host_nl(&nl))
		return PW_EXIT_FAIL;
	err = nl_link_get(nl, 0, b->name, &l);
	if (err == -ENODEV)
		return PW_EXIT_OK;
	if (err) {
		bridge_err(b, nl, "look up", err);
		return PW_EXIT_FAIL;
	}
	if (!made_by_podwire(b, &l)) {
		/* In a pipeline, someone else's bridge simply stays. */
		if (!b->positional)
			return PW_EXIT_OK;
		pw_err("refusing to delete '%s': podwire did not make it (no "
		       "podwire: bridge mark)",
		       b->name);
		return PW_EXIT_FAIL;
	}
	b->ifindex = l.ifindex;
	err = count_staying(b, nl, leaving, arg, &staying, example,
			    sizeof(example));
	if (!err && staying) {
		/* In a pipeline the bridge stays for the pods still on it. */
		if (!b->positional)
			return PW_EXIT_OK;
		pw_err("not deleting bridge '%s': %zu port%s left (%s); detach "
		       "them first",
		       b->name, staying, staying == 1 ? "" : "s", example);
		return PW_EXIT_FAIL;
	}
	if (!err && !cli_require_caps("deleting a bridge", caps, 1))
		return PW_EXIT_FAIL;
	if (!err)
		err = nl_put_link_del(nl, l.ifindex, NULL);
	if (!err)
		err = nl_commit(nl, NULL);
	if (err && err != -ENODEV) {
		bridge_err(b, nl, "delete", err);
		return PW_EXIT_FAIL;
	}
	return PW_EXIT_OK;
}
