/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cni_conf.h - what a CNI runtime hands podwire-cni: the environment and
 * the network configuration on stdin, read into typed values.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The configuration keys are the reference bridge plugin's where they
 * overlap, so a conflist swaps "type": "bridge" for "type": "podwire-cni"
 * and nothing else:
 *
 *   bridge, isGateway, isDefaultGateway, ipMasq, mtu, hairpinMode, dns,
 *   explain (podwire's own: the changes as commands on stderr),
 *   ipam: subnet | ranges (one range set per family, one range in each),
 *         rangeStart, rangeEnd, gateway, routes
 *   runtimeConfig: ips, mac       args.cni: ips, mac
 *   CNI_ARGS: IP=a[,b];MAC=m      prevResult, cni.dev/valid-attachments
 *
 * ipam.type is ignored: podwire-cni leases from its own store.  Keys it
 * does not know are ignored, as the spec asks.  JSON is jansson's
 * (CONTRIBUTING.md says why); nothing here touches the system.
 */
#ifndef PODWIRE_CNI_CONF_H
#define PODWIRE_CNI_CONF_H

#include <jansson.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "name.h"

/* The spec's error codes (SPEC.md, "Error"). */
enum cni_code {
	CNI_ERR_VERSION = 1,
	CNI_ERR_UNSUPPORTED_FIELD = 2,
	CNI_ERR_UNKNOWN_CONTAINER = 3,
	CNI_ERR_ENV = 4,
	CNI_ERR_IO = 5,
	CNI_ERR_DECODE = 6,
	CNI_ERR_CONFIG = 7,
	CNI_ERR_TRY_AGAIN = 11,
	CNI_ERR_NOT_AVAILABLE = 50,
	CNI_ERR_LIMITED = 51,
	/* libcni's types.ErrInternal: anything else that went wrong. */
	CNI_ERR_INTERNAL = 999,
};

#define CNI_MSG_MAX 128
#define CNI_DETAILS_MAX 512

struct cni_err {
	int code;
	char msg[CNI_MSG_MAX];
	char details[CNI_DETAILS_MAX];
};

/* Fill err; returns its code, for `return cni_fail(...)`. */
int cni_fail(struct cni_err *err, int code, const char *msg,
	     const char *details_fmt, ...)
	__attribute__((format(printf, 4, 5)));

enum cni_command {
	CNI_CMD_ADD,
	CNI_CMD_DEL,
	CNI_CMD_CHECK,
	CNI_CMD_VERSION,
	CNI_CMD_GC,
	CNI_CMD_STATUS,
};

/* The parameters of an invocation, from the environment. */
struct cni_env {
	enum cni_command cmd;
	const char *cid; /* CNI_CONTAINERID */
	const char *netns; /* CNI_NETNS, NULL when unset or empty */
	const char *ifname; /* CNI_IFNAME */
	const char *args; /* CNI_ARGS, NULL when unset */
};

/*
 * Read CNI_COMMAND and what that command requires (SPEC.md, section 2):
 * 0, or the code 4 naming the variable at fault.  getenv is passed in so
 * the fuzz target and the tests can hand in their own.
 */
int cni_env_read(struct cni_env *env, const char *(*get)(const char *),
		 struct cni_err *err);

/* The versions podwire-cni speaks, oldest first. */
extern const char *const cni_versions[];
extern const size_t cni_nversions;

/* A range of one family (ipam.ranges[i][0], or ipam.subnet). */
struct cni_range {
	struct pw_prefix subnet;
	struct pw_addr start, end, gateway; /* family 0: not given */
};

#define CNI_ROUTES_MAX 16

struct cni_route {
	struct pw_prefix dst;
	struct pw_addr gw; /* family 0: the range's gateway */
};

struct cni_conf {
	char version[16]; /* cniVersion as given */
	int vnum; /* the same as major*10000 + minor*100 + patch */
	char name[PW_CNI_NET_MAX + 1];
	char bridge[IFNAMSIZ]; /* default "cni0", as the bridge plugin's */
	bool is_gateway; /* the bridge holds each range's gateway */
	bool is_default_gw; /* and the pod routes default through it */
	bool ip_masq;
	bool hairpin;
	bool explain; /* each change as a command on stderr (explain.h) */
	unsigned mtu; /* 0: the kernel's */
	struct cni_range ranges[2]; /* at most one per family, IPv4 first */
	size_t nranges;
	struct cni_route routes[CNI_ROUTES_MAX];
	size_t nroutes;
	/* Asked for: runtimeConfig.ips, args.cni.ips, or CNI_ARGS IP=. */
	struct pw_addr want[2];
	uint8_t want_len[2]; /* 0: no length given */
	size_t nwant;
	bool set_mac;
	uint8_t mac[6];
	json_t *root; /* the whole configuration, owned */
	json_t *dns; /* borrowed from root, or NULL */
	json_t *prev; /* prevResult, borrowed, or NULL */
	json_t *valid; /* cni.dev/valid-attachments, borrowed, or NULL */
};

/*
 * Parse the configuration text (len bytes) for env's command: 0, or a
 * spec error (6 undecodable, 1 version, 7 invalid, 2 unsupported, 4 a bad
 * CNI_ARGS).  VERSION needs only cniVersion, which may be missing there.
 * Free with cni_conf_free() either way.
 */
int cni_conf_parse(const char *text, size_t len, const struct cni_env *env,
		   struct cni_conf *conf, struct cni_err *err);
void cni_conf_free(struct cni_conf *conf);

/* Error 7 naming key: "mtu is not 68-65535". */
int cni_bad_config(struct cni_err *err, const char *key, const char *why);

/*
 * An address asked for ("a" or "a/len", at most one per family) or a MAC
 * (unicast), from where (a key, or CNI_ARGS), into c's wants; errors are
 * code_bad's (4 for CNI_ARGS, else 7) naming where.
 */
int cni_want_ip(struct cni_conf *c, const char *where, const char *text,
		int code_bad, struct cni_err *err);
int cni_want_mac(struct cni_conf *c, const char *where, const char *text,
		 struct cni_err *err);

/* Error 4 naming var: "CNI_IFNAME contains a space". */
int cni_bad_env(struct cni_err *err, const char *var, const char *why);

/* "x.y.z" as x*10000 + y*100 + z; false when it is no such text. */
bool cni_version_number(const char *v, int *out);

/* Is version one podwire-cni speaks?  Its number in *vnum. */
bool cni_version_known(const char *version, int *vnum);

/* A CNI_ARGS text into conf's wants (IP=, MAC=); other keys ignored. */
int cni_args_parse(const char *args, struct cni_conf *conf,
		   struct cni_err *err);

#endif
