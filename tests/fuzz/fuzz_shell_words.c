// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_shell_words.c - libFuzzer target for the podwire shell's line
 * syntax (pipe/shell_words.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The input, as a C string, goes to shell_parse() and, as bytes, to both
 * modes of shell_lex().  A parsed line must hold what a command can run:
 * every stage at least one word, argv NULL-terminated, a '!' command
 * non-empty; a refused line must say why at a column inside the line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shell_words.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const struct shell_line *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct shell_pipeline *p = &l->v[i];

		if (p->sh_command) {
			if (!p->sh_command[0])
				abort();
			continue;
		}
		if (!p->n)
			abort();
		for (size_t s = 0; s < p->n; s++)
			if (p->stages[s].argc < 1 ||
			    p->stages[s].argv[p->stages[s].argc])
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct shell_syntax err;
	struct shell_toks toks;
	struct shell_line line;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (shell_parse(s, &line, &err) == 0) {
		check_line(&line);
		shell_line_free(&line);
	} else if (!err.what[0] || err.column < 1 ||
		   err.column > strlen(s) + 1) {
		abort();
	}
	for (int strict = 0; strict < 2; strict++)
		if (shell_lex((const char *)data, size, strict, &toks, &err) ==
		    0)
			shell_toks_free(&toks);
	free(s);
	return 0;
}
