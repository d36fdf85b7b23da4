// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * name.c - validation of interface and namespace names.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <stdio.h>
#include <string.h>

#include "name.h"

static bool name_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/*
 * The first offending byte, described without echoing it raw: the byte may
 * be an escape sequence, and this text goes to a terminal.
 */
static const char *describe_bad_char(unsigned char c, struct pw_why *why)
{
	if (c == ' ')
		return "contains a space";
	if (c == '/')
		return "contains '/'";
	if (c >= 0x21 && c < 0x7f)
		snprintf(why->text, sizeof(why->text), "contains '%c'", c);
	else
		snprintf(why->text, sizeof(why->text),
			 "contains the byte 0x%02x", c);
	return why->text;
}

static const char *common_invalid(const char *name, size_t max,
				  struct pw_why *why)
{
	size_t len = strnlen(name, max + 1);

	if (len == 0)
		return "is empty";
	if (len > max) {
		snprintf(why->text, sizeof(why->text),
			 "is longer than %zu bytes", max);
		return why->text;
	}
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "is '.' or '..'";
	if (name[0] == '-')
		return "starts with '-'";
	for (size_t i = 0; i < len; i++)
		if (!name_char_ok((unsigned char)name[i]))
			return describe_bad_char((unsigned char)name[i], why);
	return NULL;
}

bool name_ifname_ok(const char *name, struct pw_why *why)
{
	struct pw_why own;
	const char *bad = common_invalid(name, PW_IFNAME_MAX, why ? why : &own);

	if (bad)
		return pw_why_from(why, bad);
	/*
	 * /proc/sys/net/ipv{4,6}/conf/ holds "all" and "default" next to the
	 * interfaces, so the kernel cannot register sysctls for a device
	 * with either name.
	 */
	if (!strcmp(name, "all") || !strcmp(name, "default"))
		return pw_why_not(why, "is reserved ('all' and 'default' name "
				       "sysctl trees)");
	return true;
}

bool name_netns_ok(const char *name, struct pw_why *why)
{
	struct pw_why own;
	const char *bad = common_invalid(name, PW_NETNS_MAX, why ? why : &own);

	if (bad)
		return pw_why_from(why, bad);
	/* `ip netns exec all` and `ip netns del all` mean every namespace. */
	if (!strcmp(name, "all"))
		return pw_why_not(why, "is reserved ('ip netns' reads 'all' as "
				       "every namespace)");
	return true;
}

bool name_cni_ok(const char *name, size_t max, struct pw_why *why)
{
	struct pw_why own;
	const char *bad = common_invalid(name, max, why ? why : &own);
	unsigned char c = (unsigned char)name[0];

	if (bad)
		return pw_why_from(why, bad);
	/* libcni's rule: the first is a letter or digit. */
	if (c == '_' || c == '.')
		return pw_why_not(why, "does not start with a letter or digit");
	return true;
}
