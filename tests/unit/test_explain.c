// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_explain.c - unit tests for the explanation sink and its quoting
 * (lib/explain.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * A word is quoted exactly when a shell would otherwise split, expand or
 * glob it, and a quoted word holds every byte it was given (a ' too); a
 * command names its namespace as ip and nsenter take it; the sink gets
 * one call a line and nothing at all while it is unset.
 */
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "tap.h"

struct quote_case {
	const char *word;
	const char *quoted;
};

static const struct quote_case quotes[] = {
	{ "eth0", "eth0" },
	{ "10.244.0.2/24", "10.244.0.2/24" },
	{ "fe80::1/64", "fe80::1/64" },
	{ "net.ipv4.ip_forward=1", "net.ipv4.ip_forward=1" },
	{ "", "''" },
	{ "a b", "'a b'" },
	{ "podwire: netns=pod1 ifname=eth0",
	  "'podwire: netns=pod1 ifname=eth0'" },
	{ "it's", "'it'\\''s'" },
	{ "'", "''\\'''" },
	{ "$HOME", "'$HOME'" },
	{ "`id`", "'`id`'" },
	{ "a;b", "'a;b'" },
	{ "*", "'*'" },
	{ "~root", "'~root'" },
	{ "a\nb", "'a\nb'" },
	{ "\"x\"", "'\"x\"'" },
	{ "{ type nat; }", "'{ type nat; }'" },
};

static char got[8][256];
static int ngot;

static void sink(void *arg, const char *line)
{
	(void)arg;
	if (ngot < 8)
		snprintf(got[ngot], sizeof(got[ngot]), "%s", line);
	ngot++;
}

static void test_quote(void)
{
	char buf[256];

	for (size_t i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++) {
		const struct quote_case *q = &quotes[i];

		explain_quote(q->word, buf, sizeof(buf));
		/* Not printed: some hold a newline, which would break TAP. */
		ok(!strcmp(buf, q->quoted), "quote #%zu as the table says", i);
	}
	/* Too long for the buffer: cut, but still one closed word. */
	explain_quote("a b c d e f", buf, 6);
	ok(!strcmp(buf, "'a b'"), "a cut word is still closed (got %s)", buf);
	explain_quote("x y", buf, 2);
	ok(buf[0] == '\0', "no room for two quotes: empty");
}

static void test_in(void)
{
	char buf[256];

	ok(!strcmp(explain_in(NULL, "ip", buf, sizeof(buf)), "ip"), "here: ip");
	ok(!strcmp(explain_in("pod1", "ip", buf, sizeof(buf)), "ip -n pod1"),
	   "a name: ip -n");
	ok(!strcmp(explain_in("pod1", "sysctl", buf, sizeof(buf)),
		   "ip netns exec pod1 sysctl"),
	   "a name, another tool: ip netns exec");
	ok(!strcmp(explain_in("/proc/7/ns/net", "ip", buf, sizeof(buf)),
		   "nsenter --net=/proc/7/ns/net ip"),
	   "a path: nsenter --net=");
	explain_home("h1");
	ok(!strcmp(explain_in(NULL, "ip", buf, sizeof(buf)), "ip -n h1"),
	   "here, after -n h1: ip -n h1");
	ok(!strcmp(explain_in("pod1", "ip", buf, sizeof(buf)), "ip -n pod1"),
	   "another namespace, after -n h1: its own");
	explain_home(NULL);
}

static void test_sink(void)
{
	ngot = 0;
	explain("ip netns add %s", "a");
	ok(!explaining() && ngot == 0, "no sink: nothing said");
	explain_to(sink, NULL);
	explain("ip netns add %s", "a");
	explain_lines("ip link add x type bridge\nip link set x up\n");
	ok(ngot == 3, "one call a line (%d)", ngot);
	ok(!strcmp(got[0], "ip netns add a") &&
		   !strcmp(got[1], "ip link add x type bridge") &&
		   !strcmp(got[2], "ip link set x up"),
	   "the lines as given");
	explain_to(NULL, NULL);
	explain("ip netns add %s", "b");
	ok(ngot == 3 && !explaining(), "sink unset: nothing more");
}

int main(void)
{
	test_quote();
	test_in();
	test_sink();
	return tap_done();
}
