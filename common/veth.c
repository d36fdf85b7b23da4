// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * veth.c - a record's veth pair: made (or found again), configured end by
 * end, rolled back on failure, and deleted only when its mark proves it
 * is the record's.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <stdio.h>
#include <string.h>

#include "ns.h"
#include "owner.h"
#include "stage.h"
#include "veth.h"

/* One end of the pair, as it is configured after the create. */
struct veth_end {
	const char *netns; /* NULL: the program's namespace */
	const char *ifname;
	struct ns_handle h;
	struct pw_prefix addrs[2];
	size_t naddrs;
	bool has_v6;
	struct nl_link link; /* read back, when need_link */
	bool need_link;
	/*
	 * An end in the program's own namespace with no address at all: a
	 * port for a bridge, where IPv6 has no use.  It gets IPv6 disabled,
	 * not just quiet: each end with IPv6 on adds routes the kernel walks
	 * whenever a link comes up, and with a thousand ports that walk is a
	 * third of the cost of bringing one up.
	 */
	bool l2_port;
};

static void end_from_rec(struct veth_end *e, const struct rec *r,
			 const char *prefix)
{
	static const char *const keys[] = { "addr", "addr6" };
	char key[REC_KEY_MAX + 1];
	struct pw_why why;

	memset(e, 0, sizeof(*e));
	snprintf(key, sizeof(key), "%snetns", prefix);
	e->netns = rec_get(r, key);
	snprintf(key, sizeof(key), "%sifname", prefix);
	e->ifname = rec_get(r, key);
	for (size_t i = 0; i < PW_ARRAY_SIZE(keys); i++) {
		const char *v;

		snprintf(key, sizeof(key), "%s%s", prefix, keys[i]);
		v = rec_get(r, key);
		if (v && !addr_parse_prefix(v, AF_UNSPEC, &e->addrs[e->naddrs],
					    &why)) {
			e->has_v6 |= e->addrs[e->naddrs].addr.family ==
				     AF_INET6;
			e->naddrs++;
		}
	}
	e->need_link = e->naddrs > 0;
	e->l2_port = !strcmp(prefix, "host_") && !e->netns && !e->naddrs;
}

static int open_end(const struct rec *r, struct veth_end *e)
{
	int err = ns_get(e->netns, &e->h);

	if (err)
		stage_err(r, "cannot use namespace '%s': %s", e->netns,
			  ns_strerror(err));
	return err;
}

/*
 * IPv6 for an end that has no IPv6 address: no router advertisements.
 * Address generation is turned off by netlink; accept_ra has no netlink
 * setter.  A kernel without IPv6 has no such file, which is fine.
 */
static int quiet_ipv6(const struct veth_end *e)
{
	char key[80];
	int err;

	if (e->has_v6)
		return 0;
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_ra", e->ifname);
	err = ns_sysctl_write(&e->h, key, "0");
	if (!err && e->l2_port) {
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/disable_ipv6",
			 e->ifname);
		err = ns_sysctl_write(&e->h, key, "1");
	}
	return err == -ENOENT ? 0 : err;
}

/*
 * Alias and address generation, up, then addresses, as one batch.
 *  - Address generation goes before up: RTM_SETLINK applies IFLA_AF_SPEC
 *    after the flags, and a link-local address made in between would be
 *    announced to every port of the bridge.
 *  - Addresses go after up: an IPv6 address added to a link that is down
 *    stays unusable for about two seconds after it comes up (measured on
 *    6.18 with plain ip: 2048 ms against 3 ms).
 */
static int configure_end(struct nl *nl, struct veth_end *e, const char *alias,
			 unsigned mtu)
{
	struct nl_link_change first = {
		.alias = alias,
		.addrgen_none = !e->has_v6,
		.mtu = mtu, /* made with it; a re-run applies it */
	};
	const struct nl_link_change up = { .up = NL_ON };
	unsigned idx = 0;
	int err;

	if (e->need_link) {
		err = nl_link_get(nl, 0, e->ifname, &e->link);
		if (err)
			return err;
		idx = e->link.ifindex;
	}
	err = quiet_ipv6(e);
	if (err)
		return err;
	if (first.alias || first.addrgen_none || first.mtu)
		nl_put_link_set(nl, idx, e->ifname, &first);
	nl_put_link_set(nl, idx, e->ifname, &up);
	for (size_t i = 0; i < e->naddrs; i++) {
		/* IPAM or the user vouch for uniqueness; waiting out DAD
		 * would leave the address unusable for a second. */
		uint32_t flags =
			e->addrs[i].addr.family == AF_INET6 ? IFA_F_NODAD : 0;

		nl_put_addr(nl, true, idx, &e->addrs[i], flags);
		nl_tolerate(nl, EEXIST);
	}
	return nl_commit(nl, NULL);
}

enum made {
	MADE_NOW,
	MADE_BEFORE, /* a re-run: the pair is already this pod's */
};

enum existing {
	EXISTING_OURS, /* this pod's pair, complete */
	EXISTING_STALE, /* this pod's mark, its peer not in the pod: stale */
	EXISTING_REFUSED, /* not ours, or the pod's name is taken: reported */
};

/*
 * The create found a name taken.  Is the host end, with its peer, this
 * record's pair?  A host end marked for this pod whose peer is not the
 * pod's interface is left from an earlier pod of the same name, still
 * being reaped with its namespace (a teardown followed at once by a
 * setup): it is ours to replace.
 */
static enum existing check_existing(const struct rec *r, struct veth_end *pod,
				    struct veth_end *host)
{
	struct nl_link hl, pl;
	struct owner o;
	int err = nl_link_get(host->h.nl, 0, host->ifname, &hl);

	if (err == -ENODEV) {
		stage_err(r,
			  "cannot create the pair: '%s' already exists in %s%s",
			  pod->ifname, pod->netns ? "namespace " : "",
			  pod->netns ? pod->netns : "this namespace");
		return EXISTING_REFUSED;
	}
	if (err) {
		stage_err(r, "cannot look up '%s': %s", host->ifname,
			  strerror(-err));
		return EXISTING_REFUSED;
	}
	if (strcmp(hl.kind, "veth") || !owner_parse(hl.alias, &o) ||
	    strcmp(o.netns, pod->netns ? pod->netns : "") ||
	    strcmp(o.ifname, pod->ifname)) {
		stage_err(r,
			  "cannot create the pair: '%s' already exists and "
			  "is not this pod's veth",
			  host->ifname);
		return EXISTING_REFUSED;
	}
	err = nl_link_get(pod->h.nl, 0, pod->ifname, &pl);
	if (err || strcmp(pl.kind, "veth") || pl.ifindex != hl.link)
		return EXISTING_STALE;
	return EXISTING_OURS;
}

static int create_once(struct veth_end *pod, struct veth_end *host,
		       const struct veth_opts *vo)
{
	struct nl_veth v = {
		.ifname = host->ifname,
		.peer_ifname = pod->ifname,
		.peer_netns_fd = pod->h.fd,
		.mtu = vo->mtu,
		.queues = vo->queues,
	};
	int err = nl_put_veth(host->h.nl, &v);

	return err ? err : nl_commit(host->h.nl, NULL);
}

static int create_pair(const struct rec *r, const struct veth_opts *vo,
		       struct veth_end *pod, struct veth_end *host,
		       enum made *made)
{
	char why[512];
	int err = create_once(pod, host, vo);

	*made = MADE_NOW;
	if (err == -EEXIST) {
		switch (check_existing(r, pod, host)) {
		case EXISTING_OURS:
			*made = MADE_BEFORE;
			return PW_EXIT_OK;
		case EXISTING_REFUSED:
			return PW_EXIT_FAIL;
		case EXISTING_STALE:
			/* Ours and stale: replace it (once). */
			err = nl_put_link_del(host->h.nl, 0, host->ifname);
			nl_tolerate(host->h.nl, ENODEV);
			err = err ? err : nl_commit(host->h.nl, NULL);
			err = err ? err : create_once(pod, host, vo);
			if (err == -EEXIST &&
			    check_existing(r, pod, host) == EXISTING_REFUSED)
				return PW_EXIT_FAIL;
			break;
		}
	}
	if (err) {
		stage_err(r, "cannot create veth '%s' with peer '%s': %s",
			  host->ifname, pod->ifname,
			  nl_why(host->h.nl, err, why, sizeof(why)));
		return PW_EXIT_FAIL;
	}
	return PW_EXIT_OK;
}

static void delete_pair(struct veth_end *host)
{
	if (!nl_put_link_del(host->h.nl, 0, host->ifname))
		nl_commit(host->h.nl, NULL);
}

static int configure_pair(const struct rec *r, struct veth_end *pod,
			  struct veth_end *host, enum made made, unsigned mtu)
{
	struct owner o = { .created = pw_now() };
	char alias[NL_ALIAS_MAX], why[512];
	const char *use_alias = NULL;
	struct veth_end *failed = pod;
	int err;

	if (made == MADE_NOW) {
		pw_strlcpy(o.netns, pod->netns ? pod->netns : "",
			   sizeof(o.netns));
		pw_strlcpy(o.ifname, pod->ifname, sizeof(o.ifname));
		pw_strlcpy(o.peer_netns, host->netns ? host->netns : "",
			   sizeof(o.peer_netns));
		pw_strlcpy(o.peer_ifname, host->ifname, sizeof(o.peer_ifname));
		owner_format(&o, alias, sizeof(alias));
		use_alias = alias;
	}
	pod->need_link = true; /* for its MAC */
	err = configure_end(pod->h.nl, pod, use_alias, mtu);
	if (!err) {
		failed = host;
		err = configure_end(host->h.nl, host, use_alias, mtu);
	}
	if (!err)
		return PW_EXIT_OK;
	stage_err(r, "cannot configure '%s'%s%s: %s", failed->ifname,
		  failed->netns ? " in " : "",
		  failed->netns ? failed->netns : "",
		  nl_why(failed->h.nl, err, why, sizeof(why)));
	return PW_EXIT_FAIL;
}

static void fill_record(struct rec *r, const struct veth_end *pod)
{
	char mac[18];
	const uint8_t *m = pod->link.mac;

	if (!pod->link.has_mac)
		return;
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
		 m[2], m[3], m[4], m[5]);
	rec_set(r, "mac", mac);
}

int veth_pair_up(struct rec *r, const struct veth_opts *vo)
{
	struct veth_end pod, host;
	enum made made;
	int st;

	end_from_rec(&pod, r, "");
	end_from_rec(&host, r, "host_");
	if (open_end(r, &pod) || open_end(r, &host))
		return PW_EXIT_FAIL;
	st = create_pair(r, vo, &pod, &host, &made);
	if (st == PW_EXIT_OK) {
		st = configure_pair(r, &pod, &host, made, vo->mtu);
		if (st && made == MADE_NOW)
			delete_pair(&host);
	}
	if (st == PW_EXIT_OK)
		fill_record(r, &pod);
	return st;
}

/* ---- Deleting ----------------------------------------------------------- */

/*
 * Is this the record's pair?  Its mark must name the record's first end,
 * which every record has: as the pair's pod end, or as its peer when the
 * record names a cable by its other end (-D blue:b red:a, -D c:x).  A host
 * name alone proves nothing: it may be derived, or another pod's.
 */
static bool mark_names_record(const struct owner *o, const struct rec *r)
{
	return owner_names_end(o, rec_get(r, "netns"), rec_get(r, "ifname"));
}

/*
 * Delete the pair through the end named name in h, if it is there and is
 * a veth that is not another pod's.  1: deleted, 0: not there.
 */
static int delete_through(const struct rec *r, struct ns_handle *h,
			  const char *name, int *status)
{
	struct nl_link l;
	struct owner o;
	char why[512];
	int err = nl_link_get(h->nl, 0, name, &l);

	if (err == -ENODEV)
		return 0;
	if (!err && strcmp(l.kind, "veth")) {
		stage_err(r, "refusing to delete '%s': it is not a veth", name);
		*status = PW_EXIT_FAIL;
		return 1;
	}
	if (!err && (!owner_parse(l.alias, &o) || o.bridge[0])) {
		stage_err(r,
			  "refusing to delete '%s': podwire did not make it "
			  "(no podwire: mark)",
			  name);
		*status = PW_EXIT_FAIL;
		return 1;
	}
	if (!err && !mark_names_record(&o, r)) {
		stage_err(r,
			  "refusing to delete '%s': it is the pair of %s%s%s",
			  name, o.netns, o.netns[0] ? ":" : "", o.ifname);
		*status = PW_EXIT_FAIL;
		return 1;
	}
	if (!err)
		err = nl_put_link_del(h->nl, l.ifindex, NULL);
	if (!err)
		err = nl_commit(h->nl, NULL);
	if (err && err != -ENODEV) {
		stage_err(r, "cannot delete '%s': %s", name,
			  nl_why(h->nl, err, why, sizeof(why)));
		*status = PW_EXIT_FAIL;
	}
	return 1;
}

int veth_pair_down(const struct rec *r)
{
	const char *netns = rec_get(r, "netns");
	struct ns_handle pod, host;
	int st = PW_EXIT_OK, err;

	/*
	 * The pod's namespace is gone (netns-new -D ran first in the
	 * teardown pipeline): the kernel reaps both ends with it, in one
	 * batch, far faster than a delete per pair.
	 */
	err = ns_get(netns, &pod);
	if (err == -ENOENT)
		return PW_EXIT_OK;
	if (err) {
		stage_err(r, "cannot use namespace '%s': %s", netns,
			  ns_strerror(err));
		return PW_EXIT_FAIL;
	}
	err = ns_get(rec_get(r, "host_netns"), &host);
	if (err == -ENOENT)
		return PW_EXIT_OK;
	if (err) {
		stage_err(r, "cannot use namespace '%s': %s",
			  rec_get(r, "host_netns"), ns_strerror(err));
		return PW_EXIT_FAIL;
	}
	if (!delete_through(r, &host, rec_get(r, "host_ifname"), &st))
		delete_through(r, &pod, rec_get(r, "ifname"), &st);
	return st;
}
