// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nl_build.c - netlink messages built with a bound (see nl_build.h).
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <string.h>

#include "nl_build.h"

/* The most an attribute's 16-bit nla_len can count, header included. */
#define NL_ATTR_MAX_LEN UINT16_MAX

void nl_build_start(struct nl_build *b, void *buf, size_t size, uint16_t type,
		    uint16_t flags)
{
	b->nlh = NULL;
	b->size = size;
	b->too_big = size < MNL_NLMSG_HDRLEN;
	if (b->too_big)
		return;
	memset(buf, 0, size);
	b->nlh = mnl_nlmsg_put_header(buf);
	b->nlh->nlmsg_type = type;
	b->nlh->nlmsg_flags = flags;
}

/* Is there room for len more bytes, aligned, after what nlh holds? */
static bool room_for(const struct nl_build *b, size_t len)
{
	size_t left = b->size - b->nlh->nlmsg_len;

	return len <= left && MNL_ALIGN(len) <= left;
}

void *nl_build_header(struct nl_build *b, size_t len)
{
	if (b->too_big || !room_for(b, len)) {
		b->too_big = true;
		return NULL;
	}
	return mnl_nlmsg_put_extra_header(b->nlh, len);
}

void nl_build_put(struct nl_build *b, uint16_t type, size_t len,
		  const void *data)
{
	if (b->too_big)
		return;
	if (len > NL_ATTR_MAX_LEN - MNL_ATTR_HDRLEN ||
	    !mnl_attr_put_check(b->nlh, b->size, type, len, data))
		b->too_big = true;
}

void nl_build_u8(struct nl_build *b, uint16_t type, uint8_t v)
{
	nl_build_put(b, type, sizeof(v), &v);
}

void nl_build_u32(struct nl_build *b, uint16_t type, uint32_t v)
{
	nl_build_put(b, type, sizeof(v), &v);
}

void nl_build_strz(struct nl_build *b, uint16_t type, const char *s)
{
	nl_build_put(b, type, strlen(s) + 1, s);
}

struct nlattr *nl_build_nest_start(struct nl_build *b, uint16_t type)
{
	struct nlattr *nest =
		b->too_big ? NULL :
			     mnl_attr_nest_start_check(b->nlh, b->size, type);

	if (!nest)
		b->too_big = true;
	return nest;
}

void nl_build_nest_end(struct nl_build *b, struct nlattr *nest)
{
	const char *tail;

	if (b->too_big || !nest)
		return;
	/* mnl_attr_nest_end() would cut a longer nest's length short. */
	tail = mnl_nlmsg_get_payload_tail(b->nlh);
	if (tail - (const char *)nest > NL_ATTR_MAX_LEN) {
		b->too_big = true;
		return;
	}
	mnl_attr_nest_end(b->nlh, nest);
}

int nl_build_error(const struct nl_build *b)
{
	return b->too_big ? -EMSGSIZE : 0;
}
