// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_nl_build.c - unit tests for netlink messages built with a bound
 * (lib/nl_build.c), and for the builders on top of it: a value too long
 * for its message is an error returned to the caller, never a write past
 * the buffer and never a value cut short.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The builder is checked on plain buffers with a guard zone after the
 * room it is given.  libnftnl builds nf_tables messages with no bound, so
 * the largest rule nft.c can build is built here and measured against
 * the batch slot it gets.  The request queue (nl_put_*(), nl_commit()) needs a
 * netlink socket: those tests run in a network namespace of their own,
 * made with unshare(CLONE_NEWNET), and are skipped without the root that
 * takes; nothing is ever sent to any other namespace.
 */
/* libnftnl's headers name FILE without including it. */
#include <stdio.h>

#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/if_link.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "nft.h"
#include "nft_priv.h"
#include "nl.h"
#include "nl_build.h"
#include "tap.h"

#define GUARD 0xa5
#define GUARD_LEN 256

/* A buffer of room bytes and a guard zone after it. */
static union {
	char c[1024 + GUARD_LEN];
	struct nlmsghdr h;
	uint64_t align;
} mb;

static void guard_set(void)
{
	memset(mb.c, GUARD, sizeof(mb.c));
}

/* Was nothing written from room on? */
static bool guard_intact(size_t room)
{
	for (size_t i = room; i < room + GUARD_LEN; i++)
		if ((unsigned char)mb.c[i] != GUARD)
			return false;
	return true;
}

static char *long_string(size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		abort();
	memset(s, 'x', len);
	s[len] = '\0';
	return s;
}

/* ---- The builder --------------------------------------------------------- */

static void test_fits(void)
{
	struct nl_build b;
	struct ifinfomsg *ifi;
	struct nlattr *nest;

	guard_set();
	nl_build_start(&b, mb.c, 256, RTM_NEWLINK, NLM_F_REQUEST);
	ifi = nl_build_header(&b, sizeof(*ifi));
	nl_build_strz(&b, IFLA_IFNAME, "eth0");
	nest = nl_build_nest_start(&b, IFLA_LINKINFO);
	nl_build_strz(&b, IFLA_INFO_KIND, "veth");
	nl_build_nest_end(&b, nest);
	nl_build_u32(&b, IFLA_MTU, 1500);
	ok(nl_build_error(&b) == 0 && ifi && nest,
	   "a message that fits builds");
	ok(b.nlh->nlmsg_type == RTM_NEWLINK &&
		   b.nlh->nlmsg_len == 16 + 16 + 12 + 4 + 12 + 8,
	   "with every part in it (length %u)", b.nlh->nlmsg_len);
	ok(mnl_attr_get_payload_len(nest) == 12,
	   "the nest counts what it holds");
	ok(guard_intact(256), "and nothing past its room");
}

static void test_value_too_long(void)
{
	char *alias = long_string(300);
	struct nl_build b;
	uint32_t before;

	guard_set();
	nl_build_start(&b, mb.c, 256, RTM_SETLINK, NLM_F_REQUEST);
	nl_build_header(&b, sizeof(struct ifinfomsg));
	nl_build_u32(&b, IFLA_MTU, 1500);
	before = b.nlh->nlmsg_len;
	nl_build_strz(&b, IFLA_IFALIAS, alias);
	ok(nl_build_error(&b) == -EMSGSIZE,
	   "a 300-byte alias in 256 bytes is -EMSGSIZE");
	ok(b.nlh->nlmsg_len == before, "it is not put, not even cut short");
	ok(guard_intact(256), "nothing is written past the room");
	nl_build_u32(&b, IFLA_MASTER, 7);
	ok(b.nlh->nlmsg_len == before && nl_build_error(&b) == -EMSGSIZE,
	   "a put after it is skipped and the error stays");
	free(alias);
}

/* The room ends exactly after an attribute, or one byte short of it. */
static void test_exact_room(void)
{
	/* header 16 + attribute header 4 + "abc\0" = 24 */
	struct nl_build b;

	guard_set();
	nl_build_start(&b, mb.c, 24, RTM_SETLINK, 0);
	nl_build_strz(&b, IFLA_IFALIAS, "abc");
	ok(nl_build_error(&b) == 0 && b.nlh->nlmsg_len == 24,
	   "an attribute that ends at the last byte fits");
	ok(guard_intact(24), "and stays inside");
	guard_set();
	nl_build_start(&b, mb.c, 23, RTM_SETLINK, 0);
	nl_build_strz(&b, IFLA_IFALIAS, "abc");
	ok(nl_build_error(&b) == -EMSGSIZE, "one byte short is -EMSGSIZE");
	ok(guard_intact(23), "and writes nothing past the room");
	/* "abcd\0" is 5 bytes, padded to 8: the padding must fit too. */
	guard_set();
	nl_build_start(&b, mb.c, 26, RTM_SETLINK, 0);
	nl_build_strz(&b, IFLA_IFALIAS, "abcd");
	ok(nl_build_error(&b) == -EMSGSIZE && guard_intact(26),
	   "so must its padding");
}

static void test_headers_and_nests(void)
{
	struct nl_build b;
	struct nlattr *outer, *inner;

	guard_set();
	nl_build_start(&b, mb.c, 8, RTM_GETLINK, 0);
	ok(nl_build_error(&b) == -EMSGSIZE && !b.nlh && guard_intact(8),
	   "a room smaller than a netlink header holds nothing");
	nl_build_u32(&b, IFLA_MTU, 1);
	ok(nl_build_error(&b) == -EMSGSIZE, "and puts into it are skipped");

	guard_set();
	nl_build_start(&b, mb.c, 24, RTM_NEWLINK, 0);
	ok(nl_build_header(&b, sizeof(struct ifinfomsg)) == NULL &&
		   nl_build_error(&b) == -EMSGSIZE && guard_intact(24),
	   "a family header that does not fit is NULL and -EMSGSIZE");

	guard_set();
	nl_build_start(&b, mb.c, 20, RTM_NEWLINK, 0);
	outer = nl_build_nest_start(&b, IFLA_LINKINFO);
	inner = nl_build_nest_start(&b, IFLA_INFO_DATA);
	nl_build_nest_end(&b, inner);
	nl_build_nest_end(&b, outer);
	ok(outer && !inner && nl_build_error(&b) == -EMSGSIZE,
	   "a nest with no room is NULL, and closing it is harmless");
	ok(guard_intact(20), "nothing is written past the room");
}

/* nla_len is 16 bits: a longer attribute would be cut, whatever the room. */
static void test_attribute_length_limit(void)
{
	size_t size = 3 * 65536;
	char *buf = calloc(1, size);
	char *big = calloc(1, 70000);
	struct nl_build b;
	struct nlattr *nest;

	if (!buf || !big)
		abort();
	nl_build_start(&b, buf, size, RTM_SETLINK, 0);
	nl_build_put(&b, IFLA_IFALIAS, 70000, big);
	ok(nl_build_error(&b) == -EMSGSIZE,
	   "an attribute of 70000 bytes is -EMSGSIZE, not a 16-bit wrap");
	nl_build_start(&b, buf, size, RTM_SETLINK, 0);
	nl_build_put(&b, IFLA_IFALIAS, 65531, big);
	ok(nl_build_error(&b) == 0 &&
		   mnl_attr_get_payload_len(mnl_nlmsg_get_payload(b.nlh)) ==
			   65531,
	   "the longest an attribute can be fits");
	nl_build_start(&b, buf, size, RTM_SETLINK, 0);
	nest = nl_build_nest_start(&b, IFLA_LINKINFO);
	nl_build_put(&b, IFLA_INFO_DATA, 40000, big);
	nl_build_put(&b, IFLA_INFO_DATA, 40000, big);
	nl_build_nest_end(&b, nest);
	ok(nl_build_error(&b) == -EMSGSIZE,
	   "a nest longer than 65535 bytes is -EMSGSIZE");
	free(big);
	free(buf);
}

/* ---- nf_tables: the largest rule message nft.c builds ------------------- */

/*
 * libnftnl writes a rule into its batch slot with no bound (see nft.c), so
 * the slot must hold the largest rule there can be: an IPv6 subnet with a
 * mask and the longest address text, both interface names at their
 * longest, and so the longest comment.
 */
static void test_largest_rule(void)
{
	struct nft_masq m = { .subnet = { .addr.family = AF_INET6,
					  .len = 120 } };
	static char buf[8192];
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	int err;

	if (!r)
		abort();
	memset(m.subnet.addr.bytes, 0xff, 15);
	memset(m.out, 'o', PW_IFNAME_MAX);
	memset(m.bridge, 'b', PW_IFNAME_MAX);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, NFT_CHAIN);
	err = nft_masq_build(&m, r);
	ok(err == 0, "the rule with every part at its longest builds");
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, NFPROTO_INET,
				    NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, 1);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	ok(nlh->nlmsg_len <= NFT_MSG_ROOM,
	   "its message (%u bytes) fits a batch slot (%d)", nlh->nlmsg_len,
	   NFT_MSG_ROOM);
	nftnl_rule_free(r);
}

static void test_comment_too_long(void)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	char *text = long_string(300);

	if (!r)
		abort();
	ok(nft_set_comment(r, true, NFTNL_UDATA_RULE_COMMENT, text) ==
		   -ENAMETOOLONG,
	   "a comment longer than user data holds is -ENAMETOOLONG");
	ok(!nftnl_rule_is_set(r, NFTNL_RULE_USERDATA),
	   "and is not set, not even in part");
	nftnl_rule_free(r);
	free(text);
}

/* ---- The request queue, in a namespace of our own ----------------------- */

static void test_queue(void)
{
	struct nl_link_change mark = { .alias = "podwire:test" };
	struct nl_link_change longest = {
		.mtu = 1500,
		.set_mac = true,
		.set_master = true,
		.master = 1,
		.addrgen_none = true,
		.up = NL_ON,
	};
	struct nl_veth v = { .peer_ifname = "p", .peer_netns_fd = -1 };
	struct nl_link_change huge = { 0 };
	char *alias = long_string(4000), *name = long_string(3000);
	char *alias255 = long_string(255);
	struct nl_link lo;
	size_t failed = 99;
	struct nl *nl;

	if (unshare(CLONE_NEWNET) < 0) {
		ok(true, "# SKIP the request queue: unshare(CLONE_NEWNET): %s",
		   strerror(errno));
		goto out;
	}
	if (nl_open(&nl, -1)) {
		ok(false, "nl_open in a new namespace");
		goto out;
	}
	huge.alias = alias;
	longest.alias = alias255;
	v.ifname = name;
	ok(nl_put_link_set(nl, 1, NULL, &longest) == 0,
	   "the longest change there is, a 255-byte alias and all, fits");
	nl_discard(nl);
	ok(nl_put_link_set(nl, 1, NULL, &huge) == -EMSGSIZE,
	   "a 4000-byte alias is -EMSGSIZE from nl_put_link_set()");
	ok(nl_put_veth(nl, &v) == -EMSGSIZE,
	   "a 3000-byte name is -EMSGSIZE from nl_put_veth()");
	nl_discard(nl);

	/* A request queued before the one that failed is not sent either. */
	ok(nl_put_link_set(nl, 1, NULL, &mark) == 0, "a mark for lo is queued");
	nl_put_link_set(nl, 1, NULL, &huge);
	ok(nl_commit(nl, &failed) == -EMSGSIZE && failed == 1,
	   "the commit after it fails with -EMSGSIZE at the second request");
	ok(nl_link_get(nl, 1, NULL, &lo) == 0 && lo.alias[0] == '\0',
	   "and sent nothing: lo has no alias");
	ok(nl_commit(nl, NULL) == 0, "the queue is empty and usable again");
	nl_close(nl);
out:
	free(alias);
	free(alias255);
	free(name);
}

int main(void)
{
	test_fits();
	test_value_too_long();
	test_exact_room();
	test_headers_and_nests();
	test_attribute_length_limit();
	test_largest_rule();
	test_comment_too_long();
	test_queue();
	return tap_done();
}
