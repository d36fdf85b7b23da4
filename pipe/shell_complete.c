// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shell_complete.c - the words Tab offers and the help '?' prints, from
 * the command table, the programs' option tables and live kernel state.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "ns.h"
#include "ns_cache.h"
#include "shell_complete.h"
#include "shell_words.h"

/* Where the cursor is, in the words of its pipeline stage. */
enum spot_kind {
	SPOT_NOTHING, /* a !command, a pod-inspect --exec command, free text */
	SPOT_COMMAND, /* the name of a command */
	SPOT_OPTION, /* a word starting with '-' */
	SPOT_VALUE, /* the value of opt */
	SPOT_OPERAND,
};

struct spot {
	enum spot_kind kind;
	const struct shell_cmd *cmd;
	const struct cli_opt *opt; /* SPOT_VALUE */
	enum cli_value value; /* SPOT_VALUE, SPOT_OPERAND */
	const char *prefix; /* what the candidates must start with */
	const char *netns; /* where links and bridges are looked up */
	struct shell_toks toks;
};

/* The first token of the stage the text ends in; -1 after a !command. */
static long stage_start(const struct shell_toks *t)
{
	for (size_t i = t->n; i > 0; i--) {
		if (t->v[i - 1].type == SHELL_TOK_BANG)
			return -1;
		if (t->v[i - 1].type != SHELL_TOK_WORD)
			return (long)i;
	}
	return 0;
}

/*
 * The first operand of a line that takes two, the first a source that may
 * be the host (pod-inspect --trace SRC DST; not after --pid, which is
 * the source).
 */
static bool first_of_two(const struct shell_cmd *cmd,
			 const struct shell_walk *w)
{
	return !w->noperands && cmd->target_first_with &&
	       shell_walk_seen(cmd, w, cmd->target_first_with) &&
	       !(cmd->targetless && shell_walk_seen(cmd, w, cmd->targetless));
}

static void program_spot(const struct shell *sh, struct spot *s, int argc,
			 char **argv)
{
	const struct shell_cmd *cmd = s->cmd;
	const char *cur = s->prefix, *eq;
	struct shell_walk w;

	shell_walk(cmd, argc, argv, &w);
	s->netns = w.netns			   ? w.netns :
		   cmd->context == SHELL_CTX_NETNS ? sh->context :
						     NULL;
	if (w.command_at)
		return;
	if (w.value_of) {
		s->kind = SPOT_VALUE;
		s->opt = w.value_of;
		s->value = cli_opt_value(w.value_of);
	} else if (!strncmp(cur, "--", 2) && (eq = strchr(cur, '='))) {
		if (shell_find_long(cmd, cur + 2, (size_t)(eq - cur - 2),
				    &s->opt) < 0)
			return;
		s->kind = SPOT_VALUE;
		s->value = cli_opt_value(s->opt);
		s->prefix = eq + 1;
	} else if (cur[0] == '-' && !w.dashdash) {
		s->kind = SPOT_OPTION;
	} else {
		if (cmd->max_operands && w.noperands >= (int)cmd->max_operands)
			return;
		s->kind = SPOT_OPERAND;
		s->value = w.noperands && cmd->later_operands ?
				   cmd->later_operands :
				   cmd->operand;
		if (cmd->operands_with &&
		    !shell_walk_seen(cmd, &w, cmd->operands_with))
			s->value = CLI_VALUE_TEXT;
		if (first_of_two(cmd, &w))
			s->value = CLI_VALUE_SOURCE;
	}
}

static void builtin_spot(struct spot *s, int argc)
{
	if (s->cmd->max_operands && argc - 1 >= (int)s->cmd->max_operands)
		return;
	s->kind = SPOT_OPERAND;
	s->value = s->cmd->operand;
}

/* Read the line up to the cursor into *s; s->toks is to be freed. */
static void find_spot(const struct shell *sh, const char *line, size_t point,
		      struct spot *s)
{
	long start;
	int argc = 0;
	char *argv[256];

	memset(s, 0, sizeof(*s));
	s->prefix = "";
	shell_lex(line, point, false, &s->toks, NULL);
	start = stage_start(&s->toks);
	if (start < 0)
		return;
	for (size_t i = (size_t)start; i < s->toks.n && argc < 255; i++)
		argv[argc++] = s->toks.v[i].text;
	if (s->toks.word_open && argc)
		s->prefix = argv[--argc];
	argv[argc] = NULL;
	if (!argc) {
		s->kind = SPOT_COMMAND;
		return;
	}
	s->cmd = shell_find(sh, argv[0]);
	if (s->cmd && s->cmd->prog)
		program_spot(sh, s, argc, argv);
	else if (s->cmd)
		builtin_spot(s, argc);
}

/* ---- Candidates --------------------------------------------------------- */

static void add(struct shell_cands *c, const char *prefix, const char *word)
{
	if (strncmp(word, prefix, strlen(prefix)))
		return;
	c->v = pw_xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	c->v[c->n++] = pw_xstrdup(word);
}

static void add_namespaces(struct shell_cands *c, const char *prefix,
			   const char *suffix)
{
	char **names, word[300];
	size_t n;

	if (ns_names(&names, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		snprintf(word, sizeof(word), "%s%s", names[i], suffix);
		add(c, prefix, word);
	}
	ns_names_free(names, n);
}

/* The links of netns (NULL: the shell's own namespace), lo left out as no
 * command takes it; only bridges when bridges.  before goes in front of
 * each name: "pod1:" for veth-link's endpoints. */
static void add_links(struct shell_cands *c, const char *prefix,
		      const char *netns, bool bridges, const char *before)
{
	struct ns_handle h;
	struct nl_link *links;
	char word[300];
	size_t n;

	if (ns_peek(netns, &h))
		return;
	if (!nl_link_list(h.nl, &links, &n)) {
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(links[i].ifname, "lo") ||
			    (bridges && strcmp(links[i].kind, "bridge")))
				continue;
			snprintf(word, sizeof(word), "%s%s", before,
				 links[i].ifname);
			add(c, prefix, word);
		}
		free(links);
	}
	ns_cache_clear();
}

static void add_pids(struct shell_cands *c, const char *prefix)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (isdigit((unsigned char)de->d_name[0]))
			add(c, prefix, de->d_name);
	closedir(d);
}

static void add_endpoints(struct shell_cands *c, const char *prefix)
{
	const char *colon = strchr(prefix, ':');
	char netns[256], before[258];

	if (!colon) {
		add_namespaces(c, prefix, ":");
		c->no_space = c->n > 0;
		return;
	}
	/* After "pod1:", the namespace's interfaces, as "pod1:eth0". */
	snprintf(netns, sizeof(netns), "%.*s", (int)(colon - prefix), prefix);
	if (!name_netns_ok(netns, NULL))
		return;
	snprintf(before, sizeof(before), "%s:", netns);
	add_links(c, prefix, netns, false, before);
}

static void add_values(const struct shell *sh, const struct spot *s,
		       struct shell_cands *c)
{
	switch (s->value) {
	case CLI_VALUE_NETNS:
		add_namespaces(c, s->prefix, "");
		break;
	case CLI_VALUE_SOURCE:
		add_namespaces(c, s->prefix, "");
		add(c, s->prefix, "host");
		break;
	case CLI_VALUE_LINK:
	case CLI_VALUE_BRIDGE:
		add_links(c, s->prefix, s->netns, s->value == CLI_VALUE_BRIDGE,
			  "");
		break;
	case CLI_VALUE_PID:
		add_pids(c, s->prefix);
		break;
	case CLI_VALUE_ENDPOINT:
		add_endpoints(c, s->prefix);
		break;
	case CLI_VALUE_COMMAND:
		for (const struct shell_cmd *cmd = sh->cmds; cmd->name; cmd++)
			add(c, s->prefix, cmd->name);
		break;
	case CLI_VALUE_ON_OFF:
		add(c, s->prefix, "on");
		add(c, s->prefix, "off");
		break;
	case CLI_VALUE_TEXT:
		break;
	}
}

static void add_options(const struct spot *s, struct shell_cands *c)
{
	const struct cli_opt *opts[SHELL_WALK_OPTS];
	size_t n = cli_prog_opts(s->cmd->prog, opts, SHELL_WALK_OPTS);
	char word[80];

	for (size_t i = 0; i < n && i < SHELL_WALK_OPTS; i++) {
		snprintf(word, sizeof(word), "--%s", opts[i]->name);
		add(c, s->prefix, word);
		if (opts[i]->val < CLI_LONG_ONLY) {
			snprintf(word, sizeof(word), "-%c", opts[i]->val);
			add(c, s->prefix, word);
		}
	}
}

static int cmp_words(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_unique(struct shell_cands *c)
{
	size_t out = 0;

	if (!c->n)
		return;
	qsort(c->v, c->n, sizeof(*c->v), cmp_words);
	for (size_t i = 0; i < c->n; i++) {
		if (out && !strcmp(c->v[out - 1], c->v[i])) {
			free(c->v[i]);
			continue;
		}
		c->v[out++] = c->v[i];
	}
	c->n = out;
}

static void candidates(const struct shell *sh, const struct spot *s,
		       struct shell_cands *c)
{
	memset(c, 0, sizeof(*c));
	if (s->kind == SPOT_COMMAND)
		for (const struct shell_cmd *cmd = sh->cmds; cmd->name; cmd++)
			add(c, s->prefix, cmd->name);
	else if (s->kind == SPOT_OPTION)
		add_options(s, c);
	else if (s->kind == SPOT_VALUE || s->kind == SPOT_OPERAND)
		add_values(sh, s, c);
	sort_unique(c);
}

void shell_complete(const struct shell *sh, const char *line, size_t point,
		    struct shell_cands *out)
{
	struct spot s;

	find_spot(sh, line, point, &s);
	candidates(sh, &s, out);
	shell_toks_free(&s.toks);
}

void shell_cands_free(struct shell_cands *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* ---- '?' ---------------------------------------------------------------- */

/* The names, wrapped in lines of about 78 columns. */
static void print_words(const struct shell_cands *c)
{
	size_t col = 0;

	for (size_t i = 0; i < c->n; i++) {
		size_t len = strlen(c->v[i]);

		if (col && col + 1 + len > 78) {
			putchar('\n');
			col = 0;
		}
		printf("%s%s", col ? " " : "  ", c->v[i]);
		col += len + (col ? 1 : 2);
	}
	if (col)
		putchar('\n');
}

static void describe_commands(const struct shell *sh, const char *prefix)
{
	for (const struct shell_cmd *cmd = sh->cmds; cmd->name; cmd++)
		if (!strncmp(cmd->name, prefix, strlen(prefix)))
			printf("  %-12s %s\n", cmd->name, shell_summary(cmd));
}

static bool starts_with(const char *word, const char *prefix)
{
	return !strncmp(word, prefix, strlen(prefix));
}

static void describe_options(const struct spot *s)
{
	const struct cli_opt *opts[SHELL_WALK_OPTS];
	size_t n = cli_prog_opts(s->cmd->prog, opts, SHELL_WALK_OPTS);

	for (size_t i = 0; i < n && i < SHELL_WALK_OPTS; i++) {
		char longname[80], shortname[3] = { '-', '\0', '\0' };

		snprintf(longname, sizeof(longname), "--%s", opts[i]->name);
		if (opts[i]->val < CLI_LONG_ONLY)
			shortname[1] = (char)opts[i]->val;
		if (starts_with(longname, s->prefix) ||
		    (shortname[1] && starts_with(shortname, s->prefix)))
			cli_usage_opt(s->cmd->prog, opts[i]);
	}
}

/* The synopsis: "netns-new [options] <name>..." lines. */
static void describe_usage(const struct shell_cmd *cmd)
{
	const char *line = cmd->prog ? cmd->prog->usage : cmd->args;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		int len = end ? (int)(end - line) : (int)strlen(line);

		printf("  %s %.*s\n", cmd->name, len, line);
		line = end ? end + 1 : NULL;
	}
}

void shell_describe(const struct shell *sh, const char *line, size_t point)
{
	struct shell_cands c;
	struct spot s;

	find_spot(sh, line, point, &s);
	candidates(sh, &s, &c);
	switch (s.kind) {
	case SPOT_COMMAND:
		describe_commands(sh, s.prefix);
		break;
	case SPOT_OPTION:
		describe_options(&s);
		break;
	case SPOT_VALUE:
		cli_usage_opt(s.cmd->prog, s.opt);
		print_words(&c);
		break;
	case SPOT_OPERAND:
		if (!s.prefix[0]) {
			describe_usage(s.cmd);
			if (s.cmd->prog)
				describe_options(&s);
		}
		print_words(&c);
		break;
	case SPOT_NOTHING:
		if (s.cmd)
			describe_usage(s.cmd);
		break;
	}
	shell_cands_free(&c);
	shell_toks_free(&s.toks);
	fflush(stdout);
}
