// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * intent.c - what a program is about to make, written down first.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * An intent file is two lines: the writer ("pid=P start=S"), then what it
 * makes.  Written with statedir_write_replace(), so a reader never sees
 * half of one; a writer killed between its temporary file and the rename
 * leaves "KEY~", which intent_end() clears as well.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intent.h"
#include "kv.h"
#include "statedir.h"

static const char *const kind_name[INTENT_KINDS] = {
	[INTENT_NETNS] = "netns",
	[INTENT_VETH] = "veth",
	[INTENT_BRIDGE] = "bridge",
};

/* Each kind's directory, opened once per command; made: by a writer. */
static int dirs[INTENT_KINDS] = { -1, -1, -1 };
static bool dirs_made[INTENT_KINDS];

static int open_dir(enum intent_kind kind, bool make)
{
	const char *const parts[] = { INTENT_DIR, kind_name[kind] };
	int fd;

	if (dirs[kind] >= 0 && (dirs_made[kind] || !make))
		return dirs[kind];
	fd = make ? statedir_open(parts, PW_ARRAY_SIZE(parts)) :
		    statedir_find(parts, PW_ARRAY_SIZE(parts));
	if (fd < 0)
		return fd;
	if (dirs[kind] >= 0)
		close(dirs[kind]);
	dirs[kind] = fd;
	dirs_made[kind] = make;
	return fd;
}

void intent_close(void)
{
	for (size_t i = 0; i < INTENT_KINDS; i++) {
		if (dirs[i] >= 0)
			close(dirs[i]);
		dirs[i] = -1;
		dirs_made[i] = false;
	}
}

void intent_end_key(const char *netns, const char *ifname,
		    char out[INTENT_KEY_MAX])
{
	if (!netns || !strchr(netns, '/'))
		snprintf(out, INTENT_KEY_MAX, "%s@%s", netns ? netns : "",
			 ifname);
	else
		snprintf(out, INTENT_KEY_MAX, "#%08x@%s",
			 pw_fnv1a(PW_FNV1A_BASIS, netns), ifname);
}

/*
 * When process pid started, in clock ticks since boot: the 22nd field
 * of /proc/PID/stat, counted after the command name, which may itself
 * hold spaces and parentheses.  0 when there is no such process.
 */
static unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long t = 0;
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* Fields 3 to 21 go by, then the start time. */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

static unsigned long long own_start(void)
{
	static unsigned long long t;
	static pid_t for_pid;

	if (for_pid != getpid()) {
		for_pid = getpid();
		t = start_time(for_pid);
	}
	return t;
}

/* An intent file's text: its writer, alive or not, and what it said. */
struct read_intent {
	char buf[INTENT_TEXT_MAX];
	pid_t pid;
	bool alive;
	const char *text; /* into buf */
};

static int read_one(int dir, const char *key, struct read_intent *ri)
{
	char pid[16], start[24];
	uint64_t p, s;
	char *nl;
	struct kv kv;
	int err = statedir_read(dir, key, ri->buf, sizeof(ri->buf));

	if (err)
		return err;
	nl = strchr(ri->buf, '\n');
	ri->text = nl ? nl + 1 : "";
	ri->pid = 0;
	ri->alive = false;
	/* A writer line that does not parse: a writer that is gone. */
	if (!nl || !kv_split(ri->buf, (size_t)(nl - ri->buf), &kv, NULL) ||
	    kv_copy(&kv, "pid", pid, sizeof(pid)) ||
	    kv_copy(&kv, "start", start, sizeof(start)) ||
	    pw_parse_u64(pid, INT32_MAX, &p) ||
	    pw_parse_u64(start, UINT64_MAX, &s))
		return 0;
	ri->pid = (pid_t)p;
	ri->alive = ri->pid != getpid() && s && start_time(ri->pid) == s;
	return 0;
}

int intent_begin(enum intent_kind kind, const char *key, const char *text,
		 struct intent_prev *prev)
{
	char out[INTENT_TEXT_MAX];
	struct read_intent ri;
	int dir = open_dir(kind, true);
	int err, n;

	memset(prev, 0, sizeof(*prev));
	if (dir < 0)
		return dir;
	err = read_one(dir, key, &ri);
	if (!err && ri.alive) {
		prev->holder = ri.pid;
		return -EBUSY;
	}
	if (!err && strcmp(ri.text, text))
		return -EEXIST;
	prev->orphan = !err;
	n = snprintf(out, sizeof(out), "pid=%d start=%llu\n%s\n", (int)getpid(),
		     own_start(), text);
	if (n < 0 || (size_t)n >= sizeof(out))
		return -ENAMETOOLONG;
	return statedir_write_replace(dir, key, out);
}

void intent_end(enum intent_kind kind, const char *key)
{
	char tmp[INTENT_KEY_MAX + sizeof(STATEDIR_TMP)];
	int dir = open_dir(kind, false);

	if (dir < 0)
		return;
	unlinkat(dir, key, 0);
	snprintf(tmp, sizeof(tmp), "%s" STATEDIR_TMP, key);
	unlinkat(dir, tmp, 0);
}

int intent_orphan(enum intent_kind kind, const char *key, char *text,
		  size_t size)
{
	struct read_intent ri;
	int dir = open_dir(kind, false);
	int err;

	if (dir < 0)
		return dir;
	err = read_one(dir, key, &ri);
	if (err)
		return err;
	if (ri.alive)
		return -EBUSY;
	pw_strlcpy(text, ri.text, size);
	return 0;
}
