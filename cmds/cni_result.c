// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cni_result.c - the result of an ADD, as SPEC.md section 5 draws it, and
 * the prevResult a CHECK or DEL hands back.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Interfaces are listed as the reference bridge plugin lists them, so a
 * chained portmap or firewall finds what it looks for: the bridge, the
 * host end, then the container's end with its sandbox.  Versions before
 * 1.0.0 give each address a "version" ("4" or "6").
 */
#include <stdio.h>
#include <string.h>

#include "cni.h"

static json_t *mac_text(const uint8_t mac[6])
{
	char text[18];

	snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	return json_string(text);
}

static json_t *iface(const char *name, const uint8_t mac[6],
		     const char *sandbox)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "mac", mac_text(mac));
	if (sandbox)
		json_object_set_new(o, "sandbox", json_string(sandbox));
	return o;
}

static json_t *addr_text(const struct pw_addr *a)
{
	char text[PW_ADDRSTRLEN];

	return json_string(addr_format(a, text, sizeof(text)));
}

static json_t *prefix_text(const struct pw_prefix *p)
{
	char text[PW_ADDRSTRLEN];

	return json_string(addr_format_prefix(p, text, sizeof(text)));
}

/* An array member of prev, copied, or a new empty one. */
static json_t *prev_array(const struct cni_conf *c, const char *key)
{
	json_t *a = c->prev ? json_object_get(c->prev, key) : NULL;

	return json_is_array(a) ? json_deep_copy(a) : json_array();
}

static void add_ips(json_t *ips, const struct cni_conf *c,
		    const struct cni_made *m, size_t pod_index)
{
	for (size_t i = 0; i < IPAM_POOLS_MAX; i++) {
		json_t *ip;

		if (!m->lease.has[i])
			continue;
		ip = json_object();
		if (c->vnum < 10000)
			json_object_set_new(
				ip, "version",
				json_string(m->lease.addr[i].addr.family ==
							    AF_INET6 ?
						    "6" :
						    "4"));
		json_object_set_new(ip, "address",
				    prefix_text(&m->lease.addr[i]));
		if (m->gws[i].family)
			json_object_set_new(ip, "gateway",
					    addr_text(&m->gws[i]));
		json_object_set_new(ip, "interface",
				    json_integer((json_int_t)pod_index));
		json_array_append_new(ips, ip);
	}
}

static json_t *route(const struct pw_prefix *dst, const struct pw_addr *gw)
{
	json_t *r = json_object();

	json_object_set_new(r, "dst", prefix_text(dst));
	if (gw && gw->family)
		json_object_set_new(r, "gw", addr_text(gw));
	return r;
}

static void add_routes(json_t *routes, const struct cni_conf *c,
		       const struct cni_made *m)
{
	for (size_t i = 0; c->is_default_gw && i < IPAM_POOLS_MAX; i++) {
		struct pw_prefix any = { .addr.family = m->gws[i].family };

		if (m->lease.has[i] && m->gws[i].family)
			json_array_append_new(routes, route(&any, &m->gws[i]));
	}
	for (size_t i = 0; i < c->nroutes; i++) {
		const struct cni_route *r = &c->routes[i];
		bool family_leased = false;

		/* The default route isDefaultGateway listed already. */
		if (c->is_default_gw && !r->dst.len)
			continue;
		/* A route of a family no range has was not made. */
		for (size_t p = 0; p < IPAM_POOLS_MAX; p++)
			family_leased |= m->lease.has[p] &&
					 m->lease.addr[p].addr.family ==
						 r->dst.addr.family;
		if (!family_leased)
			continue;
		json_array_append_new(routes, route(&r->dst, &r->gw));
	}
}

json_t *cni_result(const struct cni_env *env, const struct cni_conf *c,
		   const struct cni_made *m)
{
	json_t *res = json_object(), *ifs = prev_array(c, "interfaces");
	json_t *ips = prev_array(c, "ips"), *routes = prev_array(c, "routes");
	json_t *dns = c->dns;
	size_t pod_index;

	json_array_append_new(ifs, iface(c->bridge, m->bridge_mac, NULL));
	json_array_append_new(ifs, iface(m->host, m->host_mac, NULL));
	pod_index = json_array_size(ifs);
	json_array_append_new(ifs, iface(env->ifname, m->pod_mac, env->netns));
	add_ips(ips, c, m, pod_index);
	add_routes(routes, c, m);
	if (!dns && c->prev)
		dns = json_object_get(c->prev, "dns");
	json_object_set_new(res, "cniVersion", json_string(c->version));
	json_object_set_new(res, "interfaces", ifs);
	json_object_set_new(res, "ips", ips);
	json_object_set_new(res, "routes", routes);
	json_object_set_new(res, "dns",
			    json_is_object(dns) ? json_deep_copy(dns) :
						  json_object());
	return res;
}

/* ---- prevResult --------------------------------------------------------- */

static int bad_prev(struct cni_err *err, const char *what)
{
	return cni_fail(err, CNI_ERR_DECODE, "failed to decode prevResult",
			"%s", what);
}

/* The index of the container's interface in prev: -1 when none is. */
static json_int_t pod_interface(json_t *ifs, const struct cni_env *env,
				struct cni_prev *out)
{
	size_t i;
	json_t *it;

	json_array_foreach(ifs, i, it)
	{
		json_t *name = json_object_get(it, "name");
		json_t *sandbox = json_object_get(it, "sandbox");
		json_t *mac = json_object_get(it, "mac");
		unsigned b[6];

		if (!json_is_string(name) ||
		    strcmp(json_string_value(name), env->ifname) ||
		    !json_is_string(sandbox) || !json_string_length(sandbox))
			continue;
		if (json_is_string(mac) &&
		    sscanf(json_string_value(mac), "%2x:%2x:%2x:%2x:%2x:%2x",
			   &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) == 6) {
			for (int j = 0; j < 6; j++)
				out->mac[j] = (uint8_t)b[j];
			out->has_mac = true;
		}
		return (json_int_t)i;
	}
	return -1;
}

static int prev_ips(json_t *ips, json_int_t pod, struct cni_prev *out,
		    struct cni_err *err)
{
	size_t i;
	json_t *ip;

	json_array_foreach(ips, i, ip)
	{
		json_t *a = json_object_get(ip, "address");
		json_t *idx = json_object_get(ip, "interface");
		struct pw_prefix p;

		if (!json_is_string(a) ||
		    !addr_parse_prefix(json_string_value(a), AF_UNSPEC, &p,
				       NULL))
			return bad_prev(err, "an ips entry has no address in "
					     "CIDR notation");
		/* Addresses of other interfaces are not ours to check. */
		if (!json_is_integer(idx) || json_integer_value(idx) != pod)
			continue;
		if (out->naddrs < sizeof(out->addrs) / sizeof(out->addrs[0]))
			out->addrs[out->naddrs++] = p;
	}
	return 0;
}

static int prev_routes(json_t *routes, struct cni_prev *out,
		       struct cni_err *err)
{
	size_t i;
	json_t *r;

	json_array_foreach(routes, i, r)
	{
		json_t *dst = json_object_get(r, "dst");
		json_t *gw = json_object_get(r, "gw");
		size_t n = out->nroutes;

		if (n == sizeof(out->routes) / sizeof(out->routes[0]))
			break;
		if (!json_is_string(dst) ||
		    !addr_parse_prefix(json_string_value(dst), AF_UNSPEC,
				       &out->routes[n], NULL))
			return bad_prev(err, "a route has no dst in CIDR "
					     "notation");
		out->routes[n] = addr_network(&out->routes[n]);
		memset(&out->route_gws[n], 0, sizeof(out->route_gws[n]));
		if (json_is_string(gw) &&
		    !addr_parse(json_string_value(gw),
				out->routes[n].addr.family, &out->route_gws[n],
				NULL))
			return bad_prev(err, "a route's gw is no address");
		out->nroutes++;
	}
	return 0;
}

int cni_prev_read(json_t *prev, const struct cni_env *env, struct cni_prev *out,
		  struct cni_err *err)
{
	json_t *ifs = json_object_get(prev, "interfaces");
	json_t *ips = json_object_get(prev, "ips");
	json_t *routes = json_object_get(prev, "routes");
	json_int_t pod;
	int code;

	memset(out, 0, sizeof(*out));
	if ((ifs && !json_is_array(ifs)) || (ips && !json_is_array(ips)) ||
	    (routes && !json_is_array(routes)))
		return bad_prev(err, "interfaces, ips and routes must be "
				     "arrays");
	pod = pod_interface(ifs, env, out);
	code = prev_ips(ips, pod, out, err);
	return code ? code : prev_routes(routes, out, err);
}
