// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * draw.c - pod-inspect --tree and --dot.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <net/if.h>
#include <string.h>

#include "draw.h"
#include "owner.h"

/* A pod interface, found from the host end that leads to it. */
struct behind {
	const struct inspect_pod *pod;
	const struct nl_link *link;
};

static struct behind pod_behind(const struct draw_world *w,
				const struct nl_link *host_end)
{
	struct behind b = { 0 };

	if (strcmp(host_end->kind, "veth") || host_end->link_netnsid < 0)
		return b;
	for (size_t i = 0; i < w->npods && !b.link; i++) {
		if (w->pods[i].nsid != host_end->link_netnsid)
			continue;
		b.pod = &w->pods[i];
		b.link = inspect_link(b.pod->links, b.pod->nlinks,
				      host_end->link);
	}
	return b;
}

/* Kernel strings are escaped before they reach a terminal. */
static const char *esc(const char *s, char *buf, size_t size)
{
	return pw_escape(s, buf, size);
}

/* fe80::/10: drawn nowhere, the same in the tree and in the graph. */
static bool link_local(const struct nl_addr *a)
{
	return a->prefix.addr.family == AF_INET6 &&
	       a->prefix.addr.bytes[0] == 0xfe &&
	       (a->prefix.addr.bytes[1] & 0xc0) == 0x80;
}

static void print_addrs(FILE *out, const struct nl_addr *v, size_t n,
			unsigned ifindex)
{
	char a[PW_ADDRSTRLEN];

	for (size_t i = 0; i < n; i++) {
		const struct nl_addr *x = &v[i];

		if (x->ifindex != ifindex || link_local(x))
			continue;
		fprintf(out, " %s",
			addr_format_prefix(&x->prefix, a, sizeof(a)));
	}
}

static const char *updown(const struct nl_link *l)
{
	return l->flags & IFF_UP ? "up" : "down";
}

static void tree_port(FILE *out, const struct draw_world *w,
		      const struct nl_link *port, bool last)
{
	struct behind b = pod_behind(w, port);
	char e1[PW_ESCAPED_SIZE(IFNAMSIZ)], e2[PW_ESCAPED_SIZE(IFNAMSIZ)];

	fprintf(out, "%s %s %s", last ? "`--" : "|--",
		esc(port->ifname, e1, sizeof(e1)), updown(port));
	if (b.link) {
		fprintf(out, " -- %s:%s %s", b.pod->label,
			esc(b.link->ifname, e2, sizeof(e2)), updown(b.link));
		print_addrs(out, b.pod->addrs, b.pod->naddrs, b.link->ifindex);
	} else if (!strcmp(port->kind, "veth") && port->link_netnsid >= 0) {
		fprintf(out, " -- (namespace id %d, no name)",
			port->link_netnsid);
	}
	fputc('\n', out);
}

/* Host links that match, counted, so the last one can be drawn `--. */
static size_t count_ports(const struct inspect_host *h, unsigned master,
			  bool veth_only)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nlinks; i++)
		if (h->links[i].master == master &&
		    (!veth_only || !strcmp(h->links[i].kind, "veth")))
			n++;
	return n;
}

static void tree_ports(FILE *out, const struct draw_world *w, unsigned master,
		       bool veth_only)
{
	const struct inspect_host *h = w->host;
	size_t left = count_ports(h, master, veth_only);

	for (size_t i = 0; i < h->nlinks; i++)
		if (h->links[i].master == master &&
		    (!veth_only || !strcmp(h->links[i].kind, "veth")))
			tree_port(out, w, &h->links[i], --left == 0);
}

/* Cables between two pods, drawn once, from their podwire mark. */
static void tree_cables(FILE *out, const struct draw_world *w)
{
	bool heading = false;

	for (size_t i = 0; i < w->npods; i++) {
		const struct inspect_pod *p = &w->pods[i];

		for (size_t j = 0; j < p->nlinks; j++) {
			const struct nl_link *l = &p->links[j];
			char e[PW_ESCAPED_SIZE(IFNAMSIZ)],
				pe[PW_ESCAPED_SIZE(PW_NETNS_MAX)];
			struct owner o;

			/* Drawn from the pair's first end, when both ends
			 * are in named pods. */
			if (strcmp(l->kind, "veth") || l->link_netnsid < 0 ||
			    !owner_parse(l->alias, &o) || !o.peer_netns[0] ||
			    strcmp(o.netns, p->name) ||
			    strcmp(o.ifname, l->ifname))
				continue;
			if (!heading)
				fprintf(out, "(pod to pod)\n");
			heading = true;
			fprintf(out, "|-- %s:%s", p->label,
				esc(l->ifname, e, sizeof(e)));
			print_addrs(out, p->addrs, p->naddrs, l->ifindex);
			/* The mark is an alias: the pod's root can write it. */
			fprintf(out,
				" == %s:", esc(o.peer_netns, pe, sizeof(pe)));
			fprintf(out, "%s\n", esc(o.peer_ifname, e, sizeof(e)));
		}
	}
}

void draw_tree(FILE *out, const struct draw_world *w)
{
	const struct inspect_host *h = w->host;
	char e[PW_ESCAPED_SIZE(IFNAMSIZ)];

	for (size_t i = 0; i < h->nlinks; i++) {
		const struct nl_link *b = &h->links[i];

		if (strcmp(b->kind, "bridge"))
			continue;
		fprintf(out, "%s  bridge %s", esc(b->ifname, e, sizeof(e)),
			updown(b));
		print_addrs(out, h->addrs, h->naddrs, b->ifindex);
		fputc('\n', out);
		tree_ports(out, w, b->ifindex, false);
	}
	if (count_ports(h, 0, true)) {
		fprintf(out, "(no bridge)\n");
		tree_ports(out, w, 0, true);
	}
	tree_cables(out, w);
}

/* ---- Graphviz ----------------------------------------------------------- */

/* Inside a double-quoted DOT string: escape '"' and '\'. */
static void dot_str(FILE *out, const char *s)
{
	char e[PW_ESCAPED_SIZE(IFNAMSIZ * 4)];

	for (const char *p = esc(s, e, sizeof(e)); *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', out);
		fputc(*p, out);
	}
}

static void dot_addrs(FILE *out, const struct nl_addr *v, size_t n,
		      unsigned ifindex)
{
	char a[PW_ADDRSTRLEN];

	for (size_t i = 0; i < n; i++)
		if (v[i].ifindex == ifindex && !link_local(&v[i]))
			fprintf(out, "\\n%s",
				addr_format_prefix(&v[i].prefix, a, sizeof(a)));
}

static void dot_pods(FILE *out, const struct draw_world *w)
{
	for (size_t i = 0; i < w->npods; i++) {
		const struct inspect_pod *p = &w->pods[i];

		fprintf(out, "\t\"pod ");
		dot_str(out, p->label);
		fprintf(out, "\" [shape=ellipse, label=\"");
		dot_str(out, p->label);
		for (size_t j = 0; j < p->nlinks; j++) {
			if (p->links[j].flags & IFF_LOOPBACK)
				continue;
			fprintf(out, "\\n");
			dot_str(out, p->links[j].ifname);
			dot_addrs(out, p->addrs, p->naddrs,
				  p->links[j].ifindex);
		}
		fprintf(out, "\"];\n");
	}
}

static void dot_host(FILE *out, const struct draw_world *w)
{
	const struct inspect_host *h = w->host;

	for (size_t i = 0; i < h->nlinks; i++) {
		const struct nl_link *l = &h->links[i];
		const struct nl_link *m;
		struct behind b;

		if (strcmp(l->kind, "bridge") && strcmp(l->kind, "veth"))
			continue;
		fprintf(out, "\t\"host ");
		dot_str(out, l->ifname);
		fprintf(out, "\" [shape=%s, label=\"",
			strcmp(l->kind, "bridge") ? "box" : "box3d");
		dot_str(out, l->ifname);
		dot_addrs(out, h->addrs, h->naddrs, l->ifindex);
		fprintf(out, "\"];\n");
		m = inspect_link(h->links, h->nlinks, l->master);
		if (m) {
			fprintf(out, "\t\"host ");
			dot_str(out, m->ifname);
			fprintf(out, "\" -- \"host ");
			dot_str(out, l->ifname);
			fprintf(out, "\";\n");
		}
		b = pod_behind(w, l);
		if (b.link) {
			fprintf(out, "\t\"host ");
			dot_str(out, l->ifname);
			fprintf(out, "\" -- \"pod ");
			dot_str(out, b.pod->label);
			fprintf(out, "\" [label=\"");
			dot_str(out, b.link->ifname);
			fprintf(out, "\"];\n");
		}
	}
}

static void dot_cables(FILE *out, const struct draw_world *w)
{
	for (size_t i = 0; i < w->npods; i++) {
		const struct inspect_pod *p = &w->pods[i];

		for (size_t j = 0; j < p->nlinks; j++) {
			const struct nl_link *l = &p->links[j];
			struct owner o;

			if (strcmp(l->kind, "veth") ||
			    !owner_parse(l->alias, &o) || !o.peer_netns[0] ||
			    strcmp(o.netns, p->name) ||
			    strcmp(o.ifname, l->ifname))
				continue;
			fprintf(out, "\t\"pod ");
			dot_str(out, p->label);
			fprintf(out, "\" -- \"pod ");
			dot_str(out, o.peer_netns);
			fprintf(out, "\" [label=\"");
			dot_str(out, l->ifname);
			fprintf(out, " / ");
			dot_str(out, o.peer_ifname);
			fprintf(out, "\"];\n");
		}
	}
}

void draw_dot(FILE *out, const struct draw_world *w)
{
	fprintf(out, "graph podwire {\n\trankdir=LR;\n"
		     "\tnode [fontname=\"monospace\"];\n");
	dot_pods(out, w);
	dot_host(out, w);
	dot_cables(out, w);
	fprintf(out, "}\n");
}
