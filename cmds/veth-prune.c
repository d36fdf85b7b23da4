// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * veth-prune - the cron job: remove what podwire made and is provably
 * stale (lib/prune.h says what that is and how it is proven).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Cron's conventions: nothing on stdout when nothing was stale, else one
 * record per object removed, "reason=orphan host_ifname=... ", which cron
 * mails; errors one line each on stderr.  One prune at a time: a second
 * one started while one runs (an overlapping cron) exits 0 at once, or
 * waits with --wait.  --max caps what one run removes, so a bug can't
 * wipe a host; it is checked before anything goes.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <syslog.h>
#include <unistd.h>

#include "cli.h"
#include "cmds.h"
#include "prune.h"
#include "statedir.h"

#define PRUNE_LOCK "prune.lock"
#define DEFAULT_OLDER_THAN 60

enum {
	OPT_OLDER_THAN = CLI_LONG_ONLY,
	OPT_DRY_RUN,
	OPT_MAX,
	OPT_EMPTY_BRIDGES,
	OPT_EMPTY_NETNS,
	OPT_NAT,
	OPT_ALL,
	OPT_WAIT,
	OPT_SYSLOG,
};

static const struct cli_opt opts[] = {
	{ "older-than", OPT_OLDER_THAN, required_argument, "<duration>",
	  "leave alone anything younger (default 60s; s, m, h or d)" },
	{ "dry-run", OPT_DRY_RUN, no_argument, NULL,
	  "print what would be removed; change nothing" },
	{ "max", OPT_MAX, required_argument, "<n>",
	  "remove nothing when more than n objects are stale (exit 1)" },
	{ "empty-bridges", OPT_EMPTY_BRIDGES, no_argument, NULL,
	  "also podwire's bridges with no port left" },
	{ "empty-netns", OPT_EMPTY_NETNS, no_argument, NULL,
	  "also namespaces netns-new made with only lo and no process" },
	{ "nat", OPT_NAT, no_argument, NULL,
	  "also podwire's masquerade rules no lease or bridge uses" },
	{ "all", OPT_ALL, no_argument, NULL, "all three of the above" },
	{ "wait", OPT_WAIT, no_argument, NULL,
	  "wait for a prune already running instead of exiting 0" },
	{ "syslog", OPT_SYSLOG, no_argument, NULL,
	  "also log each removal to syslog" },
	{ 0 },
};

const struct cli_prog veth_prune_prog = {
	.name = "veth-prune",
	.usage = "[options]",
	.summary = "Remove what podwire made and is provably stale.",
	.opts = opts,
	.shared = CLI_NETNS | CLI_JSON | CLI_QUIET | CLI_EXPLAIN,
};

struct veth_prune {
	struct cli_common c;
	struct prune_opts o;
	bool dry_run;
	bool has_max;
	uint64_t max;
	bool wait;
	bool syslog;
	bool out_gone; /* stdout failed (said) or was closed */
};

/* "90", "90s", "10m", "2h", "1d": seconds into *out. */
static bool parse_duration(const char *s, int64_t *out)
{
	static const struct {
		char unit;
		uint64_t secs;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	char num[24];
	size_t len = strlen(s);
	uint64_t n, mult = 1;

	if (!len || len >= sizeof(num))
		return false;
	memcpy(num, s, len + 1);
	for (size_t i = 0; i < PW_ARRAY_SIZE(units); i++) {
		if (num[len - 1] == units[i].unit) {
			num[--len] = '\0';
			mult = units[i].secs;
			break;
		}
	}
	/* Ten years is more grace than anything needs; beyond is a typo. */
	if (pw_parse_u64(num, 10ULL * 365 * 86400 / mult, &n))
		return false;
	*out = (int64_t)(n * mult);
	return true;
}

static int take_option(int val, const char *arg, void *ctx)
{
	struct veth_prune *vp = ctx;

	switch (val) {
	case OPT_OLDER_THAN:
		if (parse_duration(arg, &vp->o.older_than))
			return 0;
		pw_usage_err("invalid --older-than '%s': a number of seconds, "
			     "or with s, m, h or d (90s, 10m, 2h, 1d)",
			     arg);
		return -1;
	case OPT_DRY_RUN:
		vp->dry_run = true;
		return 0;
	case OPT_MAX:
		if (!pw_parse_u64(arg, UINT32_MAX, &vp->max)) {
			vp->has_max = true;
			return 0;
		}
		pw_usage_err("invalid --max '%s': a number of objects", arg);
		return -1;
	case OPT_ALL:
		vp->o.empty_bridges = vp->o.empty_netns = vp->o.nat = true;
		return 0;
	case OPT_EMPTY_BRIDGES:
		vp->o.empty_bridges = true;
		return 0;
	case OPT_EMPTY_NETNS:
		vp->o.empty_netns = true;
		return 0;
	case OPT_NAT:
		vp->o.nat = true;
		return 0;
	case OPT_WAIT:
		vp->wait = true;
		return 0;
	case OPT_SYSLOG:
		vp->syslog = true;
		return 0;
	}
	return -1;
}

/* ---- Records ------------------------------------------------------------ */

static void put_if(struct rec *r, const char *key, const char *val)
{
	if (val && val[0])
		rec_put(r, key, val);
}

/* A lease's address with its pool's length: "10.244.0.5/24". */
static const char *lease_addr(const struct prune_item *it, char *buf,
			      size_t size)
{
	struct pw_prefix a = { .addr = it->lease.addr,
			       .len = it->lease.pool.len };

	return addr_format_prefix(&a, buf, size);
}

static void put_lease(struct rec *r, const struct prune_item *it)
{
	char text[PW_ADDRSTRLEN];

	put_if(r, "netns", it->netns);
	put_if(r, "ifname", it->ifname);
	rec_put(r, it->lease.addr.family == AF_INET6 ? "addr6" : "addr",
		lease_addr(it, text, sizeof(text)));
	if (it->old_boot)
		rec_put(r, "boot", "old");
}

static void put_rule(struct rec *r, const struct prune_item *it)
{
	char text[PW_ADDRSTRLEN];

	rec_put(r, "subnet",
		addr_format_prefix(&it->rule.subnet, text, sizeof(text)));
	put_if(r, "out", it->rule.out);
	put_if(r, "bridge", it->rule.bridge);
}

/* The record of an object: its reason, then what it is. */
static void item_rec(const struct prune_item *it, struct rec *r)
{
	char created[24];

	rec_init(r);
	rec_put(r, "reason", prune_reason_name(it->reason));
	if (it->what == PRUNE_OBJ_LEASE) {
		put_lease(r, it);
	} else if (it->what == PRUNE_OBJ_RULE) {
		put_rule(r, it);
	} else {
		put_if(r, "host_ifname", it->host_ifname);
		put_if(r, "netns", it->netns);
		put_if(r, "ifname", it->ifname);
		put_if(r, "bridge", it->bridge);
	}
	if (it->created && it->reason != PRUNE_HALF_MADE) {
		snprintf(created, sizeof(created), "%" PRId64, it->created);
		rec_put(r, "created", created);
	}
}

/* Its one-line name for an error: "orphan veth3f9c01aa". */
static void item_name(const struct prune_item *it, char *buf, size_t size)
{
	char text[PW_ADDRSTRLEN];
	const char *name = it->host_ifname[0] ? it->host_ifname :
			   it->bridge[0]      ? it->bridge :
						it->netns;

	if (it->what == PRUNE_OBJ_LEASE) {
		name = lease_addr(it, text, sizeof(text));
	} else if (it->what == PRUNE_OBJ_RULE) {
		name = addr_format_prefix(&it->rule.subnet, text, sizeof(text));
	}
	snprintf(buf, size, "%s %s", prune_reason_name(it->reason), name);
}

/* "removed reason=orphan host_ifname=...": the record, as text. */
static void log_removal(const struct rec *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	if (!rec_write(f, r, REC_TEXT) && !fflush(f) && len) {
		text[len - 1] = '\0'; /* its newline */
		syslog(LOG_INFO, "removed %s", text);
	}
	fclose(f);
	free(text);
}

static int report(struct veth_prune *vp, const struct prune_item *it)
{
	struct rec r;
	int err = 0;

	item_rec(it, &r);
	/* Out at once: a prune killed later has still said what went. */
	if (!vp->c.quiet && !vp->out_gone) {
		err = rec_write(stdout, &r, vp->c.json ? REC_JSON : REC_TEXT);
		if (!err && fflush(stdout))
			err = -errno;
	}
	/* Said once; the removals go on (a closed pipe is no failure). */
	if (err) {
		vp->out_gone = true;
		cli_stdout_failed();
		if (err != -EPIPE)
			pw_err("cannot write the records: %s", strerror(-err));
		err = err == -EPIPE ? 0 : err;
	}
	if (vp->syslog && !vp->dry_run)
		log_removal(&r);
	rec_clear(&r);
	return err;
}

/* ---- The run ------------------------------------------------------------ */

/* Objects a person hears of: intents are podwire's own bookkeeping. */
static size_t reportable(const struct prune_plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->items[i].what != PRUNE_OBJ_INTENT;
	return n;
}

/* Say what removing it came to: a record, or why not. */
static int removed(struct veth_prune *vp, const struct prune_item *it, int err,
		   const struct pw_why *why)
{
	char name[128];

	if (err == -ESTALE)
		return PW_EXIT_OK; /* changed or went meanwhile: not stale */
	if (err) {
		item_name(it, name, sizeof(name));
		pw_err("cannot remove %s: %s", name,
		       why && why->text[0] ? why->text : strerror(-err));
		return PW_EXIT_FAIL;
	}
	if (it->what != PRUNE_OBJ_INTENT && report(vp, it))
		return PW_EXIT_FAIL;
	return PW_EXIT_OK;
}

/*
 * The orphans first, all at once (prune_remove_orphans()), then the rest
 * one by one, in the plan's order.
 */
static int remove_all(struct veth_prune *vp, struct prune_plan *p)
{
	int *res = pw_xcalloc(p->n ? p->n : 1, sizeof(*res));
	int st = PW_EXIT_OK;
	int err = prune_remove_orphans(p, res);

	if (err) {
		pw_err("cannot remove orphaned pairs: %s", strerror(-err));
		st = PW_EXIT_FAIL;
	}
	for (size_t i = 0; i < p->n; i++) {
		struct pw_why why = { .text = "" };

		if (res[i] == 1)
			res[i] = prune_remove(&p->items[i], &why);
		else if (err)
			continue; /* said above */
		if (removed(vp, &p->items[i], res[i], &why))
			st = PW_EXIT_FAIL;
	}
	free(res);
	return st;
}

static int carry_out(struct veth_prune *vp, struct prune_plan *p)
{
	size_t n = reportable(p);
	int st = PW_EXIT_OK;

	for (size_t i = 0; i < p->nbad; i++)
		pw_err("skipping %s: not a podwire lease", p->bad_leases[i]);
	if (vp->dry_run) {
		for (size_t i = 0; i < p->n; i++)
			if (p->items[i].what != PRUNE_OBJ_INTENT &&
			    report(vp, &p->items[i]))
				st = PW_EXIT_FAIL;
	}
	if (vp->has_max && n > vp->max) {
		pw_err("%zu objects are stale, more than --max %" PRIu64
		       ": %s removed",
		       n, vp->max, vp->dry_run ? "none would be" : "nothing");
		return PW_EXIT_FAIL;
	}
	if (!vp->dry_run && remove_all(vp, p))
		st = PW_EXIT_FAIL;
	return st;
}

/*
 * One prune at a time.  1: go on holding *fd; 0: another runs and we
 * don't wait; -1: failed (said).
 */
static int take_lock(const struct veth_prune *vp, int *fd)
{
	*fd = statedir_flock_in(NULL, PRUNE_LOCK,
				LOCK_EX | (vp->wait ? 0 : LOCK_NB));
	if (*fd >= 0)
		return 1;
	if (*fd == -EWOULDBLOCK)
		return 0;
	pw_err("cannot lock %s/%s: %s", STATEDIR_ROOT, PRUNE_LOCK,
	       strerror(-*fd));
	return -1;
}

static int prune(struct veth_prune *vp)
{
	static const int caps[] = { CAP_NET_ADMIN, CAP_SYS_ADMIN };
	struct prune_plan plan;
	struct prune_fail fail;
	int lock, st, got;

	if (!cli_require_caps("pruning", caps, PW_ARRAY_SIZE(caps)))
		return PW_EXIT_FAIL;
	st = cli_enter_netns(&vp->c);
	if (st)
		return st;
	got = take_lock(vp, &lock);
	if (got <= 0)
		return got ? PW_EXIT_FAIL : PW_EXIT_OK;
	if (vp->syslog)
		openlog(veth_prune_prog.name, LOG_PID, LOG_DAEMON);
	vp->o.here = vp->c.netns;
	if (prune_plan(&vp->o, &plan, &fail)) {
		pw_err("cannot read %s: %s", fail.what, fail.why.text);
		st = PW_EXIT_FAIL;
	} else {
		st = carry_out(vp, &plan);
		prune_plan_free(&plan);
	}
	prune_done();
	if (vp->syslog)
		closelog();
	close(lock);
	return st;
}

int veth_prune_main(int argc, char **argv)
{
	struct veth_prune vp = { .o.older_than = DEFAULT_OLDER_THAN };
	int st = cli_parse(&veth_prune_prog, argc, argv, &vp.c, take_option,
			   &vp);

	if (st >= 0)
		return st;
	if (optind < argc) {
		char esc[MSG_ESC_SIZE];

		pw_usage_err("unexpected argument '%s': veth-prune takes "
			     "options only",
			     msg_esc(argv[optind], esc));
		return PW_EXIT_USAGE;
	}
	return cli_close_stdout(prune(&vp));
}

#ifndef PODWIRE_MULTICALL
int main(int argc, char **argv)
{
	return veth_prune_main(argc, argv);
}
#endif
