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
 *       "pid=812 time=1796020955 net=4026531840"
 *       "netns=pod1 ifname=eth0 peer_ifname=veth1a2b3c4d created=0"
 *
 * the writer, when it began and the network namespace it ran in (its
 * nsfs inode: "@IFNAME" is an interface there), then what it is making.  The writer
 * holds an exclusive flock(2) on the file from intent_begin() to
 * intent_end(), which removes it once the object carries its mark.  The
 * kernel drops the lock of a writer that dies, in any PID namespace, so
 * a lock that can be taken means an orphan: the object it names, if it
 * is there, unmarked, and exactly what the intent says, was made by
 * podwire and is adopted (marked and used) by a re-run, deleted by -D,
 * or by veth-prune once it is old.  A locked intent is someone at work:
 * left alone.  Whoever acts on an orphan holds its lock meanwhile
 * (intent_claim()), so a re-run and a prune never both act on it.
 */
#ifndef PODWIRE_INTENT_H
#define PODWIRE_INTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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
	pid_t holder; /* -EBUSY: the writer at work (0: unknown) */
};

/*
 * Write the caller's intent to make key, text being what it makes (one
 * line, "k=v ..." of the kv grammar), and hold its lock until
 * intent_end().  0 with prev->orphan set when an earlier, dead writer's
 * intent said the same: what it left may be adopted.  -EBUSY
 * (prev->holder) when a live writer holds it; -EEXIST when a dead writer
 * meant something else under that key (it is left, for -D of what it
 * names); -errno when the store can't be written.
 */
int intent_begin(enum intent_kind kind, const char *key, const char *text,
		 struct intent_prev *prev);

/*
 * The object is made and marked, or rolled back, or deleted: the intent
 * goes, and its lock.  An intent the caller does not hold goes only when
 * its writer is gone.
 */
void intent_end(enum intent_kind kind, const char *key);

/*
 * An orphan's text (its writer gone) into text, without the writer's
 * fields.  0, -ENOENT (no intent), -EBUSY (its writer runs), -errno.
 */
int intent_orphan(enum intent_kind kind, const char *key, char *text,
		  size_t size);

/* An orphan, held by intent_claim(). */
struct intent_info {
	char text[INTENT_TEXT_MAX]; /* what it said it was making */
	int64_t time; /* when its writer began, seconds since the epoch */
	pid_t pid; /* its writer, in the writer's PID namespace */
	uint64_t net; /* the writer's network namespace (inode); 0: unknown */
};

/* The inode of the network namespace the caller runs in (0: unknown). */
uint64_t intent_here(void);

/*
 * Take the lock of an orphan and keep it, so that nobody adopts it while
 * the caller looks at what it names: then intent_end() (the object was
 * dealt with) or intent_unclaim() (left as it is).  An empty text is a
 * writer killed before it wrote one: an intent of nothing.  0, -ENOENT,
 * -EBUSY (its writer runs, or someone else claimed it), -errno.
 */
int intent_claim(enum intent_kind kind, const char *key,
		 struct intent_info *info);
void intent_unclaim(enum intent_kind kind, const char *key);

/*
 * The keys of every intent of a kind, sorted: a malloc'ed array of
 * malloc'ed strings, freed with intent_keys_free().  None (no directory
 * either) is 0 with *n 0.  -ENOMEM, -errno.
 */
int intent_keys(enum intent_kind kind, char ***keys, size_t *n);
void intent_keys_free(char **keys, size_t n);

/* Close the directories and give up held locks (a command's end). */
void intent_close(void);

#endif
