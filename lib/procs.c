// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * procs.c - the processes /proc shows, by network namespace.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
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

int procs_each_netns(bool (*fn)(pid_t pid, ino_t netns, void *arg), void *arg,
		     size_t *seen)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t count = 0;

	if (seen)
		*seen = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		pid_t pid;
		ino_t ino;

		if (!netns_of(de->d_name, &pid, &ino))
			continue;
		count++;
		if (!fn(pid, ino, arg))
			break;
	}
	closedir(d);
	if (seen)
		*seen = count;
	return 0;
}

struct pids_in {
	ino_t ino;
	pid_t *pids;
	size_t max, n;
};

static bool collect(pid_t pid, ino_t netns, void *arg)
{
	struct pids_in *p = arg;

	if (netns != p->ino)
		return true;
	if (p->n < p->max)
		p->pids[p->n] = pid;
	p->n++;
	return true;
}

int procs_in_netns(int netns_fd, pid_t *pids, size_t max, size_t *n)
{
	struct pids_in p = { .pids = pids, .max = max };
	struct stat st;
	int err;

	*n = 0;
	if (fstat(netns_fd, &st) < 0)
		return -errno;
	p.ino = st.st_ino;
	err = procs_each_netns(collect, &p, NULL);
	*n = p.n;
	return err;
}
