// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * veth_rec.c - a record's veth pair.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <stdio.h>
#include <string.h>

#include "stage.h"
#include "veth_rec.h"

/* One end from the record's fields, each key with prefix ("" or "host_"). */
static void end_from_rec(const struct rec *r, const char *prefix,
			 struct veth_end *e)
{
	static const int families[] = { AF_INET, AF_INET6 };
	char key[REC_KEY_MAX + 1];

	memset(e, 0, sizeof(*e));
	snprintf(key, sizeof(key), "%snetns", prefix);
	e->netns = rec_get(r, key);
	snprintf(key, sizeof(key), "%sifname", prefix);
	e->ifname = rec_get(r, key);
	for (size_t i = 0; i < PW_ARRAY_SIZE(families); i++) {
		const char *v;

		snprintf(key, sizeof(key), "%s%s", prefix,
			 rec_addr_key(families[i]));
		v = rec_get(r, key);
		if (v && addr_parse_prefix(v, families[i], &e->addrs[e->naddrs],
					   NULL))
			e->naddrs++;
	}
}

void veth_rec_spec(const struct rec *r, unsigned mtu, unsigned queues,
		   struct veth_spec *s)
{
	end_from_rec(r, "", &s->pod);
	end_from_rec(r, "host_", &s->peer);
	s->mtu = mtu;
	s->queues = queues;
}

void veth_rec_err(const struct rec *r, const struct veth_spec *s,
		  const struct veth_fail *f)
{
	const char *why = f->why.text;

	switch (f->step) {
	case VETH_STEP_NETNS:
		stage_err(r, "cannot use namespace '%s': %s", f->name, why);
		break;
	case VETH_STEP_LOOKUP:
		stage_err(r, "cannot look up '%s': %s", f->name, why);
		break;
	case VETH_STEP_TAKEN:
		stage_err(r, "cannot create the pair: %s", why);
		break;
	case VETH_STEP_CREATE:
		stage_err(r, "cannot create veth '%s' with peer '%s': %s",
			  s->peer.ifname, s->pod.ifname, why);
		break;
	case VETH_STEP_CONFIGURE:
		stage_err(r, "cannot configure '%s'%s%s: %s", f->end->ifname,
			  f->end->netns ? " in " : "",
			  f->end->netns ? f->end->netns : "", why);
		break;
	case VETH_STEP_REFUSED:
		stage_err(r, "refusing to delete '%s': %s", f->name, why);
		break;
	case VETH_STEP_DELETE:
		stage_err(r, "cannot delete '%s': %s", f->name, why);
		break;
	}
}
