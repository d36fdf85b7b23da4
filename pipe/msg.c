// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * msg.c - exit statuses, one-line error messages, allocation that says
 * when memory ran out.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lock.h"
#include "msg.h"
#include "statedir.h"

const char *pw_prog(void)
{
	return program_invocation_short_name;
}

void pw_verr(const char *fmt, va_list ap)
{
	/*
	 * Build the whole line first so that it reaches stderr in one write
	 * and never interleaves with another program's line in a pipeline.
	 */
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s: ", pw_prog());

	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	fprintf(stderr, "%s\n", line);
}

void pw_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pw_verr(fmt, ap);
	va_end(ap);
}

void pw_usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pw_verr(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", pw_prog());
}

static void out_of_memory(size_t n)
{
	fprintf(stderr, "%s: out of memory allocating %zu bytes\n", pw_prog(),
		n);
	abort();
}

void *pw_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory(n);
	return p;
}

void *pw_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory(n * size);
	return p;
}

void *pw_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		out_of_memory(n);
	return q;
}

char *pw_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		out_of_memory(strlen(s) + 1);
	return p;
}

const char *msg_esc(const char *s, char buf[MSG_ESC_SIZE])
{
	char raw[81];

	/* Long values are cut: the line must stay one readable line. */
	pw_strlcpy(raw, s ? s : "", sizeof(raw));
	return pw_escape(raw, buf, MSG_ESC_SIZE);
}

const char *msg_locked(const char *what, pid_t holder, char *buf, size_t size)
{
	if (holder > 0)
		snprintf(buf, size, "%s stayed locked for %d s, by PID %d",
			 what, LOCK_WAIT_MS / 1000, (int)holder);
	else
		snprintf(buf, size, "%s stayed locked for %d s", what,
			 LOCK_WAIT_MS / 1000);
	return buf;
}

int msg_lock_in(const char *doing, const char *dir, const char *name)
{
	char what[PATH_MAX], why[PATH_MAX + 64];
	int fd, err = statedir_lock_in(dir, name, &fd);

	if (!err)
		return fd;
	snprintf(what, sizeof(what), "%s/%s/%s", STATEDIR_ROOT, dir, name);
	if (err == -ETIMEDOUT)
		msg_locked(what, fd >= 0 ? lock_holder(fd) : 0, why,
			   sizeof(why));
	else
		snprintf(why, sizeof(why), "cannot lock %s: %s", what,
			 strerror(-err));
	if (fd >= 0)
		close(fd);
	pw_err("cannot %s: %s", doing, why);
	return -1;
}
