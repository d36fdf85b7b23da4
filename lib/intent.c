// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * intent.c - what a program is about to make, written down first.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * An intent file is two lines: the writer ("pid=P time=T net=N"), then what it
 * makes.  Its lock is the file's own flock(2), taken before it is read or
 * written; whoever takes it checks afterwards that the name still leads
 * to the file it locked, since a holder unlinks the file before letting
 * go.  A rewrite writes the whole text in one pwrite() and then cuts the
 * file to it, so a writer killed in between leaves the new text with the
 * end of the old one after it, which the reader, taking two lines, never
 * sees.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "explain.h"
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

static void held_drop_all(void);

void intent_close(void)
{
	held_drop_all();
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

/* ---- Locks ------------------------------------------------------------- */

/* Intents this process holds the lock of: a command holds one or two. */
#define HELD_MAX 8

struct held {
	enum intent_kind kind;
	char key[INTENT_KEY_MAX];
	int fd; /* -1: a free slot */
};

static struct held held[HELD_MAX] = {
	[0 ... HELD_MAX - 1] = { .fd = -1 },
};

static struct held *held_find(enum intent_kind kind, const char *key)
{
	for (size_t i = 0; i < HELD_MAX; i++)
		if (held[i].fd >= 0 && held[i].kind == kind &&
		    !strcmp(held[i].key, key))
			return &held[i];
	return NULL;
}

static int held_add(enum intent_kind kind, const char *key, int fd)
{
	for (size_t i = 0; i < HELD_MAX; i++) {
		if (held[i].fd < 0) {
			held[i].kind = kind;
			pw_strlcpy(held[i].key, key, sizeof(held[i].key));
			held[i].fd = fd;
			return 0;
		}
	}
	return -ENOSPC;
}

static void held_drop(struct held *h)
{
	close(h->fd);
	h->fd = -1;
}

static void held_drop_all(void)
{
	for (size_t i = 0; i < HELD_MAX; i++)
		if (held[i].fd >= 0)
			held_drop(&held[i]);
}

/* Does dir/key still name the file open as fd? */
static bool still_named(int dir, const char *key, int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 &&
	       fstatat(dir, key, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * Open dir/key (made when create) and take its lock without waiting.
 * The fd, or -ENOENT, -EBUSY (held), -errno.  A holder that unlinked the
 * file as we opened it leaves us a lock on nothing: then again.
 */
static int lock_file(int dir, const char *key, bool create)
{
	int flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT : 0);

	for (int tries = 0; tries < 16; tries++) {
		int fd = openat(dir, key, flags, 0600);

		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int err = errno == EWOULDBLOCK ? -EBUSY : -errno;

			close(fd);
			return err;
		}
		if (still_named(dir, key, fd))
			return fd;
		close(fd);
	}
	return -EBUSY;
}

/* ---- Contents ----------------------------------------------------------- */

/* An intent file's text: its writer and what it said. */
struct read_intent {
	char buf[INTENT_TEXT_MAX];
	pid_t pid; /* 0: unknown */
	int64_t time; /* 0: unknown */
	uint64_t net; /* 0: unknown */
	const char *text; /* into buf; "" for an empty file */
};

/* The writer line's fields; one that does not parse is unknown. */
static void parse_writer(const char *line, size_t len, struct read_intent *ri)
{
	char v[24];
	uint64_t u;
	struct kv kv;

	if (!kv_split(line, len, &kv, NULL))
		return;
	if (!kv_copy(&kv, "pid", v, sizeof(v)) &&
	    !pw_parse_u64(v, INT32_MAX, &u))
		ri->pid = (pid_t)u;
	if (!kv_copy(&kv, "time", v, sizeof(v)) &&
	    !pw_parse_u64(v, INT64_MAX, &u))
		ri->time = (int64_t)u;
	if (!kv_copy(&kv, "net", v, sizeof(v)) &&
	    !pw_parse_u64(v, UINT64_MAX, &u))
		ri->net = u;
}

/* The two lines of the file open as fd; anything after them is ignored. */
static int read_fd(int fd, struct read_intent *ri)
{
	ssize_t n = pread(fd, ri->buf, sizeof(ri->buf) - 1, 0);
	char *nl, *end;

	ri->pid = 0;
	ri->time = 0;
	ri->net = 0;
	ri->text = "";
	if (n < 0)
		return -errno;
	ri->buf[n] = '\0';
	nl = strchr(ri->buf, '\n');
	if (!nl)
		return 0; /* empty, or cut: a writer killed at its first write */
	parse_writer(ri->buf, (size_t)(nl - ri->buf), ri);
	*nl = '\0';
	ri->text = nl + 1;
	end = strchr(nl + 1, '\n');
	if (end)
		*end = '\0';
	return 0;
}

uint64_t intent_here(void)
{
	struct stat st;

	return stat(PW_SELF_NETNS, &st) ? 0 : (uint64_t)st.st_ino;
}

/*
 * The writer line names the network namespace the writer ran in, by its
 * nsfs inode: "@IFNAME" means an interface there, which a reader in
 * another namespace (veth-prune without -n) must not take for one of its
 * own.
 */
static int write_fd(int fd, const char *text)
{
	char out[INTENT_TEXT_MAX];
	int n = snprintf(out, sizeof(out),
			 "pid=%d time=%" PRId64 " net=%" PRIu64 "\n%s\n",
			 (int)getpid(), pw_now(), intent_here(), text);

	if (n < 0 || (size_t)n >= sizeof(out) || strchr(text, '\n'))
		return -ENAMETOOLONG;
	if (pwrite(fd, out, (size_t)n, 0) != n)
		return errno ? -errno : -EIO;
	return ftruncate(fd, n) < 0 ? -errno : 0;
}

/* Who holds key's lock, by what the file says: for a message only. */
static pid_t holder_of(int dir, const char *key)
{
	struct read_intent ri;
	int fd = openat(dir, key, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (read_fd(fd, &ri))
		ri.pid = 0;
	close(fd);
	return ri.pid;
}

/* ---- The interface ------------------------------------------------------ */

int intent_begin(enum intent_kind kind, const char *key, const char *text,
		 struct intent_prev *prev)
{
	struct read_intent ri;
	struct held *h;
	int dir, fd, err;

	memset(prev, 0, sizeof(*prev));
	if (dry_running())
		return 0; /* nothing is made, so nothing is intended */
	h = held_find(kind, key);
	dir = open_dir(kind, true);
	if (dir < 0)
		return dir;
	if (h)
		return write_fd(h->fd, text); /* ours already: this command's */
	fd = lock_file(dir, key, true);
	if (fd == -EBUSY)
		prev->holder = holder_of(dir, key);
	if (fd < 0)
		return fd;
	err = read_fd(fd, &ri);
	if (!err && ri.text[0] && strcmp(ri.text, text))
		err = -EEXIST;
	prev->orphan = !err && ri.text[0];
	if (!err)
		err = write_fd(fd, text);
	if (!err)
		err = held_add(kind, key, fd);
	if (err)
		close(fd); /* what a dead writer left stays as it was */
	return err;
}

/* Remove key's file (with an old writer's temporary) while holding it. */
static void remove_file(int dir, const char *key)
{
	char tmp[INTENT_KEY_MAX + sizeof(STATEDIR_TMP)];

	unlinkat(dir, key, 0);
	snprintf(tmp, sizeof(tmp), "%s" STATEDIR_TMP, key);
	unlinkat(dir, tmp, 0);
}

void intent_end(enum intent_kind kind, const char *key)
{
	struct held *h;
	int dir, fd;

	if (dry_running())
		return;
	h = held_find(kind, key);
	dir = open_dir(kind, false);

	if (dir < 0) {
		if (h)
			held_drop(h);
		return;
	}
	if (h) {
		remove_file(dir, key);
		held_drop(h);
		return;
	}
	/* Not ours: it goes only if nobody holds it. */
	fd = lock_file(dir, key, false);
	if (fd >= 0) {
		remove_file(dir, key);
		close(fd);
	}
}

int intent_claim(enum intent_kind kind, const char *key,
		 struct intent_info *info)
{
	struct read_intent ri;
	int dir = open_dir(kind, false);
	struct stat st;
	int fd, err;

	memset(info, 0, sizeof(*info));
	if (dir < 0)
		return dir;
	if (held_find(kind, key))
		return -EBUSY;
	fd = lock_file(dir, key, false);
	if (fd < 0)
		return fd;
	err = read_fd(fd, &ri);
	if (!err)
		err = held_add(kind, key, fd);
	if (err) {
		close(fd);
		return err;
	}
	pw_strlcpy(info->text, ri.text, sizeof(info->text));
	info->time = ri.time;
	info->pid = ri.pid;
	info->net = ri.net;
	/* Written before intents said when: the file does. */
	if (!info->time && !fstat(fd, &st))
		info->time = (int64_t)st.st_mtim.tv_sec;
	return 0;
}

void intent_unclaim(enum intent_kind kind, const char *key)
{
	struct held *h = held_find(kind, key);

	if (h)
		held_drop(h);
}

int intent_orphan(enum intent_kind kind, const char *key, char *text,
		  size_t size)
{
	struct read_intent ri;
	struct held *h = held_find(kind, key);
	int dir, fd, err;

	if (h) {
		/* Ours: as its writer we know it is not another's at work. */
		err = read_fd(h->fd, &ri);
	} else {
		dir = open_dir(kind, false);
		if (dir < 0)
			return dir;
		fd = lock_file(dir, key, false);
		if (fd < 0)
			return fd;
		err = read_fd(fd, &ri);
		close(fd);
	}
	if (!err && !ri.text[0])
		err = -ENOENT;
	if (!err)
		pw_strlcpy(text, ri.text, size);
	return err;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void intent_keys_free(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* An intent's name: not a dot file, not an old writer's temporary. */
static bool is_key(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len < INTENT_KEY_MAX &&
	       !(len >= strlen(STATEDIR_TMP) &&
		 !strcmp(name + len - strlen(STATEDIR_TMP), STATEDIR_TMP));
}

int intent_keys(enum intent_kind kind, char ***keys, size_t *n)
{
	int dir = open_dir(kind, false);
	char **v = NULL;
	size_t cnt = 0;
	struct dirent *de;
	int err = 0, fd;
	DIR *d;

	*keys = NULL;
	*n = 0;
	if (dir == -ENOENT)
		return 0;
	if (dir < 0)
		return dir;
	fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	while (!err && (de = readdir(d))) {
		char **grown;

		if (!is_key(de->d_name))
			continue;
		grown = realloc(v, (cnt + 1) * sizeof(*v));
		if (grown)
			v = grown;
		if (!grown || !(v[cnt] = strdup(de->d_name)))
			err = -ENOMEM;
		else
			cnt++;
	}
	closedir(d);
	if (err) {
		intent_keys_free(v, cnt);
		return err;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), key_cmp);
	*keys = v;
	*n = cnt;
	return 0;
}
