// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * endpoint.c - one end of a veth as written on the command line.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "endpoint.h"
#include "name.h"

static const char *set_field(struct rec *r, const char *prefix, const char *key,
			     const char *val)
{
	char full[REC_KEY_MAX + 1];

	snprintf(full, sizeof(full), "%s%s", prefix, key);
	return rec_set(r, full, val) ? "has too many fields" : NULL;
}

/* "<what> <reason>" in why; reason may already live in why. */
static const char *explain(struct pw_why *why, const char *what,
			   const char *reason)
{
	char copy[sizeof(why->text)];

	pw_strlcpy(copy, reason, sizeof(copy));
	snprintf(why->text, sizeof(why->text), "%s %s", what, copy);
	return why->text;
}

/* One ADDR/LEN, canonicalised, into addr or addr6. */
static const char *take_address(const char *text, const char *prefix,
				struct rec *r, struct pw_why *why)
{
	char canon[PW_ADDRSTRLEN];
	struct pw_prefix p;
	const char *key;
	char full[REC_KEY_MAX + 1];

	if (!addr_parse_prefix(text, AF_UNSPEC, &p, why) ||
	    !addr_iface_ok(&p, why)) {
		char esc[PW_ESCAPED_SIZE(32)];
		char raw[33];
		char what[sizeof(esc) + 24];

		pw_strlcpy(raw, text, sizeof(raw));
		snprintf(what, sizeof(what), "has address '%s' that",
			 pw_escape(raw, esc, sizeof(esc)));
		return explain(why, what, why->text);
	}
	key = rec_addr_key(p.addr.family);
	snprintf(full, sizeof(full), "%s%s", prefix, key);
	if (rec_get(r, full))
		return "has two addresses of one family";
	return set_field(r, prefix, key,
			 addr_format_prefix(&p, canon, sizeof(canon)));
}

static const char *take_addresses(const char *list, const char *prefix,
				  struct rec *r, struct pw_why *why)
{
	char buf[2 * PW_ADDRSTRLEN + 2];
	char *save = NULL, *tok;
	const char *bad = NULL;
	int count = 0;

	if (!*list)
		return "has '=' but no address after it";
	if (pw_strlcpy(buf, list, sizeof(buf)) >= sizeof(buf))
		return "has an address list that is too long";
	if (strstr(buf, ",,") || buf[0] == ',' || buf[strlen(buf) - 1] == ',')
		return "has an empty address in its list";
	for (tok = strtok_r(buf, ",", &save); tok && !bad;
	     tok = strtok_r(NULL, ",", &save)) {
		if (++count > 2)
			return "has more than two addresses (one per family)";
		bad = take_address(tok, prefix, r, why);
	}
	return bad;
}

const char *endpoint_to_rec(const char *s, const char *prefix, struct rec *r,
			    struct pw_why *why)
{
	char head[PW_NETNS_MAX + PW_IFNAME_MAX + 3];
	const char *eq = strchr(s, '=');
	size_t hlen = eq ? (size_t)(eq - s) : strlen(s);
	const char *ifname = head, *bad;
	char *colon;

	if (hlen >= sizeof(head))
		return "is too long to be [NETNS:]IFNAME";
	memcpy(head, s, hlen);
	head[hlen] = '\0';
	colon = strchr(head, ':');
	if (colon) {
		*colon = '\0';
		ifname = colon + 1;
		if (!name_netns_ok(head, why))
			return explain(why, "has a namespace name that",
				       why->text);
		bad = set_field(r, prefix, "netns", head);
		if (bad)
			return bad;
	}
	if (!name_ifname_ok(ifname, why))
		return explain(why, "has an interface name that", why->text);
	bad = set_field(r, prefix, "ifname", ifname);
	if (!bad && eq)
		bad = take_addresses(eq + 1, prefix, r, why);
	return bad;
}
