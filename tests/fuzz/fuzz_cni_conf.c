// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_cni_conf.c - libFuzzer target for podwire-cni's reading of what a
 * runtime hands it (cmds/cni_conf.c, cmds/cni_result.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The input is a network configuration, read for each command.  A
 * configuration it takes must hold what podwire-cni relies on: a known
 * version, names that pass the library's checks, one range per family,
 * IPv4 first, routes and wants within bounds.  Its prevResult goes through
 * cni_prev_read(), and a result is built from it, as ADD would.  The
 * first line, when it starts "ARGS=", is a CNI_ARGS text instead.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cni.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_conf(const struct cni_conf *c)
{
	struct pw_why why;
	int vnum;

	if (!cni_version_known(c->version, &vnum) || vnum != c->vnum ||
	    !name_cni_ok(c->name, PW_CNI_NET_MAX, &why) ||
	    !name_ifname_ok(c->bridge, &why) || !c->nranges || c->nranges > 2 ||
	    c->nroutes > CNI_ROUTES_MAX || c->nwant > 2 ||
	    (c->nranges == 2 &&
	     (c->ranges[0].subnet.addr.family != AF_INET ||
	      c->ranges[1].subnet.addr.family != AF_INET6)) ||
	    (c->is_default_gw && !c->is_gateway) ||
	    (c->mtu && (c->mtu < 68 || c->mtu > 65535)))
		abort();
}

static void build_result(const struct cni_env *env, const struct cni_conf *c)
{
	struct cni_made m;
	struct cni_prev prev;
	struct cni_err err;
	json_t *res;
	char *text;

	memset(&m, 0, sizeof(m));
	strcpy(m.host, "veth01234567");
	for (size_t i = 0; i < c->nranges; i++) {
		m.lease.addr[i] = c->ranges[i].subnet;
		m.lease.has[i] = true;
	}
	if (c->prev)
		cni_prev_read(c->prev, env, &prev, &err);
	res = cni_result(env, c, &m);
	text = json_dumps(res, JSON_COMPACT);
	if (!text)
		abort();
	free(text);
	json_decref(res);
}

static void one_args(const char *text)
{
	struct cni_conf c;
	struct cni_err err;

	memset(&c, 0, sizeof(c));
	if (!cni_args_parse(text, &c, &err) &&
	    (c.nwant > 2 || (c.set_mac && (c.mac[0] & 1))))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum cni_command cmds[] = { CNI_CMD_ADD, CNI_CMD_DEL,
						 CNI_CMD_CHECK, CNI_CMD_GC,
						 CNI_CMD_VERSION };
	struct cni_env env = { .cid = "c1",
			       .netns = "/run/netns/c1",
			       .ifname = "eth0" };
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!strncmp(text, "ARGS=", 5)) {
		one_args(text + 5);
		free(text);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct cni_conf c;
		struct cni_err err;

		env.cmd = cmds[i];
		if (!cni_conf_parse(text, size, &env, &c, &err) &&
		    env.cmd != CNI_CMD_VERSION) {
			check_conf(&c);
			build_result(&env, &c);
		}
		cni_conf_free(&c);
	}
	free(text);
	return 0;
}
