/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shell.h - the podwire shell's command table and the state of a session.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * One table (bluez bt_shell's menu entries) drives everything the shell
 * does with a command: dispatch, `help`, the context it adds, and what
 * Tab and '?' offer.  A suite program's row points at its *_main() and at
 * the same struct cli_prog its --help comes from, so an option added to a
 * program is parsed, documented and completed with no change here.
 *
 * Lines are split into words by shell_words.h, run by shell_run.c, and
 * completed by shell_complete.c; the line editor and the builtins' own
 * code live with the front end (cmds/podwire*.c).
 */
#ifndef PODWIRE_SHELL_H
#define PODWIRE_SHELL_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"

struct shell;

/* How the context namespace (`use NETNS`) reaches a command. */
enum shell_context {
	SHELL_CTX_NONE, /* not at all */
	SHELL_CTX_NETNS, /* as -n NETNS, unless the line names -n */
	SHELL_CTX_TARGET, /* as the target, unless the line names one */
};

struct shell_cmd {
	const char *name;
	/* A suite program (prog, main) or a builtin (run, args, summary). */
	const struct cli_prog *prog;
	int (*main)(int argc, char **argv);
	int (*run)(struct shell *sh, int argc, char **argv);
	const char *args; /* a builtin's synopsis: "[<netns>|-]" */
	const char *summary; /* a builtin's one line */
	enum shell_context context;
	/*
	 * What the operands name, for Tab and '?': the first, and those after
	 * it (0: the same).  At most max_operands of them (0: any).  Named
	 * objects are offered only when one of the long options in
	 * operands_with (" delete exist-ok ") is on the line, when set.
	 */
	enum cli_value operand;
	enum cli_value later_operands;
	unsigned max_operands;
	const char *operands_with;
	/* SHELL_CTX_TARGET: long options that stand for a target. */
	const char *targetless;
	/* SHELL_CTX_TARGET: long options that take the target as the first
	 * of two operands (pod-inspect's " trace "): with one, the context
	 * comes before it. */
	const char *target_first_with;
	/* Long option after which (or after "--") a command of its own
	 * starts: pod-inspect's "exec". */
	const char *command_after;
	/* A builtin that deals with the context itself (use): it runs even
	 * when the context namespace is gone. */
	bool own_context;
};

struct shell {
	const struct shell_cmd *cmds; /* ends with { 0 } */
	char *context; /* the namespace `use` chose; NULL: the host */
	int status; /* of the last command */
	bool interactive; /* a person at a terminal */
	bool quit; /* exit or quit ran */
	/* Commands read the script on stdin: give them /dev/null. */
	bool stdin_is_script;
	/* The script file's descriptor (-1: none), closed in every child:
	 * the offset is shared, and a child's stdio must not move it. */
	int script_fd;
	bool interrupted; /* the last command ended on SIGINT */
	/* Script mode: "FILE:LINE", put before the shell's own errors. */
	const char *where;
	bool own_error; /* the last failure was reported by the shell */
};

struct shell_pipeline;

/*
 * Run one pipeline: every stage must name a command (else nothing runs,
 * exit 2); a builtin alone runs in the shell, anything else in children.
 * Returns the status, also kept in sh->status.
 */
int shell_run(struct shell *sh, const struct shell_pipeline *p);

/* "podwire: [WHERE: ]MESSAGE", and sh->own_error. */
void shell_err(struct shell *sh, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

const struct shell_cmd *shell_find(const struct shell *sh, const char *name);
/* The one line `help` shows for cmd. */
const char *shell_summary(const struct shell_cmd *cmd);

/*
 * Is the context namespace still there?  When it is gone, say so
 * ("PROG: context namespace 'pod1' is gone: why; back to the host"),
 * drop it and return false.
 */
bool shell_context_alive(struct shell *sh);
/* Set (a copy of ns) or clear (NULL) the context. */
void shell_set_context(struct shell *sh, const char *ns);

/* ---- What a command's words say, as getopt would read them --------- */

#define SHELL_WALK_OPTS 64

struct shell_walk {
	const struct cli_opt *value_of; /* the next word is its value */
	const char *netns; /* the value of -n/--netns */
	bool seen[SHELL_WALK_OPTS]; /* by index in cli_prog_opts() order */
	int noperands;
	bool dashdash; /* after "--": operands only */
	int command_at; /* index where command_after's command starts; 0 */
};

/*
 * Walk argv[1..argc-1] of cmd (a suite program) the way getopt_long reads
 * it: bundles of short options, "--name=value", unique prefixes of long
 * names.  A word that is no option of the table counts as an operand.
 */
void shell_walk(const struct shell_cmd *cmd, int argc, char **argv,
		struct shell_walk *w);
/* Was one of the long options in names (" pid tree ") on the line? */
bool shell_walk_seen(const struct shell_cmd *cmd, const struct shell_walk *w,
		     const char *names);
/*
 * The option whose long name is name[0..len), or a unique prefix of it as
 * getopt_long takes one: its index in cli_prog_opts() order, or -1 (none)
 * or -2 (ambiguous).
 */
int shell_find_long(const struct shell_cmd *cmd, const char *name, size_t len,
		    const struct cli_opt **out);

/*
 * argv with the context added where cmd takes it and the line did not
 * say otherwise; the array is the caller's to free (not its strings).
 */
char **shell_with_context(const struct shell *sh, const struct shell_cmd *cmd,
			  int argc, char **argv, int *out_argc);

#endif
