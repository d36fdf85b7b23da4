// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * prune_store.c - stale state beside the links: empty namespaces
 * netns-new made, leases whose pods are gone, unused masquerade rules.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns.h"
#include "procs.h"
#include "prune_priv.h"

/* ---- Empty namespaces --------------------------------------------------- */

/*
 * Does the namespace of fd hold only its loopback interface, once the
 * plan has run?  A veth whose peer here (the namespace of here) is
 * planned to go goes with it.
 */
static bool only_lo(const struct prune_scan *s, int fd, int here)
{
	struct nl_link *links = NULL;
	int nsid = -1;
	size_t n = 0;
	struct nl *nl;
	bool lo = false;

	if (!nl_open(&nl, fd)) {
		lo = !nl_link_list(nl, &links, &n);
		if (nl_netns_id(nl, here, &nsid))
			nsid = -1;
		nl_close(nl);
	}
	for (size_t i = 0; lo && i < n; i++)
		lo = !strcmp(links[i].ifname, "lo") ||
		     (!strcmp(links[i].kind, "veth") && nsid >= 0 &&
		      links[i].link_netnsid == nsid &&
		      prune_link_planned(s, links[i].link));
	free(links);
	return lo;
}

static int judge_netns(struct prune_scan *s, const char *name,
		       const struct procs_snapshot *procs, int here)
{
	int64_t created = ns_record_created(name);
	struct prune_item *it;
	int fd = ns_open(name);
	bool empty;

	if (fd < 0)
		return 0;
	empty = ns_owner_of(name, fd) == NS_OWNER_PODWIRE && created &&
		prune_old_enough(s, created) && procs->readable &&
		!procs_in(procs, fd) && only_lo(s, fd, here);
	close(fd);
	if (!empty)
		return 0;
	it = prune_add(s, PRUNE_EMPTY_NETNS, PRUNE_OBJ_NETNS);
	if (!it)
		return prune_failed(s, "memory", -ENOMEM);
	pw_strlcpy(it->netns, name, sizeof(it->netns));
	it->created = created;
	return 0;
}

int prune_empty_netns(struct prune_scan *s)
{
	struct procs_snapshot procs;
	char **names;
	size_t n;
	int here, err = ns_names(&names, &n);

	if (err)
		return prune_failed(s, "the namespaces " PW_NETNS_RUN_DIR, err);
	err = procs_snapshot_take(&procs);
	if (err) {
		ns_names_free(names, n);
		return prune_failed(s, "the processes in /proc", err);
	}
	here = open(PW_SELF_NETNS, O_RDONLY | O_CLOEXEC);
	if (here < 0)
		err = prune_failed(s, "this namespace", -errno);
	for (size_t i = 0; i < n && !err; i++)
		err = judge_netns(s, names[i], &procs, here);
	if (here >= 0)
		close(here);
	procs_snapshot_free(&procs);
	ns_names_free(names, n);
	return err;
}

/* ---- Leases ------------------------------------------------------------- */

/* Is a namespace of that name planned to go? */
static bool netns_planned(const struct prune_scan *s, const char *name)
{
	for (size_t i = 0; i < s->plan->n; i++)
		if (s->plan->items[i].what == PRUNE_OBJ_NETNS &&
		    !strcmp(s->plan->items[i].netns, name))
			return true;
	return false;
}

/* Is the pod's namespace gone: no such name, or a placeholder, or one
 * planned to go? */
static bool netns_gone(const struct prune_scan *s, const char *name)
{
	int fd;

	if (netns_planned(s, name))
		return true;
	fd = ns_open(name);
	if (fd >= 0)
		close(fd);
	return fd == -ENOENT || fd == -ENOTNAM;
}

/*
 * Does a marked veth here, staying, name the pod end of the lease (a CNI
 * attachment's by its container id)?
 */
static bool lease_in_use(const struct prune_scan *s, const struct ipam_lease *l)
{
	for (size_t i = 0; i < s->nlinks; i++)
		if (s->marked[i] && !s->planned[i] &&
		    (l->cid[0] ? owner_names_attachment(&s->marks[i], l->cid,
							l->ifname) :
				 owner_names_end(&s->marks[i], l->netns,
						 l->ifname)) &&
		    !strcmp(s->links[i].kind, "veth"))
			return true;
	return false;
}

static int judge_lease(struct prune_scan *s, const struct ipam_lease *l)
{
	const char *boot = pw_boot_id();
	bool old_boot = l->boot[0] && boot[0] && strcmp(l->boot, boot);
	struct prune_item *it;

	/*
	 * A lease a veth here still names is in use, whatever boot wrote
	 * it: a store kept over a reboot hands a pod made again its old
	 * lease, and releasing that would give its address twice.
	 */
	if (!prune_old_enough(s, l->created) || lease_in_use(s, l))
		return 0;
	if (!old_boot && (!l->netns[0] || !netns_gone(s, l->netns)))
		return 0;
	it = prune_add(s, PRUNE_LEASE, PRUNE_OBJ_LEASE);
	if (!it)
		return prune_failed(s, "memory", -ENOMEM);
	it->lease = *l;
	it->old_boot = old_boot;
	pw_strlcpy(it->netns, l->netns, sizeof(it->netns));
	pw_strlcpy(it->ifname, l->ifname, sizeof(it->ifname));
	it->created = l->created;
	return 0;
}

int prune_leases(struct prune_scan *s)
{
	int err = 0;

	for (size_t i = 0; i < s->nleases && !err; i++)
		err = judge_lease(s, &s->leases[i]);
	return err;
}

/* ---- Masquerade rules --------------------------------------------------- */

static bool lease_planned(const struct prune_scan *s,
			  const struct ipam_lease *l)
{
	for (size_t i = 0; i < s->plan->n; i++) {
		const struct prune_item *it = &s->plan->items[i];

		if (it->what == PRUNE_OBJ_LEASE &&
		    addr_equal(&it->lease.addr, &l->addr) &&
		    it->lease.pool.len == l->pool.len)
			return true;
	}
	return false;
}

/* Does a lease that stays lie in subnet? */
static bool subnet_leased(const struct prune_scan *s,
			  const struct pw_prefix *subnet)
{
	for (size_t i = 0; i < s->nleases; i++)
		if (s->leases[i].addr.family == subnet->addr.family &&
		    addr_prefix_contains(subnet, &s->leases[i].addr) &&
		    !lease_planned(s, &s->leases[i]))
			return true;
	return false;
}

/* Does an address here, on a link that stays, lie in subnet? */
static bool subnet_held(const struct prune_scan *s, const struct nl_addr *a,
			size_t n, const struct pw_prefix *subnet)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].prefix.addr.family == subnet->addr.family &&
		    addr_prefix_contains(subnet, &a[i].prefix.addr) &&
		    !prune_link_planned(s, a[i].ifindex))
			return true;
	return false;
}

static int judge_rules(struct prune_scan *s, const struct nft_masq *rules,
		       size_t n, const struct nl_addr *addrs, size_t naddrs)
{
	for (size_t i = 0; i < n; i++) {
		const struct nft_masq *r = &rules[i];
		struct prune_item *it;

		if (!prune_old_enough(s, r->created) ||
		    subnet_leased(s, &r->subnet) ||
		    subnet_held(s, addrs, naddrs, &r->subnet))
			continue;
		it = prune_add(s, PRUNE_NAT, PRUNE_OBJ_RULE);
		if (!it)
			return prune_failed(s, "memory", -ENOMEM);
		it->rule = *r;
		it->created = r->created;
		pw_strlcpy(it->bridge, r->bridge, sizeof(it->bridge));
	}
	return 0;
}

int prune_nat(struct prune_scan *s)
{
	struct nft_masq *rules = NULL;
	struct nl_addr *addrs = NULL;
	size_t n = 0, naddrs = 0;
	struct nft *nft;
	int err = nft_open(&nft);

	if (err)
		return prune_failed(s, "the nftables ruleset", err);
	err = nft_masq_list(nft, &rules, &n);
	/* No table, or someone else's of that name: no rule of ours. */
	if (err == -ENOENT || err == -EEXIST) {
		nft_close(nft);
		return 0;
	}
	if (err) {
		nft_why(nft, err, s->fail->why.text, sizeof(s->fail->why.text));
		nft_close(nft);
		return prune_failed(s, "the nftables ruleset", err);
	}
	nft_close(nft);
	err = nl_addr_list(s->nl, AF_UNSPEC, 0, &addrs, &naddrs);
	if (err)
		err = prune_failed(s, "the addresses", err);
	else
		err = judge_rules(s, rules, n, addrs, naddrs);
	free(addrs);
	free(rules);
	return err;
}
