// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * prune_links.c - stale links here: orphaned pairs, half-made objects
 * (with the placeholders of half-made namespaces), empty bridges.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns.h"
#include "prune_priv.h"

/* ---- Orphaned pairs ----------------------------------------------------- */

/* Is the end (netns, ifname) of a mark the link ifname here? */
static bool end_is_here(const char *netns, const char *ifname, const char *link,
			const char *here)
{
	return ifname[0] && !strcmp(ifname, link) &&
	       (!netns[0] || (here && !strcmp(netns, here)));
}

/*
 * The namespace of the far end of the pair whose mark is o, the link
 * ifname being the near one: false when the mark does not say which end
 * is here, or the far one is here too.
 */
static bool far_netns(const struct owner *o, const char *ifname,
		      const char *here, const char **far)
{
	bool pod_here = end_is_here(o->netns, o->ifname, ifname, here);
	bool peer_here =
		end_is_here(o->peer_netns, o->peer_ifname, ifname, here);

	if (pod_here == peer_here)
		return false;
	*far = pod_here ? o->peer_netns : o->netns;
	/*
	 * A path cut to the mark's length would name some other file; and
	 * /proc/PID/... names a process, which may end while the others in
	 * its namespace go on: neither proves the pod gone.
	 */
	return (*far)[0] &&
	       !(strchr(*far, '/') && strlen(*far) >= PW_NETNS_MAX) &&
	       strncmp(*far, "/proc/", strlen("/proc/"));
}

enum far_state { FAR_HEALTHY, FAR_GONE, FAR_OTHER, FAR_UNKNOWN };

/* What the far end's namespace name leads to, against the link's peer. */
static enum far_state judge_far(struct prune_scan *s, const struct nl_link *l,
				const char *far)
{
	int fd = ns_open(far);
	enum far_state st = FAR_UNKNOWN;
	int nsid;

	if (fd == -ENOENT || fd == -ENOTNAM)
		return FAR_GONE;
	if (fd < 0)
		return FAR_UNKNOWN;
	if (!ns_is_current(fd) && !nl_netns_id(s->nl, fd, &nsid))
		st = nsid == l->link_netnsid ? FAR_HEALTHY : FAR_OTHER;
	close(fd);
	return st;
}

static int judge_orphan(struct prune_scan *s, size_t i)
{
	const struct nl_link *l = &s->links[i];
	const struct owner *o = &s->marks[i];
	const struct nl_link *master;
	struct prune_item *it;
	const char *far;
	enum far_state st;

	if (strcmp(l->kind, "veth") || !s->marked[i] || o->bridge[0] ||
	    !far_netns(o, l->ifname, s->o->here, &far) || l->link_netnsid < 0 ||
	    !prune_old_enough(s, o->created))
		return 0;
	st = judge_far(s, l, far);
	/* Nobody keeps the peer's namespace: the kernel is reaping it. */
	if (st == FAR_HEALTHY || st == FAR_UNKNOWN ||
	    !ns_nsid_alive(s->nl, l->link_netnsid))
		return 0;
	it = prune_add(s, PRUNE_ORPHAN, PRUNE_OBJ_VETH);
	if (!it)
		return prune_failed(s, "memory", -ENOMEM);
	pw_strlcpy(it->host_ifname, l->ifname, sizeof(it->host_ifname));
	pw_strlcpy(it->netns, far, sizeof(it->netns));
	pw_strlcpy(it->ifname, far == o->netns ? o->ifname : o->peer_ifname,
		   sizeof(it->ifname));
	it->created = o->created;
	it->ifindex = l->ifindex;
	pw_strlcpy(it->alias, l->alias, sizeof(it->alias));
	prune_link_plan(s, l->ifindex);
	master = l->master ? prune_link_at(s, l->master) : NULL;
	if (master)
		pw_strlcpy(it->bridge, master->ifname, sizeof(it->bridge));
	return 0;
}

int prune_orphans(struct prune_scan *s)
{
	int err = 0;

	for (size_t i = 0; i < s->nlinks && !err; i++)
		err = judge_orphan(s, i);
	return err;
}

/* ---- Half-made objects -------------------------------------------------- */

bool prune_placeholder(const char *name)
{
	char path[PATH_MAX];
	struct stat st, dir;

	/* An empty file, on /run/netns itself: nothing mounted on it. */
	return !ns_run_path(name, path, sizeof(path)) && !lstat(path, &st) &&
	       !stat(PW_NETNS_RUN_DIR, &dir) && S_ISREG(st.st_mode) &&
	       st.st_size == 0 && st.st_dev == dir.st_dev;
}

/* How many ports the bridge of ifindex has, those planned to go aside. */
static size_t ports_staying(const struct prune_scan *s, unsigned ifindex)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nlinks; i++)
		if (s->links[i].master == ifindex && !s->planned[i])
			n++;
	return n;
}

/*
 * What an orphaned intent names, if it is here and still as the killed
 * writer left it: the object, else only the intent (PRUNE_OBJ_INTENT).
 * false: leave it (someone uses what it names).
 */
static bool intent_object(const struct prune_scan *s, enum intent_kind kind,
			  const char *name, const struct nl_link **link,
			  enum prune_object *what)
{
	const struct nl_link *l = NULL;

	*what = PRUNE_OBJ_INTENT;
	*link = NULL;
	switch (kind) {
	case INTENT_VETH:
		l = prune_link_named(s, name);
		if (l && !strcmp(l->kind, "veth") && !l->alias[0])
			*what = PRUNE_OBJ_VETH;
		break;
	case INTENT_BRIDGE:
		l = prune_link_named(s, name);
		if (l && !strcmp(l->kind, "bridge") && !l->alias[0]) {
			if (ports_staying(s, l->ifindex))
				return false;
			*what = PRUNE_OBJ_BRIDGE;
		}
		break;
	case INTENT_NETNS:
		if (prune_placeholder(name))
			*what = PRUNE_OBJ_NETNS;
		break;
	default:
		return false;
	}
	if (*what != PRUNE_OBJ_INTENT)
		*link = l;
	return true;
}

/*
 * The object's name under key, if it is here.  A veth's key is
 * "NETNS@IFNAME": NETNS this namespace's name, or empty for the
 * namespace the writer ran in, as a bridge's key (its name) is; those
 * are here only if the writer ran here (its nsfs inode, net).
 */
static const char *key_object(const struct prune_scan *s, enum intent_kind kind,
			      const char *key, uint64_t net)
{
	const char *at = strrchr(key, '@');
	bool writers = kind == INTENT_BRIDGE;
	size_t len;

	if (kind == INTENT_VETH) {
		if (!at)
			return NULL;
		len = (size_t)(at - key);
		if (len && !(s->o->here && strlen(s->o->here) == len &&
			     !strncmp(key, s->o->here, len)))
			return NULL;
		writers = !len;
		key = at + 1;
	}
	return !writers || (net && net == s->here_net) ? key : NULL;
}

static int add_half_made(struct prune_scan *s, enum intent_kind kind,
			 const char *key, const struct intent_info *info,
			 enum prune_object what, const struct nl_link *l)
{
	struct prune_item *it = prune_add(s, PRUNE_HALF_MADE, what);
	struct owner o;

	if (!it)
		return prune_failed(s, "memory", -ENOMEM);
	it->ikind = kind;
	pw_strlcpy(it->ikey, key, sizeof(it->ikey));
	pw_strlcpy(it->itext, info->text, sizeof(it->itext));
	it->inet = info->net;
	it->created = info->time;
	if (l) {
		it->ifindex = l->ifindex;
		prune_link_plan(s, l->ifindex);
	}
	if (kind == INTENT_VETH && l) {
		pw_strlcpy(it->host_ifname, l->ifname, sizeof(it->host_ifname));
		if (owner_parse(info->text, &o)) {
			pw_strlcpy(it->netns, o.netns, sizeof(it->netns));
			pw_strlcpy(it->ifname, o.ifname, sizeof(it->ifname));
		}
	} else if (kind == INTENT_BRIDGE && l) {
		pw_strlcpy(it->bridge, l->ifname, sizeof(it->bridge));
	} else if (kind == INTENT_NETNS) {
		pw_strlcpy(it->netns, key, sizeof(it->netns));
	}
	return 0;
}

/* One intent: claimed while it is looked at, so no writer is at work. */
static int judge_intent(struct prune_scan *s, enum intent_kind kind,
			const char *key)
{
	struct intent_info info;
	const struct nl_link *l;
	enum prune_object what;
	const char *name;
	int err = 0;

	if (intent_claim(kind, key, &info))
		return 0;
	name = key_object(s, kind, key, info.net);
	/* Empty: its writer was killed before it said what it meant. */
	if (!info.text[0] && prune_old_enough(s, info.time))
		err = add_half_made(s, kind, key, &info, PRUNE_OBJ_INTENT,
				    NULL);
	else if (name && prune_old_enough(s, info.time) &&
		 intent_object(s, kind, name, &l, &what))
		err = add_half_made(s, kind, key, &info, what, l);
	intent_unclaim(kind, key);
	return err;
}

int prune_half_made(struct prune_scan *s)
{
	static const enum intent_kind kinds[] = { INTENT_VETH, INTENT_BRIDGE,
						  INTENT_NETNS };
	int err = 0;

	for (size_t k = 0; k < PW_ARRAY_SIZE(kinds) && !err; k++) {
		char **keys;
		size_t n;

		err = intent_keys(kinds[k], &keys, &n);
		if (err)
			return prune_failed(s,
					    "the intents " STATEDIR_ROOT
					    "/" INTENT_DIR,
					    err);
		for (size_t i = 0; i < n && !err; i++)
			err = judge_intent(s, kinds[k], keys[i]);
		intent_keys_free(keys, n);
	}
	return err;
}

/* ---- Empty bridges ------------------------------------------------------ */

int prune_empty_bridges(struct prune_scan *s)
{
	for (size_t i = 0; i < s->nlinks; i++) {
		const struct nl_link *l = &s->links[i];
		const struct owner *o = &s->marks[i];
		struct prune_item *it;

		if (strcmp(l->kind, "bridge") || !s->marked[i] ||
		    strcmp(o->bridge, l->ifname) ||
		    !prune_old_enough(s, o->created) ||
		    ports_staying(s, l->ifindex))
			continue;
		it = prune_add(s, PRUNE_EMPTY_BRIDGE, PRUNE_OBJ_BRIDGE);
		if (!it)
			return prune_failed(s, "memory", -ENOMEM);
		pw_strlcpy(it->bridge, l->ifname, sizeof(it->bridge));
		it->created = o->created;
		it->ifindex = l->ifindex;
		pw_strlcpy(it->alias, l->alias, sizeof(it->alias));
		prune_link_plan(s, l->ifindex);
	}
	return 0;
}
