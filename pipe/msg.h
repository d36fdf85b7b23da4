/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msg.h - how the front ends talk to people: exit statuses, one-line
 * error messages, and allocation that reports running out of memory.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Every program reports errors the same way: one line on stderr,
 * "PROGRAM: what could not be done: why".  Only front ends include this;
 * the library below returns -errno and a struct pw_why instead.
 */
#ifndef PODWIRE_MSG_H
#define PODWIRE_MSG_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/*
 * Exit statuses are part of the interface: 0 success, 1 the operation
 * failed (the world refused a well-formed request), 2 usage or invalid
 * input, and then nothing was changed.
 */
enum {
	PW_EXIT_OK = 0,
	PW_EXIT_FAIL = 1,
	PW_EXIT_USAGE = 2,
	/* Around --exec only, as util-linux c.h errexec() does. */
	PW_EXIT_CANNOT_EXEC = 126,
	PW_EXIT_NOT_FOUND = 127,
};

/* Program name for messages: program_invocation_short_name. */
const char *pw_prog(void);

/* "PROG: <fmt>\n" on stderr.  Never exits. */
void pw_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pw_verr(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Like pw_err() and then "Try 'PROG --help' for more information." */
void pw_usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Allocation for front ends, which have a person to tell: on exhaustion
 * print that and abort.  The library returns -ENOMEM instead.
 */
void *pw_xmalloc(size_t n);
void *pw_xcalloc(size_t n, size_t size);
void *pw_xrealloc(void *p, size_t n);
char *pw_xstrdup(const char *s);

/* A user's or the kernel's text, escaped and cut for an error message. */
#define MSG_ESC_SIZE PW_ESCAPED_SIZE(80)
const char *msg_esc(const char *s, char buf[MSG_ESC_SIZE]);

/*
 * Why a lock was not had (-ETIMEDOUT): "WHAT stayed locked for 5 s, by
 * PID N", the PID when it is known.
 */
const char *msg_locked(const char *what, pid_t holder, char *buf, size_t size);

/*
 * statedir_lock_in(dir, name): the lock's fd (close() to let go), or -1
 * after "PROG: cannot DOING: STATEDIR_ROOT/dir/name stayed locked ...".
 */
int msg_lock_in(const char *doing, const char *dir, const char *name);

#endif
