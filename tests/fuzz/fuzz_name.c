// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_name.c - libFuzzer target for the interface and namespace name
 * allow-lists (lib/name.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Both validators get the input as a C string.  A name either validator
 * takes must be 1..15 (ifname) or 1..64 (netns) bytes of [A-Za-z0-9_.-],
 * not "." or "..", not starting with '-', not reserved; a name refused
 * must come with a non-empty, printable reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool allowed(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len < 1 || len > max || !strcmp(s, ".") || !strcmp(s, "..") ||
	    s[0] == '-' || !strcmp(s, "all"))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

static void check_reason(const char *why)
{
	if (!*why)
		abort();
	for (; *why; why++)
		if (*why < 0x20 || *why > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct pw_why why;
	const char *bad;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	bad = name_ifname_ok(s, &why) ? NULL : why.text;
	if (bad)
		check_reason(bad);
	else if (!allowed(s, PW_IFNAME_MAX) || !strcmp(s, "default"))
		abort();
	if (name_ifname_ok(s, NULL) != !bad)
		abort();

	bad = name_netns_ok(s, &why) ? NULL : why.text;
	if (bad)
		check_reason(bad);
	else if (!allowed(s, PW_NETNS_MAX))
		abort();
	if (name_netns_ok(s, NULL) != !bad)
		abort();

	/* Both lists are the same but for length and "default". */
	if (name_ifname_ok(s, NULL) && !name_netns_ok(s, NULL))
		abort();
	free(s);
	return 0;
}
