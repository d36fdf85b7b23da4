// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lease_rec.c - IPAM leases for records.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lease_rec.h"
#include "nl.h"
#include "ns_cache.h"
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

/* The pool of a family, or NULL. */
static const struct ipam_pool *pool_of(const struct ipam *ip, int family)
{
	for (size_t i = 0; i < ip->npools; i++)
		if (ip->pools[i].net.addr.family == family)
			return &ip->pools[i];
	return NULL;
}

/*
 * ADDR, or ADDR/LEN as br-attach --gw takes it, LEN then the pool's own
 * (a gateway of another length is not the pool's).
 */
static bool parse_gateway(const struct ipam *ip, const char *text,
			  struct pw_addr *gw, struct pw_why *why)
{
	const struct ipam_pool *pool;
	struct pw_prefix p;

	if (!strchr(text, '/'))
		return addr_parse(text, AF_UNSPEC, gw, why);
	if (!addr_parse_prefix(text, AF_UNSPEC, &p, why))
		return false;
	pool = pool_of(ip, p.addr.family);
	if (pool && p.len != pool->net.len)
		return pw_why_not(why,
				  "has prefix length /%u, and the pool "
				  "/%u",
				  p.len, pool->net.len);
	*gw = p.addr;
	return true;
}

static int set_gateway(struct ipam *ip, const char *text)
{
	char esc[MSG_ESC_SIZE];
	struct pw_addr gw;
	struct pw_why why;

	if (parse_gateway(ip, text, &gw, &why) &&
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
	return (struct lease_owner){ .netns = rec_get(r, "netns"),
				     .ifname = rec_get(r, "ifname") };
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

bool lease_rec_pod_alive(const struct ipam_lease *l)
{
	struct ns_handle h;
	struct nl_link link;

	return !ns_peek(l->netns[0] ? l->netns : NULL, &h) &&
	       !nl_link_get(h.nl, 0, l->ifname, &link);
}

/* The directory of the store at fault, by name. */
static void store_err(const struct ipam_pool *p, const char *pool, int err)
{
	char dir[PATH_MAX];
	int why = ipam_store_fault(p, dir, sizeof(dir));

	if (!why) {
		/* Fine now (or gone): the first error is all there is. */
		snprintf(dir, sizeof(dir), "%s", IPAM_DIR);
		why = err;
	}
	if (why == -EPERM)
		pw_err("cannot open the lease store for pool %s: %s is not "
		       "root's or is writable by others",
		       pool, dir);
	else
		pw_err("cannot open the lease store for pool %s: %s: %s", pool,
		       dir, strerror(-why));
}

/* "it is full", and how many leases are held by pods that are gone. */
static void full_pool_err(const struct rec *r, const struct pw_prefix *net,
			  const char *pool)
{
	struct ipam_lease *leases;
	size_t n, gone = 0;

	if (ipam_leases(net, &leases, &n))
		n = 0;
	for (size_t i = 0; i < n; i++)
		gone += !lease_rec_pod_alive(&leases[i]);
	free(leases);
	if (!gone)
		stage_err(r, "no free address in pool %s: it is full", pool);
	else
		stage_err(r,
			  "no free address in pool %s: it is full, and %zu "
			  "of its %zu leases belong to pods that no longer "
			  "exist: pod-inspect --leases %s lists them, and "
			  "veth-link -D --ipam %s of their records frees them",
			  pool, gone, n, pool, pool);
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
		store_err(p, pool, err);
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
		full_pool_err(r, &p->net, pool);
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
