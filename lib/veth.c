// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * veth.c - a veth pair: made or found, configured, rolled back, deleted.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "intent.h"
#include "nl.h"
#include "ns.h"
#include "ns_cache.h"
#include "owner.h"
#include "statedir.h"
#include "sysctl.h"
#include "veth.h"

/* One end, as it is configured after the create. */
struct end {
	const struct veth_end *spec;
	struct ns_handle h; /* borrowed from the cache */
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

static void end_init(struct end *e, const struct veth_end *spec, bool is_peer)
{
	memset(e, 0, sizeof(*e));
	e->spec = spec;
	for (size_t i = 0; i < spec->naddrs; i++)
		e->has_v6 |= spec->addrs[i].addr.family == AF_INET6;
	e->need_link = spec->naddrs > 0;
	e->l2_port = is_peer && !spec->netns && !spec->naddrs;
}

static int fail_at(struct veth_fail *fail, enum veth_step step,
		   const char *name, const struct veth_end *end, int err)
{
	fail->step = step;
	fail->name = name;
	fail->end = end;
	return err;
}

static int open_end(struct end *e, struct veth_fail *fail)
{
	int err = ns_peek(e->spec->netns, &e->h);

	if (err) {
		pw_strlcpy(fail->why.text, ns_strerror(err),
			   sizeof(fail->why.text));
		return fail_at(fail, VETH_STEP_NETNS, e->spec->netns, e->spec,
			       err);
	}
	return 0;
}

/* An MTU under this gives a link no IPv6 at all, and no conf directory. */
#define IPV6_MIN_MTU 1280

/* ifname is at most 15 bytes, so the longest key fits. */
#define IPV6_CONF_PATH_MAX 64

static void ipv6_conf_path(char path[IPV6_CONF_PATH_MAX], const char *ifname,
			   const char *key)
{
	snprintf(path, IPV6_CONF_PATH_MAX, "net/ipv6/conf/%s/%s", ifname, key);
}

static int ipv6_conf_write(const struct end *e, const char *key,
			   const char *value)
{
	char path[IPV6_CONF_PATH_MAX];

	ipv6_conf_path(path, e->spec->ifname, key);
	return ns_sysctl_write(&e->h, path, value);
}

/*
 * The end's conf KEY back to what its namespace gives a new interface
 * (conf/default), written only when it differs: a value equal to the
 * default is then never refused.
 */
static int ipv6_conf_restore(const struct end *e, const char *key)
{
	char dflt[IPV6_CONF_PATH_MAX], path[IPV6_CONF_PATH_MAX];
	char want[32], have[32];
	int err;

	ipv6_conf_path(dflt, "default", key);
	ipv6_conf_path(path, e->spec->ifname, key);
	err = ns_sysctl_read(&e->h, dflt, want, sizeof(want));
	if (!err)
		err = ns_sysctl_read(&e->h, path, have, sizeof(have));
	if (err || !strcmp(want, have))
		return err;
	return ns_sysctl_write(&e->h, path, want);
}

/*
 * Router advertisements: an end takes none (accept_ra 0) unless it asked
 * for SLAAC.  Any pod on a bridge can send one, and a pod end that takes
 * it makes itself an address in the sender's prefix and routes through
 * the sender: one pod reconfigures the others (the CVE-2020-13401
 * class).  accept_ra has no netlink setter: it is a sysctl of the end's
 * namespace, written before the link comes up, so nothing is taken in
 * between, and on every run, so a re-run or an adopted pair ends with it
 * too.
 *
 * An end that asked for SLAAC gets its namespace's defaults back: on a
 * pair made now it has them already; on one made without SLAAC, writing
 * addr_gen_mode (unlike the netlink setter) also makes the link-local
 * address SLAAC starts from, so it goes first.
 *
 * A bridge port (l2_port) has IPv6 disabled as well.  -ENOENT: the end
 * has no IPv6 (a kernel without it, an MTU under 1280).
 */
static int ipv6_router_ads(const struct end *e)
{
	int err;

	if (e->spec->slaac) {
		err = ipv6_conf_restore(e, "addr_gen_mode");
		return err ? err : ipv6_conf_restore(e, "accept_ra");
	}
	err = ipv6_conf_write(e, "accept_ra", "0");
	if (!err && e->l2_port)
		err = ipv6_conf_write(e, "disable_ipv6", "1");
	return err;
}

/*
 * The router advertisement sysctls first (they can't ride in a batch);
 * then alias and address generation, up, then addresses, as one batch.
 *  - Address generation goes before up: RTM_SETLINK applies IFLA_AF_SPEC
 *    after the flags, and a link-local address made in between would be
 *    announced to every port of the bridge.
 *  - Addresses go after up: an IPv6 address added to a link that is down
 *    stays unusable for about two seconds after it comes up (measured on
 *    6.18 with plain ip: 2048 ms against 3 ms).
 */
static int configure_end(struct end *e, const char *alias, unsigned mtu)
{
	struct nl_link_change first = {
		.alias = alias,
		/* A link-local address is what SLAAC starts from. */
		.addrgen_none = !e->has_v6 && !e->spec->slaac,
		.mtu = mtu, /* made with it; a re-run applies it */
	};
	const struct nl_link_change up = { .up = NL_ON };
	struct nl *nl = e->h.nl;
	const char *name = e->spec->ifname;
	unsigned idx = 0;
	int err;

	if (e->need_link) {
		err = nl_link_get(nl, 0, name, &e->link);
		/* A dry run's end is only planned: named, not there. */
		if (err == -ENODEV && dry_running()) {
			e->link.ifindex = nl_plan_link(name);
			err = e->link.ifindex ? 0 : -ENOBUFS;
		}
		if (err)
			return err;
		idx = e->link.ifindex;
	}
	err = ipv6_router_ads(e);
	if (err == -ENOENT && mtu >= IPV6_MIN_MTU) {
		/*
		 * A re-run raising an MTU under 1280: the end gets IPv6 only
		 * now, with its namespace's defaults, accept_ra 1 among them.
		 * The MTU goes first, then the sysctls.
		 */
		const struct nl_link_change raise = { .mtu = mtu };

		nl_put_link_set(nl, idx, name, &raise);
		err = nl_commit(nl, NULL);
		err = err ? err : ipv6_router_ads(e);
	}
	/*
	 * An end with no IPv6 (a kernel without it, an MTU under 1280, now
	 * or once this one is applied) takes no advertisement, and the
	 * kernel refuses it an address generation mode (EAFNOSUPPORT).
	 */
	if (err == -ENOENT || (mtu && mtu < IPV6_MIN_MTU))
		first.addrgen_none = false;
	if (err && err != -ENOENT)
		return err;
	if (e->spec->set_mac) {
		first.set_mac = true;
		memcpy(first.mac, e->spec->mac, sizeof(first.mac));
		memcpy(e->link.mac, e->spec->mac, sizeof(e->link.mac));
	}
	if (first.alias || first.addrgen_none || first.mtu || first.set_mac)
		nl_put_link_set(nl, idx, name, &first);
	nl_put_link_set(nl, idx, name, &up);
	for (size_t i = 0; i < e->spec->naddrs; i++) {
		const struct pw_prefix *a = &e->spec->addrs[i];
		/* IPAM or the user vouch for uniqueness; waiting out DAD
		 * would leave the address unusable for a second. */
		uint32_t flags = a->addr.family == AF_INET6 ? IFA_F_NODAD : 0;

		nl_put_addr(nl, true, idx, a, flags);
		nl_tolerate(nl, EEXIST);
	}
	return nl_commit(nl, NULL);
}

enum existing {
	EXISTING_OURS, /* this pod's pair, complete */
	EXISTING_ADOPT, /* this pod's pair, made by a killed run, unmarked */
	EXISTING_STALE, /* this pod's mark, its peer not in the pod: stale */
	EXISTING_REFUSED, /* not ours, or the pod's name is taken */
};

/*
 * Does a mark name the pod end: a CNI attachment by its container id and
 * ifname, else by netns/ifname (netns "" for none)?
 */
static bool marks_pod(const struct owner *o, const struct veth_end *pod)
{
	if (pod->cid)
		return owner_names_attachment(o, pod->cid, pod->ifname);
	return !strcmp(o->netns, pod->netns ? pod->netns : "") &&
	       !strcmp(o->ifname, pod->ifname);
}

/* The same for a delete, which also takes a cable by its other end. */
static bool names_pod(const struct owner *o, const struct veth_end *pod)
{
	if (pod->cid)
		return owner_names_attachment(o, pod->cid, pod->ifname);
	return owner_names_end(o, pod->netns, pod->ifname);
}

/*
 * The create found a name taken.  Is the host end, with its peer, this
 * pod's pair?  A host end marked for this pod whose peer is not the
 * pod's interface is left from an earlier pod of the same name, still
 * being reaped with its namespace (a teardown followed at once by a
 * setup): it is ours to replace.  orphan: a killed run's intent said it
 * was making this very pair, so an unmarked veth under the host name is
 * what it made before it could mark it.
 */
static enum existing check_existing(struct end *pod, struct end *host,
				    bool orphan, struct veth_fail *fail,
				    int *err)
{
	const struct veth_end *ps = pod->spec, *hs = host->spec;
	struct nl_link hl, pl;
	struct owner o;
	int lookup = nl_link_get(host->h.nl, 0, hs->ifname, &hl);

	if (lookup == -ENODEV) {
		pw_why_not(&fail->why, "'%s' already exists in %s%s",
			   ps->ifname, ps->netns ? "namespace " : "",
			   ps->netns ? ps->netns : "this namespace");
		*err = fail_at(fail, VETH_STEP_TAKEN, ps->ifname, ps, -EEXIST);
		return EXISTING_REFUSED;
	}
	if (lookup) {
		pw_strlcpy(fail->why.text, strerror(-lookup),
			   sizeof(fail->why.text));
		*err = fail_at(fail, VETH_STEP_LOOKUP, hs->ifname, hs, lookup);
		return EXISTING_REFUSED;
	}
	bool adopt = orphan && !strcmp(hl.kind, "veth") && !hl.alias[0];

	if (!adopt && (strcmp(hl.kind, "veth") || !owner_parse(hl.alias, &o) ||
		       !marks_pod(&o, ps))) {
		pw_why_not(&fail->why,
			   "'%s' already exists and is not this pod's veth",
			   hs->ifname);
		*err = fail_at(fail, VETH_STEP_TAKEN, hs->ifname, hs, -EEXIST);
		return EXISTING_REFUSED;
	}
	if (nl_link_get(pod->h.nl, 0, ps->ifname, &pl) ||
	    strcmp(pl.kind, "veth") || pl.ifindex != hl.link)
		return EXISTING_STALE;
	return adopt ? EXISTING_ADOPT : EXISTING_OURS;
}

static int create_once(const struct veth_spec *s, struct end *pod,
		       struct end *host)
{
	struct nl_veth v = {
		.ifname = host->spec->ifname,
		.peer_ifname = pod->spec->ifname,
		.peer_netns_fd = pod->h.fd,
		.peer_netns = pod->spec->netns,
		.mtu = s->mtu,
		.queues = s->queues,
	};
	int err = nl_put_veth(host->h.nl, &v);

	return err ? err : nl_commit(host->h.nl, NULL);
}

/* Replace a stale pair of this pod's (once). */
static int replace_stale(const struct veth_spec *s, struct end *pod,
			 struct end *host)
{
	int err = nl_put_link_del(host->h.nl, 0, host->spec->ifname);

	nl_tolerate(host->h.nl, ENODEV);
	err = err ? err : nl_commit(host->h.nl, NULL);
	return err ? err : create_once(s, pod, host);
}

/*
 * A dry run sends nothing, so the create's -EEXIST must be foreseen: an
 * end whose name is taken is what the create would run into.
 */
static int plan_once(const struct veth_spec *s, struct end *pod,
		     struct end *host)
{
	struct nl_link l;

	if (!nl_link_get(host->h.nl, 0, host->spec->ifname, &l) ||
	    !nl_link_get(pod->h.nl, 0, pod->spec->ifname, &l))
		return -EEXIST;
	return create_once(s, pod, host);
}

static int create_pair(const struct veth_spec *s, struct end *pod,
		       struct end *host, bool orphan, bool *existed,
		       struct veth_fail *fail)
{
	int err = dry_running() ? plan_once(s, pod, host) :
				  create_once(s, pod, host);

	*existed = false;
	if (err == -EEXIST) {
		switch (check_existing(pod, host, orphan, fail, &err)) {
		case EXISTING_OURS:
			*existed = true;
			return 0;
		case EXISTING_ADOPT:
			return 0; /* configured and marked as if made now */
		case EXISTING_REFUSED:
			return err;
		case EXISTING_STALE:
			err = replace_stale(s, pod, host);
			if (err == -EEXIST &&
			    check_existing(pod, host, false, fail, &err) ==
				    EXISTING_REFUSED)
				return err;
			break;
		}
	}
	if (err) {
		nl_why(host->h.nl, err, fail->why.text, sizeof(fail->why.text));
		return fail_at(fail, VETH_STEP_CREATE, host->spec->ifname,
			       host->spec, err);
	}
	return 0;
}

static void delete_pair(struct end *host)
{
	if (!nl_put_link_del(host->h.nl, 0, host->spec->ifname))
		nl_commit(host->h.nl, NULL);
}

static void make_mark(const struct veth_spec *s, int64_t created, char *alias,
		      size_t size)
{
	struct owner o = { .created = created };

	pw_strlcpy(o.netns, s->pod.netns ? s->pod.netns : "", sizeof(o.netns));
	pw_strlcpy(o.ifname, s->pod.ifname, sizeof(o.ifname));
	pw_strlcpy(o.peer_netns, s->peer.netns ? s->peer.netns : "",
		   sizeof(o.peer_netns));
	pw_strlcpy(o.peer_ifname, s->peer.ifname, sizeof(o.peer_ifname));
	pw_strlcpy(o.cid, s->pod.cid ? s->pod.cid : "", sizeof(o.cid));
	owner_format(&o, alias, size);
}

static int configure_pair(const struct veth_spec *s, struct end *pod,
			  struct end *host, bool existed,
			  struct veth_fail *fail)
{
	char alias[NL_ALIAS_MAX];
	const char *use_alias = NULL;
	struct end *failed = pod;
	int err;

	/* A pair found again keeps the mark it was made with. */
	if (!existed) {
		make_mark(s, pw_now(), alias, sizeof(alias));
		use_alias = alias;
	}
	pod->need_link = true; /* for its MAC */
	err = configure_end(pod, use_alias, s->mtu);
	if (!err) {
		failed = host;
		err = configure_end(host, use_alias, s->mtu);
	}
	if (!err)
		return 0;
	nl_why(failed->h.nl, err, fail->why.text, sizeof(fail->why.text));
	return fail_at(fail, VETH_STEP_CONFIGURE, failed->spec->ifname,
		       failed->spec, err);
}

/*
 * The intent to make the pair, keyed by its host end, saying what the
 * mark will say (created=0: a re-run's intent is the same text).
 */
static int begin_intent(const struct veth_spec *s, const char *key,
			bool *orphan, struct veth_fail *fail)
{
	char text[NL_ALIAS_MAX], other[INTENT_TEXT_MAX];
	struct intent_prev prev;
	struct owner o;
	int err;

	make_mark(s, 0, text, sizeof(text));
	err = intent_begin(INTENT_VETH, key, text, &prev);
	*orphan = prev.orphan;
	if (!err)
		return 0;
	if (err == -EBUSY)
		pw_why_not(&fail->why, "process %d is making '%s' right now",
			   (int)prev.holder, s->peer.ifname);
	else if (err == -EEXIST &&
		 !intent_orphan(INTENT_VETH, key, other, sizeof(other)) &&
		 owner_parse(other, &o))
		pw_why_not(&fail->why,
			   "an interrupted run was making '%s' for %s%s%s; "
			   "veth-link -D that pod first",
			   s->peer.ifname, o.netns, o.netns[0] ? ":" : "",
			   o.ifname);
	else
		pw_why_not(&fail->why, "cannot write its intent under %s: %s",
			   STATEDIR_ROOT, strerror(-err));
	return fail_at(fail, VETH_STEP_TAKEN, s->peer.ifname, &s->peer, err);
}

int veth_pair_add(const struct veth_spec *s, struct veth_made *out,
		  struct veth_fail *fail)
{
	char key[INTENT_KEY_MAX];
	struct end pod, host;
	bool existed, orphan;
	int err;

	memset(out, 0, sizeof(*out));
	memset(fail, 0, sizeof(*fail));
	end_init(&pod, &s->pod, false);
	end_init(&host, &s->peer, true);
	intent_end_key(s->peer.netns, s->peer.ifname, key);
	err = open_end(&pod, fail);
	err = err ? err : open_end(&host, fail);
	err = err ? err : begin_intent(s, key, &orphan, fail);
	if (err)
		return err;
	err = create_pair(s, &pod, &host, orphan, &existed, fail);
	if (!err) {
		err = configure_pair(s, &pod, &host, existed, fail);
		if (err && !existed)
			delete_pair(&host);
	}
	/* Marked, or nothing made: either way the intent is done. */
	intent_end(INTENT_VETH, key);
	if (err)
		return err;
	out->existed = existed;
	out->has_mac = pod.link.has_mac;
	memcpy(out->mac, pod.link.mac, sizeof(out->mac));
	return 0;
}

/* ---- Deleting ----------------------------------------------------------- */

/*
 * An unmarked veth is podwire's when a killed run's intent, under the
 * key of the end it is, says it was making the pair of this pod end.
 */
static bool intended(const struct veth_spec *s, const char *key,
		     const struct nl_link *l)
{
	char text[INTENT_TEXT_MAX];
	struct owner o;

	return key && !strcmp(l->kind, "veth") && !l->alias[0] &&
	       !intent_orphan(INTENT_VETH, key, text, sizeof(text)) &&
	       owner_parse(text, &o) && names_pod(&o, &s->pod);
}

/*
 * Delete the pair through the end named name in h, if it is there and is
 * a veth whose mark names the pod end: as the pair's pod end, or as its
 * peer when the spec names a cable by its other end (-D blue:b red:a).  A
 * host name alone proves nothing: it may be derived, or another pod's.
 * peer_nameless: the pod's namespace has no name any more.  key: the
 * intent key of this end, when an intent may vouch for it unmarked.  1:
 * done or refused (err says which), 0: not there (or going with its
 * peer).
 */
static int delete_through(const struct veth_spec *s, struct ns_handle *h,
			  const char *name, const char *key, bool peer_nameless,
			  struct veth_fail *fail, int *err)
{
	struct nl_link l;
	struct owner o;

	*err = nl_link_get(h->nl, 0, name, &l);
	/*
	 * The peer's namespace has no name: unless a process is in it, it
	 * is being destroyed, and the kernel reaps this end with it, in one
	 * batch, far faster than a delete per pair.  A namespace held by a
	 * process keeps the pod's end and its address: the pair goes now.
	 */
	if (!*err && peer_nameless && !strcmp(l.kind, "veth") &&
	    (l.link_netnsid < 0 || !ns_nsid_held(h->nl, l.link_netnsid)))
		*err = -ENODEV;
	if (*err == -ENODEV) {
		*err = 0;
		return 0;
	}
	if (*err) {
		nl_why(h->nl, *err, fail->why.text, sizeof(fail->why.text));
		fail_at(fail, VETH_STEP_DELETE, name, NULL, *err);
		return 1;
	}
	*err = -EPERM;
	if (intended(s, key, &l))
		*err = 0;
	else if (strcmp(l.kind, "veth"))
		pw_why_not(&fail->why, "it is not a veth");
	else if (!owner_parse(l.alias, &o) || o.bridge[0])
		pw_why_not(&fail->why,
			   "podwire did not make it (no podwire: mark)");
	else if (!names_pod(&o, &s->pod))
		pw_why_not(&fail->why, "it is the pair of %s%s%s", o.netns,
			   o.netns[0] ? ":" : "", o.ifname);
	else
		*err = 0;
	if (*err) {
		fail_at(fail, VETH_STEP_REFUSED, name, NULL, *err);
		return 1;
	}
	*err = nl_put_link_del(h->nl, l.ifindex, NULL);
	if (!*err)
		*err = nl_commit(h->nl, NULL);
	if (*err == -ENODEV)
		*err = 0;
	if (*err) {
		nl_why(h->nl, *err, fail->why.text, sizeof(fail->why.text));
		fail_at(fail, VETH_STEP_DELETE, name, NULL, *err);
	}
	return 1;
}

int veth_pair_del(const struct veth_spec *s, struct veth_fail *fail)
{
	char key[INTENT_KEY_MAX];
	struct ns_handle pod, host;
	const char *netns = s->pod.netns;
	bool pod_named;
	int err;

	memset(fail, 0, sizeof(*fail));
	/* A CNI DEL without a namespace: the host end is the only way. */
	err = s->pod.cid && !netns ? -ENOENT : ns_peek(netns, &pod);
	if (err && err != -ENOENT)
		goto no_netns;
	/*
	 * A pod's namespace with no name any more is being destroyed
	 * (netns-new -D ran first in a teardown), or a process still holds
	 * it, and its end still holds the pod's address on the bridge: then
	 * the host end, marked for this pod, is the way to the pair.
	 */
	pod_named = !err;
	netns = s->peer.netns;
	intent_end_key(s->peer.netns, s->peer.ifname, key);
	err = ns_peek(netns, &host);
	if (err == -ENOENT) {
		intent_end(INTENT_VETH, key);
		return 0; /* the host end's namespace is gone too */
	}
	if (err)
		goto no_netns;
	/* An attachment's mark proves it with or without its namespace. */
	if (!delete_through(s, &host, s->peer.ifname, key,
			    !pod_named && !s->pod.cid, fail, &err) &&
	    pod_named)
		delete_through(s, &pod, s->pod.ifname, NULL, false, fail, &err);
	if (!err)
		intent_end(INTENT_VETH, key);
	return err;

no_netns:
	pw_strlcpy(fail->why.text, ns_strerror(err), sizeof(fail->why.text));
	return fail_at(fail, VETH_STEP_NETNS, netns, NULL, err);
}

void veth_host_ifname(const char *netns, const char *ifname, char out[IFNAMSIZ])
{
	uint32_t h = pw_fnv1a(PW_FNV1A_BASIS, netns ? netns : "");

	h = pw_fnv1a(pw_fnv1a(h, "/"), ifname);
	snprintf(out, IFNAMSIZ, "veth%08x", h);
}
