// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_owner.c - unit tests for the ownership mark (lib/owner.c) and
 * the owner of an IPAM lease (ipam_parse_lease() in lib/ipam.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * owner_format() then owner_parse() gives back the same owner for each
 * kind of mark; owner_parse() takes exactly what owner_format() writes
 * (and blanks around fields) and refuses everything that is not a whole
 * podwire mark.  Cleanup trusts this parser, so it must not guess.
 * owner_names_end() matches either end of a veth mark.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ipam.h"
#include "owner.h"
#include "tap.h"

static const char *show(const char *s, char *buf, size_t size)
{
	buf[0] = '"';
	pw_escape(s, buf + 1, size - 2);
	strcat(buf, "\"");
	return buf;
}

static bool owner_equal(const struct owner *a, const struct owner *b)
{
	return !strcmp(a->netns, b->netns) && !strcmp(a->ifname, b->ifname) &&
	       !strcmp(a->peer_netns, b->peer_netns) &&
	       !strcmp(a->peer_ifname, b->peer_ifname) &&
	       !strcmp(a->bridge, b->bridge) && !strcmp(a->gw, b->gw) &&
	       !strcmp(a->gw6, b->gw6) && !strcmp(a->cid, b->cid) &&
	       a->created == b->created;
}

#define NS64 "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
/* podwire-cni's longest: a 63-byte CNI_NETNS, a 100-byte container id. */
#define PATH63 "/run/netns/nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
#define CID100                                                                      \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* ---- owner_format, then owner_parse ------------------------------------ */

struct format_case {
	struct owner o;
	const char *text;
};

static const struct format_case format_cases[] = {
	{ { .netns = "pod1",
	    .ifname = "eth0",
	    .peer_ifname = "veth46b112b9",
	    .created = 1763780000 },
	  "podwire: netns=pod1 ifname=eth0 peer_ifname=veth46b112b9 "
	  "created=1763780000" },
	{ { .netns = "red",
	    .ifname = "a",
	    .peer_netns = "blue",
	    .peer_ifname = "b",
	    .created = 7 },
	  "podwire: netns=red ifname=a peer_netns=blue peer_ifname=b "
	  "created=7" },
	{ { .netns = "pod1", .ifname = "eth0", .created = 1763780000 },
	  "podwire: netns=pod1 ifname=eth0 created=1763780000" },
	{ { .ifname = "veth1", .created = 5 },
	  "podwire: ifname=veth1 created=5" },
	{ { .bridge = "cni0", .created = 1763780000 },
	  "podwire: bridge=cni0 created=1763780000" },
	{ { .bridge = "cni0",
	    .gw = "10.244.0.1/24",
	    .gw6 = "fd00::1/64",
	    .created = 1763780000 },
	  "podwire: bridge=cni0 gw=10.244.0.1/24 gw6=fd00::1/64 "
	  "created=1763780000" },
	{ { .netns = NS64,
	    .ifname = "eth012345678901",
	    .peer_netns = NS64,
	    .peer_ifname = "veth01234567890",
	    .created = INT64_MAX },
	  "podwire: netns=" NS64 " ifname=eth012345678901 peer_netns=" NS64
	  " peer_ifname=veth01234567890 created=9223372036854775807" },
	{ { .netns = "a", .ifname = "b", .created = 0 },
	  "podwire: netns=a ifname=b created=0" },
	/* A CNI attachment's, the longest: it fits in an alias (255). */
	{ { .netns = PATH63,
	    .ifname = "eth012345678901",
	    .peer_ifname = "veth01234567890",
	    .cid = CID100,
	    .created = 9999999999 },
	  "podwire: netns=" PATH63 " ifname=eth012345678901 "
	  "peer_ifname=veth01234567890 cid=" CID100 " created=9999999999" },
	/* Not a mark podwire makes, but what is parsed is written back. */
	{ { .bridge = "br0", .netns = "pod1", .ifname = "eth0", .created = 1 },
	  "podwire: bridge=br0 netns=pod1 ifname=eth0 created=1" },
};

static void test_format_parse(void)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(format_cases); i++) {
		const struct format_case *c = &format_cases[i];
		char buf[256];
		struct owner back;
		int err = owner_format(&c->o, buf, sizeof(buf));

		ok(err == 0 && !strcmp(buf, c->text), "owner_format gives %s",
		   c->text);
		ok(owner_parse(buf, &back) && owner_equal(&back, &c->o),
		   "owner_parse(%s) gives the owner back", c->text);
	}
}

static void test_format_small(void)
{
	const struct owner o = { .netns = "pod1",
				 .ifname = "eth0",
				 .created = 1 };
	char buf[64];

	ok(owner_format(&o, buf, 16) == -ENAMETOOLONG,
	   "owner_format into 16 bytes is -ENAMETOOLONG");
	ok(owner_format(&o, buf, 8) == -ENAMETOOLONG,
	   "owner_format into 8 bytes is -ENAMETOOLONG");
	ok(owner_format(&o, buf, 0) == -ENAMETOOLONG,
	   "owner_format into 0 bytes is -ENAMETOOLONG");
	/* "podwire: netns=pod1 ifname=eth0 created=1" is 41 bytes. */
	ok(owner_format(&o, buf, 41) == -ENAMETOOLONG,
	   "owner_format into 41 bytes (no room for the NUL) fails");
	ok(owner_format(&o, buf, 42) == 0 &&
		   !strcmp(buf, "podwire: netns=pod1 ifname=eth0 created=1"),
	   "owner_format into exactly 42 bytes fits");
}

/* ---- owner_parse ------------------------------------------------------- */

struct parse_case {
	const char *alias;
	bool ok;
	struct owner want;
};

static const struct parse_case parse_cases[] = {
	/* Taken. */
	{ "podwire: netns=a ifname=b created=1",
	  true,
	  { .netns = "a", .ifname = "b", .created = 1 } },
	{ "podwire:netns=a ifname=b created=1",
	  true,
	  { .netns = "a", .ifname = "b", .created = 1 } },
	{ "podwire:  netns=a\tifname=b  created=1 ",
	  true,
	  { .netns = "a", .ifname = "b", .created = 1 } },
	{ "podwire: created=7 ifname=b netns=a",
	  true,
	  { .netns = "a", .ifname = "b", .created = 7 } },
	{ "podwire: ifname=b created=1", true, { .ifname = "b", .created = 1 } },
	{ "podwire: bridge=cni0 created=0",
	  true,
	  { .bridge = "cni0", .created = 0 } },
	{ "podwire: netns=a ifname=b created=1 extra=x",
	  true,
	  { .netns = "a", .ifname = "b", .created = 1 } },
	{ "podwire: netns=" NS64 " ifname=eth012345678901 created=1",
	  true,
	  { .netns = NS64, .ifname = "eth012345678901", .created = 1 } },
	{ "podwire: ifname=b created=9223372036854775807",
	  true,
	  { .ifname = "b", .created = INT64_MAX } },
	{ "podwire: netns=a ifname=b peer_netns=c peer_ifname=d created=1",
	  true,
	  { .netns = "a",
	    .ifname = "b",
	    .peer_netns = "c",
	    .peer_ifname = "d",
	    .created = 1 } },
	{ "podwire: ifname=b peer_ifname=veth46b112b9 created=1",
	  true,
	  { .ifname = "b", .peer_ifname = "veth46b112b9", .created = 1 } },
	/* Not a mark. */
	{ .alias = "" },
	{ .alias = "podwire" },
	{ .alias = "podwire:" },
	{ .alias = "podwire: " },
	{ .alias = "podwire: # netns=a ifname=b created=1" },
	{ .alias = "other: netns=a ifname=b created=1" },
	{ .alias = "Podwire: netns=a ifname=b created=1" },
	{ .alias = " podwire: netns=a ifname=b created=1" },
	{ .alias = "podwire netns=a ifname=b created=1" },
	{ .alias = "podwire: netns=a ifname=b" },
	{ .alias = "podwire: netns=a ifname=b created=" },
	{ .alias = "podwire: netns=a ifname=b created=x" },
	{ .alias = "podwire: netns=a ifname=b created=1x" },
	{ .alias = "podwire: netns=a ifname=b created=01" },
	{ .alias = "podwire: netns=a ifname=b created=00" },
	{ .alias = "podwire: netns=a ifname=b created=-1" },
	{ .alias = "podwire: netns=a ifname=b created=+1" },
	{ .alias = "podwire: netns=a ifname=b created=9223372036854775808" },
	{ .alias = "podwire: netns=a ifname=b created=99999999999999999999" },
	{ .alias = "podwire: netns=" NS64 "n ifname=b created=1" },
	{ .alias = "podwire: netns=a ifname=eth0123456789012 created=1" },
	{ .alias = "podwire: bridge=bridge0123456789 created=1" },
	{ .alias = "podwire: netns=a created=1" },
	{ .alias = "podwire: peer_ifname=b created=1" },
	{ .alias = "podwire: ifname=b peer_netns=" NS64 "n created=1" },
	{ .alias = "podwire: ifname=b peer_ifname=eth0123456789012 created=1" },
	{ .alias = "podwire: created=1" },
	{ .alias = "podwire: netns=a ifname=b created=1 created=2" },
	{ .alias = "podwire: netns=a ifname=b ifname=c created=1" },
	{ .alias = "podwire: pod1" },
	{ .alias = "podwire: pod1 created=1" },
	{ .alias = "podwire: netns=a ifname=b created=1\n" },
	{ .alias = "podwire: netns=a ifname=b created=1 # x" },
	{ .alias = "podwire: netns=a ifname=\x1b[31m created=1" },
	{ .alias = "podwire: NETNS=a IFNAME=b CREATED=1" },
};

static void test_parse(void)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		char desc[PW_ESCAPED_SIZE(128)];
		struct owner o;
		bool got;

		memset(&o, 0xa5, sizeof(o));
		got = owner_parse(c->alias, &o);
		ok(got == c->ok && (!got || owner_equal(&o, &c->want)),
		   "owner_parse(%s) %s", show(c->alias, desc, sizeof(desc)),
		   c->ok ? "is a mark" : "is refused");
	}
}

/* ---- owner_names_end --------------------------------------------------- */

struct end_case {
	const char *alias;
	const char *netns;
	const char *ifname;
	bool want;
};

static const struct end_case end_cases[] = {
	{ "podwire: netns=pod1 ifname=eth0 peer_ifname=vethX created=1", "pod1",
	  "eth0", true },
	{ "podwire: netns=pod1 ifname=eth0 peer_ifname=vethX created=1", NULL,
	  "vethX", true },
	{ "podwire: netns=pod1 ifname=eth0 peer_ifname=vethX created=1", "",
	  "vethX", true },
	{ "podwire: netns=pod1 ifname=eth0 peer_ifname=vethX created=1", "pod1",
	  "vethX", false },
	{ "podwire: netns=pod1 ifname=eth0 peer_ifname=vethX created=1", NULL,
	  "eth0", false },
	{ "podwire: netns=pod1 ifname=eth0 peer_ifname=vethX created=1", "pod2",
	  "eth0", false },
	{ "podwire: netns=pod1 ifname=eth0 peer_ifname=vethX created=1", "pod1",
	  NULL, false },
	{ "podwire: netns=red ifname=a peer_netns=blue peer_ifname=b created=1",
	  "blue", "b", true },
	{ "podwire: netns=red ifname=a peer_netns=blue peer_ifname=b created=1",
	  NULL, "b", false },
	{ "podwire: netns=red ifname=a peer_netns=blue peer_ifname=b created=1",
	  "red", "a", true },
	{ "podwire: ifname=veth1 created=1", NULL, "veth1", true },
	{ "podwire: ifname=veth1 created=1", "pod1", "veth1", false },
	/* A mark from before peers: an empty peer matches nothing. */
	{ "podwire: netns=pod1 ifname=eth0 created=1", NULL, "", false },
	{ "podwire: bridge=cni0 created=1", NULL, "cni0", false },
	{ "podwire: bridge=br0 netns=pod1 ifname=eth0 created=1", "pod1",
	  "eth0", false },
};

static void test_names_end(void)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(end_cases); i++) {
		const struct end_case *c = &end_cases[i];
		struct owner o;
		bool parsed = owner_parse(c->alias, &o);

		ok(parsed &&
			   owner_names_end(&o, c->netns, c->ifname) == c->want,
		   "owner_names_end(\"%s\", %s%s%s, %s%s%s) is %s", c->alias,
		   c->netns ? "\"" : "", c->netns ? c->netns : "NULL",
		   c->netns ? "\"" : "", c->ifname ? "\"" : "",
		   c->ifname ? c->ifname : "NULL", c->ifname ? "\"" : "",
		   c->want ? "true" : "false");
	}
}

/* ---- ipam_parse_lease -------------------------------------------------- */

struct lease_case {
	const char *text;
	bool ok;
	const char *netns;
	const char *ifname;
};

static const struct lease_case lease_cases[] = {
	{ "netns=pod1 ifname=eth0 created=1", true, "pod1", "eth0" },
	{ "ifname=eth0 created=1", true, "", "eth0" },
	{ "netns=pod1 ifname=eth0 created=1\r", true, "pod1", "eth0" },
	{ "  netns=pod1 ifname=eth0  ", true, "pod1", "eth0" },
	{ "ifname=eth0", true, "", "eth0" },
	/*
	 * The text of a lease file as ipam.c writes it ends with '\n';
	 * ipam.c strips it before the call (read_small()), but
	 * ipam_parse_lease() itself, meant to take "the text of a lease
	 * file", refuses it.
	 */
	{ "netns=pod1 ifname=eth0 created=1\n", true, "pod1", "eth0" },
	/* Garbage. */
	{ "", false, NULL, NULL },
	{ "garbage", false, NULL, NULL },
	{ "netns=pod1", false, NULL, NULL },
	{ "netns=pod1 created=1", false, NULL, NULL },
	{ "\x01\x02\x03", false, NULL, NULL },
	{ "netns=pod1 ifname=eth0 ifname=eth1", false, NULL, NULL },
	{ "netns=pod1 ifname=", false, NULL, NULL },
	{ "netns=pod1 ifname=eth0 created=1\nnetns=pod2 ifname=eth1", false,
	  NULL, NULL },
	{ "10.0.0.1", false, NULL, NULL },
	{ "# netns=pod1 ifname=eth0", false, NULL, NULL },
	{ "ifname=eth0123456789012", false, NULL, NULL },
	{ "netns=" NS64 "n ifname=eth0", false, NULL, NULL },
};

static void test_lease(void)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(lease_cases); i++) {
		const struct lease_case *c = &lease_cases[i];
		char desc[PW_ESCAPED_SIZE(80)];
		char netns[PW_NETNS_MAX + 1], ifname[PW_IFNAME_MAX + 1];
		bool got = ipam_parse_lease(c->text, netns, sizeof(netns),
					    ifname, sizeof(ifname));

		ok(got == c->ok && (!got || (!strcmp(netns, c->netns) &&
					     !strcmp(ifname, c->ifname))),
		   "ipam_parse_lease(%s) %s%s%s%s",
		   show(c->text, desc, sizeof(desc)),
		   c->ok ? "is owned by " : "is refused", c->ok ? c->netns : "",
		   c->ok ? "/" : "", c->ok ? c->ifname : "");
	}
}

int main(void)
{
	test_format_parse();
	test_format_small();
	test_parse();
	test_names_end();
	test_lease();
	return tap_done();
}
