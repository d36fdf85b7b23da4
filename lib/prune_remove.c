// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * prune_remove.c - one planned object removed, if it is still the one
 * planned.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Time passes between the look and the removal (a thousand objects, or a
 * --dry-run read by a person first), and pods come and go meanwhile.  So
 * each object is found again by what the plan saw: a link by its index,
 * kind and mark (an index is never given to another link soon); an
 * intent by its lock and text; a lease under its pool's lock by its
 * text; a bridge under its lock and use lock, with no port.  Anything
 * else is -ESTALE: left alone, not an error.
 */
#include <errno.h>
#include <sys/random.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"
#include "ns.h"
#include "ns_cache.h"
#include "prune_priv.h"
#include "statedir.h"

static int here_nl(struct nl **nl)
{
	struct ns_handle h;
	int err = ns_peek(NULL, &h);

	*nl = h.nl;
	return err;
}

/* Is the link of ifindex still the one the plan saw (kind, alias)? */
static int link_again(struct nl *nl, const struct prune_item *it,
		      const char *kind, struct nl_link *l)
{
	int err = nl_link_get(nl, it->ifindex, NULL, l);

	if (err == -ENODEV)
		return -ESTALE;
	if (err)
		return err;
	return strcmp(l->kind, kind) || strcmp(l->alias, it->alias) ? -ESTALE :
								      0;
}

static int delete_link(struct nl *nl, unsigned ifindex, struct pw_why *why)
{
	int err = nl_put_link_del(nl, ifindex, NULL);

	if (!err)
		err = nl_commit(nl, NULL);
	if (err == -ENODEV)
		return -ESTALE; /* it went by itself meanwhile */
	if (err)
		nl_why(nl, err, why->text, sizeof(why->text));
	return err;
}

static int remove_veth(const struct prune_item *it, struct pw_why *why)
{
	struct nl_link l;
	struct nl *nl;
	int err = here_nl(&nl);

	if (!err)
		err = link_again(nl, it, "veth", &l);
	return err ? err : delete_link(nl, it->ifindex, why);
}

/* Bridge ports left: none may be, for the bridge to go. */
static int has_ports(struct nl *nl, unsigned ifindex, bool *any)
{
	struct nl_link *links;
	size_t n;
	int err = nl_link_list(nl, &links, &n);

	*any = false;
	for (size_t i = 0; !err && i < n; i++)
		*any |= links[i].master == ifindex;
	if (!err)
		free(links);
	return err;
}

/*
 * Under the bridge's lock and its use lock (bridge.h): no setup is about
 * to attach a pod, and none makes it anew in between.
 */
static int remove_bridge(const struct prune_item *it, const char *name,
			 struct pw_why *why)
{
	struct nl_link l;
	struct nl *nl;
	bool ports;
	int lock = -1, use = -1;
	int err = here_nl(&nl);

	if (!err)
		err = statedir_lock_in(BRIDGE_LOCK_DIR, name, &lock);
	if (!err) {
		use = bridge_use_take(name);
		err = use == -EBUSY ? -ESTALE : use < 0 ? use : 0;
	}
	if (!err)
		err = link_again(nl, it, "bridge", &l);
	if (!err && strcmp(l.ifname, name))
		err = -ESTALE;
	if (!err)
		err = has_ports(nl, it->ifindex, &ports);
	if (!err && ports)
		err = -ESTALE;
	if (!err)
		err = delete_link(nl, it->ifindex, why);
	if (use >= 0)
		close(use);
	if (lock >= 0)
		close(lock);
	return err;
}

/* The placeholder of a half-made namespace (its intent held). */
static int remove_placeholder(const char *name, struct pw_why *why)
{
	struct ns_del_fail fail;
	int err;

	if (!prune_placeholder(name))
		return -ESTALE;
	/* force: a placeholder has no namespace, so nobody is in one. */
	err = ns_delete(name, true, &fail);
	if (err == -ENOENT)
		return -ESTALE;
	if (err)
		pw_strlcpy(why->text, ns_strerror(err), sizeof(why->text));
	return err;
}

/* A half-made object: its intent claimed, still saying the same. */
static int remove_half_made(const struct prune_item *it, struct pw_why *why)
{
	struct intent_info info;
	int err = intent_claim(it->ikind, it->ikey, &info);

	if (err == -ENOENT || err == -EBUSY)
		return -ESTALE;
	if (err)
		return err;
	if (strcmp(info.text, it->itext) || info.net != it->inet) {
		intent_unclaim(it->ikind, it->ikey);
		return -ESTALE;
	}
	switch (it->what) {
	case PRUNE_OBJ_VETH:
		err = remove_veth(it, why);
		break;
	case PRUNE_OBJ_BRIDGE:
		err = remove_bridge(it, it->bridge, why);
		break;
	case PRUNE_OBJ_NETNS:
		err = remove_placeholder(it->netns, why);
		break;
	default:
		break;
	}
	/* Gone by itself meanwhile: the intent is moot all the same. */
	if (!err || err == -ESTALE)
		intent_end(it->ikind, it->ikey);
	else
		intent_unclaim(it->ikind, it->ikey);
	return err;
}

static int remove_netns(const struct prune_item *it, struct pw_why *why)
{
	struct ns_del_fail fail;
	int err = ns_delete(it->netns, false, &fail);

	/* Not podwire's any more, or a process went in: it stays. */
	if (err == -ENOENT || err == -EPERM || err == -EBUSY)
		return -ESTALE;
	if (err)
		pw_strlcpy(why->text, ns_strerror(err), sizeof(why->text));
	ns_forget(it->netns);
	return err;
}

static int remove_lease(const struct prune_item *it, struct pw_why *why)
{
	int err = ipam_release_lease(&it->lease);

	if (err && err != -ESTALE)
		pw_strlcpy(why->text, strerror(-err), sizeof(why->text));
	return err;
}

/* The rule, if the ruleset still has it as planned (same created). */
static int remove_rule(const struct prune_item *it, struct pw_why *why)
{
	struct nft_masq *rules = NULL;
	size_t n = 0;
	bool found = false, changed;
	struct nft *nft;
	int err = nft_open(&nft);

	if (err)
		return err;
	err = nft_masq_list(nft, &rules, &n);
	for (size_t i = 0; !err && i < n; i++)
		found |= rules[i].subnet.len == it->rule.subnet.len &&
			 addr_equal(&rules[i].subnet.addr,
				    &it->rule.subnet.addr) &&
			 rules[i].created == it->rule.created;
	free(rules);
	if (err == -ENOENT || err == -EEXIST || (!err && !found))
		err = -ESTALE;
	if (!err)
		err = nft_masq_sync(nft, NULL, 0, &it->rule.subnet, 1,
				    &changed);
	if (err && err != -ESTALE)
		nft_why(nft, err, why->text, sizeof(why->text));
	nft_close(nft);
	return err;
}

/* ---- Orphans, all at once ---------------------------------------------- */

static bool is_orphan(const struct prune_item *it)
{
	return it->reason == PRUNE_ORPHAN && it->what == PRUNE_OBJ_VETH;
}

static const struct nl_link *find_link(const struct nl_link *links, size_t n,
				       unsigned ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (links[i].ifindex == ifindex)
			return &links[i];
	return NULL;
}

/*
 * A group no link here is in: this run's own mark for the orphans it
 * deletes.  Random and above the small numbers people give groups, and
 * checked against the dump, so that the group delete takes nothing but
 * them (unless someone puts a link in it in the moment between).
 */
static uint32_t unused_group(const struct nl_link *links, size_t n)
{
	for (;;) {
		uint32_t g = 0;
		bool used = false;

		if (getrandom(&g, sizeof(g), 0) != sizeof(g))
			g = (uint32_t)getpid() * 2654435761u;
		g |= 1u << 31;
		for (size_t i = 0; i < n && !used; i++)
			used = links[i].group == g;
		if (!used)
			return g;
	}
}

/* Put each of the orphans still as planned (ok[i]) in group g. */
static int tag_orphans(struct nl *nl, const struct prune_plan *p,
		       const bool *ok, uint32_t g)
{
	struct nl_link_change c = { .set_group = true, .group = g };
	size_t queued = 0;
	int err = 0;

	for (size_t i = 0; i < p->n && !err; i++) {
		if (!ok[i])
			continue;
		err = nl_put_link_set(nl, p->items[i].ifindex, NULL, &c);
		nl_tolerate(nl, ENODEV);
		/* A commit per 32: the queue's size. */
		if (!err && ++queued == 32) {
			err = nl_commit(nl, NULL);
			queued = 0;
		}
	}
	if (!err && queued)
		err = nl_commit(nl, NULL);
	if (err)
		nl_discard(nl);
	return err;
}

/* Which orphans are still as planned, in one dump: ok[i]. */
static int orphans_again(struct nl *nl, struct prune_plan *p, bool *ok,
			 int *res, size_t *n)
{
	struct nl_link *links;
	size_t nlinks;
	int err = nl_link_list(nl, &links, &nlinks);

	*n = 0;
	if (err)
		return err;
	for (size_t i = 0; i < p->n; i++) {
		const struct prune_item *it = &p->items[i];
		const struct nl_link *l;

		if (!is_orphan(it))
			continue;
		l = find_link(links, nlinks, it->ifindex);
		ok[i] = l && !strcmp(l->kind, "veth") &&
			!strcmp(l->alias, it->alias);
		res[i] = ok[i] ? 0 : -ESTALE;
		*n += ok[i];
	}
	if (*n)
		p->group = unused_group(links, nlinks);
	free(links);
	return 0;
}

/* After the group delete: what is still there failed; one by one. */
static int orphans_after(struct nl *nl, const struct prune_plan *p,
			 const bool *ok, int *res)
{
	struct nl_link *links;
	size_t nlinks;
	int err = nl_link_list(nl, &links, &nlinks);

	if (err)
		return err;
	for (size_t i = 0; i < p->n; i++) {
		struct pw_why why;

		if (ok[i] && find_link(links, nlinks, p->items[i].ifindex)) {
			res[i] = delete_link(nl, p->items[i].ifindex, &why);
			if (res[i] == -ESTALE)
				res[i] = 0; /* gone meanwhile, as asked */
		}
	}
	free(links);
	return 0;
}

int prune_remove_orphans(struct prune_plan *p, int *res)
{
	bool *ok = calloc(p->n ? p->n : 1, sizeof(*ok));
	struct nl *nl = NULL;
	size_t n = 0;
	int err = ok ? here_nl(&nl) : -ENOMEM;

	for (size_t i = 0; i < p->n; i++)
		res[i] = 1;
	if (!err)
		err = orphans_again(nl, p, ok, res, &n);
	if (!err && n)
		err = tag_orphans(nl, p, ok, p->group);
	if (!err && n) {
		err = nl_put_link_del_group(nl, p->group);
		if (!err)
			err = nl_commit(nl, NULL);
		/* None left in it, or one that can't go so: one by one. */
		if (err == -ENODEV || err == -EOPNOTSUPP || err == -EINVAL)
			err = 0;
	}
	if (!err && n)
		err = orphans_after(nl, p, ok, res);
	for (size_t i = 0; err && i < p->n; i++)
		if (res[i] == 0 && ok[i])
			res[i] = err;
	free(ok);
	return err;
}

int prune_remove(const struct prune_item *it, struct pw_why *why)
{
	why->text[0] = '\0';
	if (it->reason == PRUNE_HALF_MADE)
		return remove_half_made(it, why);
	switch (it->what) {
	case PRUNE_OBJ_VETH:
		return remove_veth(it, why);
	case PRUNE_OBJ_BRIDGE:
		return remove_bridge(it, it->bridge, why);
	case PRUNE_OBJ_NETNS:
		return remove_netns(it, why);
	case PRUNE_OBJ_LEASE:
		return remove_lease(it, why);
	case PRUNE_OBJ_RULE:
		return remove_rule(it, why);
	default:
		return -EINVAL;
	}
}
