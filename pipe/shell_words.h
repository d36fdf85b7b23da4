/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shell_words.h - a podwire shell line, split as a POSIX shell splits it.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Words are separated by blanks; 'single quotes' keep everything,
 * "double quotes" keep everything but a backslash before $ ` " \, and a
 * backslash outside quotes keeps the next character.  Unquoted, '|'
 * separates the stages of a pipeline, ';' the commands of a list, and '#'
 * at the start of a word begins a comment.  A command that starts with
 * '!' is the rest of the line, for /bin/sh -c.  Nothing is expanded:
 * no variables, globs or command substitution (iproute2 makeargs(), not
 * wordexp(), which bluez uses and which expands $VAR and globs).
 * Redirections and '&' are refused rather than passed on as words.
 */
#ifndef PODWIRE_SHELL_WORDS_H
#define PODWIRE_SHELL_WORDS_H

#include <stdbool.h>
#include <stddef.h>

enum shell_tok_type {
	SHELL_TOK_WORD,
	SHELL_TOK_PIPE,
	SHELL_TOK_SEMI,
	SHELL_TOK_BANG, /* text: the rest of the line, after '!' */
};

struct shell_tok {
	enum shell_tok_type type;
	char *text; /* WORD and BANG */
	size_t column; /* 1-based, where it starts */
};

struct shell_toks {
	struct shell_tok *v;
	size_t n;
	/* Where the text ended: inside a quote (its character and column),
	 * inside a word (no blank after the last one). */
	char open_quote;
	size_t quote_column;
	bool word_open;
};

/* Why a line was refused, and the 1-based column at fault. */
struct shell_syntax {
	char what[96];
	size_t column;
};

/*
 * Split s[0..len).  Strict: an unterminated quote, a trailing backslash,
 * or an unquoted < > & is an error (-1, *err set).  Lenient (for
 * completion, on the text before the cursor): those end the last word
 * instead, and open_quote says so.
 */
int shell_lex(const char *s, size_t len, bool strict, struct shell_toks *out,
	      struct shell_syntax *err);
void shell_toks_free(struct shell_toks *t);

/* A pipeline: stages of words, or one /bin/sh command (`!CMD`). */
struct shell_stage {
	int argc;
	char **argv; /* argv[argc] is NULL */
};

struct shell_pipeline {
	struct shell_stage *stages;
	size_t n;
	char *sh_command; /* !CMD: run by /bin/sh -c; stages unused */
	size_t column; /* where it starts in the line */
};

/* A line: pipelines separated by ';'. */
struct shell_line {
	struct shell_pipeline *v;
	size_t n;
};

/*
 * Parse a line.  0, or -1 with *err: a quote left open, an empty stage
 * ("a | | b", "a |"), a '!' with no command, and the like.  Nothing of a
 * refused line is run.
 */
int shell_parse(const char *s, struct shell_line *out,
		struct shell_syntax *err);
void shell_line_free(struct shell_line *l);

#endif
