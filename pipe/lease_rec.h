/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lease_rec.h - IPAM leases for records: the --ipam and --gw options,
 * a record's addresses as a lease and back, and what a failure says.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * A record's addr= (IPv4) and addr6= (IPv6) are its lease, one per pool;
 * the owner is its netns= and ifname=.
 */
#ifndef PODWIRE_LEASE_REC_H
#define PODWIRE_LEASE_REC_H

#include "ipam.h"
#include "rec.h"

/*
 * The pools of --ipam "POOL[,POOL6]" and the gateways of --gw
 * "GW[,GW6]" (gw_arg may be NULL: each pool's first host).  Prints why
 * not and returns an exit status.
 */
int lease_rec_setup(struct ipam *ip, const char *pool_arg, const char *gw_arg);

/* Whose lease a record is about. */
struct lease_owner lease_rec_owner(const struct rec *r);

/* The record's own address of each pool's family, into l. */
void lease_rec_read(const struct ipam *ip, const struct rec *r,
		    struct lease *l);
/* l's addresses into the record's addr= and addr6=; 0 or rec_set()'s
 * error. */
int lease_rec_write(const struct ipam *ip, const struct lease *l, struct rec *r)
	__attribute__((warn_unused_result));

/*
 * A teardown's record: what was released, and for a pool of which the
 * pod held nothing (a re-run after a teardown was killed) the pool
 * itself, as pool= (pool6=), so nat-out -D still learns the subnet.
 */
int lease_rec_write_released(const struct ipam *ip, const struct lease *l,
			     struct rec *r) __attribute__((warn_unused_result));

/*
 * Does the lease's pod still exist: its namespace by that name, and its
 * interface in it?
 */
bool lease_rec_pod_alive(const struct ipam_lease *l);

/* The one line that says why ipam_assign() or ipam_release() failed. */
void lease_rec_err(const struct rec *r, const struct ipam *ip,
		   const struct ipam_fail *f, int err);

#endif
