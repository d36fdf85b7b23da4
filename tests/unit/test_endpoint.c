// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_endpoint.c - unit tests for [NETNS:]IFNAME[=ADDR/LEN[,ADDR/LEN]]
 * endpoints (pipe/endpoint.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * endpoint_to_rec() with both key prefixes on good and bad endpoints, the
 * canonical form of the addresses it stores, and veth_host_ifname():
 * stable, "veth" and 8 hex digits, different for different pods.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "endpoint.h"
#include "name.h"
#include "tap.h"
#include "veth.h"

static const char *show(const char *s, char *buf, size_t size)
{
	buf[0] = '"';
	pw_escape(s, buf + 1, size - 2);
	strcat(buf, "\"");
	return buf;
}

/* The fields as "k=v k=v". */
static const char *fields(const struct rec *r, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s=%s",
				      i ? " " : "", r->f[i].key, r->f[i].val);
	return buf;
}

struct ep_case {
	const char *text;
	const char *want; /* fields with prefix "", NULL: refused */
	const char *want_host; /* the same with prefix "host_" */
};

static const struct ep_case cases[] = {
	{ "red:veth-red=10.0.0.1/24",
	  "netns=red ifname=veth-red addr=10.0.0.1/24",
	  "host_netns=red host_ifname=veth-red host_addr=10.0.0.1/24" },
	{ "pod1:eth0=10.0.0.2/24,fd00::2/64",
	  "netns=pod1 ifname=eth0 addr=10.0.0.2/24 addr6=fd00::2/64",
	  "host_netns=pod1 host_ifname=eth0 host_addr=10.0.0.2/24 "
	  "host_addr6=fd00::2/64" },
	{ "pod1:eth0=fd00::2/64,10.0.0.2/24",
	  "netns=pod1 ifname=eth0 addr6=fd00::2/64 addr=10.0.0.2/24",
	  "host_netns=pod1 host_ifname=eth0 host_addr6=fd00::2/64 "
	  "host_addr=10.0.0.2/24" },
	{ "vethhost", "ifname=vethhost", "host_ifname=vethhost" },
	{ "eth0=10.0.0.1/31", "ifname=eth0 addr=10.0.0.1/31",
	  "host_ifname=eth0 host_addr=10.0.0.1/31" },
	{ "pod1:eth0=FD00:0:0::0002/64",
	  "netns=pod1 ifname=eth0 addr6=fd00::2/64",
	  "host_netns=pod1 host_ifname=eth0 host_addr6=fd00::2/64" },
	{ "pod1:eth0", "netns=pod1 ifname=eth0",
	  "host_netns=pod1 host_ifname=eth0" },
	{ "default:eth0", "netns=default ifname=eth0",
	  "host_netns=default host_ifname=eth0" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:"
	  "eth012345678901",
	  "netns=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaa ifname=eth012345678901",
	  "host_netns=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaa host_ifname=eth012345678901" },
	/* Refused. */
	{ "", NULL, NULL },
	{ "red:", NULL, NULL },
	{ ":eth0", NULL, NULL },
	{ ":", NULL, NULL },
	{ "a:b:c", NULL, NULL },
	{ "red:eth0=", NULL, NULL },
	{ "=10.0.0.1/24", NULL, NULL },
	{ "red:eth0=10.0.0.1", NULL, NULL },
	{ "red:eth0=10.0.0.1/24,10.0.0.2/24", NULL, NULL },
	{ "red:eth0=fd00::1/64,fd00::2/64", NULL, NULL },
	{ "red:eth0=a,b,c", NULL, NULL },
	{ "red:eth0=10.0.0.1/24,fd00::1/64,10.0.0.3/24", NULL, NULL },
	{ "red:eth0=,", NULL, NULL },
	{ "red:eth0=,10.0.0.1/24", NULL, NULL },
	{ "red:eth0=10.0.0.1/24,", NULL, NULL },
	{ "red:eth0=10.0.0.1/24,,fd00::1/64", NULL, NULL },
	{ "red:eth0=10.0.0.1/24 ", NULL, NULL },
	{ "red:eth0=10.0.0.0/24", NULL, NULL },
	{ "red:eth0=10.0.0.255/24", NULL, NULL },
	{ "red:eth0=127.0.0.1/8", NULL, NULL },
	{ "red:eth0=::1/128", NULL, NULL },
	{ "red:eth0=010.0.0.1/24", NULL, NULL },
	{ "red:eth0=fe80::1%eth0/64", NULL, NULL },
	{ "x:verylonginterface0", NULL, NULL },
	{ "../x:eth0", NULL, NULL },
	{ "red:../x", NULL, NULL },
	{ "red:eth0 ", NULL, NULL },
	{ " red:eth0", NULL, NULL },
	{ "red:all", NULL, NULL },
	{ "all:eth0", NULL, NULL },
	{ "red:default", NULL, NULL },
	{ "-h", NULL, NULL },
	{ "red:-eth0", NULL, NULL },
	{ "red\n:eth0", NULL, NULL },
	{ "red:e\x1b[31m", NULL, NULL },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:"
	  "eth0",
	  NULL, NULL },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  NULL, NULL },
	{ "red:eth0=10.0.0.1/24,fd00:0000:0000:0000:0000:0000:0000:0001/"
	  "000000000000000000000000000000000000000000000000000000000000000000"
	  "000000000000000000064",
	  NULL, NULL },
	{ "red:eth0=10.0.0.1/24,fd00:0000:0000:0000:0000:0000:0000:0001/64,"
	  "fd00:0000:0000:0000:0000:0000:0000:0002/64",
	  NULL, NULL },
};

static bool reason_ok(const char *why)
{
	if (!why || !*why)
		return false;
	for (const char *p = why; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return true;
}

static void check(const struct ep_case *c, const char *prefix, const char *want)
{
	char desc[PW_ESCAPED_SIZE(40) + 8], got[1024];
	struct pw_why why;
	struct rec r;
	const char *bad;
	bool good;

	rec_init(&r);
	bad = endpoint_to_rec(c->text, prefix, &r, &why);
	fields(&r, got, sizeof(got));
	if (want)
		good = !bad && !strcmp(got, want);
	else
		good = reason_ok(bad);
	ok(good, "endpoint_to_rec(%s, \"%s\") %s%s",
	   show(c->text, desc, sizeof(desc)), prefix,
	   want ? "is " : "is refused: ",
	   want ? want :
	   bad	? bad :
		  "(accepted)");
	if (!good)
		printf("# got: %s%s%s\n", got, bad ? " / " : "",
		       bad ? bad : "");
	rec_clear(&r);
}

/* The record already has fields: endpoint_to_rec() adds to them. */
static void test_both_ends(void)
{
	char got[1024];
	struct pw_why why;
	struct rec r;

	rec_init(&r);
	ok(!endpoint_to_rec("pod1:eth0=10.0.0.2/24", "", &r, &why) &&
		   !endpoint_to_rec("veth1=10.0.0.1/24", "host_", &r, &why) &&
		   !strcmp(fields(&r, got, sizeof(got)),
			   "netns=pod1 ifname=eth0 addr=10.0.0.2/24 "
			   "host_ifname=veth1 host_addr=10.0.0.1/24"),
	   "two endpoints with \"\" and \"host_\" make one record: %s", got);
	rec_clear(&r);
}

/*
 * The address an endpoint stores is read by the next program in the
 * pipeline with addr_parse_prefix(), so it must parse.  "::a00:2/64" is
 * a good interface address, but inet_ntop() writes it "::10.0.0.2/64",
 * a form addr_parse_prefix() refuses (see test_addr.c).
 */
static void test_stored_addresses_parse(void)
{
	static const char *const eps[] = {
		"pod1:eth0=fd00::2/64",
		"pod1:eth0=2001:db8:0:0:1:0:0:1/64",
		"pod1:eth0=10.0.0.2/24",
		"pod1:eth0=::a00:2/64",
	};

	for (size_t i = 0; i < PW_ARRAY_SIZE(eps); i++) {
		struct pw_prefix p;
		struct pw_why why;
		struct rec r;
		const char *v;
		bool good;

		rec_init(&r);
		good = !endpoint_to_rec(eps[i], "", &r, &why);
		v = rec_get(&r, "addr6");
		if (!v)
			v = rec_get(&r, "addr");
		good = good && v && addr_parse_prefix(v, AF_UNSPEC, &p, &why);
		ok(good, "the address endpoint_to_rec(%s) stores (%s) parses",
		   eps[i], v ? v : "none");
		rec_clear(&r);
	}
}

static bool is_host_ifname(const char *s)
{
	if (strlen(s) != 12 || strncmp(s, "veth", 4))
		return false;
	for (size_t i = 4; i < 12; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return name_ifname_ok(s, NULL);
}

static void test_host_ifname(void)
{
	char a[16], b[16], c[16], d[16], e[16], f[16];

	memset(a, 'x', sizeof(a));
	veth_host_ifname("pod1", "eth0", a);
	veth_host_ifname("pod1", "eth0", b);
	ok(!strcmp(a, b), "veth_host_ifname(pod1, eth0) is stable: %s", a);
	ok(is_host_ifname(a),
	   "%s is \"veth\" and 8 lowercase hex digits, 12 bytes", a);
	veth_host_ifname("pod2", "eth0", c);
	ok(strcmp(a, c) && is_host_ifname(c),
	   "another netns gives another name: %s", c);
	veth_host_ifname("pod1", "eth1", d);
	ok(strcmp(a, d) && is_host_ifname(d),
	   "another ifname gives another name: %s", d);
	veth_host_ifname(NULL, "eth0", e);
	veth_host_ifname("", "eth0", f);
	ok(is_host_ifname(e) && strcmp(a, e) && !strcmp(e, f),
	   "NULL netns works and is the same as \"\": %s", e);
	/* The '/' between the two keeps "a"+"bc" apart from "ab"+"c". */
	veth_host_ifname("a", "bc", e);
	veth_host_ifname("ab", "c", f);
	ok(strcmp(e, f), "(a, bc) and (ab, c) differ: %s %s", e, f);
	/* FNV-1a of "pod1/eth0", so the name is the same on every machine. */
	{
		uint32_t h = 2166136261u;
		char want[16];

		for (const char *p = "pod1/eth0"; *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
		snprintf(want, sizeof(want), "veth%08x", h);
		ok(!strcmp(a, want), "the name is FNV-1a of \"pod1/eth0\": %s",
		   want);
	}
}

int main(void)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(cases); i++) {
		check(&cases[i], "", cases[i].want);
		check(&cases[i], "host_", cases[i].want_host);
	}
	test_both_ends();
	test_stored_addresses_parse();
	test_host_ifname();
	return tap_done();
}
