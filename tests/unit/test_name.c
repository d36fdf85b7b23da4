// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_name.c - unit tests for the interface and namespace name
 * allow-lists (lib/name.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * One table of names, each with the verdict of both validators: lengths
 * at and past the limits, path tricks, shell metacharacters, printf
 * conversions, non-ASCII look-alikes, terminal escapes, option-like names
 * and the reserved words.  Every refusal must come with a reason that is
 * non-empty printable ASCII (it goes to a terminal).
 */
#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "tap.h"

struct name_case {
	const char *name;
	bool ifname_ok;
	bool netns_ok;
};

static const struct name_case cases[] = {
	/* Empty and "." / "..". */
	{ "", false, false },
	{ ".", false, false },
	{ "..", false, false },
	/* Path components. */
	{ "a/b", false, false },
	{ "../x", false, false },
	{ "/abs", false, false },
	/* Whitespace. */
	{ "a b", false, false },
	{ "a\tb", false, false },
	{ "a\nb", false, false },
	{ "ns1\n", false, false },
	{ " ns1", false, false },
	{ "ns1 ", false, false },
	/* Shell metacharacters and quotes. */
	{ "a;b", false, false },
	{ "a|b", false, false },
	{ "a&b", false, false },
	{ "$(id)", false, false },
	{ "`id`", false, false },
	{ "*", false, false },
	{ "?", false, false },
	{ "[a]", false, false },
	{ "~root", false, false },
	{ "'", false, false },
	{ "\"", false, false },
	{ "\\", false, false },
	/* Alias syntax ("eth0:1") and ':' that separates NETNS:IFNAME. */
	{ "a:b", false, false },
	{ "eth0:1", false, false },
	/* printf conversions and the kernel's "%d" name templates. */
	{ "veth%d", false, false },
	{ "%d", false, false },
	{ "a%s", false, false },
	{ "%%", false, false },
	{ "v%d%d", false, false },
	/* Latin-1 and UTF-8 bytes, look-alikes, invisible characters. */
	{ "\xa0", false, false },
	{ "nb\xa0", false, false },
	{ "a\xc3\xa0"
	  "b",
	  false, false },
	{ "\xc2\x85", false, false },
	{ "\xc3\xbcn\xc3\xaf", false, false }, /* "ünï" */
	{ "a\xe2\x80\xae"
	  "b",
	  false, false }, /* U+202E RIGHT-TO-LEFT OVERRIDE */
	{ "a\xe2\x80\x8d"
	  "b",
	  false, false }, /* U+200D ZERO WIDTH JOINER */
	{ "\xd0\xb0"
	  "bc",
	  false, false }, /* U+0430 CYRILLIC SMALL LETTER A */
	{ "eth\xef\xbc\x91", false, false }, /* U+FF11 FULLWIDTH DIGIT ONE */
	/* Control bytes and terminal escapes. */
	{ "e\x1b[31m", false, false },
	{ "\x07", false, false },
	{ "\x7f", false, false },
	{ "\xff", false, false },
	{ "a\rb", false, false },
	/* Names that look like options. */
	{ "-h", false, false },
	{ "--", false, false },
	{ "-", false, false },
	{ "-eth0", false, false },
	/* Reserved words. */
	{ "all", false, false },
	{ "default", false, true },
	/* Only the exact words are reserved. */
	{ "ALL", true, true },
	{ "Default", true, true },
	{ "all0", true, true },
	/* Good names. */
	{ "eth0", true, true },
	{ "veth-red", true, true },
	{ "pod1", true, true },
	{ "a.b_c-d", true, true },
	{ "lo", true, true },
	{ "1", true, true },
	{ "0", true, true },
	{ "help", true, true },
	{ "dev", true, true },
	{ "any", true, true },
	{ "a-", true, true },
	{ "_", true, true },
	{ "...", true, true },
	{ ".a", true, true },
	{ "a..b", true, true },
};

/* A name as it can be printed in a TAP line. */
static const char *show(const char *name, char *buf, size_t size)
{
	buf[0] = '"';
	pw_escape(name, buf + 1, size - 2);
	strcat(buf, "\"");
	return buf;
}

static bool reason_ok(const char *why)
{
	if (!why || !*why)
		return false;
	for (const char *p = why; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return true;
}

/* One ok() per validator: verdict, and a printable reason for a refusal. */
static void check_as(const char *name, const char *desc, bool ifname_ok,
		     bool netns_ok)
{
	struct pw_why why;
	const char *r;

	r = name_ifname_ok(name, &why) ? NULL : why.text;
	ok((r == NULL) == ifname_ok && (ifname_ok || reason_ok(r)) &&
		   name_ifname_ok(name, NULL) == ifname_ok,
	   "ifname %s is %s%s%s", desc, ifname_ok ? "valid" : "invalid",
	   r ? ": " : "", r ? r : "");
	r = name_netns_ok(name, &why) ? NULL : why.text;
	ok((r == NULL) == netns_ok && (netns_ok || reason_ok(r)) &&
		   name_netns_ok(name, NULL) == netns_ok,
	   "netns %s is %s%s%s", desc, netns_ok ? "valid" : "invalid",
	   r ? ": " : "", r ? r : "");
}

static void check(const char *name, bool ifname_ok, bool netns_ok)
{
	char desc[PW_ESCAPED_SIZE(20) + 32];

	show(name, desc, sizeof(desc));
	check_as(name, desc, ifname_ok, netns_ok);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

struct len_case {
	size_t len;
	bool ifname_ok;
	bool netns_ok;
};

static const struct len_case lengths[] = {
	{ 1, true, true },	{ 14, true, true },   { 15, true, true },
	{ 16, false, true },	{ 17, false, true },  { 63, false, true },
	{ 64, false, true },	{ 65, false, false }, { 66, false, false },
	{ 4096, false, false },
};

/* The reason for an over-long name names the limit. */
static void check_length_reason(void)
{
	struct pw_why why;
	char *s = repeat('a', 16);
	const char *r = name_ifname_ok(s, &why) ? NULL : why.text;

	ok(r && strstr(r, "15"), "ifname of 16 bytes: reason names 15: %s",
	   r ? r : "(null)");
	free(s);
	s = repeat('a', 65);
	r = name_netns_ok(s, &why) ? NULL : why.text;
	ok(r && strstr(r, "64"), "netns of 65 bytes: reason names 64: %s",
	   r ? r : "(null)");
	free(s);
	r = name_ifname_ok("e\x1b[31m", &why) ? NULL : why.text;
	ok(r && strstr(r, "0x1b"), "ESC is reported as 0x1b: %s",
	   r ? r : "(null)");
	r = name_ifname_ok("a b", &why) ? NULL : why.text;
	ok(r && strstr(r, "space"), "\"a b\": reason mentions a space: %s",
	   r ? r : "(null)");
}

int main(void)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(cases); i++)
		check(cases[i].name, cases[i].ifname_ok, cases[i].netns_ok);
	for (size_t i = 0; i < PW_ARRAY_SIZE(lengths); i++) {
		char *s = repeat('a', lengths[i].len);
		char desc[32];

		snprintf(desc, sizeof(desc), "of %zu bytes", lengths[i].len);
		check_as(s, desc, lengths[i].ifname_ok, lengths[i].netns_ok);
		free(s);
	}
	check_length_reason();
	return tap_done();
}
