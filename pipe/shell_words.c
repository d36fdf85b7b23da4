// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shell_words.c - a podwire shell line split as a POSIX shell splits it.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "shell_words.h"

struct lexer {
	const char *s;
	size_t len;
	size_t i;
	bool strict;
	struct shell_toks *out;
	struct shell_syntax *err;
	/* The word being built. */
	char *word;
	size_t wlen;
	bool in_word;
	size_t wcol;
	/* A '!' is a command only where a command starts. */
	bool at_command_start;
};

static void word_add(struct lexer *lx, char c)
{
	if (!lx->in_word) {
		lx->in_word = true;
		lx->wcol = lx->i + 1;
	}
	lx->word[lx->wlen++] = c;
}

static void push(struct lexer *lx, enum shell_tok_type type, char *text,
		 size_t column)
{
	struct shell_toks *t = lx->out;

	t->v = pw_xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n++] = (struct shell_tok){ type, text, column };
}

static void word_end(struct lexer *lx)
{
	if (!lx->in_word)
		return;
	lx->word[lx->wlen] = '\0';
	push(lx, SHELL_TOK_WORD, pw_xstrdup(lx->word), lx->wcol);
	lx->wlen = 0;
	lx->in_word = false;
	lx->at_command_start = false;
}

static int fail(struct lexer *lx, size_t column, const char *what)
{
	snprintf(lx->err->what, sizeof(lx->err->what), "%s", what);
	lx->err->column = column;
	return -1;
}

/* A quote that runs to the end of the text. */
static int unterminated(struct lexer *lx, char quote, size_t column)
{
	lx->out->open_quote = quote;
	lx->out->quote_column = column;
	if (!lx->strict)
		return 0;
	return fail(lx, column,
		    quote == '\'' ? "unterminated single quote" :
				    "unterminated double quote");
}

static int single_quoted(struct lexer *lx)
{
	size_t start = lx->i++;

	if (!lx->in_word) {
		lx->in_word = true;
		lx->wcol = start + 1;
	}
	while (lx->i < lx->len && lx->s[lx->i] != '\'')
		lx->word[lx->wlen++] = lx->s[lx->i++];
	if (lx->i >= lx->len)
		return unterminated(lx, '\'', start + 1);
	lx->i++;
	return 0;
}

static int double_quoted(struct lexer *lx)
{
	size_t start = lx->i++;

	if (!lx->in_word) {
		lx->in_word = true;
		lx->wcol = start + 1;
	}
	while (lx->i < lx->len && lx->s[lx->i] != '"') {
		char c = lx->s[lx->i];

		/* POSIX: inside double quotes a backslash escapes only these. */
		if (c == '\\' && lx->i + 1 < lx->len &&
		    strchr("$`\"\\", lx->s[lx->i + 1]))
			c = lx->s[++lx->i];
		lx->word[lx->wlen++] = c;
		lx->i++;
	}
	if (lx->i >= lx->len)
		return unterminated(lx, '"', start + 1);
	lx->i++;
	return 0;
}

/* "!CMD": the rest of the line, for /bin/sh. */
static void bang(struct lexer *lx)
{
	size_t col = lx->i + 1;
	const char *rest = lx->s + lx->i + 1;
	size_t n = lx->len - lx->i - 1;

	while (n && (*rest == ' ' || *rest == '\t')) {
		rest++;
		n--;
	}
	char *text = pw_xmalloc(n + 1);

	memcpy(text, rest, n);
	text[n] = '\0';
	push(lx, SHELL_TOK_BANG, text, col);
	lx->i = lx->len;
}

/* One character outside quotes.  1: the text ends here (a comment). */
static int plain(struct lexer *lx)
{
	char c = lx->s[lx->i];

	if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
		word_end(lx);
	} else if (c == '|' || c == ';') {
		word_end(lx);
		push(lx, c == '|' ? SHELL_TOK_PIPE : SHELL_TOK_SEMI, NULL,
		     lx->i + 1);
		lx->at_command_start = c == ';';
	} else if (c == '#' && !lx->in_word) {
		return 1;
	} else if (c == '!' && !lx->in_word && lx->at_command_start) {
		bang(lx);
		return 1;
	} else if ((c == '<' || c == '>' || c == '&') && lx->strict) {
		return fail(lx, lx->i + 1,
			    c == '&' ? "'&' is not supported (quote it)" :
				       "redirections are not supported (quote "
				       "it, or use !CMD)");
	} else if (c == '\\') {
		if (lx->i + 1 >= lx->len) {
			if (lx->strict)
				return fail(lx, lx->i + 1,
					    "a backslash ends the line");
			lx->i++;
			return 1;
		}
		lx->i++;
		word_add(lx, lx->s[lx->i]);
	} else {
		word_add(lx, c);
	}
	lx->i++;
	return 0;
}

int shell_lex(const char *s, size_t len, bool strict, struct shell_toks *out,
	      struct shell_syntax *err)
{
	struct shell_syntax ignored;
	struct lexer lx = {
		.s = s,
		.len = len,
		.strict = strict,
		.out = out,
		.err = err ? err : &ignored,
		.word = pw_xmalloc(len + 1),
		.at_command_start = true,
	};
	int r = 0;

	memset(out, 0, sizeof(*out));
	while (lx.i < len && r == 0) {
		if (s[lx.i] == '\'')
			r = single_quoted(&lx);
		else if (s[lx.i] == '"')
			r = double_quoted(&lx);
		else
			r = plain(&lx);
	}
	out->word_open = lx.in_word;
	if (r >= 0)
		word_end(&lx);
	free(lx.word);
	if (r < 0) {
		shell_toks_free(out);
		return -1;
	}
	return 0;
}

void shell_toks_free(struct shell_toks *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* ---- Pipelines and lists ---------------------------------------------- */

static struct shell_pipeline *new_pipeline(struct shell_line *l, size_t col)
{
	l->v = pw_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n] = (struct shell_pipeline){ .column = col };
	return &l->v[l->n++];
}

static struct shell_stage *new_stage(struct shell_pipeline *p)
{
	p->stages = pw_xrealloc(p->stages, (p->n + 1) * sizeof(*p->stages));
	p->stages[p->n] = (struct shell_stage){ 0 };
	return &p->stages[p->n++];
}

static void add_word(struct shell_stage *st, char *word)
{
	st->argv =
		pw_xrealloc(st->argv, (size_t)(st->argc + 2) * sizeof(char *));
	st->argv[st->argc++] = word;
	st->argv[st->argc] = NULL;
}

static int syntax(struct shell_syntax *err, size_t column, const char *what)
{
	snprintf(err->what, sizeof(err->what), "%s", what);
	err->column = column;
	return -1;
}

/* The tokens of one ';'-separated command, from *i to its end. */
static int parse_pipeline(struct shell_toks *t, size_t *i, struct shell_line *l,
			  struct shell_syntax *err)
{
	struct shell_pipeline *p = new_pipeline(l, t->v[*i].column);
	struct shell_stage *st = NULL;

	if (t->v[*i].type == SHELL_TOK_BANG) {
		if (!t->v[*i].text[0])
			return syntax(err, t->v[*i].column,
				      "'!' needs a command");
		p->sh_command = t->v[*i].text;
		t->v[(*i)++].text = NULL;
		return 0;
	}
	for (; *i < t->n && t->v[*i].type != SHELL_TOK_SEMI; (*i)++) {
		struct shell_tok *tok = &t->v[*i];

		if (tok->type == SHELL_TOK_PIPE) {
			if (!st)
				return syntax(err, tok->column,
					      "a command must come before '|'");
			st = NULL;
			continue;
		}
		if (!st)
			st = new_stage(p);
		add_word(st, tok->text);
		tok->text = NULL;
	}
	if (!st)
		return syntax(err, t->v[*i - 1].column,
			      "a command must come after '|'");
	return 0;
}

int shell_parse(const char *s, struct shell_line *out, struct shell_syntax *err)
{
	struct shell_toks t;
	size_t i = 0;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (shell_lex(s, strlen(s), true, &t, err))
		return -1;
	while (i < t.n && r == 0) {
		if (t.v[i].type == SHELL_TOK_SEMI) {
			i++; /* an empty command: "a;;b", "a;" */
			continue;
		}
		r = parse_pipeline(&t, &i, out, err);
	}
	shell_toks_free(&t);
	if (r)
		shell_line_free(out);
	return r;
}

void shell_line_free(struct shell_line *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct shell_pipeline *p = &l->v[i];

		for (size_t j = 0; j < p->n; j++) {
			for (int k = 0; k < p->stages[j].argc; k++)
				free(p->stages[j].argv[k]);
			free(p->stages[j].argv);
		}
		free(p->stages);
		free(p->sh_command);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
