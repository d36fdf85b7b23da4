// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * explain.c - the sink of explanations, and the quoting that makes them
 * runnable.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"

explain_fn *explain_sink;
bool explain_dry;
static void *sink_arg;
static const char *home;

void explain_to(explain_fn *fn, void *arg)
{
	explain_sink = fn;
	sink_arg = arg;
}

void explain_dry_run(bool on)
{
	explain_dry = on;
}

void explain_home(const char *netns)
{
	home = netns;
}

void explain_lines(const char *text)
{
	char line[EXPLAIN_LINE_MAX];

	while (explain_sink && text && *text) {
		size_t len = strcspn(text, "\n");

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, text, len);
		line[len] = '\0';
		explain_sink(sink_arg, line);
		text += len;
		text += strspn(text, "\n");
	}
}

void explain(const char *fmt, ...)
{
	char line[EXPLAIN_LINE_MAX];
	va_list ap;

	if (!explaining())
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	explain_lines(line);
}

/* Bytes a shell takes literally in a word. */
static bool shell_safe(const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_./:=@%+,-";

	return s[0] && s[strspn(s, safe)] == '\0';
}

const char *explain_quote(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	if (shell_safe(s)) {
		snprintf(buf, size, "%s", s);
		return buf;
	}
	if (size < 3) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	/* '...' with each ' as '\'': nothing inside is special.  A word
	 * too long for buf is cut, still closed: the caller's buffer is
	 * sized for the longest value it quotes. */
	buf[n++] = '\'';
	for (; *s; s++) {
		size_t len = *s == '\'' ? 4 : 1;

		if (n + len + 2 > size)
			break;
		if (*s == '\'')
			memcpy(buf + n, "'\\''", 4);
		else
			buf[n] = *s;
		n += len;
	}
	buf[n++] = '\'';
	buf[n] = '\0';
	return buf;
}

const char *explain_in(const char *netns, const char *tool, char *buf,
		       size_t size)
{
	char q[EXPLAIN_LINE_MAX / 2];
	bool ip = !strcmp(tool, "ip");

	if (!netns)
		netns = home;
	if (!netns)
		snprintf(buf, size, "%s", tool);
	else if (strchr(netns, '/'))
		snprintf(buf, size, "nsenter --net=%s %s",
			 explain_quote(netns, q, sizeof(q)), tool);
	else if (ip)
		snprintf(buf, size, "ip -n %s", netns);
	else
		snprintf(buf, size, "ip netns exec %s %s", netns, tool);
	return buf;
}
