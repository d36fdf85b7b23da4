/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - the options every program shares, generated from one table.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * A program describes its own options in a table of struct cli_opt and
 * names the shared ones it takes (CLI_NETNS, CLI_JSON ...).  From that one
 * description cli_parse() builds the getopt_long() string and option array
 * and cli_usage() prints --help in util-linux's layout, so the help text
 * can't drift from what is parsed (nftables src/main.c does the same).
 */
#ifndef PODWIRE_CLI_H
#define PODWIRE_CLI_H

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>

#include "msg.h"
#include "rec.h"

/* Values for long-only options start above every char. */
#define CLI_LONG_ONLY (CHAR_MAX + 1)

struct cli_opt {
	const char *name; /* long name, without "--" */
	int val; /* short option char, or CLI_LONG_ONLY + n */
	int has_arg; /* no_argument / required_argument */
	const char *arg; /* placeholder in --help: "<name>" */
	const char *help; /* one line, no trailing period */
};

/* Shared options a program can take; each means the same in every one. */
enum {
	CLI_NETNS = 1 << 0, /* -n, --netns <name> */
	CLI_JSON = 1 << 1, /* -j, --json */
	CLI_QUIET = 1 << 2, /* -q, --quiet */
	CLI_DELETE = 1 << 3, /* -D, --delete */
	CLI_KEEP_GOING = 1 << 4, /* --keep-going */
	CLI_EXPLAIN = 1 << 5, /* --explain: the changes as ip/nft commands */
	CLI_DRY_RUN = 1 << 6, /* --dry-run: those commands, nothing changed */
};

struct cli_prog {
	const char *name;
	const char *usage; /* synopsis lines after the name, '\n'-separated */
	const char *summary; /* one description line */
	const struct cli_opt *opts; /* ends with { 0 } */
	unsigned shared; /* CLI_* */
	const char *delete_help; /* what -D does, for this program */
	bool stop_at_operand; /* '+': options end at the first operand */
};

struct cli_common {
	const char *netns;
	bool json;
	bool quiet;
	bool del;
	bool keep_going;
	bool explain;
	bool dry_run;
};

/*
 * Called for every option of the program's own table.  Returns 0, or -1
 * after printing a usage error with pw_usage_err().
 */
typedef int (*cli_opt_fn)(int val, const char *arg, void *ctx);

/*
 * Parse argv.  Returns -1 to carry on (operands start at optind), or the
 * exit status to return at once: 0 after --help or --version, 2 after a
 * usage error (already reported).  Resets getopt first, so a shell can
 * call it for command after command.
 */
int cli_parse(const struct cli_prog *p, int argc, char **argv,
	      struct cli_common *c, cli_opt_fn fn, void *ctx);

void cli_usage(const struct cli_prog *p);

/*
 * Every option p takes, in --help order (its own, the shared ones it
 * names, then --help and --version), into out: how many there are, which
 * may be more than max.  For the shell's completion and '?' help, so they
 * offer exactly what cli_parse() accepts.
 */
size_t cli_prog_opts(const struct cli_prog *p, const struct cli_opt **out,
		     size_t max);
/* The --help line's text of o: -D's is the program's own. */
const char *cli_opt_help(const struct cli_prog *p, const struct cli_opt *o);
/* o's line of --help, as cli_usage() prints it. */
void cli_usage_opt(const struct cli_prog *p, const struct cli_opt *o);

/*
 * What a value names, for the podwire shell's Tab and '?': the live
 * objects to offer.  An option's is read from its placeholder, so the
 * word --help shows is also what completes: <netns> (and -n's <name>),
 * <ifname>, <bridge>, <pid>.  Anything else is free text.
 */
enum cli_value {
	CLI_VALUE_TEXT = 0,
	CLI_VALUE_NETNS, /* a name under /run/netns */
	CLI_VALUE_LINK, /* an interface of the namespace acted in */
	CLI_VALUE_BRIDGE, /* a bridge of the namespace acted in */
	CLI_VALUE_PID, /* a running process */
	CLI_VALUE_ENDPOINT, /* NETNS:IFNAME, as veth-link takes it */
	CLI_VALUE_COMMAND, /* a podwire shell command */
	CLI_VALUE_ON_OFF, /* on or off: the shell's explain */
	CLI_VALUE_SOURCE, /* a name under /run/netns, or "host": --trace's */
};

enum cli_value cli_opt_value(const struct cli_opt *o);

static inline enum rec_format cli_format(const struct cli_common *c)
{
	return c->json ? REC_JSON : REC_TEXT;
}

/*
 * The shell's `explain on|off`: every later command that changes
 * something explains itself (explain.h) as with --explain.
 */
void cli_explain_always(bool on);
bool cli_explaining_always(void);

/*
 * Enter the namespace of -n/--netns for the rest of the program, like
 * `ip -n`.  Returns 0, or prints why not and returns an exit status.
 */
int cli_enter_netns(const struct cli_common *c);

/*
 * Flush and check stdout at exit (util-linux close_stdout()): a write that
 * failed turns into status 1; a closed pipe (EPIPE) stays quiet.
 */
int cli_close_stdout(int status);
/* A write to stdout failed and the program said so: the closing flush
 * then fails quietly, so a full disk is one line, not two. */
void cli_stdout_failed(void);

/*
 * An option's "A[,B]" (a value per family) into buf: *first, and *second
 * or NULL.  false when arg does not fit in buf.
 */
bool cli_split_pair(const char *arg, char *buf, size_t size, const char **first,
		    const char **second);

/*
 * Root is needed for changes; say so plainly, not as the kernel's EPERM
 * from somewhere deep inside.  Returns true
 * when every capability in the list is effective, else prints
 * "PROG: <what> needs root (CAP_...)" and returns false.
 */
bool cli_require_caps(const char *what, const int *caps, unsigned ncaps);

#endif
