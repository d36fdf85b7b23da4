/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * explain.h - the iproute2, nft and sysctl commands equivalent to each
 * change the library makes, handed line by line to whoever asked.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The library never prints: a front end that wants the explanation
 * (--explain, the shell's `explain on`) gives explain_to() a function,
 * and every change that succeeds passes that function one complete shell
 * command a line, in the order the kernel saw the changes, quoted so that
 * `sh -e` of the lines rebuilds the same network.  Nothing is formatted
 * while no function is set: each place that explains asks explaining()
 * first, one load and one compare, so the fast path does not move.
 *
 * A line names the namespace it acts in the way a person would type it:
 * `ip -n NAME ...` and `ip netns exec NAME sysctl ...` for a name under
 * /run/netns, `nsenter --net=PATH ...` for a path, nothing for the
 * namespace the program acts in (or `-n HOME` when explain_home() says
 * the program was told to act in HOME, as with -n).
 *
 * Where one netlink message does what takes several commands (a veth
 * made with its peer in the pod's namespace; alias, MTU and address
 * generation in one change), the lines are the commands a person would
 * type, in an order that works.
 */
#ifndef PODWIRE_EXPLAIN_H
#define PODWIRE_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

typedef void explain_fn(void *arg, const char *line);

/* Hand every line to fn (NULL: stop explaining). */
void explain_to(explain_fn *fn, void *arg);

extern explain_fn *explain_sink;

static inline bool explaining(void)
{
	return explain_sink != NULL;
}

/*
 * The namespace the program acts in when it is not the one it started
 * in (-n NAME), so a command for "here" gets -n NAME; NULL: none.  The
 * string must outlive the explaining.
 */
void explain_home(const char *netns);

/* One line, or several separated by '\n', to the function. */
void explain_lines(const char *text);

/* printf into a line for the function; nothing when not explaining. */
void explain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The start of a command acting in netns (a name, a path, or NULL for
 * here) into buf: tool is "ip" ("ip -n pod1"), or any other program
 * ("ip netns exec pod1 sysctl", "nsenter --net=/proc/1/ns/net sysctl").
 * Returns buf.
 */
const char *explain_in(const char *netns, const char *tool, char *buf,
		       size_t size);

/* s as one shell word: as it is when it is safe, else in single quotes. */
const char *explain_quote(const char *s, char *buf, size_t size);

/*
 * --dry-run: every change is explained and none is made.  The places
 * that change anything ask dry_running() and then only explain: an
 * nl_commit() sends nothing, a sysctl is not written, the nft batch is
 * not sent, no namespace, intent, lock file or lease is made or removed.
 *
 * What the run would make does not exist, and later steps look for it:
 * a namespace that is not there is one an earlier stage of the pipeline
 * would make (ns_peek() gives an empty stand-in, whose queries find
 * nothing), and a link that is not there is one this run or an earlier
 * stage would make, which nl_plan_link() gives a stand-in index that
 * explanations name.  Lines that say what the plan assumes start with
 * '#', so the plan stays a script.
 */
extern bool explain_dry;

static inline bool dry_running(void)
{
	return explain_dry;
}

void explain_dry_run(bool on);

/* The longest line a change explains: an alias, quoted, with its command. */
#define EXPLAIN_LINE_MAX 1024

#endif
