// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trace_view.c - pod-inspect --trace: the source and destination found,
 * the trace run with Ctrl-C and SIGTERM caught (so that the tracer's
 * nftables table always goes), and its hops shown.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "inspect.h"
#include "msg.h"
#include "trace.h"
#include "trace_view.h"

/* The exit status of a command a signal interrupted, as a shell says. */
#define EXIT_INTERRUPTED 130

static volatile sig_atomic_t stopped;

static void on_stop(int sig)
{
	(void)sig;
	stopped = 1;
}

/* Caught without SA_RESTART: the probe's poll() returns at once. */
static void catch_stop(struct sigaction old[2])
{
	struct sigaction sa = { .sa_handler = on_stop };

	stopped = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);
}

static void release_stop(const struct sigaction old[2])
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
}

/* The first global address of a pod, IPv4 before IPv6. */
static bool pod_address(const struct inspect_pod *pod, struct pw_addr *out)
{
	static const int families[] = { AF_INET, AF_INET6 };

	for (size_t f = 0; f < 2; f++)
		for (size_t i = 0; i < pod->nlinks; i++) {
			const struct nl_addr *a;

			if (!strcmp(pod->links[i].ifname, "lo"))
				continue;
			a = inspect_addr(pod->addrs, pod->naddrs,
					 pod->links[i].ifindex, families[f]);
			if (a) {
				*out = a->prefix.addr;
				return true;
			}
		}
	return false;
}

/* DST: an address, or a pod, whose address it then is. */
static int find_dst(const struct trace_req *req,
		    const struct inspect_host *host, struct pw_addr *dst,
		    char *label, size_t size)
{
	char esc[MSG_ESC_SIZE];
	struct inspect_pod pod;
	int err;

	label[0] = '\0';
	if (addr_parse(req->dst, AF_UNSPEC, dst, NULL))
		return 0;
	err = inspect_pod_open(&pod, req->dst, 0);
	if (!err)
		err = inspect_pod_load(&pod, host, false);
	if (err) {
		pw_err("cannot trace to '%s': not an address, and not a pod: "
		       "%s",
		       msg_esc(req->dst, esc), ns_strerror(err));
	} else if (!pod_address(&pod, dst)) {
		pw_err("cannot trace to %s: it has no address", pod.label);
		err = -EADDRNOTAVAIL;
	} else {
		snprintf(label, size, "%s", pod.label);
	}
	inspect_pod_close(&pod);
	return err;
}

static void show_hop(const struct trace_req *req, size_t i,
		     const struct trace_hop *h)
{
	char n[16], w[MSG_ESC_SIZE], what[PW_ESCAPED_SIZE(sizeof(h->what))];
	struct rec r;

	if (req->quiet)
		return;
	if (req->format == REC_JSON) {
		snprintf(n, sizeof(n), "%zu", i + 1);
		rec_init(&r);
		/* Four fields fit any record: nothing here can fail. */
		if (!rec_set(&r, "hop", n) &&
		    !rec_set_raw(&r, "where", h->where) &&
		    !rec_set_raw(&r, "what", h->what) &&
		    !rec_set(&r, "dies", h->dies ? "yes" : "no"))
			rec_write(stdout, &r, REC_JSON);
		rec_clear(&r);
		return;
	}
	printf("%2zu %-9s %s\n", i + 1, msg_esc(h->where, w),
	       pw_escape(h->what, what, sizeof(what)));
}

static int run(const struct trace_req *req, const struct inspect_host *host,
	       struct inspect_pod *src)
{
	char label[PW_NETNS_MAX + 1];
	struct sigaction old[2];
	struct trace t;
	struct pw_why why = { "" };
	struct trace_spec spec = {
		.src = src,
		.host = host,
		.probe = req->probe,
		.dst_label = NULL,
		.stop = &stopped,
	};
	int st;

	if (find_dst(req, host, &spec.dst, label, sizeof(label)))
		return PW_EXIT_FAIL;
	if (label[0])
		spec.dst_label = label;
	catch_stop(old);
	st = trace_run(&spec, &t, &why);
	release_stop(old);
	for (size_t i = 0; st >= 0 && i < t.n; i++)
		show_hop(req, i, &t.hops[i]);
	fflush(stdout);
	if (st < 0) {
		pw_err("cannot trace: %s",
		       why.text[0] ? why.text : strerror(-st));
		return PW_EXIT_FAIL;
	}
	if (stopped)
		return EXIT_INTERRUPTED;
	return st ? PW_EXIT_FAIL : PW_EXIT_OK;
}

int trace_view(const struct trace_req *req)
{
	struct inspect_host host;
	struct inspect_pod pod;
	bool from_host = !req->pid && !strcmp(req->src, "host");
	int err = inspect_host_load(&host), st;

	if (err) {
		pw_err("cannot read the host's links: %s", strerror(-err));
		inspect_host_free(&host);
		return PW_EXIT_FAIL;
	}
	if (from_host) {
		st = run(req, &host, NULL);
		inspect_host_free(&host);
		return st;
	}
	err = inspect_pod_open(&pod, req->src, req->pid);
	if (!err)
		err = inspect_pod_load(&pod, &host, true);
	if (err) {
		pw_err("cannot trace from %s: %s",
		       pod.label[0] ? pod.label : req->src, ns_strerror(err));
		st = PW_EXIT_FAIL;
	} else {
		st = run(req, &host, &pod);
	}
	inspect_pod_close(&pod);
	inspect_host_free(&host);
	return st;
}
