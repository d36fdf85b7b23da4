// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cni_env.c - the environment of a CNI call, and the versions spoken.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cni_conf.h"

const char *const cni_versions[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0",
				     "1.1.0" };
const size_t cni_nversions = sizeof(cni_versions) / sizeof(cni_versions[0]);

int cni_fail(struct cni_err *err, int code, const char *msg,
	     const char *details_fmt, ...)
{
	va_list ap;

	err->code = code;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	va_start(ap, details_fmt);
	vsnprintf(err->details, sizeof(err->details), details_fmt, ap);
	va_end(ap);
	return code;
}

/* ---- Environment -------------------------------------------------------- */

static const struct {
	const char *name;
	enum cni_command cmd;
} commands[] = {
	{ "ADD", CNI_CMD_ADD },	    { "DEL", CNI_CMD_DEL },
	{ "CHECK", CNI_CMD_CHECK }, { "VERSION", CNI_CMD_VERSION },
	{ "GC", CNI_CMD_GC },	    { "STATUS", CNI_CMD_STATUS },
};

int cni_bad_env(struct cni_err *err, const char *var, const char *why)
{
	return cni_fail(err, CNI_ERR_ENV, "invalid environment variable",
			"%s %s", var, why);
}

/* A variable a command needs: set and not empty. */
static const char *need(const char *(*get)(const char *), const char *var,
			bool required, struct cni_err *err, int *code)
{
	const char *v = get(var);

	if (v && !v[0])
		v = NULL;
	if (!v && required && !*code)
		*code = cni_bad_env(err, var, "is not set");
	return v;
}

static int check_env_values(const struct cni_env *env, struct cni_err *err)
{
	char why[160];
	struct pw_why w;

	if (env->cid && !name_cni_ok(env->cid, PW_CID_MAX, &w)) {
		snprintf(why, sizeof(why), "'%.40s%s' %s", env->cid,
			 strlen(env->cid) > 40 ? "..." : "", w.text);
		return cni_bad_env(err, "CNI_CONTAINERID", why);
	}
	if (env->ifname && !name_ifname_ok(env->ifname, &w))
		return cni_bad_env(err, "CNI_IFNAME", w.text);
	if (env->netns) {
		/* A path the mark and the lease can hold whole. */
		if (env->netns[0] != '/')
			return cni_bad_env(err, "CNI_NETNS",
					   "is not an absolute path");
		/*
		 * Shorter than a mark's netns field: veth-prune takes a path
		 * that fills it for one cut short, and never judges it.
		 */
		if (strlen(env->netns) >= PW_NETNS_MAX) {
			snprintf(why, sizeof(why), "is longer than %d bytes",
				 PW_NETNS_MAX - 1);
			return cni_bad_env(err, "CNI_NETNS", why);
		}
		if (strchr(env->netns, ' ') || strchr(env->netns, '\n'))
			return cni_bad_env(err, "CNI_NETNS",
					   "contains a blank");
	}
	return 0;
}

int cni_env_read(struct cni_env *env, const char *(*get)(const char *),
		 struct cni_err *err)
{
	const char *cmd = get("CNI_COMMAND");
	bool attach;
	int code = 0;

	memset(env, 0, sizeof(*env));
	if (!cmd || !cmd[0])
		return cni_bad_env(err, "CNI_COMMAND", "is not set");
	for (size_t i = 0;; i++) {
		if (i == sizeof(commands) / sizeof(commands[0]))
			return cni_bad_env(
				err, "CNI_COMMAND",
				"is none of ADD, DEL, CHECK, VERSION, "
				"GC, STATUS");
		if (!strcmp(cmd, commands[i].name)) {
			env->cmd = commands[i].cmd;
			break;
		}
	}
	attach = env->cmd == CNI_CMD_ADD || env->cmd == CNI_CMD_DEL ||
		 env->cmd == CNI_CMD_CHECK;
	/*
	 * VERSION, GC and STATUS concern no attachment: what the runtime
	 * sets anyway is not looked at (libcni's VERSION probe sends
	 * CNI_NETNS=dummy).
	 */
	if (!attach)
		return 0;
	env->cid = need(get, "CNI_CONTAINERID", attach, err, &code);
	env->netns = need(get, "CNI_NETNS", attach && env->cmd != CNI_CMD_DEL,
			  err, &code);
	env->ifname = need(get, "CNI_IFNAME", attach, err, &code);
	env->args = need(get, "CNI_ARGS", false, err, &code);
	return code ? code : check_env_values(env, err);
}

/* ---- Versions ----------------------------------------------------------- */

bool cni_version_number(const char *v, int *out)
{
	unsigned a, b, c;
	int n = 0;

	if (sscanf(v, "%u.%u.%u%n", &a, &b, &c, &n) != 3 || v[n] || a > 99 ||
	    b > 99 || c > 99)
		return false;
	*out = (int)(a * 10000 + b * 100 + c);
	return true;
}

bool cni_version_known(const char *version, int *vnum)
{
	for (size_t i = 0; i < cni_nversions; i++)
		if (!strcmp(version, cni_versions[i]))
			return cni_version_number(version, vnum);
	return false;
}
