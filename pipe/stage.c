// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stage.c - one program as a stage of a pipeline: records in, records out.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stage.h"

void stage_err(const struct rec *r, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r && r->line)
		pw_err("line %lu: %s", r->line, msg);
	else
		pw_err("%s", msg);
}

struct rec *stage_records_from_args(const char *key, char **args, size_t n)
{
	struct rec *recs = pw_xcalloc(n, sizeof(*recs));

	for (size_t i = 0; i < n; i++) {
		rec_init(&recs[i]);
		recs[i].f[0].key = pw_xstrdup(key);
		recs[i].f[0].val = pw_xstrdup(args[i]);
		recs[i].n = 1;
	}
	return recs;
}

void stage_records_free(struct rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rec_clear(&recs[i]);
	free(recs);
}

bool stage_dash_means_stdin(struct stage *s, char **args, size_t n)
{
	if (n != 1 || strcmp(args[0], "-"))
		return false;
	s->force_stdin = true;
	return true;
}

struct run {
	const struct stage *s;
	bool caps_checked;
	bool failed;
	bool stop; /* stdout is gone: nobody reads what we do */
	int status;
};

/* Write a record out; false to stop (stdout is gone, or refused it). */
static bool write_one(struct run *run, struct rec *r)
{
	const struct stage *s = run->s;
	int err;

	if (s->c->quiet)
		return true;
	err = rec_write(stdout, r, cli_format(s->c));
	if (err == -EPIPE) {
		run->stop = true;
		return false;
	}
	if (err) {
		cli_stdout_failed(); /* said here: not again at the end */
		stage_err(r, "cannot write the record: %s",
			  err == -E2BIG ? "it would be longer than 4096 bytes" :
			  err == -EINVAL ? "a field could not be set in it" :
					   strerror(-err));
		run->failed = true;
		run->status = PW_EXIT_FAIL;
		return false;
	}
	return true;
}

/*
 * Ctrl-C, a TERM or a HUP waits while a record is applied and written:
 * the program then dies between records, never with a pair unmarked or
 * a lease half-claimed.  (SIGKILL can't wait; intents cover it.)
 */
static void hold_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void release_signals(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

static bool apply_held(struct run *run, struct rec *r)
{
	const struct stage *s = run->s;
	int st = s->apply(r, s->ctx);

	if (st == PW_EXIT_OK)
		return write_one(run, r);
	run->failed = true;
	run->status = st == STAGE_FAIL_WRITE ? PW_EXIT_FAIL : st;
	if (st == STAGE_FAIL_WRITE && !write_one(run, r))
		return false;
	return s->c->keep_going;
}

/* Apply one checked record and write it; returns false to stop. */
static bool apply_one(struct run *run, struct rec *r)
{
	const struct stage *s = run->s;
	sigset_t old;
	bool ok;

	if (!run->caps_checked) {
		run->caps_checked = true;
		if (!cli_require_caps(s->what, s->caps, s->ncaps)) {
			run->failed = true;
			run->status = PW_EXIT_FAIL;
			return false;
		}
	}
	hold_signals(&old);
	ok = apply_held(run, r);
	release_signals(&old);
	return ok;
}

/* "ifname, addr and mac" */
static void list_keys(const struct rec_add *adds, size_t n, char *buf,
		      size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
			 !i	   ? "" :
			 i + 1 < n ? ", " :
				     " and ",
			 adds[i].key);
}

static int check_one(const struct stage *s, struct rec *r)
{
	char keys[256];

	if (!rec_has_room(r, s->adds, s->nadds)) {
		list_keys(s->adds, s->nadds, keys, sizeof(keys));
		stage_err(r,
			  "record has no room left for %s (a record holds %d "
			  "fields in %d bytes)",
			  keys, REC_FIELDS_MAX, REC_LINE_MAX);
		return PW_EXIT_USAGE;
	}
	return s->check ? s->check(r, s->ctx) : PW_EXIT_OK;
}

static void run_positional(struct run *run, struct rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int st = check_one(run->s, &recs[i]);

		if (st != PW_EXIT_OK) {
			run->failed = true;
			run->status = st;
			return;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!apply_one(run, &recs[i]))
			return;
}

static void run_stdin(struct run *run)
{
	const struct stage *s = run->s;
	struct rec_reader rd;
	struct rec r;

	rec_init(&r);
	rec_reader_init(&rd, stdin);
	for (;;) {
		struct pw_why why;
		const char *bad;
		int got = rec_read(&rd, &r, &bad, &why);
		int st;

		if (got == 0)
			break;
		if (got == -EINVAL) {
			pw_err("line %lu: malformed record: it %s", rd.line,
			       bad);
			run->failed = true;
			run->status = PW_EXIT_USAGE;
			if (!s->c->keep_going)
				break;
			continue;
		}
		if (got < 0) {
			pw_err("cannot read records from stdin: %s",
			       strerror(-got));
			run->failed = true;
			run->status = PW_EXIT_FAIL;
			break;
		}
		st = check_one(s, &r);
		if (st != PW_EXIT_OK) {
			run->failed = true;
			run->status = st;
			if (!s->c->keep_going)
				break;
			continue;
		}
		if (!apply_one(run, &r))
			break;
	}
	rec_clear(&r);
}

int stage_run(const struct stage *s, struct rec *recs, size_t n)
{
	struct run run = { .s = s, .status = PW_EXIT_OK };

	if (n)
		run_positional(&run, recs, n);
	else if (s->force_stdin || rec_stdin_has_records())
		run_stdin(&run);
	/* Bad operands: nothing was done, whatever --keep-going says. */
	if (n && run.status == PW_EXIT_USAGE)
		return PW_EXIT_USAGE;
	if (!run.failed && !run.stop && s->finish) {
		sigset_t old;
		int st;

		hold_signals(&old);
		st = s->finish(s->ctx);
		release_signals(&old);

		if (st != PW_EXIT_OK) {
			run.failed = true;
			run.status = st;
		}
	}
	/* --keep-going carries on and exits 1 at the end, whatever failed. */
	if (run.failed && s->c->keep_going)
		return PW_EXIT_FAIL;
	return run.failed ? run.status : PW_EXIT_OK;
}
