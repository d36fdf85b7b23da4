/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * draw.h - pod-inspect --tree and --dot: the host's bridges, their veths
 * and the pods behind them.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   cni0  bridge up 10.244.0.1/24
 *   |-- veth46b112b9 up -- pod1:eth0 up 10.244.0.2/24
 *   `-- veth54055627 up -- pod3:eth0 up 10.244.0.4/24
 *   (no bridge)
 *   `-- veth0c1d2e3f up -- pod9:eth0 up
 *   (pod to pod)
 *   |-- red:veth-red 10.0.0.1/24 == blue:veth-blue
 *
 * A pod-to-pod cable is drawn from its first end, with that end's
 * addresses; the peer is named from the podwire mark.
 *
 * ASCII only, the same whatever the locale.  --dot writes the same as an
 * undirected Graphviz graph for `dot -Tsvg`.
 */
#ifndef PODWIRE_DRAW_H
#define PODWIRE_DRAW_H

#include <stdio.h>

#include "inspect.h"

struct draw_world {
	const struct inspect_host *host;
	const struct inspect_pod *pods; /* read, named namespaces */
	size_t npods;
};

void draw_tree(FILE *out, const struct draw_world *w);
void draw_dot(FILE *out, const struct draw_world *w);

#endif
