// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cni_conf.c - the environment and network configuration of a CNI call.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni_conf.h"
#include "ipam.h"
#include "ns.h"

/* ---- Values ------------------------------------------------------------- */

int cni_bad_config(struct cni_err *err, const char *key, const char *why)
{
	return cni_fail(err, CNI_ERR_CONFIG, "invalid network configuration",
			"%s %s", key, why);
}

/* An optional member of the given type: 0 (absent or taken) or an error. */
static int member(json_t *obj, const char *key, json_type type, json_t **out,
		  struct cni_err *err)
{
	static const char *const names[] = {
		[JSON_OBJECT] = "an object",	[JSON_ARRAY] = "an array",
		[JSON_STRING] = "a string",	[JSON_INTEGER] = "a number",
		[JSON_REAL] = "a number",	[JSON_TRUE] = "true or false",
		[JSON_FALSE] = "true or false", [JSON_NULL] = "null",
	};
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	char why[64];

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_typeof(v) == type ||
	    (type == JSON_TRUE && json_is_boolean(v))) {
		*out = v;
		return 0;
	}
	snprintf(why, sizeof(why), "is not %s", names[type]);
	return cni_bad_config(err, key, why);
}

static int get_bool(json_t *obj, const char *key, bool *out,
		    struct cni_err *err)
{
	json_t *v;
	int code = member(obj, key, JSON_TRUE, &v, err);

	if (!code && v)
		*out = json_is_true(v);
	return code;
}

static int get_string(json_t *obj, const char *key, const char **out,
		      struct cni_err *err)
{
	json_t *v;
	int code = member(obj, key, JSON_STRING, &v, err);

	*out = v ? json_string_value(v) : NULL;
	return code;
}

static int parse_addr(const char *key, const char *text, int family,
		      struct pw_addr *out, struct cni_err *err)
{
	struct pw_why why;
	char msg[CNI_DETAILS_MAX];

	if (addr_parse(text, family, out, &why))
		return 0;
	snprintf(msg, sizeof(msg), "'%.64s' %s", text, why.text);
	return cni_bad_config(err, key, msg);
}

static int parse_prefix(const char *key, const char *text,
			struct pw_prefix *out, struct cni_err *err)
{
	struct pw_why why;
	char msg[CNI_DETAILS_MAX];

	if (addr_parse_prefix(text, AF_UNSPEC, out, &why))
		return 0;
	snprintf(msg, sizeof(msg), "'%.64s' %s", text, why.text);
	return cni_bad_config(err, key, msg);
}

/* An address in a range's subnet (start, end, gateway). */
static int range_addr(json_t *r, const char *key, const struct pw_prefix *net,
		      struct pw_addr *out, struct cni_err *err)
{
	const char *text;
	int code = get_string(r, key, &text, err);
	char msg[160], a[PW_ADDRSTRLEN];

	if (code || !text)
		return code;
	code = parse_addr(key, text, net->addr.family, out, err);
	if (code)
		return code;
	if (addr_prefix_contains(net, out))
		return 0;
	snprintf(msg, sizeof(msg), "%s is outside the subnet %s", text,
		 addr_format_prefix(net, a, sizeof(a)));
	return cni_bad_config(err, key, msg);
}

/* One range: {subnet, rangeStart, rangeEnd, gateway}. */
static int parse_range(json_t *r, struct cni_conf *c, struct cni_err *err)
{
	struct cni_range *range = &c->ranges[c->nranges];
	const char *subnet;
	struct pw_why why;
	int code = get_string(r, "subnet", &subnet, err);

	if (code)
		return code;
	if (!subnet)
		return cni_bad_config(err, "ipam.ranges",
				      "holds a range without "
				      "subnet");
	memset(range, 0, sizeof(*range));
	code = parse_prefix("subnet", subnet, &range->subnet, err);
	if (code)
		return code;
	if (!ipam_pool_ok(&range->subnet, &why))
		return cni_bad_config(err, subnet, why.text);
	for (size_t i = 0; i < c->nranges; i++)
		if (c->ranges[i].subnet.addr.family ==
		    range->subnet.addr.family)
			return cni_fail(
				err, CNI_ERR_UNSUPPORTED_FIELD,
				"unsupported field in network "
				"configuration",
				"ipam: subnet %s: podwire-cni takes one "
				"range per address family",
				subnet);
	code = range_addr(r, "rangeStart", &range->subnet, &range->start, err);
	if (!code)
		code = range_addr(r, "rangeEnd", &range->subnet, &range->end,
				  err);
	if (!code)
		code = range_addr(r, "gateway", &range->subnet, &range->gateway,
				  err);
	if (!code)
		c->nranges++;
	return code;
}

/* ipam.ranges: [[range], [range]], one set per family, one range each. */
static int parse_ranges(json_t *ranges, struct cni_conf *c, struct cni_err *err)
{
	size_t i;
	json_t *set;

	if (json_array_size(ranges) > 2)
		return cni_fail(err, CNI_ERR_UNSUPPORTED_FIELD,
				"unsupported field in network configuration",
				"ipam.ranges: %zu range sets; podwire-cni "
				"takes one per address family",
				json_array_size(ranges));
	json_array_foreach(ranges, i, set)
	{
		int code;

		if (!json_is_array(set) || json_array_size(set) == 0)
			return cni_bad_config(err, "ipam.ranges",
					      "holds a range set that is no "
					      "array of ranges");
		if (json_array_size(set) > 1)
			return cni_fail(err, CNI_ERR_UNSUPPORTED_FIELD,
					"unsupported field in network "
					"configuration",
					"ipam.ranges[%zu]: %zu ranges; "
					"podwire-cni takes one range per "
					"address family",
					i, json_array_size(set));
		if (!json_is_object(json_array_get(set, 0)))
			return cni_bad_config(
				err, "ipam.ranges",
				"holds a range that is no object");
		code = parse_range(json_array_get(set, 0), c, err);
		if (code)
			return code;
	}
	return 0;
}

static int parse_routes(json_t *routes, struct cni_conf *c, struct cni_err *err)
{
	size_t i;
	json_t *r;

	json_array_foreach(routes, i, r)
	{
		struct cni_route *route = &c->routes[c->nroutes];
		const char *dst, *gw;
		int code;

		if (c->nroutes == CNI_ROUTES_MAX)
			return cni_fail(err, CNI_ERR_UNSUPPORTED_FIELD,
					"unsupported field in network "
					"configuration",
					"ipam.routes: more than %d routes",
					CNI_ROUTES_MAX);
		if (!json_is_object(r))
			return cni_bad_config(
				err, "ipam.routes",
				"holds a route that is no object");
		memset(route, 0, sizeof(*route));
		code = get_string(r, "dst", &dst, err);
		if (!code && !dst)
			code = cni_bad_config(err, "ipam.routes",
					      "holds a route without dst");
		if (!code)
			code = parse_prefix("dst", dst, &route->dst, err);
		if (!code)
			route->dst = addr_network(&route->dst);
		if (!code)
			code = get_string(r, "gw", &gw, err);
		if (!code && gw)
			code = parse_addr("gw", gw, route->dst.addr.family,
					  &route->gw, err);
		if (code)
			return code;
		c->nroutes++;
	}
	return 0;
}

static int parse_ipam(json_t *ipam, struct cni_conf *c, struct cni_err *err)
{
	json_t *ranges, *routes;
	const char *subnet;
	int code = member(ipam, "ranges", JSON_ARRAY, &ranges, err);

	if (!code)
		code = get_string(ipam, "subnet", &subnet, err);
	if (!code)
		code = member(ipam, "routes", JSON_ARRAY, &routes, err);
	if (code)
		return code;
	if (subnet) {
		/* host-local's older form: one range, its keys beside. */
		code = parse_range(ipam, c, err);
		if (code)
			return code;
	}
	if (ranges) {
		code = parse_ranges(ranges, c, err);
		if (code)
			return code;
	}
	if (!c->nranges)
		return cni_bad_config(err, "ipam",
				      "has neither subnet nor ranges");
	/* IPv4 first, as the pools and the result list them. */
	if (c->nranges == 2 && c->ranges[0].subnet.addr.family == AF_INET6) {
		struct cni_range t = c->ranges[0];

		c->ranges[0] = c->ranges[1];
		c->ranges[1] = t;
	}
	return routes ? parse_routes(routes, c, err) : 0;
}

/* ---- Requests ---------------------------------------------------------- */

/* runtimeConfig or args.cni: {"ips": [...], "mac": "..."}. */
static int parse_wants(json_t *obj, const char *where, struct cni_conf *c,
		       struct cni_err *err)
{
	json_t *ips, *ip;
	const char *mac;
	size_t i;
	int code = member(obj, "ips", JSON_ARRAY, &ips, err);

	if (!code)
		code = get_string(obj, "mac", &mac, err);
	if (code)
		return code;
	if (ips && json_array_size(ips))
		c->nwant = 0; /* the later source wins, whole */
	json_array_foreach(ips, i, ip)
	{
		if (!json_is_string(ip))
			return cni_bad_config(err, where,
					      "ips holds a non-string");
		code = cni_want_ip(c, where, json_string_value(ip),
				   CNI_ERR_CONFIG, err);
		if (code)
			return code;
	}
	return mac ? cni_want_mac(c, where, mac, err) : 0;
}

/* ---- The configuration -------------------------------------------------- */

static int parse_version(json_t *root, const struct cni_env *env,
			 struct cni_conf *c, struct cni_err *err)
{
	const char *v;
	int code = get_string(root, "cniVersion", &v, err);

	if (code)
		return code;
	if (!v && env->cmd == CNI_CMD_VERSION)
		v = "0.1.0"; /* libcni's default when a config says none */
	if (!v)
		return cni_bad_config(err, "cniVersion", "is missing");
	snprintf(c->version, sizeof(c->version), "%s", v);
	if (strlen(v) >= sizeof(c->version))
		return cni_fail(err, CNI_ERR_VERSION,
				"incompatible CNI version",
				"'%.32s' is no "
				"version",
				v);
	if (env->cmd == CNI_CMD_VERSION) {
		if (!cni_version_number(v, &c->vnum))
			return cni_fail(err, CNI_ERR_DECODE,
					"failed to decode version",
					"cniVersion '%s' is no version", v);
		return 0;
	}
	if (!cni_version_known(v, &c->vnum))
		return cni_fail(err, CNI_ERR_VERSION,
				"incompatible CNI version",
				"podwire-cni speaks 0.3.0, 0.3.1, 0.4.0, 1.0.0 "
				"and 1.1.0, not %s",
				v);
	if (env->cmd == CNI_CMD_CHECK && c->vnum < 400)
		return cni_fail(err, CNI_ERR_VERSION,
				"incompatible CNI version",
				"CHECK needs cniVersion 0.4.0 or later, not %s",
				v);
	if ((env->cmd == CNI_CMD_GC || env->cmd == CNI_CMD_STATUS) &&
	    c->vnum < 10100)
		return cni_fail(err, CNI_ERR_VERSION,
				"incompatible CNI version",
				"%s needs cniVersion 1.1.0, not %s",
				env->cmd == CNI_CMD_GC ? "GC" : "STATUS", v);
	return 0;
}

static int parse_names(json_t *root, struct cni_conf *c, struct cni_err *err)
{
	const char *name, *bridge;
	struct pw_why why;
	char msg[160];
	int code = get_string(root, "name", &name, err);

	if (!code)
		code = get_string(root, "bridge", &bridge, err);
	if (code)
		return code;
	if (!name)
		return cni_bad_config(err, "name", "is missing");
	if (!name_cni_ok(name, PW_CNI_NET_MAX, &why)) {
		snprintf(msg, sizeof(msg), "'%.40s' %s", name, why.text);
		return cni_bad_config(err, "name", msg);
	}
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (!bridge)
		bridge = "cni0"; /* the bridge plugin's default */
	if (!name_ifname_ok(bridge, &why)) {
		snprintf(msg, sizeof(msg), "'%.40s' %s", bridge, why.text);
		return cni_bad_config(err, "bridge", msg);
	}
	snprintf(c->bridge, sizeof(c->bridge), "%s", bridge);
	return 0;
}

static int parse_switches(json_t *root, struct cni_conf *c, struct cni_err *err)
{
	json_t *mtu;
	int code = get_bool(root, "isGateway", &c->is_gateway, err);

	if (!code)
		code = get_bool(root, "isDefaultGateway", &c->is_default_gw,
				err);
	if (!code)
		code = get_bool(root, "ipMasq", &c->ip_masq, err);
	if (!code)
		code = get_bool(root, "hairpinMode", &c->hairpin, err);
	if (!code)
		code = get_bool(root, "explain", &c->explain, err);
	if (!code)
		code = member(root, "mtu", JSON_INTEGER, &mtu, err);
	if (code)
		return code;
	/* As the bridge plugin: a default gateway is a gateway. */
	if (c->is_default_gw)
		c->is_gateway = true;
	if (mtu) {
		json_int_t m = json_integer_value(mtu);

		/* 68 is IPv4's minimum; 65535 the veth maximum; 0 default. */
		if (m && (m < 68 || m > 65535))
			return cni_bad_config(err, "mtu", "is not 68-65535");
		c->mtu = (unsigned)m;
	}
	return 0;
}

/* What only some commands read: the attachment's requests and results. */
static int parse_extras(json_t *root, const struct cni_env *env,
			struct cni_conf *c, struct cni_err *err)
{
	json_t *rc, *args, *cni = NULL;
	int code = member(root, "runtimeConfig", JSON_OBJECT, &rc, err);

	if (!code)
		code = member(root, "args", JSON_OBJECT, &args, err);
	if (!code && args)
		code = member(args, "cni", JSON_OBJECT, &cni, err);
	if (!code)
		code = member(root, "dns", JSON_OBJECT, &c->dns, err);
	if (!code)
		code = member(root, "prevResult", JSON_OBJECT, &c->prev, err);
	if (!code)
		code = member(root, "cni.dev/valid-attachments", JSON_ARRAY,
			      &c->valid, err);
	if (code || env->cmd != CNI_CMD_ADD)
		return code;
	/* The weakest source first: each later one replaces it. */
	if (env->args)
		code = cni_args_parse(env->args, c, err);
	if (!code && cni)
		code = parse_wants(cni, "args.cni", c, err);
	if (!code && rc)
		code = parse_wants(rc, "runtimeConfig", c, err);
	return code;
}

int cni_conf_parse(const char *text, size_t len, const struct cni_env *env,
		   struct cni_conf *c, struct cni_err *err)
{
	json_error_t jerr;
	json_t *ipam;
	int code;

	memset(c, 0, sizeof(*c));
	/* Duplicate keys are refused: which one a reader takes is a guess. */
	c->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!c->root)
		return cni_fail(err, CNI_ERR_DECODE,
				"failed to decode network configuration",
				"line %d column %d: %s", jerr.line, jerr.column,
				jerr.text);
	if (!json_is_object(c->root))
		return cni_fail(err, CNI_ERR_DECODE,
				"failed to decode network configuration", "%s",
				"it is not a JSON object");
	code = parse_version(c->root, env, c, err);
	if (code || env->cmd == CNI_CMD_VERSION)
		return code;
	code = parse_names(c->root, c, err);
	if (!code)
		code = parse_switches(c->root, c, err);
	if (!code)
		code = member(c->root, "ipam", JSON_OBJECT, &ipam, err);
	if (!code && !ipam)
		code = cni_bad_config(err, "ipam", "is missing");
	if (!code)
		code = parse_ipam(ipam, c, err);
	if (!code)
		code = parse_extras(c->root, env, c, err);
	return code;
}

void cni_conf_free(struct cni_conf *c)
{
	json_decref(c->root);
	c->root = NULL;
}
