// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util.c - reasons, strict numbers, escaping, namespaces stepped into.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

bool pw_why_not(struct pw_why *why, const char *fmt, ...)
{
	va_list ap;

	if (why) {
		va_start(ap, fmt);
		vsnprintf(why->text, sizeof(why->text), fmt, ap);
		va_end(ap);
	}
	return false;
}

bool pw_why_from(struct pw_why *why, const char *reason)
{
	if (!reason)
		return true;
	if (why && reason != why->text)
		pw_strlcpy(why->text, reason, sizeof(why->text));
	return false;
}

size_t pw_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

int pw_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && s[1] != '\0')
		return -EINVAL;
	for (; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int pw_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int err = pw_parse_u64(s, max, &v);

	if (err)
		return err;
	*out = (uint32_t)v;
	return 0;
}

char *pw_escape(const char *src, char *dst, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (!size)
		return dst;
	for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
		char tmp[4];
		size_t n;

		if (*p == '\\') {
			tmp[0] = tmp[1] = '\\';
			n = 2;
		} else if (*p >= 0x20 && *p < 0x7f) {
			tmp[0] = (char)*p;
			n = 1;
		} else {
			tmp[0] = '\\';
			tmp[1] = 'x';
			tmp[2] = hex[*p >> 4];
			tmp[3] = hex[*p & 0xf];
			n = 4;
		}
		if (o + n >= size)
			break;
		memcpy(dst + o, tmp, n);
		o += n;
	}
	dst[o] = '\0';
	return dst;
}

bool pw_have_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data) != 0)
		return false;
	return (data[cap / 32].effective >> (cap % 32)) & 1;
}

int64_t pw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

struct timespec pw_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

double pw_ms_since(const struct timespec *start)
{
	struct timespec now = pw_clock();

	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

const char *pw_boot_id(void)
{
	static char id[PW_BOOT_ID_SIZE];
	static bool read_once;
	ssize_t n;
	int fd;

	if (read_once)
		return id;
	read_once = true;
	fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return id;
	n = read(fd, id, sizeof(id) - 1);
	close(fd);
	id[n == PW_BOOT_ID_SIZE - 1 ? n : 0] = '\0';
	/* A uuid's characters only: it goes into key=value text. */
	for (size_t i = 0; id[i]; i++)
		if (!isxdigit((unsigned char)id[i]) && id[i] != '-')
			id[0] = '\0';
	return id;
}

void pw_netns_return(int here)
{
	/* No message: the library never prints, and a core dump shows
	 * where it happened. */
	if (setns(here, CLONE_NEWNET) < 0)
		abort();
}

int pw_in_netns(int fd, int (*fn)(void *), void *arg)
{
	int here = open(PW_SELF_NETNS, O_RDONLY | O_CLOEXEC);
	int err;

	if (here < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = -errno;
		close(here);
		return err;
	}
	err = fn(arg);
	pw_netns_return(here);
	close(here);
	return err;
}

uint32_t pw_fnv1a(uint32_t h, const char *s)
{
	for (const unsigned char *p = (const void *)s; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}
