// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * podwire-cni - podwire's bridges, leases and masquerade as a CNI plugin
 * (SPEC.md 1.1.0): ADD, DEL, CHECK, VERSION, GC and STATUS.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   CNI_COMMAND=ADD CNI_CONTAINERID=c1 CNI_NETNS=/run/netns/c1 \
 *   CNI_IFNAME=eth0 podwire-cni < podwirenet.conf
 *
 * A runtime (podman, containerd, a kubelet) runs it from CNI_PATH with
 * the network configuration on stdin; the result, or the spec's error
 * object, goes to stdout.  It is a front end of the library alone: the
 * configuration fills the library's typed specs (cni_conf.c), as records
 * do for the pipeline programs.  Exit status: 0, 1 when the command
 * failed, 2 when the environment or configuration is invalid (error codes
 * 1, 2, 4, 6, 7).  podwire-cni(8) has the configuration keys and
 * what each command does.
 */
#include <errno.h>
#include <stdarg.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"
#include "cni.h"
#include "nft.h"
#include "ns.h"
#include "explain.h"
#include "ns_cache.h"
#include "nl.h"
#include "owner.h"
#include "statedir.h"
#include "util.h"
#include "version.h"

/* A configuration is a few kilobytes; GC's list of a big node, more. */
#define CNI_STDIN_MAX (16 << 20)

/* ---- Output ------------------------------------------------------------- */

/* One JSON object on stdout, then a newline: 0, or -1 when it failed. */
static int emit(json_t *obj)
{
	int bad = json_dumpf(obj, stdout, JSON_COMPACT) || putchar('\n') == EOF;

	bad |= fflush(stdout) == EOF || ferror(stdout);
	return bad ? -1 : 0;
}

/* The spec's error object; the exit status for its code. */
static int report(const struct cni_err *err, const char *version)
{
	json_t *o = json_object();

	json_object_set_new(o, "cniVersion",
			    json_string(version && version[0] ? version :
								"1.1.0"));
	json_object_set_new(o, "code", json_integer(err->code));
	json_object_set_new(o, "msg", json_string(err->msg));
	if (err->details[0])
		json_object_set_new(o, "details", json_string(err->details));
	emit(o);
	json_decref(o);
	switch (err->code) {
	case CNI_ERR_VERSION:
	case CNI_ERR_UNSUPPORTED_FIELD:
	case CNI_ERR_ENV:
	case CNI_ERR_DECODE:
	case CNI_ERR_CONFIG:
		return CNI_EXIT_USAGE;
	}
	return CNI_EXIT_FAIL;
}

/* ---- Input -------------------------------------------------------------- */

static const char *get_env(const char *name)
{
	return getenv(name);
}

static int read_all(char **out, size_t *len, struct cni_err *err)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t got;

	if (!buf)
		return cni_fail(err, CNI_ERR_IO, "cannot read stdin", "%s",
				strerror(ENOMEM));
	for (;;) {
		if (n == cap) {
			char *bigger = cap < CNI_STDIN_MAX ?
					       realloc(buf, cap * 2) :
					       NULL;

			if (!bigger) {
				free(buf);
				return cni_fail(err, CNI_ERR_IO,
						"cannot read stdin",
						"the configuration is larger "
						"than %d bytes",
						CNI_STDIN_MAX);
			}
			buf = bigger;
			cap *= 2;
		}
		got = read(STDIN_FILENO, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;

			free(buf);
			return cni_fail(err, CNI_ERR_IO, "cannot read stdin",
					"%s", strerror(e));
		}
		if (!got)
			break;
		n += (size_t)got;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* All of stdin into *out; err NULL: a failure leaves *out NULL, silently. */
static int read_stdin(char **out, size_t *len, struct cni_err *err)
{
	struct cni_err ignored;

	*out = NULL;
	if (!err)
		err = &ignored;
	return read_all(out, len, err) && err != &ignored ? -1 : 0;
}

/* cniVersion of a configuration, when it is one podwire-cni speaks. */
static void peek_version(const char *text, size_t len, char *buf, size_t size)
{
	json_t *root = text ? json_loadb(text, len, 0, NULL) : NULL;
	json_t *v = json_object_get(root, "cniVersion");
	int vnum;

	if (json_is_string(v) && cni_version_known(json_string_value(v), &vnum))
		snprintf(buf, size, "%s", json_string_value(v));
	json_decref(root);
}

/* ---- VERSION ------------------------------------------------------------ */

static int version(const struct cni_conf *c)
{
	json_t *o = json_object(), *list = json_array();
	int bad;

	for (size_t i = 0; i < cni_nversions; i++)
		json_array_append_new(list, json_string(cni_versions[i]));
	json_object_set_new(o, "cniVersion", json_string(c->version));
	json_object_set_new(o, "supportedVersions", list);
	bad = emit(o);
	json_decref(o);
	return bad ? CNI_EXIT_FAIL : CNI_EXIT_OK;
}

/* ---- main --------------------------------------------------------------- */

/* The usage text; status, or 1 when it could not be written. */
static int usage(FILE *to, int status)
{
	fprintf(to,
		"Usage: CNI_COMMAND=ADD|DEL|CHECK|VERSION|GC|STATUS "
		"[CNI_CONTAINERID=... CNI_NETNS=... CNI_IFNAME=...] "
		"podwire-cni < config\n"
		"podwire's bridges, leases and masquerade as a CNI plugin; a "
		"container runtime runs it.\n"
		"CNI protocol versions supported: 0.3.0, 0.3.1, 0.4.0, 1.0.0, "
		"1.1.0\n"
		"See podwire-cni(8).\n");
	return fflush(to) == EOF || ferror(to) ? CNI_EXIT_FAIL : status;
}

static int dispatch(const struct cni_env *env, struct cni_conf *c,
		    struct cni_err *err)
{
	struct cni_made made;
	json_t *res;
	int code;

	switch (env->cmd) {
	case CNI_CMD_VERSION:
		return version(c);
	case CNI_CMD_ADD:
		code = cni_add(env, c, &made, err);
		if (code)
			return report(err, c->version);
		res = cni_result(env, c, &made);
		code = emit(res);
		json_decref(res);
		return code ? CNI_EXIT_FAIL : CNI_EXIT_OK;
	case CNI_CMD_DEL:
		code = cni_del(env, c, err);
		break;
	case CNI_CMD_CHECK:
		code = cni_check(env, c, err);
		break;
	case CNI_CMD_GC:
		code = cni_gc(c, err);
		break;
	case CNI_CMD_STATUS:
		code = cni_status(c, err);
		break;
	default:
		code = cni_fail(err, CNI_ERR_ENV,
				"invalid environment variable", "%s",
				"CNI_COMMAND");
	}
	return code ? report(err, c->version) : CNI_EXIT_OK;
}

/* "explain": true: the changes as commands, a line each, on stderr. */
static void explain_to_stderr(void *arg, const char *line)
{
	fprintf(stderr, "%s\n", line);
}

int main(int argc, char **argv)
{
	struct cni_conf conf = { .version = "" };
	struct cni_err err;
	struct cni_env env;
	char *text = NULL;
	size_t len = 0;
	int st;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return usage(stdout, CNI_EXIT_OK);
	if (argc > 1 &&
	    (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))) {
		printf("podwire-cni from podwire %s\n", PODWIRE_VERSION);
		return fflush(stdout) == EOF || ferror(stdout) ? CNI_EXIT_FAIL :
								 CNI_EXIT_OK;
	}
	if (argc > 1 || !getenv("CNI_COMMAND")) {
		/* A person, not a runtime: say what this is, as the
		 * reference plugins do, and the spec's error too. */
		usage(stderr, 0);
	}
	st = cni_env_read(&env, get_env, &err);
	if (read_stdin(&text, &len, st ? NULL : &err))
		return report(&err, NULL);
	if (st) {
		/* The error in the configuration's version, if it has one. */
		peek_version(text, len, conf.version, sizeof(conf.version));
		st = report(&err, conf.version);
	} else if (cni_conf_parse(text, len, &env, &conf, &err)) {
		st = report(&err, conf.version);
	} else {
		if (conf.explain)
			explain_to(explain_to_stderr, NULL);
		st = dispatch(&env, &conf, &err);
	}
	cni_conf_free(&conf);
	free(text);
	ns_cache_clear();
	return st;
}
