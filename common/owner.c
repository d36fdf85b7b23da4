// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * owner.c - the mark podwire leaves on what it makes.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "owner.h"
#include "rec.h"

int owner_format(const struct owner *o, char *buf, size_t size)
{
	int n;

	if (o->bridge[0])
		n = snprintf(buf, size, OWNER_PREFIX " bridge=%s created=%" PRId64,
			     o->bridge, o->created);
	else if (o->netns[0])
		n = snprintf(buf, size,
			     OWNER_PREFIX " netns=%s ifname=%s created=%" PRId64,
			     o->netns, o->ifname, o->created);
	else
		n = snprintf(buf, size, OWNER_PREFIX " ifname=%s created=%" PRId64,
			     o->ifname, o->created);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static bool copy_field(const struct rec *r, const char *key, char *dst,
		       size_t size)
{
	const char *v = rec_get(r, key);

	if (!v)
		return true;
	return pw_strlcpy(dst, v, size) < size;
}

bool owner_parse(const char *alias, struct owner *o)
{
	size_t plen = strlen(OWNER_PREFIX);
	const char *created, *bad;
	struct pw_why why;
	struct rec r;
	uint64_t t;
	bool ok;

	memset(o, 0, sizeof(*o));
	if (strncmp(alias, OWNER_PREFIX, plen))
		return false;
	rec_init(&r);
	if (rec_parse_line(alias + plen, strlen(alias + plen), &r, &bad,
			   &why) != 1) {
		rec_clear(&r);
		return false;
	}
	created = rec_get(&r, "created");
	ok = created && !pw_parse_u64(created, INT64_MAX, &t) &&
	     copy_field(&r, "netns", o->netns, sizeof(o->netns)) &&
	     copy_field(&r, "ifname", o->ifname, sizeof(o->ifname)) &&
	     copy_field(&r, "bridge", o->bridge, sizeof(o->bridge)) &&
	     (o->bridge[0] || o->ifname[0]);
	if (ok)
		o->created = (int64_t)t;
	rec_clear(&r);
	return ok;
}
