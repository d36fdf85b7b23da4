/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.h - exit codes, error messages, strict number parsing, escaping.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Every program reports errors the same way: one line on stderr,
 * "PROGRAM: what could not be done: why".  The library never prints; it
 * returns 0 or -errno and the program, which knows what it was doing,
 * says so with pw_err().
 */
#ifndef PODWIRE_UTIL_H
#define PODWIRE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Exit codes are part of the interface (DESIGN.md): 0 success, 1 the
 * operation failed (the world refused a well-formed request), 2 usage or
 * invalid input, and then nothing was changed.
 */
enum {
	PW_EXIT_OK = 0,
	PW_EXIT_FAIL = 1,
	PW_EXIT_USAGE = 2,
	/* Around --exec only, as util-linux c.h errexec() does. */
	PW_EXIT_CANNOT_EXEC = 126,
	PW_EXIT_NOT_FOUND = 127,
};

#define PW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Room for the reason a validator gives ("is longer than 15 bytes",
 * "has host bits set" ...).  Validators return NULL when the input is
 * good, else a reason that is a literal or lives in the caller's pw_why,
 * so nothing returns a static buffer.
 */
struct pw_why {
	char text[128];
};

/* Program name for messages: program_invocation_short_name. */
const char *pw_prog(void);

/* "PROG: <fmt>\n" on stderr.  Never exits. */
void pw_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pw_verr(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Like pw_err() and then "Try 'PROG --help' for more information." */
void pw_usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Allocation that cannot fail: on exhaustion print and abort. */
void *pw_xmalloc(size_t n);
void *pw_xcalloc(size_t n, size_t size);
void *pw_xrealloc(void *p, size_t n);
char *pw_xstrdup(const char *s);

/* Copy with truncation; returns strlen(src) like BSD strlcpy. */
size_t pw_strlcpy(char *dst, const char *src, size_t size);

/*
 * Strict unsigned decimal: digits only, no sign, no whitespace, no leading
 * zeros (except "0" itself), value <= max.  Returns 0, -EINVAL or -ERANGE.
 * Like util-linux strtoul_or_err(), never atoi().
 */
int pw_parse_u32(const char *s, uint32_t max, uint32_t *out);
int pw_parse_u64(const char *s, uint64_t max, uint64_t *out);

/*
 * Escape a string that came from the kernel or from a user before it goes
 * to a terminal or a record: printable ASCII other than '\\' passes, every
 * other byte becomes \xHH and '\\' becomes "\\\\".  Always NUL-terminates;
 * truncates to fit.  Returns dst.
 */
char *pw_escape(const char *src, char *dst, size_t size);

/* Size needed by pw_escape() for any string of n bytes. */
#define PW_ESCAPED_SIZE(n) ((n)*4 + 1)

/* True when the effective capability set holds cap (CAP_NET_ADMIN ...). */
bool pw_have_cap(int cap);

/* Seconds since the epoch, for ownership marks. */
int64_t pw_now(void);

/* The network namespace of the calling thread. */
#define PW_SELF_NETNS "/proc/thread-self/ns/net"

/*
 * Run fn(arg) inside the network namespace of fd and come back.  Sockets
 * and /proc/sys/net belong to the namespace of whoever makes or opens
 * them, so this is how the program reaches into a pod without moving
 * there.  fd may be a namespace file or a pidfd (setns(2), Linux 5.8).
 * Returns fn's result, or -errno when the namespace can't be entered;
 * failing to come back aborts (pw_netns_return()).
 */
int pw_in_netns(int fd, int (*fn)(void *), void *arg);

/*
 * Go back to the namespace here (an fd of PW_SELF_NETNS opened before
 * leaving).  Failing to would leave the program acting in the wrong
 * namespace, so that aborts.
 */
void pw_netns_return(int here);

#endif
