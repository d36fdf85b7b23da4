// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * prune.c - the look for stale objects, kind after kind, and its plan.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "ns_cache.h"
#include "prune_priv.h"

static const char *const reason_names[PRUNE_REASONS] = {
	[PRUNE_ORPHAN] = "orphan",
	[PRUNE_HALF_MADE] = "half-made",
	[PRUNE_EMPTY_NETNS] = "empty-netns",
	[PRUNE_LEASE] = "lease",
	[PRUNE_EMPTY_BRIDGE] = "empty-bridge",
	[PRUNE_NAT] = "nat",
};

const char *prune_reason_name(enum prune_reason r)
{
	return r < PRUNE_REASONS ? reason_names[r] : "?";
}

bool prune_old_enough(const struct prune_scan *s, int64_t t)
{
	return s->now - t >= s->o->older_than;
}

struct prune_item *prune_add(struct prune_scan *s, enum prune_reason reason,
			     enum prune_object what)
{
	struct prune_plan *p = s->plan;
	struct prune_item *grown, *it;

	grown = realloc(p->items, (p->n + 1) * sizeof(*p->items));
	if (!grown)
		return NULL;
	p->items = grown;
	it = &p->items[p->n++];
	memset(it, 0, sizeof(*it));
	it->reason = reason;
	it->what = what;
	return it;
}

/* The position of the link of ifindex in s->links, or -1. */
static ssize_t link_pos(const struct prune_scan *s, unsigned ifindex)
{
	size_t lo = 0, hi = s->nlinks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->links[mid].ifindex == ifindex)
			return (ssize_t)mid;
		if (s->links[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const struct nl_link *prune_link_at(const struct prune_scan *s,
				    unsigned ifindex)
{
	ssize_t i = link_pos(s, ifindex);

	return i >= 0 ? &s->links[i] : NULL;
}

bool prune_link_planned(const struct prune_scan *s, unsigned ifindex)
{
	ssize_t i = link_pos(s, ifindex);

	return i >= 0 && s->planned[i];
}

void prune_link_plan(struct prune_scan *s, unsigned ifindex)
{
	ssize_t i = link_pos(s, ifindex);

	if (i >= 0)
		s->planned[i] = true;
}

const struct nl_link *prune_link_named(const struct prune_scan *s,
				       const char *ifname)
{
	for (size_t i = 0; i < s->nlinks; i++)
		if (!strcmp(s->links[i].ifname, ifname))
			return &s->links[i];
	return NULL;
}

int prune_failed(struct prune_scan *s, const char *what, int err)
{
	s->fail->what = what;
	if (!s->fail->why.text[0])
		pw_strlcpy(s->fail->why.text, strerror(-err),
			   sizeof(s->fail->why.text));
	return err;
}

static int ifindex_cmp(const void *pa, const void *pb)
{
	const struct nl_link *a = pa, *b = pb;

	return a->ifindex < b->ifindex ? -1 : a->ifindex > b->ifindex;
}

/* Sorted by ifindex, each mark parsed once: a thousand leases ask. */
static int index_links(struct prune_scan *s)
{
	size_t n = s->nlinks ? s->nlinks : 1;

	qsort(s->links, s->nlinks, sizeof(*s->links), ifindex_cmp);
	s->marks = calloc(n, sizeof(*s->marks));
	s->marked = calloc(n, sizeof(*s->marked));
	s->planned = calloc(n, sizeof(*s->planned));
	if (!s->marks || !s->marked || !s->planned)
		return prune_failed(s, "memory", -ENOMEM);
	for (size_t i = 0; i < s->nlinks; i++)
		s->marked[i] = owner_parse(s->links[i].alias, &s->marks[i]);
	return 0;
}

/* The links here and the leases of the store, read once for every kind. */
static int look_around(struct prune_scan *s)
{
	struct ns_handle here;
	int err = ns_peek(NULL, &here);

	if (err)
		return prune_failed(s, "this namespace", err);
	s->nl = here.nl;
	err = nl_link_list(s->nl, &s->links, &s->nlinks);
	if (err) {
		nl_why(s->nl, err, s->fail->why.text,
		       sizeof(s->fail->why.text));
		return prune_failed(s, "the links", err);
	}
	err = index_links(s);
	if (err)
		return err;
	err = ipam_leases_checked(&s->leases, &s->nleases, &s->plan->bad_leases,
				  &s->plan->nbad);
	return err ? prune_failed(s, "the lease store " IPAM_DIR, err) : 0;
}

int prune_plan(const struct prune_opts *o, struct prune_plan *p,
	       struct prune_fail *fail)
{
	struct prune_scan s = {
		.o = o,
		.now = pw_now(),
		.here_net = intent_here(),
		.plan = p,
		.fail = fail,
	};
	int err;

	memset(p, 0, sizeof(*p));
	memset(fail, 0, sizeof(*fail));
	err = look_around(&s);
	if (!err)
		err = prune_orphans(&s);
	if (!err)
		err = prune_half_made(&s);
	if (!err && o->empty_netns)
		err = prune_empty_netns(&s);
	if (!err)
		err = prune_leases(&s);
	if (!err && o->empty_bridges)
		err = prune_empty_bridges(&s);
	if (!err && o->nat)
		err = prune_nat(&s);
	free(s.links);
	free(s.marks);
	free(s.marked);
	free(s.planned);
	free(s.leases);
	if (err)
		prune_plan_free(p);
	return err;
}

void prune_plan_free(struct prune_plan *p)
{
	free(p->items);
	ipam_paths_free(p->bad_leases, p->nbad);
	memset(p, 0, sizeof(*p));
}

void prune_done(void)
{
	ns_cache_clear();
}
