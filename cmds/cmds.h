/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmds.h - the entry point of every program, for its own main() and for
 * the podwire shell, which runs them all (wireguard-tools subcommands.h).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Each returns an exit status and never calls exit(), so the shell can
 * call one after another.  A program's struct cli_prog is public for
 * the shell too: its help, Tab and '?' come from the same table as the
 * program's --help.
 */
#ifndef PODWIRE_CMDS_H
#define PODWIRE_CMDS_H

int netns_new_main(int argc, char **argv);
int veth_link_main(int argc, char **argv);
int br_attach_main(int argc, char **argv);
int nat_out_main(int argc, char **argv);
int pod_inspect_main(int argc, char **argv);
int veth_prune_main(int argc, char **argv);

/* Each program's option table, for the shell's help and completion. */
struct cli_prog;
extern const struct cli_prog netns_new_prog;
extern const struct cli_prog veth_link_prog;
extern const struct cli_prog br_attach_prog;
extern const struct cli_prog nat_out_prog;
extern const struct cli_prog pod_inspect_prog;
extern const struct cli_prog veth_prune_prog;

#endif
