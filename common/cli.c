// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli.c - the options every program shares, generated from one table.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ns.h"

#ifndef PODWIRE_VERSION
#define PODWIRE_VERSION "0.0.0"
#endif

enum {
	OPT_KEEP_GOING = CLI_LONG_ONLY + 200,
};

/* Careful: the order here is the order --help lists them in. */
static const struct cli_opt shared_opts[] = {
	{ "delete", 'D', no_argument, NULL, NULL },
	{ "netns", 'n', required_argument, "<name>",
	  "act inside this network namespace, like ip -n" },
	{ "json", 'j', no_argument, NULL, "write records as JSON lines" },
	{ "quiet", 'q', no_argument, NULL, "write nothing on success" },
	{ "keep-going", OPT_KEEP_GOING, no_argument, NULL,
	  "go on after a failed record; exit 1 at the end" },
};

static const unsigned shared_bits[] = {
	CLI_DELETE, CLI_NETNS, CLI_JSON, CLI_QUIET, CLI_KEEP_GOING,
};

static const struct cli_opt tail_opts[] = {
	{ "help", 'h', no_argument, NULL, "display this help" },
	{ "version", 'V', no_argument, NULL, "display version" },
};

static size_t count_opts(const struct cli_opt *o)
{
	size_t n = 0;

	while (o && o[n].name)
		n++;
	return n;
}

/* Visit every option the program takes, in --help order. */
static void each_opt(const struct cli_prog *p,
		     void (*fn)(const struct cli_opt *, const struct cli_prog *,
				void *),
		     void *arg)
{
	for (size_t i = 0; i < count_opts(p->opts); i++)
		fn(&p->opts[i], p, arg);
	for (size_t i = 0; i < PW_ARRAY_SIZE(shared_opts); i++)
		if (p->shared & shared_bits[i])
			fn(&shared_opts[i], p, arg);
	for (size_t i = 0; i < PW_ARRAY_SIZE(tail_opts); i++)
		fn(&tail_opts[i], p, arg);
}

struct getopt_build {
	char optstring[128];
	size_t olen;
	struct option longopts[64];
	size_t nlong;
};

static void add_getopt(const struct cli_opt *o, const struct cli_prog *p,
		       void *arg)
{
	struct getopt_build *b = arg;

	(void)p;
	if (b->nlong + 1 < PW_ARRAY_SIZE(b->longopts))
		b->longopts[b->nlong++] = (struct option){
			.name = o->name,
			.has_arg = o->has_arg,
			.val = o->val,
		};
	if (o->val < CLI_LONG_ONLY && b->olen + 3 < sizeof(b->optstring)) {
		b->optstring[b->olen++] = (char)o->val;
		if (o->has_arg == required_argument)
			b->optstring[b->olen++] = ':';
	}
}

static void print_opt(const struct cli_opt *o, const struct cli_prog *p,
		      void *arg)
{
	const char *help = o->help;
	char left[64];
	int n;

	(void)arg;
	if (o->val == 'D')
		help = p->delete_help;
	if (o->val < CLI_LONG_ONLY)
		n = snprintf(left, sizeof(left), " -%c, --%s", o->val, o->name);
	else
		n = snprintf(left, sizeof(left), "     --%s", o->name);
	if (o->arg && n > 0 && (size_t)n < sizeof(left))
		snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->arg);
	if (strlen(left) < 24)
		printf("%-24s %s\n", left, help ? help : "");
	else
		printf("%s\n%-24s %s\n", left, "", help ? help : "");
}

void cli_usage(const struct cli_prog *p)
{
	const char *line = p->usage;

	printf("Usage:\n");
	while (line && *line) {
		const char *end = strchr(line, '\n');
		int len = end ? (int)(end - line) : (int)strlen(line);

		printf(" %s %.*s\n", p->name, len, line);
		line = end ? end + 1 : NULL;
	}
	printf("\n%s\n\nOptions:\n", p->summary);
	each_opt(p, print_opt, NULL);
	printf("\nFor more details see %s(8).\n", p->name);
}

static int shared_option(int val, const char *arg, struct cli_common *c)
{
	struct pw_why why;
	const char *bad;

	switch (val) {
	case 'D':
		c->del = true;
		return 0;
	case 'j':
		c->json = true;
		return 0;
	case 'q':
		c->quiet = true;
		return 0;
	case OPT_KEEP_GOING:
		c->keep_going = true;
		return 0;
	case 'n':
		bad = ns_target_invalid(arg, &why);
		if (bad) {
			char esc[PW_ESCAPED_SIZE(80)];

			pw_usage_err("invalid namespace '%s': %s",
				     pw_escape(arg, esc, sizeof(esc)), bad);
			return -1;
		}
		c->netns = arg;
		return 0;
	}
	return 1; /* not a shared option */
}

int cli_parse(const struct cli_prog *p, int argc, char **argv,
	      struct cli_common *c, cli_opt_fn fn, void *ctx)
{
	struct getopt_build b = { .olen = 0 };
	int opt;

	memset(c, 0, sizeof(*c));
	if (p->stop_at_operand)
		b.optstring[b.olen++] = '+';
	b.optstring[b.olen++] = ':'; /* report a missing argument as ':' */
	each_opt(p, add_getopt, &b);
	b.optstring[b.olen] = '\0';

	optind = 0; /* a full reset of GNU getopt, for the shell */
	opterr = 0; /* our messages, in our format */
	while ((opt = getopt_long(argc, argv, b.optstring, b.longopts,
				  NULL)) != -1) {
		int r;

		if (opt == 'h') {
			cli_usage(p);
			return PW_EXIT_OK;
		}
		if (opt == 'V') {
			printf("%s from podwire %s\n", p->name,
			       PODWIRE_VERSION);
			return PW_EXIT_OK;
		}
		if (opt == '?' || opt == ':') {
			char esc[PW_ESCAPED_SIZE(64)];
			const char *word = argv[optind - 1];

			pw_escape(word, esc, sizeof(esc));
			if (opt == ':')
				pw_usage_err("option '%s' needs an argument",
					     esc);
			else if (optopt && optopt < CLI_LONG_ONLY &&
				 word[0] == '-' && word[1] != '-')
				pw_usage_err("invalid option '-%c'", optopt);
			else
				pw_usage_err("unrecognized option '%s'", esc);
			return PW_EXIT_USAGE;
		}
		r = shared_option(opt, optarg, c);
		if (r == 0)
			continue;
		if (r < 0 || fn(opt, optarg, ctx) < 0)
			return PW_EXIT_USAGE;
	}
	return -1;
}

int cli_enter_netns(const struct cli_common *c)
{
	int err;

	if (!c->netns)
		return PW_EXIT_OK;
	err = ns_enter_target(c->netns);
	if (err) {
		pw_err("cannot enter namespace '%s': %s", c->netns,
		       strerror(-err));
		return PW_EXIT_FAIL;
	}
	return PW_EXIT_OK;
}

int cli_close_stdout(int status)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return status;
		pw_err("write error on stdout: %s",
		       strerror(errno ? errno : EIO));
		return PW_EXIT_FAIL;
	}
	return status;
}

static const char *cap_name(int cap)
{
	switch (cap) {
	case CAP_NET_ADMIN:
		return "CAP_NET_ADMIN";
	case CAP_SYS_ADMIN:
		return "CAP_SYS_ADMIN";
	default:
		return "a capability";
	}
}

bool cli_require_caps(const char *what, const int *caps, unsigned ncaps)
{
	for (unsigned i = 0; i < ncaps; i++) {
		if (!pw_have_cap(caps[i])) {
			pw_err("%s needs root (%s is missing)", what,
			       cap_name(caps[i]));
			return false;
		}
	}
	return true;
}
