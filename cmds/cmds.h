/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmds.h - the entry point of every program, for its own main() and for
 * the podwire shell, which runs them all (wireguard-tools subcommands.h).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Each returns an exit status and never calls exit(), so the shell can
 * call one after another.
 */
#ifndef PODWIRE_CMDS_H
#define PODWIRE_CMDS_H

int netns_new_main(int argc, char **argv);
int veth_link_main(int argc, char **argv);
int br_attach_main(int argc, char **argv);
int nat_out_main(int argc, char **argv);
int pod_inspect_main(int argc, char **argv);

#endif
