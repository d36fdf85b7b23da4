// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inspect.c - what pod-inspect reads.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inspect.h"
#include "procs.h"

/* ---- Host and pods ------------------------------------------------------ */

int inspect_host_load(struct inspect_host *host)
{
	int err;

	memset(host, 0, sizeof(*host));
	err = ns_peek(NULL, &host->h);
	if (!err)
		err = nl_link_list(host->h.nl, &host->links, &host->nlinks);
	if (!err)
		err = nl_addr_list(host->h.nl, AF_UNSPEC, 0, &host->addrs,
				   &host->naddrs);
	return err;
}

void inspect_host_free(struct inspect_host *host)
{
	free(host->links);
	free(host->addrs);
	host->links = NULL;
	host->addrs = NULL;
}

/* The /run/netns name of the namespace a pid or path target leads to. */
static void find_name(struct inspect_pod *pod)
{
	struct stat target, st;
	char **names;
	size_t n;

	if (fstat(pod->fd, &target) < 0 || ns_names(&names, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", PW_NETNS_RUN_DIR,
			 names[i]);
		/* lstat: a symlink under /run/netns is no name of it, as
		 * ns_open() refuses to follow one. */
		if (!pod->found_name[0] && lstat(path, &st) == 0 &&
		    S_ISREG(st.st_mode) && st.st_dev == target.st_dev &&
		    st.st_ino == target.st_ino)
			pw_strlcpy(pod->found_name, names[i],
				   sizeof(pod->found_name));
	}
	ns_names_free(names, n);
}

int inspect_pod_open(struct inspect_pod *pod, const char *target, pid_t pid)
{
	memset(pod, 0, sizeof(*pod));
	pod->fd = -1;
	pod->nsid = -1;
	pod->procs = -1;
	if (pid > 0) {
		pod->pid = pid;
		snprintf(pod->label, sizeof(pod->label), "pid %d", (int)pid);
		pod->fd = ns_open_pid(pid);
	} else {
		if (strchr(target, '/'))
			pw_strlcpy(pod->path, target, sizeof(pod->path));
		else
			pw_strlcpy(pod->name, target, sizeof(pod->name));
		pw_strlcpy(pod->label, target, sizeof(pod->label));
		pod->fd = ns_open(target);
	}
	if (pod->fd < 0)
		return pod->fd;
	if (!pod->name[0])
		find_name(pod);
	if (pod->name[0] || pod->found_name[0])
		pod->owner = ns_owner_of(
			pod->name[0] ? pod->name : pod->found_name, pod->fd);
	return ns_handle_open(pod->fd, &pod->h);
}

int inspect_pod_load(struct inspect_pod *pod, const struct inspect_host *host,
		     bool full)
{
	struct nl *nl = pod->h.nl;
	int err = nl_link_list(nl, &pod->links, &pod->nlinks);

	if (!err)
		err = nl_addr_list(nl, AF_UNSPEC, 0, &pod->addrs, &pod->naddrs);
	if (!err && full)
		err = nl_route_list(nl, AF_UNSPEC, &pod->routes, &pod->nroutes);
	if (!err && full)
		err = nl_neigh_list(nl, AF_UNSPEC, &pod->neighs, &pod->nneighs);
	if (!err && !pod->h.own)
		err = nl_netns_id(host->h.nl, pod->fd, &pod->nsid);
	return err;
}

void inspect_pod_release(struct inspect_pod *pod)
{
	ns_handle_close(&pod->h);
	if (pod->fd >= 0)
		close(pod->fd);
	pod->fd = -1;
}

void inspect_pod_close(struct inspect_pod *pod)
{
	inspect_pod_release(pod);
	free(pod->links);
	free(pod->addrs);
	free(pod->routes);
	free(pod->neighs);
	memset(pod, 0, sizeof(*pod));
	pod->fd = -1;
}

/* ---- Processes ---------------------------------------------------------- */

int inspect_procs_in(const struct procs_snapshot *p, int netns_fd)
{
	const struct procs_in_netns *in;

	if (!p->readable)
		return -1;
	in = procs_in(p, netns_fd);
	return in ? (int)in->n : 0;
}

/* ---- Lookups ------------------------------------------------------------ */

int inspect_link_exists(const char *ifname)
{
	struct ns_handle h;
	struct nl_link l;
	int err = ns_peek(NULL, &h);

	if (!err)
		err = nl_link_get(h.nl, 0, ifname, &l);
	return err == -ENODEV ? 0 : err ? err : 1;
}

const struct nl_link *inspect_link(const struct nl_link *v, size_t n,
				   unsigned ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].ifindex == ifindex)
			return &v[i];
	return NULL;
}

const struct nl_link *inspect_link_named(const struct nl_link *v, size_t n,
					 const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].ifname, name))
			return &v[i];
	return NULL;
}

static bool link_local(const struct nl_addr *a)
{
	return a->prefix.addr.family == AF_INET6 &&
	       a->prefix.addr.bytes[0] == 0xfe &&
	       (a->prefix.addr.bytes[1] & 0xc0) == 0x80;
}

const struct nl_addr *inspect_addr(const struct nl_addr *v, size_t n,
				   unsigned ifindex, int family)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].ifindex == ifindex && !link_local(&v[i]) &&
		    (family == AF_UNSPEC || v[i].prefix.addr.family == family))
			return &v[i];
	return NULL;
}

const struct nl_addr *inspect_addr_held(const struct nl_addr *v, size_t n,
					unsigned ifindex,
					const struct pw_addr *a)
{
	for (size_t i = 0; i < n; i++)
		if ((!ifindex || v[i].ifindex == ifindex) &&
		    addr_equal(&v[i].prefix.addr, a))
			return &v[i];
	return NULL;
}

bool inspect_neigh_find(struct nl *nl, unsigned ifindex,
			const struct pw_addr *a, struct nl_neigh *out)
{
	struct nl_neigh *v;
	bool found = false;
	size_t n;

	if (nl_neigh_list(nl, a->family, &v, &n))
		return false;
	for (size_t i = 0; i < n && !found; i++)
		if (v[i].ifindex == ifindex && addr_equal(&v[i].dst, a)) {
			*out = v[i];
			found = true;
		}
	free(v);
	return found;
}

const struct nl_link *inspect_host_end(const struct inspect_host *host,
				       const struct inspect_pod *pod,
				       const struct nl_link *pod_if)
{
	if (strcmp(pod_if->kind, "veth") || !pod_if->link)
		return NULL;
	/* A peer in the same namespace (IFLA_LINK_NETNSID absent) is on the
	 * host only when the "pod" is the host itself. */
	if (pod_if->link_netnsid < 0)
		return pod->h.own ? inspect_link(host->links, host->nlinks,
						 pod_if->link) :
				    NULL;
	if (pod->h.own || pod->nsid < 0)
		return NULL; /* elsewhere, or the host has no id for it */
	for (size_t i = 0; i < host->nlinks; i++) {
		const struct nl_link *l = &host->links[i];

		if (!strcmp(l->kind, "veth") && l->link == pod_if->ifindex &&
		    l->link_netnsid == pod->nsid)
			return l;
	}
	return NULL;
}

/* Is the namespace of name the one the pod calls nsid? */
static bool is_peer(const struct inspect_pod *pod, const char *name, int nsid,
		    const struct inspect_host *host, struct inspect_pod *peer)
{
	int id = -1;

	if (!strcmp(name, pod->name) || !strcmp(name, pod->found_name))
		return false;
	if (inspect_pod_open(peer, name, 0) ||
	    nl_netns_id(pod->h.nl, peer->fd, &id) || id != nsid ||
	    inspect_pod_load(peer, host, false)) {
		inspect_pod_close(peer);
		return false;
	}
	return true;
}

int inspect_peer_open(const struct inspect_pod *pod,
		      const struct nl_link *pod_if,
		      const struct inspect_host *host, struct inspect_pod *peer)
{
	bool found = false;
	char **names;
	size_t n;
	int err;

	memset(peer, 0, sizeof(*peer));
	peer->fd = -1;
	if (pod_if->link_netnsid < 0)
		return -ENOENT;
	err = ns_names(&names, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n && !found; i++)
		found = is_peer(pod, names[i], pod_if->link_netnsid, host,
				peer);
	ns_names_free(names, n);
	return found ? 0 : -ENOENT;
}

const struct nl_link *inspect_bridge_of(const struct inspect_host *host,
					const struct nl_link *host_end)
{
	const struct nl_link *m;

	if (!host_end || !host_end->master)
		return NULL;
	m = inspect_link(host->links, host->nlinks, host_end->master);
	return m && !strcmp(m->kind, "bridge") ? m : NULL;
}

const char *inspect_operstate(uint8_t operstate)
{
	/* IF_OPER_* (RFC 2863), from <linux/if.h>, which cannot be
	 * included next to <net/if.h>. */
	static const char *const names[] = {
		"unknown", "notpresent", "down", "lowerlayerdown",
		"testing", "dormant",	 "up",
	};

	return operstate < PW_ARRAY_SIZE(names) ? names[operstate] : "unknown";
}

char *inspect_mac(const uint8_t m[6], char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
	return buf;
}
