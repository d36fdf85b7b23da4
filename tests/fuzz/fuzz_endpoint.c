// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_endpoint.c - libFuzzer target for [NETNS:]IFNAME[=ADDR/LEN,...]
 * endpoints (pipe/endpoint.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The input, as a C string, goes to endpoint_to_rec() with the key
 * prefixes "" and "host_".  An endpoint that is taken must give a record
 * whose fields the next program in the pipeline accepts: a valid ifname,
 * a valid netns if any, and addresses that parse and may go on an
 * interface.  The host-side name of whatever was taken is checked too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "endpoint.h"
#include "name.h"
#include "veth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_addr(const struct rec *r, const char *key, int family)
{
	const char *v = rec_get(r, key);
	struct pw_prefix p;
	struct pw_why why;

	if (!v)
		return;
	if (!addr_parse_prefix(v, family, &p, &why) || !addr_iface_ok(&p, &why))
		abort();
}

static void check(const char *s, const char *prefix)
{
	char key[REC_KEY_MAX + 1], host[16];
	struct pw_why why;
	const char *bad, *ifname, *netns;
	struct rec r;

	rec_init(&r);
	bad = endpoint_to_rec(s, prefix, &r, &why);
	if (bad) {
		if (!*bad)
			abort();
		rec_clear(&r);
		return;
	}
	snprintf(key, sizeof(key), "%sifname", prefix);
	ifname = rec_get(&r, key);
	if (!ifname || !name_ifname_ok(ifname, NULL))
		abort();
	snprintf(key, sizeof(key), "%snetns", prefix);
	netns = rec_get(&r, key);
	if (netns && !name_netns_ok(netns, NULL))
		abort();
	snprintf(key, sizeof(key), "%saddr", prefix);
	check_addr(&r, key, AF_INET);
	snprintf(key, sizeof(key), "%saddr6", prefix);
	check_addr(&r, key, AF_INET6);
	if (r.n > 4)
		abort();

	veth_host_ifname(netns, ifname, host);
	if (strlen(host) != 12 || strncmp(host, "veth", 4) ||
	    !name_ifname_ok(host, NULL))
		abort();
	rec_clear(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	check(s, "");
	check(s, "host_");
	free(s);
	return 0;
}
