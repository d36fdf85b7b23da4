/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stage.h - one program as a stage of a pipeline: records in, records out.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Every program runs its records through stage_run(): from positional
 * targets, or from stdin when it carries records (rec_stdin_has_records()).
 *
 *   - Positional records are all checked before the first is acted on, so
 *     bad input changes nothing (exit 2).
 *   - Records from stdin are checked and acted on one at a time and
 *     written out at once, so the next program starts on the first pod
 *     while this one works on the second.  A malformed record stops the
 *     stage with exit 2 naming its line; the records before it stay done.
 *   - --keep-going carries on past failures and exits 1 at the end; bad
 *     positional input is still exit 2, as nothing was done.
 *   - The capability check runs once, before the first change, so that
 *     bad input is reported as bad input even without root.
 */
#ifndef PODWIRE_STAGE_H
#define PODWIRE_STAGE_H

#include "cli.h"
#include "rec.h"

/*
 * What apply may return besides an exit status: the record failed (exit
 * 1), and is written all the same, carrying what it says of the failure
 * (veth-link -D's lease=kept), for the stages after it to see.
 */
#define STAGE_FAIL_WRITE 0x101

struct stage {
	const struct cli_common *c;
	/* Validate a record's form, print why not and return 2; no side
	 * effects.  NULL: every record is well formed. */
	int (*check)(struct rec *r, void *ctx);
	/* Act on a checked record and add its fields; 0 done (the record is
	 * written), 1 failed (already reported), or STAGE_FAIL_WRITE. */
	int (*apply)(struct rec *r, void *ctx);
	/* After the last record, when none failed; may be NULL. */
	int (*finish)(void *ctx);
	void *ctx;
	/* What needs root, for "PROG: <what> needs root (CAP_... is
	 * missing)", and the capabilities it needs. */
	const char *what;
	const int *caps;
	unsigned ncaps;
	/* Read stdin even from a terminal: the operand was "-". */
	bool force_stdin;
	/* The fields apply may add: a record without room for them is
	 * refused before it is checked (exit 2, nothing done). */
	const struct rec_add *adds;
	size_t nadds;
};

/*
 * An operand list that is just "-" means "records from stdin", even from
 * a terminal, as for cat(1).
 * Returns true, with the stage told so, when that is the case.
 */
bool stage_dash_means_stdin(struct stage *s, char **args, size_t n);

/*
 * Run the stage over n positional records, or over stdin's records when
 * n is 0 and stdin carries them.  Returns the exit status.
 */
int stage_run(const struct stage *s, struct rec *recs, size_t n);

/*
 * One record per operand, "KEY=ARG".  The value is stored as given, even
 * when it breaks the record format, so that the stage's check can say
 * what is wrong with it; nothing is written before the check passes.
 */
struct rec *stage_records_from_args(const char *key, char **args, size_t n);
void stage_records_free(struct rec *recs, size_t n);

/* "PROG: line N: <fmt>" for a record from stdin, else "PROG: <fmt>". */
void stage_err(const struct rec *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
