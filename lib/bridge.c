// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bridge.c - a Linux bridge and its ports.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <sys/file.h>
#include <stdio.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "bridge.h"
#include "explain.h"
#include "intent.h"
#include "nl.h"
#include "ns.h"
#include "ns_cache.h"
#include "owner.h"
#include "statedir.h"
#include "sysctl.h"

static int fail_at(struct bridge_fail *fail, enum bridge_step step,
		   struct nl *nl, int err)
{
	fail->step = step;
	if (nl)
		nl_why(nl, err, fail->why.text, sizeof(fail->why.text));
	return err;
}

/* The rtnetlink socket of the program's namespace, from the cache. */
static int host_nl(struct nl **nl, struct bridge_fail *fail)
{
	struct ns_handle h;
	int err = ns_peek(NULL, &h);

	memset(fail, 0, sizeof(*fail));
	if (err) {
		pw_strlcpy(fail->why.text, strerror(-err),
			   sizeof(fail->why.text));
		return fail_at(fail, BRIDGE_STEP_OPEN, NULL, err);
	}
	*nl = h.nl;
	return 0;
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

/* The mark of bridge name with its gateways, made now. */
static void new_mark(const char *name, const struct pw_prefix *gws, size_t ngw,
		     struct owner *o)
{
	memset(o, 0, sizeof(*o));
	o->created = pw_now();
	pw_strlcpy(o->bridge, name, sizeof(o->bridge));
	for (size_t i = 0; i < ngw; i++)
		addr_format_prefix(&gws[i],
				   gws[i].addr.family == AF_INET6 ? o->gw6 :
								    o->gw,
				   sizeof(o->gw));
}

/*
 * Put the mark o on bridge name; a new bridge also gets a MAC of its own
 * (random_mac()), which a marked one keeps.
 */
static int put_mark(struct nl *nl, const char *name, const struct owner *o,
		    bool new_mac)
{
	struct nl_link_change c = { .set_mac = new_mac };
	char alias[NL_ALIAS_MAX];
	int err = owner_format(o, alias, sizeof(alias));

	if (err)
		return err;
	c.alias = alias;
	if (new_mac)
		random_mac(c.mac);
	err = nl_put_link_set(nl, 0, name, &c);
	return err ? err : nl_commit(nl, NULL);
}

static void intent_text(const char *name, char *text, size_t size)
{
	snprintf(text, size, "bridge=%s", name);
}

/*
 * Multicast snooping is off on the bridges podwire makes.  Snooping needs
 * an IGMP/MLD querier on the segment, which a pod network does not have;
 * without one the bridge floods multicast to every port anyway.  What it
 * does cost is a timer reset on every port each time any port is added or
 * changes state (br_port_state_selection() -> br_multicast_enable_port()):
 * at 1,000 ports that took a third of each attach, 485 microseconds against
 * 340 without.  The caller may ask for the kernel's default.
 *
 * The mark goes on in a second request (the kernel ignores IFLA_IFALIAS
 * at create), so an intent covers the two: killed in between, the bridge
 * is adopted by the next run (adopt_orphan()).  One whose intent is
 * another live process's is made all the same: that process, or this
 * one, gets -EEXIST and takes the bridge as it is.
 */
static int create(const struct bridge_spec *b, struct nl *nl,
		  struct bridge_fail *fail)
{
	char text[64];
	struct intent_prev prev;
	struct owner o;
	int err;

	new_mark(b->name, b->gws, b->ngw, &o);
	intent_text(b->name, text, sizeof(text));
	err = intent_begin(INTENT_BRIDGE, b->name, text, &prev);
	if (err && err != -EBUSY) {
		pw_why_not(&fail->why, "cannot write its intent under %s: %s",
			   STATEDIR_ROOT, strerror(-err));
		return fail_at(fail, BRIDGE_STEP_CREATE, NULL, err);
	}
	/* No MTU here: only a change through RTM_SETLINK marks the bridge's
	 * MTU as the user's, and otherwise the first port of 1500 bytes
	 * resets it (br_mtu_auto_adjust).  bridge_ensure() sets it. */
	err = nl_put_bridge(nl, b->name, b->mcast_snooping);
	if (!err)
		err = nl_commit(nl, NULL);
	if (!err)
		err = put_mark(nl, b->name, &o, true);
	if (!prev.holder)
		intent_end(INTENT_BRIDGE, b->name);
	if (err == -EEXIST)
		return err; /* made meanwhile; take it as it is */
	return err ? fail_at(fail, BRIDGE_STEP_CREATE, nl, err) : 0;
}

/* Is l an unmarked bridge a killed run meant to make under its name? */
static bool orphaned(const struct nl_link *l)
{
	char text[INTENT_TEXT_MAX], want[64];

	if (strcmp(l->kind, "bridge") || l->alias[0])
		return false;
	intent_text(l->ifname, want, sizeof(want));
	return !intent_orphan(INTENT_BRIDGE, l->ifname, text, sizeof(text)) &&
	       !strcmp(text, want);
}

/* A killed run's intent to make a bridge that is not there: moot. */
static void forget_orphan(const char *name)
{
	char text[INTENT_TEXT_MAX];

	if (!intent_orphan(INTENT_BRIDGE, name, text, sizeof(text)))
		intent_end(INTENT_BRIDGE, name);
}

/*
 * A bridge made by a killed run, found unmarked: mark it now, and read
 * it again with its mark.
 */
static int adopt_orphan(struct nl *nl, const struct bridge_spec *b,
			struct nl_link *l)
{
	struct owner o;
	int err;

	if (!orphaned(l))
		return 0;
	new_mark(l->ifname, b->gws, b->ngw, &o);
	err = put_mark(nl, l->ifname, &o, true);
	if (!err)
		intent_end(INTENT_BRIDGE, l->ifname);
	return err ? err : nl_link_get(nl, l->ifindex, NULL, l);
}

static bool same_prefix(const struct pw_prefix *a, const struct pw_prefix *b)
{
	return a->len == b->len && addr_equal(&a->addr, &b->addr);
}

/*
 * The gateway of a family a bridge has by its addresses, for a bridge
 * whose mark records none (made by someone else, or by a podwire before
 * marks carried gateways): want, if it has that address, else its first
 * global address of the family.
 */
static bool gateway_by_address(struct nl *nl, const struct nl_link *l,
			       const struct pw_prefix *want, int family,
			       struct pw_prefix *have)
{
	struct nl_addr *addrs;
	bool found = false;
	size_t n;

	if (nl_addr_list(nl, family, l->ifindex, &addrs, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (addrs[i].scope != RT_SCOPE_UNIVERSE)
			continue;
		if (!found || (want && same_prefix(&addrs[i].prefix, want)))
			*have = addrs[i].prefix;
		found = true;
	}
	free(addrs);
	return found;
}

/*
 * One gateway per family: a different one than the bridge has (its mark
 * says, or its address) is refused, -EEXIST with why naming it, before
 * anything changes.  The gateways the bridge has after the call go to
 * info; a podwire bridge's mark is brought up to date with them.
 */
static int settle_gateways(struct nl *nl, const struct nl_link *l,
			   const struct bridge_spec *b,
			   struct bridge_info *info, struct bridge_fail *fail)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct owner o;
	bool ours = owner_parse(l->alias, &o) && !strcmp(o.bridge, l->ifname);
	bool remark = false;

	for (size_t i = 0; i < PW_ARRAY_SIZE(families); i++) {
		const struct pw_prefix *want =
			addr_prefix_of_family(b->gws, b->ngw, families[i]);
		const char *marked = families[i] == AF_INET6 ? o.gw6 : o.gw;
		struct pw_prefix have;
		bool has = false;
		char text[PW_ADDRSTRLEN];

		if (ours && marked[0])
			has = addr_parse_prefix(marked, families[i], &have,
						NULL);
		else if (want)
			has = gateway_by_address(nl, l, want, families[i],
						 &have);
		if (want && has && !same_prefix(want, &have)) {
			pw_why_not(&fail->why, "it has gateway %s",
				   addr_format_prefix(&have, text,
						      sizeof(text)));
			return fail_at(fail, BRIDGE_STEP_GATEWAY, NULL,
				       -EEXIST);
		}
		if (want || (ours && has))
			info->gws[info->ngw++] = want ? *want : have;
		remark |= ours && want && !marked[0];
	}
	if (!remark)
		return 0;
	new_mark(l->ifname, info->gws, info->ngw, &o);
	return put_mark(nl, l->ifname, &o, false);
}

/*
 * The host takes no router advertisement from the pods: any pod could
 * send one and, through a bridge that takes it (accept_ra 1, forwarding
 * off), give the host an address and a default route via itself.  Only
 * on bridges podwire made: another's stays as its owner set it.  A
 * bridge without IPv6 has nothing to turn off.
 */
static int refuse_router_ads(const struct nl_link *l)
{
	char path[64 + IFNAMSIZ];
	struct ns_handle h;
	struct owner o;
	int err;

	if (!owner_parse(l->alias, &o) || strcmp(o.bridge, l->ifname))
		return 0;
	snprintf(path, sizeof(path), "net/ipv6/conf/%s/accept_ra", l->ifname);
	err = ns_peek(NULL, &h);
	if (!err)
		err = ns_sysctl_write(&h, path, "0");
	return err == -ENOENT ? 0 : err;
}

/* A dry run's bridge, made only in the plan: as create() would mark it. */
static int plan_bridge(const struct bridge_spec *b, struct nl_link *l)
{
	struct owner o;

	memset(l, 0, sizeof(*l));
	l->ifindex = nl_plan_link(b->name);
	pw_strlcpy(l->ifname, b->name, sizeof(l->ifname));
	pw_strlcpy(l->kind, "bridge", sizeof(l->kind));
	new_mark(b->name, b->gws, b->ngw, &o);
	owner_format(&o, l->alias, sizeof(l->alias));
	return l->ifindex ? 0 : -ENOBUFS;
}

int bridge_ensure(const struct bridge_spec *b, struct bridge_info *info,
		  struct bridge_fail *fail)
{
	struct nl_link_change c = { .up = NL_ON, .mtu = b->mtu };
	struct nl_link l;
	struct nl *nl;
	int err = host_nl(&nl, fail);

	memset(info, 0, sizeof(*info));
	if (err)
		return err;
	err = nl_link_get(nl, 0, b->name, &l);
	if (err == -ENODEV) {
		err = create(b, nl, fail);
		if (err && err != -EEXIST)
			return err;
		info->created = !err;
		err = dry_running() ? plan_bridge(b, &l) :
				      nl_link_get(nl, 0, b->name, &l);
	} else if (!err) {
		err = adopt_orphan(nl, b, &l);
		if (err)
			return fail_at(fail, BRIDGE_STEP_CREATE, nl, err);
	}
	if (err)
		return fail_at(fail, BRIDGE_STEP_LOOKUP, nl, err);
	if (strcmp(l.kind, "bridge")) {
		pw_strlcpy(fail->why.text,
			   l.kind[0] ? l.kind : "a plain device",
			   sizeof(fail->why.text));
		return fail_at(fail, BRIDGE_STEP_KIND, NULL, -EEXIST);
	}
	err = settle_gateways(nl, &l, b, info, fail);
	if (!err)
		err = refuse_router_ads(&l);
	if (err)
		return fail->step == BRIDGE_STEP_GATEWAY ?
			       err :
			       fail_at(fail, BRIDGE_STEP_SETUP, nl, err);
	info->ifindex = l.ifindex;
	nl_put_link_set(nl, l.ifindex, NULL, &c);
	for (size_t i = 0; i < b->ngw; i++) {
		/* No DAD: the pods are told to use it at once. */
		nl_put_addr(nl, true, l.ifindex, &b->gws[i],
			    b->gws[i].addr.family == AF_INET6 ? IFA_F_NODAD :
								0);
		nl_tolerate(nl, EEXIST); /* the address is not added twice */
	}
	err = nl_commit(nl, NULL);
	return err ? fail_at(fail, BRIDGE_STEP_SETUP, nl, err) : 0;
}

/* A podwire bridge's gateways, from its mark, into info. */
static void marked_gateways(const struct nl_link *l, struct bridge_info *info)
{
	const char *texts[2];
	struct owner o;

	if (!owner_parse(l->alias, &o) || strcmp(o.bridge, l->ifname))
		return;
	texts[0] = o.gw;
	texts[1] = o.gw6;
	for (size_t i = 0; i < 2; i++)
		if (texts[i][0] &&
		    addr_parse_prefix(texts[i], AF_UNSPEC,
				      &info->gws[info->ngw], NULL))
			info->ngw++;
}

int bridge_find(const char *name, struct bridge_info *info,
		struct bridge_fail *fail)
{
	struct nl_link l;
	struct nl *nl;
	int err = host_nl(&nl, fail);

	memset(info, 0, sizeof(*info));
	if (err)
		return err;
	err = nl_link_get(nl, 0, name, &l);
	if (!err && !strcmp(l.kind, "bridge")) {
		info->ifindex = l.ifindex;
		marked_gateways(&l, info);
	}
	if (err && err != -ENODEV)
		return fail_at(fail, BRIDGE_STEP_LOOKUP, nl, err);
	return 0;
}

/* ---- Ports -------------------------------------------------------------- */

/*
 * The name of the device ifindex, escaped for a message (a name may hold
 * any byte but '/', ':', whitespace and NUL); "another device" when it
 * can't be had.
 */
static const char *device_name(struct nl *nl, unsigned ifindex, char *buf,
			       size_t size)
{
	struct nl_link m;

	if (nl_link_get(nl, ifindex, NULL, &m))
		return "another device";
	return pw_escape(m.ifname, buf, size);
}

/* Can l be made a port of the bridge?  Why not in fail. */
static int attachable(struct nl *nl, unsigned bridge, const struct nl_link *l,
		      struct bridge_fail *fail)
{
	char master[PW_ESCAPED_SIZE(IFNAMSIZ)];

	fail->step = BRIDGE_STEP_PORT;
	if (!strcmp(l->kind, "bridge") || (l->flags & IFF_LOOPBACK)) {
		pw_why_not(&fail->why, "it is %s",
			   l->kind[0] ? "a bridge" : "the loopback");
		return -EINVAL;
	}
	if (l->master && l->master != bridge) {
		pw_why_not(&fail->why, "it is a port of %s (ifindex %u)",
			   device_name(nl, l->master, master, sizeof(master)),
			   l->master);
		return -EBUSY;
	}
	return 0;
}

/*
 * A dry run's port that is not there: one an earlier stage would make
 * (the veth of a pipeline's veth-link --dry-run), planned so.
 */
static int plan_port(const char *port, struct nl_link *l)
{
	memset(l, 0, sizeof(*l));
	l->ifindex = nl_plan_link(port);
	pw_strlcpy(l->ifname, port, sizeof(l->ifname));
	pw_strlcpy(l->kind, "veth", sizeof(l->kind));
	explain("# %s: not there yet; an earlier stage would make it", port);
	return l->ifindex ? 0 : -ENOBUFS;
}

int bridge_port_add(unsigned bridge, const char *port, bool hairpin,
		    unsigned *newly, struct bridge_fail *fail)
{
	struct nl_link_change c = {
		.set_master = true,
		.master = bridge,
		.up = NL_ON,
	};
	struct nl_link l;
	struct nl *nl;
	int err = host_nl(&nl, fail);

	*newly = 0;
	if (err)
		return err;
	err = nl_link_get(nl, 0, port, &l);
	if (err == -ENODEV && dry_running())
		err = plan_port(port, &l);
	if (err == -ENODEV) {
		pw_why_not(&fail->why, "no such interface");
		return fail_at(fail, BRIDGE_STEP_PORT, NULL, err);
	}
	if (!err) {
		err = attachable(nl, bridge, &l, fail);
		if (err)
			return err;
	}
	if (!err && l.master != bridge)
		*newly = l.ifindex;
	if (!err)
		err = nl_put_link_set(nl, l.ifindex, NULL, &c);
	/* Port options are valid once it is a port: queued after. */
	if (!err && hairpin)
		err = nl_put_bridge_port(nl, l.ifindex, true);
	if (!err)
		err = nl_commit(nl, NULL);
	if (err == -EXFULL)
		pw_why_not(&fail->why, "the bridge holds at most %d ports",
			   BRIDGE_PORTS_MAX);
	return err ? fail_at(fail, BRIDGE_STEP_PORT, err == -EXFULL ? NULL : nl,
			     err) :
		     0;
}

void bridge_port_release(unsigned ifindex)
{
	const struct nl_link_change free_it = { .set_master = true };
	struct bridge_fail ignored;
	struct nl *nl;

	if (ifindex && !host_nl(&nl, &ignored) &&
	    !nl_put_link_set(nl, ifindex, NULL, &free_it))
		nl_commit(nl, NULL);
}

int bridge_port_del(unsigned bridge, const char *port, struct bridge_fail *fail)
{
	const struct nl_link_change c = { .set_master = true, .master = 0 };
	struct nl_link l;
	struct nl *nl;
	int err = host_nl(&nl, fail);

	if (err)
		return err;
	err = nl_link_get(nl, 0, port, &l);
	if (!err && bridge && l.master == bridge) {
		err = nl_put_link_set(nl, l.ifindex, NULL, &c);
		if (!err)
			err = nl_commit(nl, NULL);
	}
	if (err && err != -ENODEV)
		return fail_at(fail, BRIDGE_STEP_PORT, nl, err);
	return 0;
}

/* ---- Deleting ----------------------------------------------------------- */

static bool made_by_podwire(const char *name, const struct nl_link *l)
{
	struct owner o;

	return !strcmp(l->kind, "bridge") &&
	       ((owner_parse(l->alias, &o) && !strcmp(o.bridge, name)) ||
		orphaned(l));
}

/* Is the veth's peer a link of this namespace (a pair on the host)? */
static bool peer_here(const struct nl_link *l, const struct nl_link *links,
		      size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (links[i].ifindex == l->link &&
		    links[i].link == l->ifindex &&
		    !strcmp(links[i].kind, "veth"))
			return true;
	return false;
}

/*
 * A veth port whose peer is in a namespace being destroyed: the kernel
 * takes it away with that namespace, soon.  Another teardown running
 * beside this one leaves such ports behind for a while; counted as
 * staying, each would keep the bridge for the other's sake.  While the
 * kernel cleans the namespace up, it has already taken back the id we
 * knew it by: the port then reports no id (IFLA_LINK_NETNSID -1), as if
 * its peer were here, and is told apart by that peer not being here.
 */
static bool peer_dying(struct nl *nl, const struct nl_link *l,
		       const struct nl_link *links, size_t n)
{
	if (strcmp(l->kind, "veth"))
		return false;
	if (l->link_netnsid >= 0)
		return !ns_nsid_alive(nl, l->link_netnsid);
	return !peer_here(l, links, n);
}

/* The bridge's ports that are not about to vanish. */
static int count_staying(struct nl *nl, bool (*leaving)(const char *, void *),
			 void *arg, struct bridge_usage *u)
{
	struct nl_link *links;
	size_t n;
	int err = nl_link_list(nl, &links, &n);

	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		if (links[i].master != u->ifindex ||
		    (leaving && leaving(links[i].ifname, arg)) ||
		    peer_dying(nl, &links[i], links, n))
			continue;
		if (!u->staying)
			pw_strlcpy(u->example, links[i].ifname,
				   sizeof(u->example));
		u->staying++;
	}
	free(links);
	return 0;
}

int bridge_usage(const char *name,
		 bool (*leaving)(const char *ifname, void *arg), void *arg,
		 struct bridge_usage *u, struct bridge_fail *fail)
{
	struct nl_link l;
	struct nl *nl;
	int err = host_nl(&nl, fail);

	memset(u, 0, sizeof(*u));
	if (err)
		return err;
	err = nl_link_get(nl, 0, name, &l);
	if (err == -ENODEV) {
		forget_orphan(name);
		return 0;
	}
	if (err)
		return fail_at(fail, BRIDGE_STEP_LOOKUP, nl, err);
	u->ifindex = l.ifindex;
	u->ours = made_by_podwire(name, &l);
	if (!u->ours)
		return 0;
	err = count_staying(nl, leaving, arg, u);
	return err ? fail_at(fail, BRIDGE_STEP_DELETE, nl, err) : 0;
}

int bridge_use_hold(const char *name)
{
	return statedir_flock_in(BRIDGE_USE_DIR, name, LOCK_SH);
}

int bridge_use_take(const char *name)
{
	int fd = statedir_flock_in(BRIDGE_USE_DIR, name, LOCK_EX | LOCK_NB);

	return fd == -EWOULDBLOCK ? -EBUSY : fd;
}

int bridge_del(const char *name, unsigned ifindex, struct bridge_fail *fail)
{
	struct nl *nl;
	int err = host_nl(&nl, fail);

	if (err)
		return err;
	err = nl_put_link_del(nl, ifindex, NULL);
	if (!err)
		err = nl_commit(nl, NULL);
	if (err && err != -ENODEV)
		return fail_at(fail, BRIDGE_STEP_DELETE, nl, err);
	intent_end(INTENT_BRIDGE, name);
	return 0;
}
