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

#include "kv.h"
#include "owner.h"

/* Append " key=value" when value is set. */
static int put_field(char *buf, size_t size, size_t *len, const char *key,
		     const char *value)
{
	int n;

	if (!value[0])
		return 0;
	n = snprintf(buf + *len, size - *len, " %s=%s", key, value);
	if (n < 0 || (size_t)n >= size - *len)
		return -ENAMETOOLONG;
	*len += (size_t)n;
	return 0;
}

int owner_format(const struct owner *o, char *buf, size_t size)
{
	size_t len = strlen(OWNER_PREFIX);
	int n;

	if (size <= len)
		return -ENAMETOOLONG;
	memcpy(buf, OWNER_PREFIX, len + 1);
	if (put_field(buf, size, &len, "bridge", o->bridge) ||
	    put_field(buf, size, &len, "gw", o->gw) ||
	    put_field(buf, size, &len, "gw6", o->gw6) ||
	    put_field(buf, size, &len, "netns", o->netns) ||
	    put_field(buf, size, &len, "ifname", o->ifname) ||
	    put_field(buf, size, &len, "peer_netns", o->peer_netns) ||
	    put_field(buf, size, &len, "peer_ifname", o->peer_ifname) ||
	    put_field(buf, size, &len, "cid", o->cid))
		return -ENAMETOOLONG;
	n = snprintf(buf + len, size - len, " created=%" PRId64, o->created);
	return n < 0 || (size_t)n >= size - len ? -ENAMETOOLONG : 0;
}

bool owner_names_end(const struct owner *o, const char *netns,
		     const char *ifname)
{
	const char *ns = netns ? netns : "";

	if (o->bridge[0] || !ifname)
		return false;
	return (!strcmp(o->netns, ns) && !strcmp(o->ifname, ifname)) ||
	       (o->peer_ifname[0] && !strcmp(o->peer_netns, ns) &&
		!strcmp(o->peer_ifname, ifname));
}

bool owner_names_attachment(const struct owner *o, const char *cid,
			    const char *ifname)
{
	return !o->bridge[0] && o->cid[0] && !strcmp(o->cid, cid) &&
	       !strcmp(o->ifname, ifname);
}

/* An absent key is an empty field; one too long for it is no mark. */
static bool copy_field(const struct kv *kv, const char *key, char *dst,
		       size_t size)
{
	return kv_copy(kv, key, dst, size) != -ENAMETOOLONG;
}

bool owner_parse(const char *alias, struct owner *o)
{
	size_t plen = strlen(OWNER_PREFIX);
	char created[24];
	struct kv kv;
	uint64_t t;

	memset(o, 0, sizeof(*o));
	if (strncmp(alias, OWNER_PREFIX, plen) ||
	    !kv_split(alias + plen, strlen(alias + plen), &kv, NULL))
		return false;
	if (kv_copy(&kv, "created", created, sizeof(created)) ||
	    pw_parse_u64(created, INT64_MAX, &t) ||
	    !copy_field(&kv, "netns", o->netns, sizeof(o->netns)) ||
	    !copy_field(&kv, "ifname", o->ifname, sizeof(o->ifname)) ||
	    !copy_field(&kv, "peer_netns", o->peer_netns,
			sizeof(o->peer_netns)) ||
	    !copy_field(&kv, "peer_ifname", o->peer_ifname,
			sizeof(o->peer_ifname)) ||
	    !copy_field(&kv, "cid", o->cid, sizeof(o->cid)) ||
	    !copy_field(&kv, "bridge", o->bridge, sizeof(o->bridge)) ||
	    !copy_field(&kv, "gw", o->gw, sizeof(o->gw)) ||
	    !copy_field(&kv, "gw6", o->gw6, sizeof(o->gw6)) ||
	    (!o->bridge[0] && !o->ifname[0])) {
		memset(o, 0, sizeof(*o));
		return false;
	}
	o->created = (int64_t)t;
	return true;
}
