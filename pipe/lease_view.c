// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lease_view.c - pod-inspect --leases.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ipam.h"
#include "lease_rec.h"
#include "lease_view.h"

/* One lease as a record; its fields are podwire's own, never lost. */
static int write_lease(const struct ipam_lease *l, enum rec_format fmt)
{
	char pool[PW_ADDRSTRLEN], addr[PW_ADDRSTRLEN], created[24];
	struct pw_prefix a = { .addr = l->addr, .len = l->pool.len };
	struct rec r;
	int err;

	rec_init(&r);
	rec_put(&r, "pool", addr_format_prefix(&l->pool, pool, sizeof(pool)));
	rec_put(&r, a.addr.family == AF_INET6 ? "addr6" : "addr",
		addr_format_prefix(&a, addr, sizeof(addr)));
	if (l->netns[0])
		rec_put(&r, "netns", l->netns);
	rec_put(&r, "ifname", l->ifname);
	snprintf(created, sizeof(created), "%" PRId64, l->created);
	rec_put(&r, "created", created);
	rec_put(&r, "pod", lease_rec_pod_alive(l) ? "exists" : "gone");
	err = rec_write(stdout, &r, fmt);
	rec_clear(&r);
	return err;
}

int lease_view(const struct pw_prefix *pool, enum rec_format fmt, bool quiet)
{
	struct ipam_lease *leases;
	size_t n;
	int err = ipam_leases(pool, &leases, &n);

	if (err) {
		pw_err("cannot read the lease store %s: %s", IPAM_DIR,
		       strerror(-err));
		return PW_EXIT_FAIL;
	}
	for (size_t i = 0; i < n && !quiet && !err; i++)
		err = write_lease(&leases[i], fmt);
	free(leases);
	/* A write that failed is said by cli_close_stdout(). */
	return PW_EXIT_OK;
}
