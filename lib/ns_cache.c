// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ns_cache.c - handles on network namespaces: an fd and an rtnetlink
 * socket inside, kept for each namespace a program touches.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "explain.h"
#include "intent.h"
#include "ns.h"
#include "ns_cache.h"

int ns_handle_open(int fd, struct ns_handle *out)
{
	memset(out, 0, sizeof(*out));
	out->fd = fd;
	out->own = ns_is_current(fd);
	return nl_open(&out->nl, fd);
}

void ns_handle_close(struct ns_handle *h)
{
	nl_close(h->nl);
	h->nl = NULL;
}

struct ns_entry {
	char *target;
	dev_t dev;
	ino_t ino;
	unsigned long last_used;
	struct ns_handle h;
};

static struct ns_entry cache[NS_CACHE_MAX];
static struct ns_handle self = { .fd = -1, .own = true };
static unsigned long clock_tick;

static void entry_drop(struct ns_entry *e)
{
	free(e->target);
	if (e->h.fd >= 0)
		close(e->h.fd);
	nl_close(e->h.nl);
	memset(e, 0, sizeof(*e));
	e->h.fd = -1;
}

/* Does the name still lead to the namespace this entry holds? */
static bool entry_fresh(const struct ns_entry *e)
{
	char path[PATH_MAX];
	struct stat st;

	if (strchr(e->target, '/'))
		pw_strlcpy(path, e->target, sizeof(path));
	else if (ns_run_path(e->target, path, sizeof(path)))
		return false;
	/* A dry run's stand-in holds while the name is still free. */
	if (e->h.fd < 0)
		return stat(path, &st) < 0 && errno == ENOENT;
	return stat(path, &st) == 0 && st.st_dev == e->dev &&
	       st.st_ino == e->ino;
}

static struct ns_entry *entry_find(const char *target)
{
	for (size_t i = 0; i < NS_CACHE_MAX; i++)
		if (cache[i].target && !strcmp(cache[i].target, target))
			return &cache[i];
	return NULL;
}

static struct ns_entry *entry_victim(void)
{
	struct ns_entry *victim = &cache[0];

	for (size_t i = 0; i < NS_CACHE_MAX; i++) {
		if (!cache[i].target)
			return &cache[i];
		if (cache[i].last_used < victim->last_used)
			victim = &cache[i];
	}
	entry_drop(victim);
	return victim;
}

/*
 * A dry run's stand-in for a namespace an earlier stage would make
 * (explain.h): no file, and a handle whose queries find nothing, kept
 * while the name stays free.
 */
static int entry_plan(const char *target, struct ns_entry *e)
{
	int err = nl_open_planned(&e->h.nl);

	if (!err)
		err = nl_explain_as(e->h.nl, target);
	e->target = err ? NULL : strdup(target);
	if (!err && !e->target)
		err = -ENOMEM;
	if (err) {
		nl_close(e->h.nl);
		e->h.nl = NULL;
		free(e->target);
		e->target = NULL;
		return err;
	}
	e->h.fd = -1;
	explain("# namespace %s: not there yet; an earlier stage would make it",
		target);
	return 0;
}

static int entry_open(const char *target, struct ns_entry *e)
{
	struct stat st;
	int fd = ns_open(target);
	int err;

	if (fd == -ENOENT && dry_running() && !strchr(target, '/'))
		return entry_plan(target, e);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	err = nl_open(&e->h.nl, fd);
	/* Its changes are explained (explain.h) as acting in target. */
	if (!err)
		err = nl_explain_as(e->h.nl, target);
	if (err) {
		nl_close(e->h.nl);
		e->h.nl = NULL;
		close(fd);
		return err;
	}
	e->target = strdup(target);
	if (!e->target) {
		nl_close(e->h.nl);
		e->h.nl = NULL;
		close(fd);
		return -ENOMEM;
	}
	e->h.fd = fd;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	return 0;
}

int ns_peek(const char *target, struct ns_handle *out)
{
	struct ns_entry *e;
	int err;

	if (!target) {
		if (!self.nl) {
			self.fd = open(PW_SELF_NETNS, O_RDONLY | O_CLOEXEC);
			if (self.fd < 0)
				return -errno;
			err = nl_open(&self.nl, -1);
			if (err) {
				close(self.fd);
				self.fd = -1;
				return err;
			}
		}
		*out = self;
		return 0;
	}
	e = entry_find(target);
	if (e && !entry_fresh(e)) {
		entry_drop(e);
		e = NULL;
	}
	if (!e) {
		e = entry_victim();
		err = entry_open(target, e);
		if (err)
			return err;
	}
	e->last_used = ++clock_tick;
	*out = e->h;
	return 0;
}

void ns_forget(const char *target)
{
	struct ns_entry *e = entry_find(target);

	if (e)
		entry_drop(e);
}

void ns_cache_clear(void)
{
	/* What one command read of /proc and of the records is stale for
	 * the next (the shell runs many), and its store directories go. */
	ns_procs_forget();
	ns_records_close();
	intent_close();
	nl_plan_forget();
	for (size_t i = 0; i < NS_CACHE_MAX; i++)
		if (cache[i].target)
			entry_drop(&cache[i]);
	nl_close(self.nl);
	self.nl = NULL;
	if (self.fd >= 0)
		close(self.fd);
	self.fd = -1;
}

struct socket_args {
	int domain, type, protocol;
};

static int make_socket(void *arg)
{
	const struct socket_args *a = arg;
	int fd = socket(a->domain, a->type | SOCK_CLOEXEC, a->protocol);

	return fd < 0 ? -errno : fd;
}

int ns_socket(const struct ns_handle *h, int domain, int type, int protocol)
{
	struct socket_args a = { domain, type, protocol };

	return h->own ? make_socket(&a) : pw_in_netns(h->fd, make_socket, &a);
}
