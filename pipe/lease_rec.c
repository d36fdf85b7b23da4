// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lease_rec.c - IPAM leases for records.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lease_rec.h"
#include "stage.h"

static int add_pool(struct ipam *ip, const char *text)
{
	char esc[MSG_ESC_SIZE];
	struct pw_prefix net;
	struct pw_why why;
	int err;

	if (!addr_parse_prefix(text, AF_UNSPEC, &net, &why)) {
		pw_usage_err("invalid pool '%s': it %s", msg_esc(text, esc),
			     why.text);
		return PW_EXIT_USAGE;
	}
	err = ipam_add_pool(ip, &net, &why);
	if (err == -EINVAL)
		pw_usage_err("invalid pool '%s': it %s", msg_esc(text, esc),
			     why.text);
	else if (err == -E2BIG)
		pw_usage_err("--ipam takes at most two pools");
	else if (err)
		pw_usage_err("--ipam takes one pool per family");
	return err ? PW_EXIT_USAGE : PW_EXIT_OK;
}

static int set_gateway(struct ipam *ip, const char *text)
{
	char esc[MSG_ESC_SIZE];
	struct pw_addr gw;
	struct pw_why why;

	if (addr_parse(text, AF_UNSPEC, &gw, &why) &&
	    !ipam_set_gateway(ip, &gw, &why))
		return PW_EXIT_OK;
	pw_usage_err("invalid gateway '%s': it %s", msg_esc(text, esc),
		     why.text);
	return PW_EXIT_USAGE;
}

/* Hand each part of "A[,B]" to fn. */
static int each_part(struct ipam *ip, const char *arg, const char *option,
		     int (*fn)(struct ipam *, const char *))
{
	char buf[2 * PW_ADDRSTRLEN + 2];
	const char *first, *second;
	int st;

	if (!cli_split_pair(arg, buf, sizeof(buf), &first, &second)) {
		pw_usage_err("%s is too long", option);
		return PW_EXIT_USAGE;
	}
	st = fn(ip, first);
	if (!st && second)
		st = fn(ip, second);
	return st;
}

int lease_rec_setup(struct ipam *ip, const char *pool_arg, const char *gw_arg)
{
	int st;

	ipam_init(ip);
	if (!pool_arg) {
		pw_usage_err("--gw needs --ipam");
		return PW_EXIT_USAGE;
	}
	st = each_part(ip, pool_arg, "--ipam", add_pool);
	if (!st && gw_arg)
		st = each_part(ip, gw_arg, "--gw", set_gateway);
	return st;
}

struct lease_owner lease_rec_owner(const struct rec *r)
{
	return (struct lease_owner){ rec_get(r, "netns"),
				     rec_get(r, "ifname") };
}

void lease_rec_read(const struct ipam *ip, const struct rec *r, struct lease *l)
{
	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < ip->npools; i++) {
		int family = ip->pools[i].net.addr.family;
		const char *v = rec_get(r, rec_addr_key(family));

		l->has[i] = v &&
			    addr_parse_prefix(v, family, &l->addr[i], NULL);
	}
}

int lease_rec_write(const struct ipam *ip, const struct lease *l, struct rec *r)
{
	char text[PW_ADDRSTRLEN];
	int err = 0;

	for (size_t i = 0; i < ip->npools && !err; i++)
		if (l->has[i])
			err = rec_set(
				r, rec_addr_key(ip->pools[i].net.addr.family),
				addr_format_prefix(&l->addr[i], text,
						   sizeof(text)));
	return err;
}

/* pool= for IPv4, pool6= for IPv6, as addr= and addr6=. */
static const char *pool_key(int family)
{
	return family == AF_INET6 ? "pool6" : "pool";
}

int lease_rec_write_released(const struct ipam *ip, const struct lease *l,
			     struct rec *r)
{
	char text[PW_ADDRSTRLEN];
	int err = lease_rec_write(ip, l, r);

	for (size_t i = 0; i < ip->npools && !err; i++)
		if (!l->has[i] &&
		    !rec_get(r, rec_addr_key(ip->pools[i].net.addr.family)))
			err = rec_set(r, pool_key(ip->pools[i].net.addr.family),
				      addr_format_prefix(&ip->pools[i].net,
							 text, sizeof(text)));
	return err;
}

void lease_rec_err(const struct rec *r, const struct ipam *ip,
		   const struct ipam_fail *f, int err)
{
	const struct ipam_pool *p = &ip->pools[f->pool];
	const char *key = rec_addr_key(p->net.addr.family);
	char pool[PW_ADDRSTRLEN], a[PW_ADDRSTRLEN];

	addr_format_prefix(&p->net, pool, sizeof(pool));
	/* The store is the program's, not the record's: no line number. */
	if (f->step == IPAM_STEP_OPEN)
		pw_err("cannot open the lease store %s for pool %s: %s",
		       IPAM_DIR, pool,
		       err == -EPERM ? "it is not root's or is writable by "
				       "others" :
				       strerror(-err));
	else if (f->step != IPAM_STEP_LEASE && err == -ETIMEDOUT) {
		char what[PATH_MAX], why[PATH_MAX + 64];

		if (f->step == IPAM_STEP_STORE_LOCK)
			snprintf(what, sizeof(what), "%s/%s", IPAM_DIR,
				 IPAM_LOCK);
		else
			ipam_pool_path(p, IPAM_LOCK, what, sizeof(what));
		stage_err(r, "cannot lock the lease store: %s",
			  msg_locked(what, f->holder, why, sizeof(why)));
	} else if (f->step != IPAM_STEP_LEASE)
		stage_err(r, "cannot lock the lease store: %s", strerror(-err));
	else if (err == -ENOSPC)
		stage_err(r, "no free address in pool %s: it is full", pool);
	else if (err == -EADDRINUSE)
		stage_err(r,
			  "pool %s overlaps pool %s, which holds %lu lease%s: "
			  "lease from that pool, or release its leases first "
			  "(veth-link -D --ipam %s)",
			  pool, addr_format_prefix(&f->other, a, sizeof(a)),
			  f->leases, f->leases == 1 ? "" : "s", a);
	else if (err == -EEXIST)
		stage_err(r, "address %s of pool %s is leased to another pod",
			  addr_format(&f->addr, a, sizeof(a)), pool);
	else if (err == -EADDRNOTAVAIL)
		stage_err(r, "%s '%s' is not an address pool %s can lease", key,
			  rec_get(r, key), pool);
	else if (err == -EBUSY)
		stage_err(r, "this pod already holds %s in pool %s",
			  addr_format(&f->addr, a, sizeof(a)), pool);
	else
		stage_err(r, "cannot lease an address from pool %s: %s", pool,
			  strerror(-err));
}
