/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nl_build.h - netlink messages built with a bound.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Every netlink message podwire builds by hand is built through this: in
 * a buffer of known size, each header and attribute checked against that
 * size before it is written (libmnl's mnl_attr_put_check() and
 * mnl_attr_nest_start_check(), the bound wireguard-tools puts on every
 * attribute with `if (!mnl_attr_put_check(nlh, SOCKET_BUFFER_SIZE, ...))
 * goto toobig;` and iproute2 with addattr_l(n, maxlen, ...)).
 *
 * A put that would not fit writes nothing and marks the message too big,
 * and every put after it is skipped, so a builder asks once, at the end:
 * nl_build_error() is then -EMSGSIZE, and the message must not be sent.
 * A value too long for its message is an error, never a write past the
 * buffer and never a value cut short.  An attribute longer than netlink's
 * 16-bit length can say is too big as well, whatever the buffer.
 */
#ifndef PODWIRE_NL_BUILD_H
#define PODWIRE_NL_BUILD_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nl_build {
	struct nlmsghdr *nlh; /* NULL when size can't hold even the header */
	size_t size; /* of the buffer, counted from nlh */
	bool too_big;
};

/*
 * Start a message of type and flags at buf, size bytes, zeroed first:
 * libmnl 1.0.4 leaves the padding after an attribute unset, and those
 * bytes would go to the kernel uninitialised (valgrind caught it).
 */
void nl_build_start(struct nl_build *b, void *buf, size_t size, uint16_t type,
		    uint16_t flags);

/* The family's header (struct ifinfomsg ...), zeroed; NULL: too big. */
void *nl_build_header(struct nl_build *b, size_t len);

void nl_build_put(struct nl_build *b, uint16_t type, size_t len,
		  const void *data);
void nl_build_u8(struct nl_build *b, uint16_t type, uint8_t v);
void nl_build_u32(struct nl_build *b, uint16_t type, uint32_t v);
/* A string with its terminating NUL, as the kernel's NLA_NUL_STRING. */
void nl_build_strz(struct nl_build *b, uint16_t type, const char *s);

/* A nest; NULL when too big, which nl_build_nest_end() takes. */
struct nlattr *nl_build_nest_start(struct nl_build *b, uint16_t type);
void nl_build_nest_end(struct nl_build *b, struct nlattr *nest);

/* 0, or -EMSGSIZE when anything did not fit. */
int nl_build_error(const struct nl_build *b);

#endif
