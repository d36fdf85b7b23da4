/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.h - the library's small helpers: why an input or an operation was
 * refused, strict numbers, escaping, capabilities, and stepping into a
 * network namespace and back.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The library never prints, never exits and never reads a record.  A
 * function that can fail returns 0 or -errno; where the errno alone would
 * not tell a person what went wrong, it also fills a struct pw_why with
 * the reason in words ("is longer than 15 bytes", the kernel's extended
 * acknowledgement).  The front end that called it knows what it was
 * doing, and says so.
 */
#ifndef PODWIRE_UTIL_H
#define PODWIRE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The reason something was refused, as the end of a sentence: a
 * validator's "is longer than 15 bytes", an operation's "File exists
 * (kernel: ...)".  The caller owns it, so nothing returns a static
 * buffer; "" when there is nothing to add to the errno.
 */
struct pw_why {
	char text[512];
};

/*
 * Set the reason and return false, so a validator can end with
 * `return pw_why_not(why, "is empty");`.  why may be NULL when the
 * caller only wants the answer.
 */
bool pw_why_not(struct pw_why *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The end of a validator built on reason strings: true when reason is
 * NULL, else false with the reason in why (copied unless it already lives
 * there).
 */
bool pw_why_from(struct pw_why *why, const char *reason);

/* Copy with truncation; returns strlen(src) like BSD strlcpy. */
size_t pw_strlcpy(char *dst, const char *src, size_t size);

/*
 * FNV-1a, 32 bits, over s, continuing from h (PW_FNV1A_BASIS to start):
 * short, and stable across versions and machines, for names derived
 * from names.
 */
#define PW_FNV1A_BASIS 2166136261u
uint32_t pw_fnv1a(uint32_t h, const char *s);

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

/* The monotonic clock now, to measure from with pw_ms_since(). */
struct timespec pw_clock(void);
/* Milliseconds since start (a pw_clock()), with their fraction. */
double pw_ms_since(const struct timespec *start);

/* "1b2c...-...": the kernel's id of this boot, 36 characters and NUL. */
#define PW_BOOT_ID_SIZE 37
/* This boot's id, read once; "" when /proc does not say. */
const char *pw_boot_id(void);

/* The network namespace of the calling thread. */
#define PW_SELF_NETNS "/proc/thread-self/ns/net"

/*
 * Run fn(arg) inside the network namespace of fd and come back.  Sockets
 * and /proc/sys/net belong to the namespace of whoever makes or opens
 * them, so this is how the program reaches into a pod without moving
 * there.  fd may be a namespace file or a pidfd (setns(2), Linux 5.8).
 * Returns fn's result, or -errno when the namespace can't be entered.
 */
int pw_in_netns(int fd, int (*fn)(void *), void *arg);

/*
 * Go back to the namespace here (an fd of PW_SELF_NETNS opened before
 * leaving).  Failing to would leave the program acting in the wrong
 * namespace, where every later change would land on someone else's
 * network; that is the one failure the library answers with abort().
 */
void pw_netns_return(int here);

#endif
