/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * owner.h - the mark podwire leaves on what it makes.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Every veth end and bridge podwire creates carries an interface alias
 * (IFLA_IFALIAS) that starts "podwire:" and continues as a record:
 *
 *   podwire: netns=pod1 ifname=eth0 created=1763780000      (a veth end)
 *   podwire: bridge=cni0 created=1763780000                  (a bridge)
 *
 * netns/ifname name the pod end of the pair (the first endpoint of a
 * cable), created is seconds since the epoch.  Cleanup never touches an
 * interface without this mark (DESIGN.md "Ownership").
 */
#ifndef PODWIRE_OWNER_H
#define PODWIRE_OWNER_H

#include <stdbool.h>
#include <stdint.h>

#include "name.h"

#define OWNER_PREFIX "podwire:"

struct owner {
	char netns[PW_NETNS_MAX + 1]; /* "" for a veth with no pod namespace */
	char ifname[PW_IFNAME_MAX + 1];
	char bridge[PW_IFNAME_MAX + 1]; /* set for a bridge's mark */
	int64_t created;
};

/* Writes the alias; returns 0 or -ENAMETOOLONG. */
int owner_format(const struct owner *o, char *buf, size_t size);
/* Parses an alias; false when it is not a podwire mark. */
bool owner_parse(const char *alias, struct owner *o);

#endif
