/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * podwire.h - the two halves of the podwire shell's front end: the
 * commands and modes (podwire.c) and the line editor (podwire_line.c,
 * the only code that sees readline).
 *
 * Copyright (C) 2026 The podwire developers
 */
#ifndef PODWIRE_PODWIRE_H
#define PODWIRE_PODWIRE_H

#include "shell.h"

/* Run a line typed at the prompt: every pipeline, the status the last's. */
int podwire_run_typed(struct shell *sh, const char *line);

/* The session at a terminal: prompt, history, Tab, '?', Ctrl-C, Ctrl-D.
 * Returns the exit status of the shell. */
int podwire_interactive(struct shell *sh);

/* The history builtin: the lines kept, numbered. */
int podwire_history(struct shell *sh, int argc, char **argv);

#endif
