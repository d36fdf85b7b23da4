/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shell_complete.h - what may come at the cursor of a podwire shell line:
 * the words Tab offers and the help '?' prints.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Both read the same two tables: the shell's commands (shell.h) and each
 * program's options (cli.h, whose placeholders say what a value names).
 * Names are live: namespaces from /run/netns, interfaces and bridges from
 * an rtnetlink dump of the namespace the command would act in, PIDs from
 * /proc.  Nothing here offers a file name where a name is expected, and
 * nothing runs ip.
 */
#ifndef PODWIRE_SHELL_COMPLETE_H
#define PODWIRE_SHELL_COMPLETE_H

#include <stdbool.h>
#include <stddef.h>

#include "shell.h"

struct shell_cands {
	char **v; /* sorted, without duplicates */
	size_t n;
	/* A namespace ending in ':' for veth-link: the word goes on. */
	bool no_space;
};

/* The words that complete the one the cursor is in (line[0..point)). */
void shell_complete(const struct shell *sh, const char *line, size_t point,
		    struct shell_cands *out);
void shell_cands_free(struct shell_cands *c);

/* '?': print what may come at the cursor to stdout, the line untouched. */
void shell_describe(const struct shell *sh, const char *line, size_t point);

#endif
