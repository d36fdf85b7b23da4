// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ipam_list.c - the leases of the store, for a listing or a diagnosis.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipam.h"
#include "kv.h"

struct listing {
	const struct pw_prefix *pool; /* NULL: every pool */
	struct ipam_lease *arr;
	size_t n;
	char **bad; /* NULL unless asked for: files that are no lease */
	size_t nbad;
	bool want_bad;
	int err;
};

static bool listing_wants(const struct pw_prefix *net, const void *arg)
{
	const struct listing *l = arg;

	return !l->pool || (l->pool->len == net->len &&
			    addr_equal(&l->pool->addr, &net->addr));
}

/* The lease file addr/NAME of the pool directory poolfd, into out. */
bool ipam_read_lease(int poolfd, const char *name, struct ipam_lease *out)
{
	char path[PATH_MAX], text[IPAM_LEASE_TEXT_MAX], created[24];
	uint64_t t = 0;
	struct kv kv;

	snprintf(path, sizeof(path), "addr/%s", name);
	if (statedir_read(poolfd, path, text, sizeof(text)) ||
	    !ipam_parse_lease(text, out->netns, sizeof(out->netns), out->ifname,
			      sizeof(out->ifname)))
		return false;
	if (kv_split(text, strlen(text), &kv, NULL)) {
		if (!kv_copy(&kv, "created", created, sizeof(created)))
			pw_parse_u64(created, INT64_MAX, &t);
		if (kv_copy(&kv, "boot", out->boot, sizeof(out->boot)))
			out->boot[0] = '\0';
		if (kv_copy(&kv, "cid", out->cid, sizeof(out->cid)))
			out->cid[0] = '\0';
		if (kv_copy(&kv, "net", out->net, sizeof(out->net)))
			out->net[0] = '\0';
	}
	out->created = (int64_t)t;
	return true;
}

/*
 * The lease addr/NAME, read a second time when the first failed: a
 * teardown may have released it just then (and then it is gone).
 */
static bool read_again(int poolfd, const char *name, struct ipam_lease *out)
{
	return ipam_read_lease(poolfd, name, out) ||
	       ipam_read_lease(poolfd, name, out);
}

/* Was the lease addr/NAME released as it was being read? */
static bool released(int poolfd, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "addr/%s", name);
	return fstatat(poolfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
	       errno == ENOENT;
}

/* The path of a file that is no lease, for a warning. */
static int add_bad(struct listing *l, const struct pw_prefix *net,
		   const char *name)
{
	char pool[PW_ADDRSTRLEN], *slash, **grown;
	char *path;

	addr_format_prefix(net, pool, sizeof(pool));
	slash = strchr(pool, '/');
	if (slash)
		*slash = '_';
	if (asprintf(&path, "%s/%s/addr/%s", IPAM_DIR, pool, name) < 0)
		return -ENOMEM;
	grown = realloc(l->bad, (l->nbad + 1) * sizeof(*l->bad));
	if (!grown) {
		free(path);
		return -ENOMEM;
	}
	l->bad = grown;
	l->bad[l->nbad++] = path;
	return 0;
}

static bool listing_in(int fd, const struct pw_prefix *net, void *arg)
{
	struct listing *l = arg;
	DIR *d = ipam_lease_dir(fd);
	struct dirent *de;

	if (!d)
		return false;
	while ((de = readdir(d))) {
		struct ipam_lease one = { .pool = *net };
		struct ipam_lease *grown;

		if (de->d_name[0] == '.')
			continue;
		if (!addr_parse(de->d_name, net->addr.family, &one.addr,
				NULL) ||
		    !addr_prefix_contains(net, &one.addr) ||
		    !read_again(fd, de->d_name, &one)) {
			if (l->want_bad && !released(fd, de->d_name))
				l->err = add_bad(l, net, de->d_name);
			continue;
		}
		grown = realloc(l->arr, (l->n + 1) * sizeof(*l->arr));
		if (!grown) {
			l->err = -ENOMEM;
			break;
		}
		l->arr = grown;
		l->arr[l->n++] = one;
	}
	closedir(d);
	return l->err != 0;
}

/* By pool (family, then address, then length), then by address. */
static int addr_cmp(const struct pw_addr *a, const struct pw_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes));
}

static int lease_cmp(const void *pa, const void *pb)
{
	const struct ipam_lease *a = pa, *b = pb;
	int c = addr_cmp(&a->pool.addr, &b->pool.addr);

	if (!c && a->pool.len != b->pool.len)
		c = a->pool.len < b->pool.len ? -1 : 1;
	return c ? c : addr_cmp(&a->addr, &b->addr);
}

void ipam_paths_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

static int list(struct listing *l, struct ipam_lease **out, size_t *n)
{
	ipam_each_pool(listing_wants, listing_in, l);
	if (l->err) {
		free(l->arr);
		ipam_paths_free(l->bad, l->nbad);
		l->bad = NULL;
		l->nbad = 0;
		*out = NULL;
		*n = 0;
		return l->err;
	}
	if (l->n)
		qsort(l->arr, l->n, sizeof(*l->arr), lease_cmp);
	*out = l->arr;
	*n = l->n;
	return 0;
}

int ipam_leases(const struct pw_prefix *pool, struct ipam_lease **out,
		size_t *n)
{
	struct listing l = { .pool = pool };

	return list(&l, out, n);
}

int ipam_leases_checked(struct ipam_lease **out, size_t *n, char ***bad,
			size_t *nbad)
{
	struct listing l = { .want_bad = true };
	int err = list(&l, out, n);

	*bad = l.bad;
	*nbad = l.nbad;
	return err;
}
