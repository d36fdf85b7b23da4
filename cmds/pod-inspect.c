// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pod-inspect - look into pods: list them, show one, diagnose why it can't
 * reach the network, run a command inside it, or draw the whole picture.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   pod-inspect                      one record per pod interface
 *   pod-inspect pod1                 links, addresses, routes, neighbours
 *   pod-inspect --check pod1         the seeds' checklist, with fixes
 *   pod-inspect pod1 --exec ip addr  like nsenter -n / ip netns exec
 *   pod-inspect --pid 4242 ...       the namespace of a process (pidfd)
 *   pod-inspect --tree | --dot       bridges, veths and pods
 *
 * Nothing here changes anything; --exec runs what it is given.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "cmds.h"
#include "draw.h"
#include "inspect.h"
#include "lease_view.h"
#include "stage.h"
#include "trace_view.h"
#include "view.h"

enum {
	OPT_PID = CLI_LONG_ONLY,
	OPT_CHECK,
	OPT_TO,
	OPT_EXEC,
	OPT_TREE,
	OPT_DOT,
	OPT_LEASES,
	OPT_TRACE,
	OPT_TCP,
	OPT_UDP,
};

static const struct cli_opt opts[] = {
	{ "pid", OPT_PID, required_argument, "<pid>",
	  "the namespace of this process (entered by pidfd)" },
	{ "check", OPT_CHECK, no_argument, NULL,
	  "run the checklist; exit 1 when a check fails" },
	{ "to", OPT_TO, required_argument, "<addr>",
	  "with --check: also check the path to this address" },
	{ "exec", OPT_EXEC, no_argument, NULL,
	  "run the rest of the command line inside the namespace" },
	{ "tree", OPT_TREE, no_argument, NULL,
	  "draw the bridges, their veths and the pods behind them" },
	{ "dot", OPT_DOT, no_argument, NULL, "the same drawing as Graphviz" },
	{ "leases", OPT_LEASES, no_argument, NULL,
	  "list the IPAM leases (of one pool) and whether their pods exist" },
	{ "trace", OPT_TRACE, no_argument, NULL,
	  "follow one real packet from the target (or host) to an address "
	  "or pod" },
	{ "tcp", OPT_TCP, required_argument, "<port>",
	  "with --trace: the packet is a TCP SYN to this port (not an ICMP "
	  "echo)" },
	{ "udp", OPT_UDP, required_argument, "<port>",
	  "with --trace: the packet is a UDP datagram to this port" },
	{ 0 },
};

const struct cli_prog pod_inspect_prog = {
	.name = "pod-inspect",
	.usage = "[options]\n"
		 "[options] <netns>|<path>|--pid <pid>\n"
		 "--check [--to <addr>] <netns>|<path>|--pid <pid>\n"
		 "<netns>|<path>|--pid <pid> --exec <command> [<arg>...]\n"
		 "--tree|--dot\n"
		 "--leases [<pool>]\n"
		 "--trace [--tcp|--udp <port>] <netns>|<path>|host|--pid <pid> "
		 "<addr>|<netns>",
	.summary = "List pods, show one, diagnose it, run a command inside "
		   "it, or draw the network.",
	.opts = opts,
	.shared = CLI_NETNS | CLI_JSON | CLI_QUIET,
};

enum mode {
	MODE_SHOW, /* overview without a target, detail with one */
	MODE_CHECK,
	MODE_EXEC,
	MODE_TREE,
	MODE_DOT,
	MODE_LEASES,
	MODE_TRACE,
};

struct pod_inspect {
	struct cli_common c;
	enum mode mode;
	pid_t pid;
	struct pw_addr to;
	bool has_to;
	const char *target;
	const char *trace_to; /* --trace's destination */
	struct probe probe; /* --trace's packet: ICMP, or --tcp/--udp */
	bool has_port;
	char **command; /* after --exec or -- */
	struct pw_prefix pool; /* --leases POOL */
	bool has_pool;
};

/* ---- Options ------------------------------------------------------------ */

static int set_mode(struct pod_inspect *pi, enum mode m)
{
	if (pi->mode != MODE_SHOW && pi->mode != m) {
		pw_usage_err("--check, --exec, --tree, --dot, --leases and "
			     "--trace go alone");
		return -1;
	}
	pi->mode = m;
	return 0;
}

/* --tcp PORT or --udp PORT: one of them, once. */
static int take_port(struct pod_inspect *pi, int val, const char *arg)
{
	char esc[MSG_ESC_SIZE];
	uint32_t port;

	if (pi->has_port) {
		pw_usage_err("one --tcp or --udp at a time");
		return -1;
	}
	if (pw_parse_u32(arg, 65535, &port) || port == 0) {
		pw_usage_err("invalid port '%s': give 1-65535",
			     msg_esc(arg, esc));
		return -1;
	}
	pi->probe.kind = val == OPT_TCP ? PROBE_TCP : PROBE_UDP;
	pi->probe.port = (uint16_t)port;
	pi->has_port = true;
	return 0;
}

static int take_option(int val, const char *arg, void *ctx)
{
	struct pod_inspect *pi = ctx;
	char esc[MSG_ESC_SIZE];
	struct pw_why why;
	uint32_t pid;

	switch (val) {
	case OPT_PID:
		/* 4194304 is PID_MAX_LIMIT; 0, signs and hex are refused. */
		if (pw_parse_u32(arg, 4194304, &pid) || pid == 0) {
			pw_usage_err("invalid PID '%s': give 1-4194304",
				     msg_esc(arg, esc));
			return -1;
		}
		pi->pid = (pid_t)pid;
		return 0;
	case OPT_TO:
		if (!addr_parse(arg, AF_UNSPEC, &pi->to, &why) ||
		    !addr_host_ok(&pi->to, &why)) {
			pw_usage_err("invalid address '%s': it %s",
				     msg_esc(arg, esc), why.text);
			return -1;
		}
		pi->has_to = true;
		return 0;
	case OPT_CHECK:
		return set_mode(pi, MODE_CHECK);
	case OPT_TREE:
		return set_mode(pi, MODE_TREE);
	case OPT_DOT:
		return set_mode(pi, MODE_DOT);
	case OPT_LEASES:
		return set_mode(pi, MODE_LEASES);
	case OPT_TRACE:
		return set_mode(pi, MODE_TRACE);
	case OPT_TCP:
	case OPT_UDP:
		return take_port(pi, val, arg);
	}
	return -1;
}

/* Options whose value is the next word: that word is never "--exec". */
static bool takes_value(const char *word)
{
	size_t n = strlen(word);

	if (!strcmp(word, "--pid") || !strcmp(word, "--to") ||
	    !strcmp(word, "--netns") || !strcmp(word, "--tcp") ||
	    !strcmp(word, "--udp"))
		return true;
	/* -n, or short options clustered with n last: "-jn". */
	return n >= 2 && word[0] == '-' && word[1] != '-' && word[n - 1] == 'n';
}

/*
 * Split argv at the first "--exec" or "--" that is not an option's value:
 * the target comes before --exec (pod-inspect pod1 --exec ip addr), so
 * getopt's "stop at the first operand" can't find it.  Returns the new
 * argc for getopt and sets pi->command.
 */
static int split_command(struct pod_inspect *pi, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--exec") || !strcmp(argv[i], "--")) {
			pi->command = argv + i + 1;
			pi->mode = MODE_EXEC;
			return i;
		}
		if (takes_value(argv[i]))
			i++;
	}
	return argc;
}

/* ---- Modes -------------------------------------------------------------- */

static int open_target(const struct pod_inspect *pi, struct inspect_pod *pod,
		       const struct inspect_host *host, bool full)
{
	int err = inspect_pod_open(pod, pi->target, pi->pid);

	if (!err)
		err = inspect_pod_load(pod, host, full);
	if (err) {
		pw_err("cannot inspect %s: %s",
		       pod->label[0] ? pod->label : pi->target,
		       ns_strerror(err));
		return PW_EXIT_FAIL;
	}
	return PW_EXIT_OK;
}

static int show_detail(const struct pod_inspect *pi,
		       const struct inspect_host *host)
{
	const struct view view = { cli_format(&pi->c), pi->c.quiet, false };
	struct inspect_pod pod;
	int st = open_target(pi, &pod, host, true);

	if (!st && view_detail(&view, host, &pod))
		st = PW_EXIT_FAIL;
	inspect_pod_close(&pod);
	return st;
}

/* Every named namespace, read and released (no descriptors kept). */
static int load_all(struct inspect_host *host, struct inspect_pod **pods,
		    size_t *n)
{
	struct procs_snapshot procs;
	char **names;
	size_t count;
	int err = ns_names(&names, &count);

	if (err) {
		pw_err("cannot list %s: %s", PW_NETNS_RUN_DIR, strerror(-err));
		return PW_EXIT_FAIL;
	}
	procs_snapshot_take(&procs); /* unreadable: no counts */
	*pods = pw_xcalloc(count, sizeof(**pods));
	*n = 0;
	for (size_t i = 0; i < count; i++) {
		struct inspect_pod *p = &(*pods)[*n];

		/* A namespace that can't be opened (a placeholder, one just
		 * deleted) is left out, not fatal. */
		if (!inspect_pod_open(p, names[i], 0) &&
		    !inspect_pod_load(p, host, false)) {
			p->procs = inspect_procs_in(&procs, p->fd);
			inspect_pod_release(p);
			(*n)++;
		} else {
			inspect_pod_close(p);
		}
	}
	ns_names_free(names, count);
	procs_snapshot_free(&procs);
	return PW_EXIT_OK;
}

static void free_all(struct inspect_pod *pods, size_t n)
{
	for (size_t i = 0; i < n; i++)
		inspect_pod_close(&pods[i]);
	free(pods);
}

static int show_world(const struct pod_inspect *pi, struct inspect_host *host)
{
	struct inspect_pod *pods;
	size_t n;
	int st = load_all(host, &pods, &n);

	if (st)
		return st;
	if (pi->mode == MODE_SHOW) {
		const struct view view = { cli_format(&pi->c), pi->c.quiet,
					   false };

		for (size_t i = 0; i < n && !st; i++)
			if (view_overview(&view, host, &pods[i]))
				st = PW_EXIT_FAIL;
	} else {
		struct draw_world w = { host, pods, n };

		if (pi->mode == MODE_TREE)
			draw_tree(stdout, &w);
		else
			draw_dot(stdout, &w);
	}
	free_all(pods, n);
	return st;
}

/* ---- --check ------------------------------------------------------------ */

struct check_out {
	struct view view;
	const struct inspect_pod *pod;
};

static void print_topology(const struct check_topology *t, void *arg)
{
	const struct check_out *co = arg;

	view_check_topology(&co->view, co->pod, t);
}

static void print_check(const struct check_result *res, void *arg)
{
	const struct check_out *co = arg;

	view_check_result(&co->view, co->pod, res);
}

/* Color on a terminal, unless NO_COLOR or PODWIRE_COLOR says otherwise. */
static bool want_color(void)
{
	const char *mode = getenv("PODWIRE_COLOR");

	if (mode && !strcmp(mode, "always"))
		return true;
	if ((mode && !strcmp(mode, "never")) || getenv("NO_COLOR"))
		return false;
	return isatty(STDOUT_FILENO);
}

static int run_check(const struct pod_inspect *pi,
		     const struct inspect_host *host)
{
	struct inspect_pod pod;
	int st = open_target(pi, &pod, host, true);
	struct check_env env = {
		.host = host,
		.pod = &pod,
		.host_netns = pi->c.netns,
		.to = pi->has_to ? &pi->to : NULL,
	};
	struct check_out co = {
		.view = { cli_format(&pi->c), pi->c.quiet, want_color() },
		.pod = &pod,
	};
	const struct check_sink sink = { print_topology, print_check, &co };

	if (!st && check_pod(&env, &sink))
		st = PW_EXIT_FAIL;
	inspect_pod_close(&pod);
	return st;
}

/* ---- --exec ------------------------------------------------------------- */

static int run_exec(const struct pod_inspect *pi)
{
	struct inspect_pod pod;
	int err = inspect_pod_open(&pod, pi->target, pi->pid);

	if (!err)
		err = ns_enter_fd(pod.fd);
	if (err) {
		pw_err("cannot enter %s: %s",
		       pod.label[0] ? pod.label : pi->target, ns_strerror(err));
		inspect_pod_close(&pod);
		return PW_EXIT_FAIL;
	}
	inspect_pod_close(&pod);
	fflush(stdout);
	/* Like nsenter -n and ip netns exec: the command is looked up in
	 * PATH; 127 when it is not found, 126 when it can't be run. */
	execvp(pi->command[0], pi->command);
	err = errno;
	pw_err("cannot run '%s': %s", pi->command[0], strerror(err));
	return err == ENOENT ? PW_EXIT_NOT_FOUND : PW_EXIT_CANNOT_EXEC;
}

/* ---- main --------------------------------------------------------------- */

/* --leases [POOL]: the pool a subnet, nothing else alongside. */
static int check_leases_usage(struct pod_inspect *pi)
{
	char esc[MSG_ESC_SIZE];
	struct pw_why why;

	if (pi->pid || pi->has_to) {
		pw_usage_err("--leases takes a pool, not %s",
			     pi->pid ? "--pid" : "--to");
		return PW_EXIT_USAGE;
	}
	if (!pi->target)
		return PW_EXIT_OK;
	if (!addr_parse_prefix(pi->target, AF_UNSPEC, &pi->pool, &why) ||
	    !addr_subnet_ok(&pi->pool, &why)) {
		pw_usage_err("invalid pool '%s': it %s",
			     msg_esc(pi->target, esc), why.text);
		return PW_EXIT_USAGE;
	}
	pi->has_pool = true;
	return PW_EXIT_OK;
}

/* --trace SRC DST, or --pid PID DST: SRC may be "host". */
static int check_trace_usage(struct pod_inspect *pi, int nargs, char **args)
{
	char esc[MSG_ESC_SIZE];
	struct pw_why why;
	int want = pi->pid ? 1 : 2;

	if (nargs != want || pi->has_to) {
		pw_usage_err("--trace takes a source (a namespace, host, or "
			     "--pid) and a destination (an address or a "
			     "namespace)");
		return PW_EXIT_USAGE;
	}
	pi->target = pi->pid ? NULL : args[0];
	pi->trace_to = args[want - 1];
	if (pi->target && !ns_target_ok(pi->target, &why)) {
		pw_usage_err("invalid source '%s': it %s",
			     msg_esc(pi->target, esc), why.text);
		return PW_EXIT_USAGE;
	}
	if (!ns_target_ok(pi->trace_to, &why) && !strchr(pi->trace_to, ':')) {
		pw_usage_err("invalid destination '%s': it %s",
			     msg_esc(pi->trace_to, esc), why.text);
		return PW_EXIT_USAGE;
	}
	return PW_EXIT_OK;
}

static int check_usage(struct pod_inspect *pi, int nargs, char **args)
{
	char esc[MSG_ESC_SIZE];
	struct pw_why why;

	if (pi->mode == MODE_TRACE)
		return check_trace_usage(pi, nargs, args);
	if (pi->has_port) {
		pw_usage_err("--tcp and --udp go with --trace");
		return PW_EXIT_USAGE;
	}
	if (nargs > 1) {
		pw_usage_err("one target at a time");
		return PW_EXIT_USAGE;
	}
	pi->target = nargs ? args[0] : NULL;
	if (pi->mode == MODE_LEASES)
		return check_leases_usage(pi);
	if (pi->target && pi->pid) {
		pw_usage_err("a target or --pid, not both");
		return PW_EXIT_USAGE;
	}
	if (pi->target && !ns_target_ok(pi->target, &why)) {
		pw_usage_err("invalid target '%s': it %s",
			     msg_esc(pi->target, esc), why.text);
		return PW_EXIT_USAGE;
	}
	if ((pi->mode == MODE_CHECK || pi->mode == MODE_EXEC) && !pi->target &&
	    !pi->pid) {
		pw_usage_err("%s needs a namespace or --pid",
			     pi->mode == MODE_CHECK ? "--check" : "--exec");
		return PW_EXIT_USAGE;
	}
	if (pi->mode == MODE_EXEC && !pi->command[0]) {
		pw_usage_err("--exec needs a command");
		return PW_EXIT_USAGE;
	}
	if ((pi->mode == MODE_TREE || pi->mode == MODE_DOT) &&
	    (pi->target || pi->pid)) {
		pw_usage_err("--tree and --dot draw the whole host; no target");
		return PW_EXIT_USAGE;
	}
	if (pi->has_to && pi->mode != MODE_CHECK) {
		pw_usage_err("--to goes with --check");
		return PW_EXIT_USAGE;
	}
	if ((pi->mode == MODE_TREE || pi->mode == MODE_DOT) &&
	    (pi->c.json || pi->c.quiet)) {
		pw_usage_err(
			"--tree and --dot draw; -j and -q are for records");
		return PW_EXIT_USAGE;
	}
	return PW_EXIT_OK;
}

/*
 * Looking into a namespace is setns(): CAP_SYS_ADMIN.  The lease store
 * is root's (0700), and whether a lease's pod exists is asked inside its
 * namespace.  --check also sends
 * a raw ICMP echo (CAP_NET_RAW) and reads nftables (CAP_NET_ADMIN).
 * Without them the kernel would only say "Operation not permitted".
 */
static bool have_caps(const struct pod_inspect *pi)
{
	static const int look[] = { CAP_SYS_ADMIN };
	static const int check[] = { CAP_SYS_ADMIN, CAP_NET_ADMIN,
				     CAP_NET_RAW };

	if (pi->mode == MODE_CHECK || pi->mode == MODE_TRACE)
		return cli_require_caps(pi->mode == MODE_CHECK ?
						"checking a pod" :
						"tracing a packet",
					check, PW_ARRAY_SIZE(check));
	return cli_require_caps("looking into namespaces", look,
				PW_ARRAY_SIZE(look));
}

static int dispatch(struct pod_inspect *pi)
{
	struct inspect_host host;
	int err, st;

	if (pi->mode == MODE_EXEC)
		return run_exec(pi);
	if (pi->mode == MODE_LEASES)
		return lease_view(pi->has_pool ? &pi->pool : NULL,
				  cli_format(&pi->c), pi->c.quiet);
	if (pi->mode == MODE_TRACE) {
		const struct trace_req req = {
			.src = pi->target,
			.pid = pi->pid,
			.dst = pi->trace_to,
			.probe = pi->probe,
			.format = cli_format(&pi->c),
			.quiet = pi->c.quiet,
		};

		return trace_view(&req);
	}
	err = inspect_host_load(&host);
	if (err) {
		pw_err("cannot read the host's links: %s", strerror(-err));
		inspect_host_free(&host);
		return PW_EXIT_FAIL;
	}
	if (pi->mode == MODE_CHECK)
		st = run_check(pi, &host);
	else if (pi->target || pi->pid)
		st = show_detail(pi, &host);
	else
		st = show_world(pi, &host);
	inspect_host_free(&host);
	return st;
}

int pod_inspect_main(int argc, char **argv)
{
	struct pod_inspect pi = { .mode = MODE_SHOW };
	int nopts = split_command(&pi, argc, argv);
	int st = cli_parse(&pod_inspect_prog, nopts, argv, &pi.c, take_option,
			   &pi);

	if (st >= 0)
		return st;
	st = check_usage(&pi, nopts - optind, argv + optind);
	if (!st && !have_caps(&pi))
		st = PW_EXIT_FAIL;
	if (!st)
		st = cli_enter_netns(&pi.c);
	if (!st)
		st = dispatch(&pi);
	ns_cache_clear();
	return cli_close_stdout(st);
}

#ifndef PODWIRE_MULTICALL
int main(int argc, char **argv)
{
	return pod_inspect_main(argc, argv);
}
#endif
