/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * owner.h - the mark podwire leaves on what it makes.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Every veth end and bridge podwire creates carries an interface alias
 * (IFLA_IFALIAS) that starts "podwire:" and continues as a record:
 *
 *   podwire: netns=pod1 ifname=eth0 peer_ifname=veth46b112b9 created=T
 *   podwire: netns=red ifname=a peer_netns=blue peer_ifname=b created=T
 *   podwire: bridge=cni0 gw=10.244.0.1/24 gw6=fd00::1/64 created=T
 *   podwire: netns=/run/netns/cni-1 ifname=eth0 peer_ifname=veth0c1d2e3f
 *            cid=4f3a... created=T
 *
 * Both ends of a pair carry the same mark.  netns/ifname name the pod end
 * (the first endpoint of a cable), peer_netns/peer_ifname the other end; a
 * missing netns means the namespace veth-link ran in.  created is seconds
 * since the epoch.  A bridge's gw/gw6 are its gateway address of each
 * family, one at most (bridge.h).  cid marks a CNI attachment (podwire-cni):
 * the pod end is then named by the container id and ifname, the netns is
 * where it was made.  Cleanup never touches an interface without this mark,
 * and -D proves a pair is the one a record names
 * by finding either of the record's ends in it.
 */
#ifndef PODWIRE_OWNER_H
#define PODWIRE_OWNER_H

#include <stdbool.h>
#include <stdint.h>

#include "name.h"

#define OWNER_PREFIX "podwire:"
/* "ffff:...:255.255.255.255/128" and its NUL, as PW_ADDRSTRLEN. */
#define OWNER_GW_MAX 64

struct owner {
	char netns[PW_NETNS_MAX + 1]; /* "" for a veth with no pod namespace */
	char ifname[PW_IFNAME_MAX + 1];
	char peer_netns[PW_NETNS_MAX + 1];
	char peer_ifname[PW_IFNAME_MAX + 1]; /* "" in marks before peers */
	char cid[PW_CID_MAX + 1]; /* a CNI attachment's container id, or "" */
	char bridge[PW_IFNAME_MAX + 1]; /* set for a bridge's mark */
	char gw[OWNER_GW_MAX]; /* a bridge's gateways, ADDR/LEN */
	char gw6[OWNER_GW_MAX];
	int64_t created;
};

/* Writes the alias; returns 0 or -ENAMETOOLONG. */
int owner_format(const struct owner *o, char *buf, size_t size);
/* Parses an alias; false when it is not a podwire mark. */
bool owner_parse(const char *alias, struct owner *o);
/* Does a veth mark name the end netns/ifname (NULL netns: ours)? */
bool owner_names_end(const struct owner *o, const char *netns,
		     const char *ifname);
/* Does a veth mark name the CNI attachment cid/ifname? */
bool owner_names_attachment(const struct owner *o, const char *cid,
			    const char *ifname);

#endif
