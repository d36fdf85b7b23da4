/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - a minimal TAP producer for the C unit tests.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   ok(cond, "what %s", arg);   one test point: "ok N - what" / "not ok N"
 *   return tap_done();          prints the plan "1..N", returns 0 or 1
 *
 * tests/run counts the "ok" and "not ok" lines of every unit test, fuzz
 * replay and bats suite into the closing "N passed, N failed".
 */
#ifndef PODWIRE_TAP_H
#define PODWIRE_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 2, 3))) static bool ok(bool cond, const char *fmt,
						     ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
