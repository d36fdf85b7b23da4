// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nl_decode.c - received rtnetlink messages, decoded: the datagram walk,
 * NLMSG_ERROR with its extended ack, links, addresses, routes, neighbours
 * and namespace ids, and the attribute helpers they share.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Nothing here opens a socket or allocates: it depends on libmnl, addr
 * and util alone, so the fuzz target can link it without the transport.
 * Every length comes from the kernel and is checked before it is used.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nl_decode.h"

/* ---- Datagrams and errors ----------------------------------------------- */

/*
 * Not libmnl's mnl_nlmsg_ok()/mnl_nlmsg_next(): they compare lengths as
 * int, so an nlmsg_len of 2^31 or more passes, and step by the aligned
 * length, so an unpadded last message lets attribute walks read past the
 * datagram.  Here every message, padding included, must lie inside it.
 */
int nl_walk(const void *buf, size_t len, uint32_t portid, uint32_t seq_lo,
	    uint32_t seq_hi, int (*fn)(const struct nlmsghdr *nlh, void *arg),
	    void *arg)
{
	const char *p = buf;
	size_t left = len;
	int count = 0;

	while (left >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)p;
		size_t mlen = nlh->nlmsg_len;
		size_t step = MNL_ALIGN(mlen);
		int r;

		if (mlen < sizeof(*nlh) || mlen > left || step > left)
			return -EBADMSG;
		if (nlh->nlmsg_pid == portid &&
		    nl_seq_in(nlh->nlmsg_seq, seq_lo, seq_hi)) {
			if (count < INT32_MAX)
				count++;
			r = fn(nlh, arg);
			if (r < 0)
				return r;
		}
		p += step;
		left -= step;
	}
	/* Leftover bytes that are not a whole message: a cut datagram. */
	return left ? -EBADMSG : count;
}

static void copy_extack(const struct nlattr *attr, char *msg, size_t size)
{
	const char *s = mnl_attr_get_payload(attr);
	uint16_t n = mnl_attr_get_payload_len(attr);
	char raw[NL_EXTACK_MAX];

	/* The text must end with its NUL inside the attribute. */
	if (n == 0 || !memchr(s, '\0', n))
		return;
	pw_strlcpy(raw, s, sizeof(raw));
	pw_escape(raw, msg, size);
}

int nl_decode_error(const struct nlmsghdr *nlh, char *msg, size_t size)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	size_t off = sizeof(*e);
	const struct nlattr *attr;

	if (size)
		msg[0] = '\0';
	if (plen < sizeof(*e))
		return -EBADMSG;
	if (e->error > 0 || e->error < -4095)
		return -EBADMSG;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return e->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		/* The echoed request is padded (the kernel's nlmsg_append()):
		 * the attributes start after its aligned length. */
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr) ||
		    e->msg.nlmsg_len > plen)
			return e->error;
		off = offsetof(struct nlmsgerr, msg) +
		      MNL_ALIGN(e->msg.nlmsg_len);
	}
	if (off > plen)
		return e->error;
	for (attr = (const void *)((const char *)e + off);
	     mnl_attr_ok(attr, (int)(plen - off));
	     off += MNL_ALIGN(attr->nla_len),
	    attr = (const void *)((const char *)e + off)) {
		if (off > plen)
			break;
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && size)
			copy_extack(attr, msg, size);
	}
	return e->error;
}

/* ---- Attributes --------------------------------------------------------- */

struct attr_table {
	const struct nlattr **tb;
	uint16_t max;
};

static int attr_store(const struct nlattr *attr, void *data)
{
	struct attr_table *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* Skip what a newer kernel may send that we do not know. */
	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

static void parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
			const struct nlattr **tb, uint16_t max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, (max + 1u) * sizeof(*tb));
	mnl_attr_parse(nlh, (unsigned)hdrlen, attr_store, &t);
}

static void parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			 uint16_t max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, (max + 1u) * sizeof(*tb));
	mnl_attr_parse_nested(nest, attr_store, &t);
}

static bool attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return false;
	*v = mnl_attr_get_u32(a);
	return true;
}

static bool attr_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U8) < 0)
		return false;
	*v = mnl_attr_get_u8(a);
	return true;
}

/* A NUL-terminated string of at most size - 1 bytes, copied. */
static bool attr_str(const struct nlattr *a, char *dst, size_t size)
{
	const char *s;
	uint16_t n;

	if (!a)
		return false;
	s = mnl_attr_get_payload(a);
	n = mnl_attr_get_payload_len(a);
	if (n == 0 || n > size || s[n - 1] != '\0' || strnlen(s, n) >= size)
		return false;
	memcpy(dst, s, strnlen(s, n) + 1);
	return true;
}

/* Binary attribute of exactly len bytes. */
static bool attr_bin(const struct nlattr *a, void *dst, size_t len)
{
	if (!a || mnl_attr_get_payload_len(a) != len)
		return false;
	memcpy(dst, mnl_attr_get_payload(a), len);
	return true;
}

static bool attr_addr(const struct nlattr *a, int family, struct pw_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (!attr_bin(a, out->bytes, addr_size(family)))
		return false;
	out->family = family;
	return true;
}

static bool family_ok(int family)
{
	return family == AF_INET || family == AF_INET6;
}

/* ---- Objects ------------------------------------------------------------ */

static void decode_linkinfo(const struct nlattr *info, struct nl_link *l)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1];

	if (mnl_attr_validate(info, MNL_TYPE_NESTED) < 0)
		return;
	parse_nested(info, tb, IFLA_INFO_MAX);
	attr_str(tb[IFLA_INFO_KIND], l->kind, sizeof(l->kind));
	attr_str(tb[IFLA_INFO_SLAVE_KIND], l->slave_kind,
		 sizeof(l->slave_kind));
}

int nl_decode_link(const struct nlmsghdr *nlh, struct nl_link *l)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	uint32_t v;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EBADMSG;
	memset(l, 0, sizeof(*l));
	l->ifindex = (unsigned)ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	l->link_netnsid = -1;
	parse_attrs(nlh, sizeof(*ifi), tb, IFLA_MAX);
	if (!attr_str(tb[IFLA_IFNAME], l->ifname, sizeof(l->ifname)) ||
	    !l->ifname[0] || ifi->ifi_index <= 0)
		return -EBADMSG;
	if (attr_u32(tb[IFLA_MTU], &v))
		l->mtu = v;
	if (attr_u32(tb[IFLA_MASTER], &v))
		l->master = v;
	if (attr_u32(tb[IFLA_LINK], &v))
		l->link = v;
	if (attr_u32(tb[IFLA_LINK_NETNSID], &v))
		l->link_netnsid = (int32_t)v;
	if (attr_u32(tb[IFLA_GROUP], &v))
		l->group = v;
	attr_u8(tb[IFLA_OPERSTATE], &l->operstate);
	l->has_mac = attr_bin(tb[IFLA_ADDRESS], l->mac, sizeof(l->mac));
	attr_str(tb[IFLA_IFALIAS], l->alias, sizeof(l->alias));
	if (tb[IFLA_LINKINFO])
		decode_linkinfo(tb[IFLA_LINKINFO], l);
	return 0;
}

int nl_decode_addr(const struct nlmsghdr *nlh, struct nl_addr *a)
{
	const struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *local;
	uint32_t flags;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    !family_ok(ifa->ifa_family) ||
	    ifa->ifa_prefixlen > addr_bits(ifa->ifa_family))
		return -EBADMSG;
	memset(a, 0, sizeof(*a));
	parse_attrs(nlh, sizeof(*ifa), tb, IFA_MAX);
	/* IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer
	 * on point-to-point links and the only one IPv6 sends. */
	local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!attr_addr(local, ifa->ifa_family, &a->prefix.addr))
		return -EBADMSG;
	a->prefix.len = ifa->ifa_prefixlen;
	a->ifindex = ifa->ifa_index;
	a->scope = ifa->ifa_scope;
	a->flags = ifa->ifa_flags;
	if (attr_u32(tb[IFA_FLAGS], &flags))
		a->flags = flags;
	return 0;
}

int nl_decode_route(const struct nlmsghdr *nlh, struct nl_route *r)
{
	const struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	uint32_t v;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) ||
	    !family_ok(rtm->rtm_family) ||
	    rtm->rtm_dst_len > addr_bits(rtm->rtm_family))
		return -EBADMSG;
	memset(r, 0, sizeof(*r));
	parse_attrs(nlh, sizeof(*rtm), tb, RTA_MAX);
	r->dst.addr.family = rtm->rtm_family;
	r->dst.len = rtm->rtm_dst_len;
	if (tb[RTA_DST] &&
	    !attr_addr(tb[RTA_DST], rtm->rtm_family, &r->dst.addr))
		return -EBADMSG;
	r->dst.addr.family = rtm->rtm_family;
	if (tb[RTA_GATEWAY])
		attr_addr(tb[RTA_GATEWAY], rtm->rtm_family, &r->gateway);
	if (attr_u32(tb[RTA_OIF], &v))
		r->oif = v;
	r->table = rtm->rtm_table;
	if (attr_u32(tb[RTA_TABLE], &v))
		r->table = v;
	r->type = rtm->rtm_type;
	r->protocol = rtm->rtm_protocol;
	r->scope = rtm->rtm_scope;
	return 0;
}

int nl_decode_neigh(const struct nlmsghdr *nlh, struct nl_neigh *n)
{
	const struct nlattr *tb[NDA_MAX + 1];
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWNEIGH ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*nd) ||
	    !(family_ok(nd->ndm_family) || nd->ndm_family == AF_BRIDGE))
		return -EBADMSG;
	memset(n, 0, sizeof(*n));
	parse_attrs(nlh, sizeof(*nd), tb, NDA_MAX);
	/* A bridge's forwarding entry has a MAC and a port, no address. */
	n->fdb = nd->ndm_family == AF_BRIDGE;
	if (!n->fdb && !attr_addr(tb[NDA_DST], nd->ndm_family, &n->dst))
		return -EBADMSG;
	n->ifindex = (unsigned)nd->ndm_ifindex;
	n->state = nd->ndm_state;
	n->has_lladdr = attr_bin(tb[NDA_LLADDR], n->lladdr, sizeof(n->lladdr));
	return 0;
}

int nl_decode_nsid(const struct nlmsghdr *nlh, int *nsid)
{
	const struct nlattr *tb[NETNSA_MAX + 1];
	uint32_t v;

	if (nlh->nlmsg_type != RTM_NEWNSID ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct rtgenmsg))
		return -EBADMSG;
	parse_attrs(nlh, sizeof(struct rtgenmsg), tb, NETNSA_MAX);
	if (!attr_u32(tb[NETNSA_NSID], &v))
		return -EBADMSG;
	*nsid = (int32_t)v;
	return 0;
}
