// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cni_wants.c - the address and MAC a runtime asks for: runtimeConfig
 * ips/mac, args.cni ips/mac, CNI_ARGS IP=/MAC= (podman 4.3's way).
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni_conf.h"

/* ---- Static requests ---------------------------------------------------- */

static bool parse_mac(const char *text, uint8_t mac[6])
{
	unsigned b[6];
	int n = 0;

	if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2],
		   &b[3], &b[4], &b[5], &n) != 6 ||
	    text[n] || strlen(text) != 17)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	/* Unicast only: a multicast source address is dropped everywhere. */
	return !(mac[0] & 1);
}

int cni_want_mac(struct cni_conf *c, const char *from, const char *text,
		 struct cni_err *err)
{
	char why[128];

	if (parse_mac(text, c->mac)) {
		c->set_mac = true;
		return 0;
	}
	snprintf(why, sizeof(why), "'%.32s' is no unicast MAC address", text);
	return cni_bad_config(err, from, why);
}

/* An address asked for: "a" or "a/len", at most one per family. */
int cni_want_ip(struct cni_conf *c, const char *from, const char *text,
		int code_bad, struct cni_err *err)
{
	struct pw_prefix p;
	struct pw_why why;
	char msg[160];
	bool bare = !strchr(text, '/');

	if (bare ? !addr_parse(text, AF_UNSPEC, &p.addr, &why) :
		   !addr_parse_prefix(text, AF_UNSPEC, &p, &why)) {
		snprintf(msg, sizeof(msg), "'%.64s' %s", text, why.text);
		return code_bad == CNI_ERR_ENV ? cni_bad_env(err, from, msg) :
						 cni_bad_config(err, from, msg);
	}
	for (size_t i = 0; i < c->nwant; i++)
		if (c->want[i].family == p.addr.family) {
			snprintf(msg, sizeof(msg),
				 "asks for two addresses of one family (%.64s)",
				 text);
			return code_bad == CNI_ERR_ENV ?
				       cni_bad_env(err, from, msg) :
				       cni_bad_config(err, from, msg);
		}
	c->want[c->nwant] = p.addr;
	c->want_len[c->nwant] = bare ? 0 : p.len;
	c->nwant++;
	return 0;
}

int cni_args_parse(const char *args, struct cni_conf *c, struct cni_err *err)
{
	char *copy = strdup(args), *save = NULL, *pair;
	int code = 0;

	if (!copy)
		return cni_fail(err, CNI_ERR_INTERNAL, "out of memory", "%s",
				"CNI_ARGS");
	for (pair = strtok_r(copy, ";", &save); pair && !code;
	     pair = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(pair, '=');

		if (!eq || eq == pair) {
			code = cni_bad_env(
				err, "CNI_ARGS",
				"holds a pair that is not KEY=VALUE");
			break;
		}
		*eq = '\0';
		if (!strcmp(pair, "IP")) {
			char *save2 = NULL, *a;

			c->nwant = 0;
			for (a = strtok_r(eq + 1, ",", &save2); a && !code;
			     a = strtok_r(NULL, ",", &save2))
				code = cni_want_ip(c, "CNI_ARGS", a,
						   CNI_ERR_ENV, err);
		} else if (!strcmp(pair, "MAC")) {
			if (!parse_mac(eq + 1, c->mac))
				code = cni_bad_env(
					err, "CNI_ARGS",
					"MAC= is no unicast MAC address");
			c->set_mac = !code;
		}
		/* IgnoreUnknown, K8S_POD_NAME ...: unknown keys are ignored. */
	}
	free(copy);
	return code;
}
