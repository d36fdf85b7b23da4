// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shell_run.c - run a podwire shell pipeline: each stage a suite program
 * called through its *_main() in a child of the shell, joined by pipes.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Why a child per stage, when the programs never call exit(): they keep
 * state for the length of a command (getopt's, the namespace cache, the
 * stdout-failed flag, signals held while a record is applied), a stage
 * may enter another namespace with -n for good, and Ctrl-C must stop the
 * command and not the shell.  A child starts from the shell's state and
 * takes all of that with it when it ends.  Builtins alone on a line run
 * in the shell itself, since `use` must change it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio_ext.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "shell.h"
#include "shell_words.h"

void shell_err(struct shell *sh, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (sh->where)
		pw_err("%s: %s", sh->where, line);
	else
		pw_err("%s", line);
	sh->own_error = true;
}

const struct shell_cmd *shell_find(const struct shell *sh, const char *name)
{
	for (const struct shell_cmd *c = sh->cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

const char *shell_summary(const struct shell_cmd *cmd)
{
	return cmd->prog ? cmd->prog->summary : cmd->summary;
}

void shell_set_context(struct shell *sh, const char *ns)
{
	free(sh->context);
	sh->context = ns ? pw_xstrdup(ns) : NULL;
}

bool shell_context_alive(struct shell *sh)
{
	char esc[MSG_ESC_SIZE];
	int fd;

	if (!sh->context)
		return true;
	fd = ns_open(sh->context);
	if (fd >= 0) {
		close(fd);
		return true;
	}
	shell_err(sh, "context namespace '%s' is gone: %s; back to the host",
		  msg_esc(sh->context, esc), ns_strerror(fd));
	shell_set_context(sh, NULL);
	return false;
}

/* ---- The words of a command, as getopt reads them ---------------------- */

struct opt_table {
	const struct cli_opt *v[SHELL_WALK_OPTS];
	size_t n;
};

static void load_opts(const struct shell_cmd *cmd, struct opt_table *t)
{
	t->n = cmd->prog ? cli_prog_opts(cmd->prog, t->v, SHELL_WALK_OPTS) : 0;
	if (t->n > SHELL_WALK_OPTS)
		t->n = SHELL_WALK_OPTS;
}

int shell_find_long(const struct shell_cmd *cmd, const char *name, size_t len,
		    const struct cli_opt **out)
{
	struct opt_table t;
	int found = -1;

	load_opts(cmd, &t);
	for (size_t i = 0; i < t.n; i++) {
		if (strncmp(t.v[i]->name, name, len))
			continue;
		if (strlen(t.v[i]->name) == len) {
			found = (int)i;
			break;
		}
		/* getopt_long takes a unique prefix; two make it ambiguous. */
		found = found == -1 ? (int)i : -2;
	}
	if (found >= 0 && out)
		*out = t.v[found];
	return found;
}

static int find_short(const struct opt_table *t, char c)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i]->val == c)
			return (int)i;
	return -1;
}

static void take_value(struct shell_walk *w, const struct cli_opt *o,
		       const char *value)
{
	if (cli_opt_value(o) == CLI_VALUE_NETNS)
		w->netns = value;
}

/* "--name[=value]" at argv[i].  false: the walk ends (a command starts). */
static bool long_word(const struct shell_cmd *cmd, struct shell_walk *w,
		      char **argv, int i)
{
	const char *name = argv[i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct cli_opt *o = NULL;
	int idx = shell_find_long(cmd, name, len, &o);

	if (idx < 0)
		return true;
	w->seen[idx] = true;
	if (cmd->command_after && !strcmp(o->name, cmd->command_after)) {
		w->command_at = i + 1;
		return false;
	}
	if (o->has_arg != required_argument)
		return true;
	if (eq)
		take_value(w, o, eq + 1);
	else
		w->value_of = o;
	return true;
}

/* "-abc", where an option that takes a value ends the bundle. */
static void short_bundle(const struct opt_table *t, struct shell_walk *w,
			 const char *word)
{
	for (size_t j = 1; word[j]; j++) {
		int idx = find_short(t, word[j]);

		if (idx < 0)
			continue;
		w->seen[idx] = true;
		if (t->v[idx]->has_arg != required_argument)
			continue;
		if (word[j + 1])
			take_value(w, t->v[idx], word + j + 1);
		else
			w->value_of = t->v[idx];
		return;
	}
}

void shell_walk(const struct shell_cmd *cmd, int argc, char **argv,
		struct shell_walk *w)
{
	struct opt_table t;

	memset(w, 0, sizeof(*w));
	load_opts(cmd, &t);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (w->value_of) {
			take_value(w, w->value_of, a);
			w->value_of = NULL;
		} else if (w->dashdash || a[0] != '-' || !a[1]) {
			w->noperands++;
			/* With '+', getopt stops at the first operand. */
			if (cmd->prog && cmd->prog->stop_at_operand)
				w->dashdash = true;
		} else if (!strcmp(a, "--")) {
			if (cmd->command_after) {
				w->command_at = i + 1;
				return;
			}
			w->dashdash = true;
		} else if (a[1] == '-') {
			if (!long_word(cmd, w, argv, i))
				return;
		} else {
			short_bundle(&t, w, a);
		}
	}
}

bool shell_walk_seen(const struct shell_cmd *cmd, const struct shell_walk *w,
		     const char *names)
{
	struct opt_table t;

	load_opts(cmd, &t);
	for (size_t i = 0; i < t.n; i++) {
		char padded[64];

		snprintf(padded, sizeof(padded), " %s ", t.v[i]->name);
		if (w->seen[i] && strstr(names, padded))
			return true;
	}
	return false;
}

/* Does the line take the target as the first of two operands? */
static bool target_first(const struct shell_cmd *cmd,
			 const struct shell_walk *w)
{
	return cmd->target_first_with &&
	       shell_walk_seen(cmd, w, cmd->target_first_with);
}

char **shell_with_context(const struct shell *sh, const struct shell_cmd *cmd,
			  int argc, char **argv, int *out_argc)
{
	char **out = pw_xcalloc((size_t)argc + 3, sizeof(*out));
	int add = 0, n = 0;
	struct shell_walk w;

	shell_walk(cmd, argc, argv, &w);
	if (sh->context && cmd->context == SHELL_CTX_NETNS && !w.netns)
		add = 2;
	if (sh->context && cmd->context == SHELL_CTX_TARGET &&
	    !(cmd->targetless && shell_walk_seen(cmd, &w, cmd->targetless)) &&
	    w.noperands == (target_first(cmd, &w) ? 1 : 0))
		add = 1;
	/* Right after the name: options come before the first operand, so
	 * even a program that stops at it ('+') reads them. */
	out[n++] = argv[0];
	if (add == 2)
		out[n++] = "-n";
	if (add)
		out[n++] = sh->context;
	for (int i = 1; i < argc; i++)
		out[n++] = argv[i];
	out[n] = NULL;
	*out_argc = n;
	return out;
}

/* ---- Children ----------------------------------------------------------- */

/* A child starts as a command run from bash would: default signals, none
 * blocked (the interactive shell blocks SIGINT for its signalfd). */
static void child_signals(void)
{
	static const int sigs[] = { SIGINT,  SIGQUIT,  SIGTSTP, SIGTTIN,
				    SIGTTOU, SIGWINCH, SIGPIPE, SIGTERM };
	sigset_t none;

	for (size_t i = 0; i < PW_ARRAY_SIZE(sigs); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int run_in_child(struct shell *sh, const struct shell_cmd *cmd, int argc,
			char **argv)
{
	int out_argc, st;
	char **out;

	/* Messages name the program, as when it runs on its own. */
	program_invocation_short_name = (char *)cmd->name;
	program_invocation_name = (char *)cmd->name;
	if (cmd->run)
		return cmd->run(sh, argc, argv);
	out = shell_with_context(sh, cmd, argc, argv, &out_argc);
	st = cmd->main(out_argc, out);
	free(out);
	return st;
}

static pid_t start_stage(struct shell *sh, const struct shell_cmd *cmd,
			 const struct shell_stage *st, int in, int out,
			 int unused)
{
	pid_t pid = fork();
	int status;

	if (pid != 0)
		return pid;
	child_signals();
	if (sh->script_fd > STDERR_FILENO)
		close(sh->script_fd);
	if (in != STDIN_FILENO) {
		dup2(in, STDIN_FILENO);
		close(in);
	}
	if (out != STDOUT_FILENO) {
		dup2(out, STDOUT_FILENO);
		close(out);
	}
	if (unused >= 0)
		close(unused);
	/*
	 * The child's stdio is a copy of the shell's: stdin may still hold
	 * what the shell buffered of a script, which is not this stage's
	 * input; and flushing every stream, as exit() would, moves the
	 * offset of the script file the shell shares with it.
	 */
	__fpurge(stdin);
	status = run_in_child(sh, cmd, st->argc, st->argv);
	fflush(stdout);
	fflush(stderr);
	_exit(status);
}

/* Bash's $?: the exit status, or 128 + the signal that ended it. */
static int wait_status(struct shell *sh, pid_t pid)
{
	int ws;

	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return PW_EXIT_FAIL;
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WTERMSIG(ws) == SIGINT)
		sh->interrupted = true;
	return 128 + WTERMSIG(ws);
}

static int first_stdin(struct shell *sh)
{
	int fd;

	if (!sh->stdin_is_script)
		return STDIN_FILENO;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return fd >= 0 ? fd : STDIN_FILENO;
}

static int run_stages(struct shell *sh, const struct shell_pipeline *p,
		      const struct shell_cmd **cmds)
{
	pid_t *pids = pw_xcalloc(p->n, sizeof(*pids));
	int in = first_stdin(sh), st = PW_EXIT_OK;
	size_t started = 0;

	fflush(NULL); /* nothing buffered is written twice */
	for (size_t i = 0; i < p->n; i++) {
		int fds[2] = { -1, STDOUT_FILENO };

		if (i + 1 < p->n && pipe2(fds, O_CLOEXEC) < 0) {
			shell_err(sh, "cannot make a pipe: %s",
				  strerror(errno));
			st = PW_EXIT_FAIL;
			break;
		}
		pids[i] = start_stage(sh, cmds[i], &p->stages[i], in, fds[1],
				      fds[0]);
		if (in != STDIN_FILENO)
			close(in);
		if (fds[1] != STDOUT_FILENO)
			close(fds[1]);
		in = fds[0];
		if (pids[i] < 0) {
			shell_err(sh, "cannot start %s: %s", cmds[i]->name,
				  strerror(errno));
			st = PW_EXIT_FAIL;
			break;
		}
		started++;
	}
	if (in != STDIN_FILENO && in >= 0)
		close(in);
	/* The pipeline's status is its last stage's, as in bash. */
	for (size_t i = 0; i < started; i++) {
		int s = wait_status(sh, pids[i]);

		if (i + 1 == p->n)
			st = s;
	}
	free(pids);
	return st;
}

static int run_sh_command(struct shell *sh, const char *command)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		shell_err(sh, "cannot start /bin/sh: %s", strerror(errno));
		return PW_EXIT_FAIL;
	}
	if (pid == 0) {
		int err = sh->context ? ns_enter_target(sh->context) : 0;
		int in = first_stdin(sh);

		child_signals();
		if (sh->script_fd > STDERR_FILENO)
			close(sh->script_fd);
		if (in != STDIN_FILENO)
			dup2(in, STDIN_FILENO);
		if (err) {
			pw_err("cannot enter namespace '%s': %s", sh->context,
			       ns_strerror(err));
			_exit(PW_EXIT_FAIL);
		}
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		pw_err("cannot run /bin/sh: %s", strerror(errno));
		_exit(errno == ENOENT ? PW_EXIT_NOT_FOUND :
					PW_EXIT_CANNOT_EXEC);
	}
	return wait_status(sh, pid);
}

/* Every stage names a command, or nothing runs. */
static bool find_all(struct shell *sh, const struct shell_pipeline *p,
		     const struct shell_cmd **cmds)
{
	char esc[MSG_ESC_SIZE];

	for (size_t i = 0; i < p->n; i++) {
		cmds[i] = shell_find(sh, p->stages[i].argv[0]);
		if (!cmds[i]) {
			shell_err(sh, "unknown command '%s': help lists them",
				  msg_esc(p->stages[i].argv[0], esc));
			return false;
		}
	}
	return true;
}

int shell_run(struct shell *sh, const struct shell_pipeline *p)
{
	const struct shell_cmd **cmds = NULL;
	int st;

	sh->interrupted = false;
	sh->own_error = false;
	if (!p->sh_command) {
		cmds = pw_xcalloc(p->n, sizeof(*cmds));
		if (!find_all(sh, p, cmds)) {
			free(cmds);
			return sh->status = PW_EXIT_USAGE;
		}
	}
	if (!(cmds && cmds[0]->own_context) && !shell_context_alive(sh))
		st = PW_EXIT_FAIL;
	else if (p->sh_command)
		st = run_sh_command(sh, p->sh_command);
	else if (cmds && p->n == 1 && cmds[0]->run)
		st = cmds[0]->run(sh, p->stages[0].argc, p->stages[0].argv);
	else
		st = run_stages(sh, p, cmds);
	free(cmds);
	return sh->status = st;
}
