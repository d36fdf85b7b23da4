// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netns-new - create named network namespaces, or delete them with -D.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Makes /run/netns/NAME exactly as `ip netns add NAME` does, so ip sees
 * it, and brings its loopback up.  Names come from the command line or,
 * without names, from records on stdin (a bare line is a name, so
 * `seq -f pod%g 100 | netns-new` works).  Writes one record per namespace,
 * "netns=NAME", with the input record's other fields kept, for the next
 * program in the pipeline.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmds.h"
#include "name.h"
#include "ns.h"
#include "ns_cache.h"
#include "stage.h"

enum {
	OPT_NO_LO = CLI_LONG_ONLY,
	OPT_FORCE,
};

static const struct cli_opt opts[] = {
	{ "exist-ok", 'p', no_argument, NULL,
	  "succeed when a namespace already exists" },
	{ "no-lo", OPT_NO_LO, no_argument, NULL,
	  "leave the loopback interface down" },
	{ "force", OPT_FORCE, no_argument, NULL,
	  "with -D: delete namespaces podwire did not make, or in use" },
	{ 0 },
};

const struct cli_prog netns_new_prog = {
	.name = "netns-new",
	.usage = "[options] <name>...\n"
		 "[options] [-] < records",
	.summary = "Create named network namespaces (as ip netns add does), "
		   "with lo up.",
	.opts = opts,
	.shared = CLI_DELETE | CLI_JSON | CLI_QUIET | CLI_KEEP_GOING |
		  CLI_EXPLAIN | CLI_DRY_RUN,
	.delete_help = "delete the namespaces netns-new made; absent is fine",
};

struct netns_new {
	struct cli_common c;
	bool exist_ok;
	bool lo_up;
	bool force;
};

static int take_option(int val, const char *arg, void *ctx)
{
	struct netns_new *nn = ctx;

	(void)arg;
	switch (val) {
	case 'p':
		nn->exist_ok = true;
		return 0;
	case OPT_NO_LO:
		nn->lo_up = false;
		return 0;
	case OPT_FORCE:
		nn->force = true;
		return 0;
	}
	return -1;
}

static int check_record(struct rec *r, void *ctx)
{
	const char *name = rec_get(r, "netns");
	char esc[MSG_ESC_SIZE];
	struct pw_why why;

	(void)ctx;
	if (!name) {
		stage_err(r, "record has no netns= field");
		return PW_EXIT_USAGE;
	}
	if (!name_netns_ok(name, &why)) {
		stage_err(r, "invalid namespace name '%s': it %s",
			  msg_esc(name, esc), why.text);
		return PW_EXIT_USAGE;
	}
	return PW_EXIT_OK;
}

/* With -p an existing name is fine, but only if it is a real namespace. */
static int accept_existing(const struct rec *r, const char *name)
{
	int fd = ns_open(name);

	if (fd >= 0) {
		close(fd);
		return PW_EXIT_OK;
	}
	stage_err(r,
		  "namespace '%s' exists but cannot be used: %s; remove it "
		  "with netns-new -D %s",
		  name, ns_strerror(fd), name);
	return PW_EXIT_FAIL;
}

static int create_one(struct rec *r, void *ctx)
{
	struct netns_new *nn = ctx;
	const char *name = rec_get(r, "netns");
	int err = ns_create(name, nn->lo_up);

	if (err == -EEXIST && nn->exist_ok)
		return accept_existing(r, name);
	if (err == -EEXIST) {
		stage_err(r,
			  "cannot create namespace '%s': it exists "
			  "(-p accepts that)",
			  name);
		return PW_EXIT_FAIL;
	}
	if (err) {
		char why[128];

		if (err == -ETIMEDOUT)
			msg_locked(PW_NETNS_RUN_DIR, ns_run_dir_holder(), why,
				   sizeof(why));
		else if (err == -EBUSY)
			snprintf(why, sizeof(why),
				 "another process is making it right now");
		else
			pw_strlcpy(why, strerror(-err), sizeof(why));
		stage_err(r, "cannot create namespace '%s': %s", name, why);
		return PW_EXIT_FAIL;
	}
	return PW_EXIT_OK;
}

/* "123, 456 and 3 more" */
static void list_pids(const struct ns_del_fail *f, char *buf, size_t size)
{
	size_t shown = f->npids < NS_PIDS_SHOWN ? f->npids : NS_PIDS_SHOWN;
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < shown && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%d",
					i ? ", " : "", (int)f->pids[i]);
	if (f->npids > shown && len < size)
		snprintf(buf + len, size - len, " and %zu more",
			 f->npids - shown);
}

static void refused(const struct rec *r, const char *name,
		    const struct ns_del_fail *f, int err)
{
	char pids[128];

	if (err == -EBUSY) {
		list_pids(f, pids, sizeof(pids));
		stage_err(r,
			  "refusing to delete namespace '%s': process%s %s "
			  "still run%s in it (its veths would stay behind); "
			  "--force deletes it anyway",
			  name, f->npids == 1 ? "" : "es", pids,
			  f->npids == 1 ? "s" : "");
	} else if (f->owner == NS_OWNER_REPLACED) {
		stage_err(r,
			  "refusing to delete namespace '%s': it is not the "
			  "one netns-new made under that name; --force "
			  "deletes it anyway",
			  name);
	} else {
		stage_err(r,
			  "refusing to delete namespace '%s': podwire did not "
			  "make it; --force deletes it anyway",
			  name);
	}
}

static int delete_one(struct rec *r, void *ctx)
{
	struct netns_new *nn = ctx;
	const char *name = rec_get(r, "netns");
	struct ns_del_fail fail;
	int err = ns_delete(name, nn->force, &fail);

	if (err == -EPERM || err == -EBUSY) {
		refused(r, name, &fail, err);
		return PW_EXIT_FAIL;
	}
	if (err && err != -ENOENT) {
		stage_err(r, "cannot delete namespace '%s': %s", name,
			  ns_strerror(err));
		return PW_EXIT_FAIL;
	}
	return PW_EXIT_OK;
}

int netns_new_main(int argc, char **argv)
{
	static const int caps[] = { CAP_SYS_ADMIN };
	struct netns_new nn = { .lo_up = true };
	struct stage s = {
		.c = &nn.c,
		.check = check_record,
		.ctx = &nn,
		.caps = caps,
		.ncaps = PW_ARRAY_SIZE(caps),
	};
	struct rec *recs;
	size_t n;
	int st =
		cli_parse(&netns_new_prog, argc, argv, &nn.c, take_option, &nn);

	if (st >= 0)
		return st;
	n = (size_t)(argc - optind);
	if (stage_dash_means_stdin(&s, argv + optind, n))
		n = 0;
	else if (!n && !rec_stdin_has_records()) {
		pw_usage_err("no namespace names given");
		return PW_EXIT_USAGE;
	}
	s.apply = nn.c.del ? delete_one : create_one;
	s.what = nn.c.del ? "deleting namespaces" : "creating namespaces";
	recs = stage_records_from_args("netns", argv + optind, n);
	st = stage_run(&s, recs, n);
	stage_records_free(recs, n);
	ns_cache_clear();
	return cli_close_stdout(st);
}

#ifndef PODWIRE_MULTICALL
int main(int argc, char **argv)
{
	return netns_new_main(argc, argv);
}
#endif
