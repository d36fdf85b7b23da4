// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bridge_rec.c - what a bridge failure says.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bridge_rec.h"
#include "stage.h"

void bridge_rec_err(const char *bridge, const struct bridge_fail *f)
{
	static const char *const doing[] = {
		[BRIDGE_STEP_LOOKUP] = "look up",
		[BRIDGE_STEP_CREATE] = "create",
		[BRIDGE_STEP_SETUP] = "set up",
		[BRIDGE_STEP_DELETE] = "delete",
	};
	const char *what =
		(size_t)f->step < PW_ARRAY_SIZE(doing) ? doing[f->step] : NULL;

	if (f->step == BRIDGE_STEP_OPEN)
		pw_err("cannot open rtnetlink: %s", f->why.text);
	else if (f->step == BRIDGE_STEP_KIND)
		pw_err("'%s' exists and is not a bridge (it is %s)", bridge,
		       f->why.text);
	else
		pw_err("cannot %s bridge '%s': %s", what ? what : "use", bridge,
		       f->why.text);
}

void bridge_rec_port_err(const struct rec *r, const char *bridge,
			 const char *port, bool attaching,
			 const struct bridge_fail *f, int err)
{
	if (f->step == BRIDGE_STEP_OPEN)
		pw_err("cannot open rtnetlink: %s", f->why.text);
	else if (!attaching)
		stage_err(r, "cannot detach '%s' from '%s': %s", port, bridge,
			  f->why.text);
	else if (err == -ENODEV || err == -EINVAL || err == -EBUSY)
		stage_err(r, "cannot attach '%s': %s", port, f->why.text);
	else if (err == -EXFULL)
		stage_err(r,
			  "cannot attach '%s': bridge '%s' holds at most %d "
			  "ports",
			  port, bridge, BRIDGE_PORTS_MAX);
	else
		stage_err(r, "cannot attach '%s' to '%s': %s", port, bridge,
			  f->why.text);
}

/* The record's own addresses, ADDR/LEN, into out; how many. */
static size_t pod_addrs(const struct rec *r, struct pw_prefix out[2])
{
	static const char *const keys[] = { "addr", "addr6" };
	size_t n = 0;

	for (size_t i = 0; i < PW_ARRAY_SIZE(keys); i++) {
		const char *v = rec_get(r, keys[i]);

		if (v && addr_parse_prefix(v, AF_UNSPEC, &out[n], NULL))
			n++;
	}
	return n;
}

/* Is entry a the record's own pod end (a re-run finds it attached)? */
static bool is_self(const struct bridge_pod_addr *a, const struct rec *r)
{
	const char *netns = rec_get(r, "netns");
	const char *ifname = rec_get(r, "ifname");

	return netns && !strcmp(a->netns, netns) &&
	       !strcmp(a->ifname, ifname ? ifname : "eth0");
}

int bridge_rec_check_unique(const struct rec *r, struct bridge_held *h,
			    unsigned bridge, const char *name)
{
	struct pw_prefix mine[2];
	size_t n = pod_addrs(r, mine);
	char text[PW_ADDRSTRLEN];
	int err;

	if (!n)
		return PW_EXIT_OK;
	if (!h->loaded) {
		err = bridge_pod_addrs(bridge, &h->a, &h->n);
		/* Links come and go too fast for a consistent dump while
		 * namespaces are torn down beside us: the next record asks
		 * again, and this one goes on as it would without the
		 * table (its address is its lease's, or its record's). */
		if (err == -EAGAIN)
			return PW_EXIT_OK;
		if (err) {
			stage_err(r,
				  "cannot read the addresses of the pods "
				  "on '%s': %s",
				  name, strerror(-err));
			return PW_EXIT_FAIL;
		}
		h->loaded = true;
	}
	for (size_t i = 0; i < h->n; i++)
		for (size_t j = 0; j < n; j++) {
			if (!addr_equal(&h->a[i].addr.addr, &mine[j].addr) ||
			    is_self(&h->a[i], r))
				continue;
			stage_err(r,
				  "address %s is already held by %s:%s on "
				  "bridge '%s'",
				  addr_format_prefix(&mine[j], text,
						     sizeof(text)),
				  h->a[i].netns, h->a[i].ifname, name);
			return PW_EXIT_FAIL;
		}
	return PW_EXIT_OK;
}

void bridge_rec_held_add(struct bridge_held *h, const struct rec *r)
{
	struct pw_prefix mine[2];
	size_t n = pod_addrs(r, mine);
	const char *netns = rec_get(r, "netns");
	const char *ifname = rec_get(r, "ifname");

	if (!h->loaded || !n || !netns)
		return;
	h->a = pw_xrealloc(h->a, (h->n + n) * sizeof(*h->a));
	for (size_t j = 0; j < n; j++) {
		struct bridge_pod_addr *a = &h->a[h->n++];

		a->port = 0; /* attached by this run: named by netns/ifname */
		pw_strlcpy(a->netns, netns, sizeof(a->netns));
		pw_strlcpy(a->ifname, ifname ? ifname : "eth0",
			   sizeof(a->ifname));
		a->addr = mine[j];
	}
}

void bridge_rec_held_free(struct bridge_held *h)
{
	free(h->a);
	memset(h, 0, sizeof(*h));
}
