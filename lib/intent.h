/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * intent.h - what a program is about to make, written down before it
 * makes it, so a program killed half-way is followed by one that can
 * tell its leftovers from anyone else's.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Some objects can't be made and marked in one step: the kernel ignores
 * IFLA_IFALIAS when it creates a link, so a veth pair or a bridge exists
 * unmarked until a second request; a named namespace is a placeholder
 * file before its bind mount.  A SIGKILL in between leaves an object
 * nobody can prove is podwire's.  So, before the create, an intent:
 *
 *   /run/podwire/intent/veth/@veth1a2b3c4d
 *       "pid=812 start=40312 netns=pod1 ifname=eth0 peer_ifname=veth..."
 *
 * the writer (PID and the start time /proc gives it, so a recycled PID
 * is not taken for the writer) and what it is making.  The intent goes
 * once the object carries its mark.  An intent whose writer is gone is
 * an orphan: the object it names, if it is there, unmarked, and exactly
 * what the intent says, was made by podwire and is adopted (marked and
 * used) by a re-run, or deleted by -D.  An intent whose writer still
 * runs is someone at work: left alone.
 */
#ifndef PODWIRE_INTENT_H
#define PODWIRE_INTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "name.h"

enum intent_kind {
	INTENT_NETNS, /* key: the namespace's name */
	INTENT_VETH, /* key: intent_end_key() of the pair's host end */
	INTENT_BRIDGE, /* key: the bridge's name */
	INTENT_KINDS,
};

/* The directory under /run/podwire that holds them. */
#define INTENT_DIR "intent"

/* Big enough for a key and for an intent's text. */
#define INTENT_KEY_MAX (PW_NETNS_MAX + PW_IFNAME_MAX + 2)
#define INTENT_TEXT_MAX 512

/*
 * The key of an interface: "NETNS@IFNAME" ("@IFNAME" in the program's
 * own namespace).  A namespace given as a path holds '/', which no file
 * name can: a hash of the path stands for it ("#1a2b3c4d@IFNAME").
 */
void intent_end_key(const char *netns, const char *ifname,
		    char out[INTENT_KEY_MAX]);

/* What intent_begin() found under the key. */
struct intent_prev {
	bool orphan; /* an earlier writer's, the same text, writer gone */
	pid_t holder; /* -EBUSY: the writer at work */
};

/*
 * Write the caller's intent to make key, text being what it makes
 * ("k=v ..." of the kv grammar).  0 with prev->orphan set when an
 * earlier, dead writer's intent said the same: what it left may be
 * adopted.  -EBUSY (prev->holder) when a live writer's intent is there;
 * -EEXIST when a dead writer meant something else under that key (it
 * is left, for -D of what it names); -errno when the store can't be
 * written.
 */
int intent_begin(enum intent_kind kind, const char *key, const char *text,
		 struct intent_prev *prev);

/* The object is made and marked, or rolled back: the intent goes. */
void intent_end(enum intent_kind kind, const char *key);

/*
 * An orphan's text (its writer gone) into text, without the writer's
 * fields.  0, -ENOENT (no intent), -EBUSY (its writer runs), -errno.
 */
int intent_orphan(enum intent_kind kind, const char *key, char *text,
		  size_t size);

/* Close the directories (a command's end). */
void intent_close(void);

#endif
