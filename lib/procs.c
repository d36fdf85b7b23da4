// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * procs.c - the processes /proc shows, by network namespace.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procs.h"
#include "util.h"

/* "net:[4026532247]" -> 4026532247. */
static bool parse_ns_link(const char *text, ino_t *ino)
{
	unsigned long long v;
	int end = 0;

	if (sscanf(text, "net:[%llu]%n", &v, &end) != 1 || !end ||
	    text[end] != '\0')
		return false;
	*ino = (ino_t)v;
	return true;
}

/* The namespace of the process of a /proc entry, if it is one. */
static bool netns_of(const char *entry, pid_t *pid, ino_t *ino)
{
	char path[64], link[64];
	uint32_t v;
	ssize_t n;

	if (pw_parse_u32(entry, INT32_MAX, &v) || v == 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%s/ns/net", entry);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false; /* gone meanwhile, or hidden */
	link[n] = '\0';
	*pid = (pid_t)v;
	return parse_ns_link(link, ino);
}

static struct procs_in_netns *find(const struct procs_snapshot *s, ino_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].netns == ino)
			return &s->v[i];
	return NULL;
}

/* Count pid in its namespace's entry; -ENOMEM. */
static int count(struct procs_snapshot *s, pid_t pid, ino_t ino)
{
	struct procs_in_netns *p = find(s, ino);

	if (!p) {
		struct procs_in_netns *v =
			reallocarray(s->v, s->n + 1, sizeof(*s->v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		p = memset(&s->v[s->n++], 0, sizeof(*p));
		p->netns = ino;
	}
	if (p->n < PROCS_PIDS_KEPT)
		p->pids[p->n] = pid;
	p->n++;
	return 0;
}

int procs_snapshot_take(struct procs_snapshot *s)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int err = 0;

	memset(s, 0, sizeof(*s));
	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		pid_t pid;
		ino_t ino;

		if (!netns_of(de->d_name, &pid, &ino))
			continue;
		err = count(s, pid, ino);
		s->readable = true;
	}
	closedir(d);
	if (err)
		procs_snapshot_free(s);
	return err;
}

void procs_snapshot_free(struct procs_snapshot *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

const struct procs_in_netns *procs_in(const struct procs_snapshot *s,
				      int netns_fd)
{
	struct stat st;

	if (fstat(netns_fd, &st) < 0)
		return NULL;
	return find(s, st.st_ino);
}
