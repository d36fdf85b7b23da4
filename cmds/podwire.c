// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * podwire - the suite as one shell: every program a command, run in
 * process through its *_main(), with a context namespace, pipes between
 * commands, help, Tab and '?' from the programs' own option tables.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   podwire                          a session at a terminal (readline)
 *   podwire CMD [ARG...]             one command, its exit status
 *   podwire -f FILE, podwire < FILE  a script: one command line a line
 *   podwire -c 'CMD; CMD'            a list of commands
 *
 * What the commands print is theirs; podwire itself writes only its
 * builtins' output (help, ls, history) and one-line errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmds.h"
#include "ns.h"
#include "podwire.h"
#include "shell_words.h"

enum {
	OPT_FILE = 'f',
	OPT_COMMAND = 'c',
	OPT_KEEP_GOING = CLI_LONG_ONLY,
};

/*
 * -n and --keep-going mean here what they mean to a shell, so they are
 * podwire's own lines, not the programs' shared ones.  cli_parse() still
 * checks -n's name and hands it back in cli_common.netns, as for every
 * program.
 */
static const struct cli_opt opts[] = {
	{ "file", OPT_FILE, required_argument, "<file>",
	  "run the command lines of a file, one a line" },
	{ "command", OPT_COMMAND, required_argument, "<commands>",
	  "run a list of commands separated by ';'" },
	{ "netns", 'n', required_argument, "<netns>",
	  "start in this namespace, as use does" },
	{ "keep-going", OPT_KEEP_GOING, no_argument, NULL,
	  "run every line of a script; exit 1 if any failed" },
	{ 0 },
};

static const struct cli_prog podwire_prog = {
	.name = "podwire",
	.usage = "[options]\n"
		 "[options] <command> [<arg>...]\n"
		 "[options] -f <file>\n"
		 "[options] -c <commands>",
	.summary = "The podwire programs as one shell: a session at a "
		   "terminal, one command, or a script.",
	.opts = opts,
	.stop_at_operand = true,
};

/* ---- Builtins ----------------------------------------------------------- */

static int builtin_usage(struct shell *sh, const char *what)
{
	shell_err(sh, "%s", what);
	return PW_EXIT_USAGE;
}

static int help_one(struct shell *sh, const char *name)
{
	const struct shell_cmd *cmd = shell_find(sh, name);
	char esc[MSG_ESC_SIZE];

	if (!cmd) {
		shell_err(sh, "help: unknown command '%s': help lists them",
			  msg_esc(name, esc));
		return PW_EXIT_USAGE;
	}
	if (cmd->prog) {
		cli_usage(cmd->prog);
	} else {
		printf("Usage:\n %s %s\n\n%s\n", cmd->name,
		       cmd->args ? cmd->args : "", cmd->summary);
	}
	return cli_close_stdout(PW_EXIT_OK);
}

static int builtin_help(struct shell *sh, int argc, char **argv)
{
	if (argc > 2)
		return builtin_usage(sh, "help: one command at a time");
	if (argc == 2)
		return help_one(sh, argv[1]);
	printf("Commands (CMD --help or help CMD for one):\n");
	for (const struct shell_cmd *cmd = sh->cmds; cmd->name; cmd++)
		printf("  %-12s %s\n", cmd->name, shell_summary(cmd));
	printf("\n'!CMD ARGS' runs a command in the context namespace; Tab "
	       "completes; '?' lists what may come next.\n");
	return cli_close_stdout(PW_EXIT_OK);
}

/* `use NETNS` (also podwire -n): only a namespace that is there. */
static int use_netns(struct shell *sh, const char *target)
{
	char esc[MSG_ESC_SIZE];
	struct pw_why why;
	int fd;

	if (!ns_target_ok(target, &why)) {
		shell_err(sh, "use: invalid namespace '%s': it %s",
			  msg_esc(target, esc), why.text);
		return PW_EXIT_USAGE;
	}
	fd = ns_open(target);
	if (fd < 0) {
		shell_err(sh, "use: cannot use namespace '%s': %s",
			  msg_esc(target, esc), ns_strerror(fd));
		return PW_EXIT_FAIL;
	}
	close(fd);
	shell_set_context(sh, target);
	return PW_EXIT_OK;
}

static int builtin_use(struct shell *sh, int argc, char **argv)
{
	if (argc > 2)
		return builtin_usage(sh, "use: one namespace at a time");
	if (argc == 1 || !strcmp(argv[1], "-")) {
		shell_set_context(sh, NULL);
		return PW_EXIT_OK;
	}
	return use_netns(sh, argv[1]);
}

static int builtin_ls(struct shell *sh, int argc, char **argv)
{
	char **names;
	size_t n;
	int err;

	if (argc > 1)
		return builtin_usage(sh, "ls: takes no arguments");
	err = ns_names(&names, &n);
	if (err) {
		shell_err(sh, "ls: cannot list %s: %s", PW_NETNS_RUN_DIR,
			  strerror(-err));
		return PW_EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s %s\n",
		       sh->context && !strcmp(sh->context, names[i]) ? "*" :
								       " ",
		       names[i]);
	ns_names_free(names, n);
	return cli_close_stdout(PW_EXIT_OK);
}

/* `explain on|off`: every later change also as ip/nft commands. */
static int builtin_explain(struct shell *sh, int argc, char **argv)
{
	char esc[MSG_ESC_SIZE], what[128];

	if (argc > 2)
		return builtin_usage(sh, "explain: on or off");
	if (argc == 1) {
		printf("explain %s\n", cli_explaining_always() ? "on" : "off");
		return cli_close_stdout(PW_EXIT_OK);
	}
	if (strcmp(argv[1], "on") && strcmp(argv[1], "off")) {
		snprintf(what, sizeof(what),
			 "explain: invalid '%s': give on or off",
			 msg_esc(argv[1], esc));
		return builtin_usage(sh, what);
	}
	cli_explain_always(!strcmp(argv[1], "on"));
	return PW_EXIT_OK;
}

static int builtin_exit(struct shell *sh, int argc, char **argv)
{
	char esc[MSG_ESC_SIZE], what[128];
	uint32_t status;

	if (argc > 2)
		return builtin_usage(sh, "exit: one status at most");
	if (argc == 2 && pw_parse_u32(argv[1], 255, &status)) {
		snprintf(what, sizeof(what),
			 "exit: invalid status '%s': give "
			 "0-255",
			 msg_esc(argv[1], esc));
		return builtin_usage(sh, what);
	}
	sh->quit = true;
	return argc == 2 ? (int)status : sh->status;
}

/*
 * Careful: `help` lists the commands in this order.  A program's row
 * takes its summary and options from its own cli_prog; how the context
 * reaches it follows from whether it takes -n (see commands_init()).
 */
static struct shell_cmd commands[] = {
	{ .name = "netns-new",
	  .prog = &netns_new_prog,
	  .main = netns_new_main,
	  .operand = CLI_VALUE_NETNS,
	  .operands_with = " delete exist-ok " },
	{ .name = "veth-link",
	  .prog = &veth_link_prog,
	  .main = veth_link_main,
	  .operand = CLI_VALUE_ENDPOINT,
	  .max_operands = 2 },
	{ .name = "br-attach",
	  .prog = &br_attach_prog,
	  .main = br_attach_main,
	  .operand = CLI_VALUE_BRIDGE,
	  .later_operands = CLI_VALUE_LINK },
	{ .name = "nat-out", .prog = &nat_out_prog, .main = nat_out_main },
	{ .name = "pod-inspect",
	  .prog = &pod_inspect_prog,
	  .main = pod_inspect_main,
	  .context = SHELL_CTX_TARGET,
	  .operand = CLI_VALUE_NETNS,
	  .max_operands = 2, /* --trace SRC DST */
	  .targetless = " pid tree dot ",
	  .target_first_with = " trace ",
	  .command_after = "exec" },
	{ .name = "veth-prune",
	  .prog = &veth_prune_prog,
	  .main = veth_prune_main },
	{ .name = "use",
	  .run = builtin_use,
	  .args = "[<netns>|-]",
	  .summary = "Act inside a namespace from now on; none or - is the "
		     "host.",
	  .operand = CLI_VALUE_NETNS,
	  .max_operands = 1,
	  .own_context = true },
	{ .name = "ls",
	  .run = builtin_ls,
	  .args = "",
	  .summary = "List the named namespaces; * marks the context." },
	{ .name = "explain",
	  .run = builtin_explain,
	  .args = "[on|off]",
	  .summary = "Write each later change as the ip/nft commands it "
		     "equals, to stderr (on), or stop (off).",
	  .operand = CLI_VALUE_ON_OFF,
	  .max_operands = 1 },
	{ .name = "help",
	  .run = builtin_help,
	  .args = "[<command>]",
	  .summary = "List the commands, or show one's usage.",
	  .operand = CLI_VALUE_COMMAND,
	  .max_operands = 1 },
	{ .name = "history",
	  .run = podwire_history,
	  .args = "",
	  .summary = "List the command lines typed, oldest first." },
	{ .name = "exit",
	  .run = builtin_exit,
	  .args = "[<status>]",
	  .summary = "Leave, with the last command's status unless given." },
	{ .name = "quit",
	  .run = builtin_exit,
	  .args = "[<status>]",
	  .summary = "The same as exit." },
	{ 0 },
};

/* A program that takes -n gets the context as -n, unless its row says. */
static void commands_init(void)
{
	for (struct shell_cmd *c = commands; c->name; c++)
		if (c->prog && c->context == SHELL_CTX_NONE &&
		    (c->prog->shared & CLI_NETNS))
			c->context = SHELL_CTX_NETNS;
}

/* ---- Lines -------------------------------------------------------------- */

static bool parse_line(struct shell *sh, const char *text,
		       struct shell_line *line)
{
	struct shell_syntax err;

	if (!shell_parse(text, line, &err))
		return true;
	shell_err(sh, "%s at column %zu", err.what, err.column);
	sh->status = PW_EXIT_USAGE;
	return false;
}

int podwire_run_typed(struct shell *sh, const char *text)
{
	struct shell_line line;

	if (!parse_line(sh, text, &line))
		return sh->status;
	for (size_t i = 0; i < line.n && !sh->quit; i++)
		shell_run(sh, &line.v[i]);
	shell_line_free(&line);
	return sh->status;
}

/* The last stage's name, for "FILE:LINE: NAME exited with status N". */
static const char *pipeline_name(const struct shell_pipeline *p)
{
	return p->sh_command ? "!command" : p->stages[p->n - 1].argv[0];
}

/* One script line: its pipelines in order, up to the first that fails
 * (all of them with --keep-going).  0, or the status of a failure. */
static int run_script_line(struct shell *sh, const char *text, bool keep_going)
{
	struct shell_line line;
	int failed = 0;

	if (!parse_line(sh, text, &line))
		return sh->status;
	for (size_t i = 0; i < line.n && !sh->quit; i++) {
		int st = shell_run(sh, &line.v[i]);

		if (!st || sh->quit)
			continue;
		if (!sh->own_error)
			pw_err("%s: %s exited with status %d", sh->where,
			       pipeline_name(&line.v[i]), st);
		failed = st;
		if (!keep_going)
			break;
	}
	shell_line_free(&line);
	return failed;
}

/*
 * Like ip -batch and nft -f: the first failing line stops the run with
 * its status; --keep-going runs every line and exits 1 if any failed.
 */
static int run_script(struct shell *sh, FILE *in, const char *source,
		      bool keep_going)
{
	unsigned long lineno = 0;
	char *text = NULL, where[PATH_MAX + 32];
	size_t cap = 0;
	bool any_failed = false;
	ssize_t len;
	int st = PW_EXIT_OK;

	while (!sh->quit && (len = getline(&text, &cap, in)) >= 0) {
		lineno++;
		if (len && text[len - 1] == '\n')
			text[len - 1] = '\0';
		snprintf(where, sizeof(where), "%s:%lu", source, lineno);
		sh->where = where;
		st = run_script_line(sh, text, keep_going);
		any_failed |= st != 0;
		if (st && !keep_going)
			break;
	}
	sh->where = NULL;
	free(text);
	if (sh->quit)
		return sh->status;
	if (keep_going)
		return any_failed ? PW_EXIT_FAIL : PW_EXIT_OK;
	return st;
}

static int run_file(struct shell *sh, const char *path, bool keep_going)
{
	char esc[MSG_ESC_SIZE];
	FILE *f = fopen(path, "re");
	int st;

	if (!f) {
		pw_err("cannot read '%s': %s", msg_esc(path, esc),
		       strerror(errno));
		return PW_EXIT_FAIL;
	}
	sh->script_fd = fileno(f);
	st = run_script(sh, f, path, keep_going);
	sh->script_fd = -1;
	fclose(f);
	return st;
}

static int run_commands(struct shell *sh, const char *commands_text,
			bool keep_going)
{
	FILE *f = fmemopen((void *)commands_text, strlen(commands_text), "r");
	int st;

	if (!f) {
		pw_err("cannot read -c: %s", strerror(errno));
		return PW_EXIT_FAIL;
	}
	st = run_script(sh, f, "-c", keep_going);
	fclose(f);
	return st;
}

/* podwire CMD ARG...: the words are already split, by the caller's shell. */
static int run_one(struct shell *sh, int argc, char **argv)
{
	struct shell_stage stage = { argc, argv };
	struct shell_pipeline p = { .stages = &stage, .n = 1 };

	return shell_run(sh, &p);
}

/* ---- main --------------------------------------------------------------- */

struct podwire_opts {
	const char *file;
	const char *commands;
	const char *netns; /* cli_common.netns */
	bool keep_going;
};

static int take_option(int val, const char *arg, void *ctx)
{
	struct podwire_opts *o = ctx;

	if (val == OPT_FILE)
		o->file = arg;
	else if (val == OPT_COMMAND)
		o->commands = arg;
	else if (val == OPT_KEEP_GOING)
		o->keep_going = true;
	else
		return -1;
	return 0;
}

static int dispatch(struct shell *sh, const struct podwire_opts *o, int argc,
		    char **argv)
{
	int nargs = argc - optind;

	if ((o->file != NULL) + (o->commands != NULL) + (nargs > 0) > 1) {
		pw_usage_err("a command, -f and -c go alone");
		return PW_EXIT_USAGE;
	}
	if (o->netns) {
		int st = use_netns(sh, o->netns);

		if (st)
			return st;
	}
	if (nargs)
		return run_one(sh, nargs, argv + optind);
	if (o->file)
		return run_file(sh, o->file, o->keep_going);
	if (o->commands)
		return run_commands(sh, o->commands, o->keep_going);
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		sh->interactive = true;
		return podwire_interactive(sh);
	}
	/* The script is stdin: the commands must not read it as records. */
	sh->stdin_is_script = true;
	return run_script(sh, stdin, "stdin", o->keep_going);
}

int main(int argc, char **argv)
{
	struct shell sh = { .cmds = commands, .script_fd = -1 };
	struct podwire_opts o = { 0 };
	struct cli_common c;
	int st = cli_parse(&podwire_prog, argc, argv, &c, take_option, &o);

	if (st >= 0)
		return st;
	o.netns = c.netns;
	commands_init();
	st = dispatch(&sh, &o, argc, argv);
	shell_set_context(&sh, NULL);
	return cli_close_stdout(st);
}
