/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trace_view.h - pod-inspect --trace SRC DST: the trace (trace.h), run and
 * shown a hop a line, or with -j one JSON object per hop:
 *
 *    1 pod1      eth0 10.244.0.2 -> route 198.51.100.2 via 10.244.0.1
 *    2 host      veth46b112b9 -> bridge cni0
 *   ...
 *   {"hop":"1","where":"pod1","what":"eth0 10.244.0.2 -> ...","dies":"no"}
 *
 * Copyright (C) 2026 The podwire developers
 */
#ifndef PODWIRE_TRACE_VIEW_H
#define PODWIRE_TRACE_VIEW_H

#include <stdbool.h>
#include <sys/types.h>

#include "probe.h"
#include "rec.h"

struct trace_req {
	const char *src; /* a pod (name or path), or "host"; NULL with pid */
	pid_t pid; /* the source is this process's namespace; 0: src */
	const char *dst; /* an address, or a pod whose address it is */
	struct probe probe; /* ICMP echo, TCP SYN or UDP datagram */
	enum rec_format format;
	bool quiet; /* no output: the exit status says */
};

/*
 * Run and show it.  Returns the exit status: 0 answered, 1 the packet
 * died or went unanswered (or the trace could not be made: said), 130
 * after SIGINT or SIGTERM (the tracer's table is gone then too).
 */
int trace_view(const struct trace_req *req);

#endif
