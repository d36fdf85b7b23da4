// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * podwire_line.c - the podwire shell at a terminal: readline's prompt,
 * history, Tab, '?', Ctrl-C and Ctrl-D.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The only file that sees readline, and it uses only calls editline has
 * too, but for rl_replace_line(), which Ctrl-C needs to clear the line.
 * readline's callback interface lets the shell wait on the terminal and
 * on a signalfd for SIGINT together: Ctrl-C at the prompt clears the
 * line, and while a command runs, SIGINT stays blocked here and ends
 * only the command (its child has the default action back).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "podwire.h"
#include "shell_complete.h"
#include "shell_words.h"

/* vtysh keeps 1000 lines too. */
#define HISTORY_LINES 1000

/* readline's callbacks take no argument: the one session there is. */
static struct shell *session;
static char *line_read;
static bool line_ready;
static int sigint_fd = -1;

static struct {
	char path[PATH_MAX];
	bool known;
	bool warned; /* one warning per session, never a failure */
} history;

/* ---- History ------------------------------------------------------------ */

static void history_warn(const char *doing, int err)
{
	if (history.warned)
		return;
	history.warned = true;
	pw_err("cannot %s history %s: %s", doing, history.path, strerror(err));
}

/* $XDG_STATE_HOME/podwire/history, by default ~/.local/state/... */
static bool history_find_path(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (state && state[0] == '/')
		n = snprintf(history.path, sizeof(history.path),
			     "%s/podwire/history", state);
	else if (home && home[0] == '/')
		n = snprintf(history.path, sizeof(history.path),
			     "%s/.local/state/podwire/history", home);
	else
		return false;
	return n > 0 && (size_t)n < sizeof(history.path);
}

/* mkdir -p of the history file's directory, 0700 as XDG asks. */
static int history_make_dir(void)
{
	char dir[PATH_MAX];

	pw_strlcpy(dir, history.path, sizeof(dir));
	*strrchr(dir, '/') = '\0';
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return errno;
		*p = c;
		if (!c)
			return 0;
	}
}

static void history_load(void)
{
	int err;

	stifle_history(HISTORY_LINES);
	history.known = history_find_path();
	if (!history.known)
		return;
	err = read_history(history.path);
	if (err && err != ENOENT)
		history_warn("read", err);
}

static void history_save(void)
{
	int err;

	if (!history.known)
		return;
	err = history_make_dir();
	if (!err)
		err = write_history(history.path);
	if (!err)
		err = history_truncate_file(history.path, HISTORY_LINES);
	if (err)
		history_warn("write", err);
}

/* Not kept: a line starting with a blank, or the same as the last one
 * (BIRD's add_history_dedup()). */
static void history_keep(const char *line)
{
	HIST_ENTRY *last;

	if (!line[0] || line[0] == ' ' || line[0] == '\t')
		return;
	last = history_length ? history_get(history_base + history_length - 1) :
				NULL;
	if (last && !strcmp(last->line, line))
		return;
	add_history(line);
}

int podwire_history(struct shell *sh, int argc, char **argv)
{
	if (argc > 1) {
		shell_err(sh, "history: takes no arguments");
		return PW_EXIT_USAGE;
	}
	for (int i = 0; i < history_length; i++) {
		HIST_ENTRY *e = history_get(history_base + i);

		if (e)
			printf("%5d  %s\n", history_base + i, e->line);
	}
	return cli_close_stdout(PW_EXIT_OK);
}

/* ---- Tab and '?' -------------------------------------------------------- */

static struct shell_cands completing;
static size_t completing_next;

static char *next_candidate(const char *text, int state)
{
	(void)text; /* the candidates already start with it */
	(void)state;
	if (completing_next >= completing.n)
		return NULL;
	return strdup(completing.v[completing_next++]);
}

static char **complete(const char *text, int start, int end)
{
	char **matches;

	(void)start;
	/* Never fall back to file names (bluez shell_completion()). */
	rl_attempted_completion_over = 1;
	shell_complete(session, rl_line_buffer, (size_t)end, &completing);
	completing_next = 0;
	/* "pod1:" goes on with an interface name: no space after it. */
	rl_completion_append_character = completing.no_space ? '\0' : ' ';
	matches = rl_completion_matches(text, next_candidate);
	shell_cands_free(&completing);
	return matches;
}

/* '?' inside quotes or a !command is a '?' (a glob, a question). */
static bool question_is_literal(void)
{
	struct shell_toks t;
	bool literal;

	shell_lex(rl_line_buffer, (size_t)rl_point, false, &t, NULL);
	literal = t.open_quote || (t.n && t.v[t.n - 1].type == SHELL_TOK_BANG);
	shell_toks_free(&t);
	return literal;
}

static int describe_key(int count, int key)
{
	if (question_is_literal())
		return rl_insert(count, key);
	rl_crlf();
	shell_describe(session, rl_line_buffer, (size_t)rl_point);
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

/* ---- Reading a line ----------------------------------------------------- */

static void line_done(char *line)
{
	rl_callback_handler_remove();
	line_read = line;
	line_ready = true;
}

static void drain_sigint(void)
{
	struct signalfd_siginfo si;

	while (read(sigint_fd, &si, sizeof(si)) == sizeof(si))
		;
}

/* Ctrl-C at the prompt: the line is dropped, a fresh prompt follows. */
static void clear_line(void)
{
	rl_callback_sigcleanup();
	rl_replace_line("", 0);
	rl_crlf();
	rl_on_new_line();
	rl_redisplay();
}

/* The line, or NULL at Ctrl-D (end of input). */
static char *read_line(const char *prompt)
{
	line_ready = false;
	line_read = NULL;
	drain_sigint(); /* a Ctrl-C that stopped the last command */
	rl_callback_handler_install(prompt, line_done);
	while (!line_ready) {
		struct pollfd fds[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = sigint_fd, .events = POLLIN },
		};

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			rl_callback_handler_remove();
			break;
		}
		if (fds[1].revents & POLLIN) {
			drain_sigint();
			clear_line();
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
			rl_callback_read_char();
	}
	return line_read;
}

/* podwire> , podwire(pod1)> , podwire[1]> , podwire(pod1)[1]>  */
static void make_prompt(const struct shell *sh, char *buf, size_t size)
{
	char esc[MSG_ESC_SIZE], status[16] = "";

	if (sh->status)
		snprintf(status, sizeof(status), "[%d]", sh->status);
	if (sh->context)
		snprintf(buf, size, "podwire(%s)%s> ",
			 msg_esc(sh->context, esc), status);
	else
		snprintf(buf, size, "podwire%s> ", status);
}

/* ---- The session -------------------------------------------------------- */

static int signals_setup(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return -errno;
	sigint_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sigint_fd < 0)
		return -errno;
	/* As bash does at a prompt: Ctrl-\ does not end the session. */
	signal(SIGQUIT, SIG_IGN);
	return 0;
}

static void readline_setup(void)
{
	rl_readline_name = "podwire";
	rl_catch_signals = 0; /* SIGINT comes through the signalfd */
	rl_attempted_completion_function = complete;
	/* ':' is not a break: "pod1:eth0" is one word to complete. */
	rl_completer_word_break_characters = " \t\n|;=";
	rl_completer_quote_characters = "'\"";
	rl_bind_key('?', describe_key);
}

int podwire_interactive(struct shell *sh)
{
	char prompt[MSG_ESC_SIZE + 32];
	sigset_t old;
	int err = signals_setup(&old);

	if (err) {
		pw_err("cannot set up the terminal's signals: %s",
		       strerror(-err));
		return PW_EXIT_FAIL;
	}
	session = sh;
	readline_setup();
	history_load();
	while (!sh->quit) {
		char *line;

		make_prompt(sh, prompt, sizeof(prompt));
		line = read_line(prompt);
		if (!line) {
			putchar('\n'); /* Ctrl-D: leave the prompt's line */
			break;
		}
		history_keep(line);
		podwire_run_typed(sh, line);
		if (sh->interrupted)
			putchar('\n'); /* after the ^C the terminal echoed */
		free(line);
	}
	history_save();
	clear_history();
	close(sigint_fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return sh->status;
}
