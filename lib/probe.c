// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe.c - a real packet from inside a namespace, for pod-inspect.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * TCP and UDP take ordinary sockets, so that the kernel does what it
 * does for any program: the handshake, and the ICMP errors that come
 * back, reported on the connected socket as errno.
 */
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

#define PROBE_PAYLOAD "podwire probe..."

struct echo {
	uint8_t type;
	uint8_t code;
	uint16_t checksum;
	uint16_t id;
	uint16_t seq;
	char payload[sizeof(PROBE_PAYLOAD) - 1];
};

/* RFC 1071 checksum; the kernel computes ICMPv6's itself. */
static uint16_t inet_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static socklen_t to_sockaddr(const struct pw_addr *a,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a->bytes, 4);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	memcpy(&sin6->sin6_addr, a->bytes, 16);
	return sizeof(*sin6);
}

static bool from_dst(const struct sockaddr_storage *ss,
		     const struct pw_addr *dst)
{
	if (dst->family == AF_INET)
		return ss->ss_family == AF_INET &&
		       !memcmp(&((const struct sockaddr_in *)ss)->sin_addr,
			       dst->bytes, 4);
	return ss->ss_family == AF_INET6 &&
	       !memcmp(&((const struct sockaddr_in6 *)ss)->sin6_addr,
		       dst->bytes, 16);
}

/* Is this datagram the reply to our echo? */
static bool is_reply(const uint8_t *buf, ssize_t n, int family, uint16_t id,
		     uint16_t seq)
{
	const struct echo *e;
	size_t off = 0;

	if (family == AF_INET) {
		/* A raw IPv4 socket delivers the IP header too. */
		if (n < (ssize_t)sizeof(struct iphdr))
			return false;
		off = (size_t)(((const struct iphdr *)buf)->ihl) * 4;
	}
	if (n < (ssize_t)(off + 8))
		return false;
	e = (const struct echo *)(buf + off);
	return e->type == (family == AF_INET ? ICMP_ECHOREPLY :
					       ICMP6_ECHO_REPLY) &&
	       e->code == 0 && e->id == htons(id) && e->seq == htons(seq);
}

static int wait_reply(int fd, const struct pw_addr *dst, uint16_t id,
		      uint16_t seq, int wait_ms)
{
	struct timespec start = pw_clock();
	uint8_t buf[1500];

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		/* Zeroed: recvfrom() may fill less of it than it holds. */
		struct sockaddr_storage from = { 0 };
		socklen_t flen = sizeof(from);
		long left = wait_ms - (long)pw_ms_since(&start);
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -ETIMEDOUT;
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &flen);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0 && from_dst(&from, dst) &&
		    is_reply(buf, n, dst->family, id, seq))
			return 0;
	}
}

uint16_t probe_echo_id(void)
{
	return (uint16_t)getpid();
}

int probe_echo(const struct ns_handle *h, const struct pw_addr *dst, int tries,
	       int wait_ms)
{
	bool v4 = dst->family == AF_INET;
	int fd = ns_socket(h, v4 ? AF_INET : AF_INET6, SOCK_RAW,
			   v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	uint16_t id = probe_echo_id();
	struct sockaddr_storage ss;
	socklen_t sslen = to_sockaddr(dst, &ss);
	int err = -ETIMEDOUT;

	if (fd < 0)
		return fd;
	for (int i = 0; i < tries && err == -ETIMEDOUT; i++) {
		struct echo e;

		/* Whole, padding too: the checksum covers every byte. */
		memset(&e, 0, sizeof(e));
		e.type = v4 ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
		e.id = htons(id);
		e.seq = htons((uint16_t)(i + 1));
		memcpy(e.payload, PROBE_PAYLOAD, sizeof(e.payload));
		if (v4)
			e.checksum = inet_checksum(&e, sizeof(e));
		if (sendto(fd, &e, sizeof(e), 0, (struct sockaddr *)&ss,
			   sslen) < 0) {
			err = -errno;
			break;
		}
		err = wait_reply(fd, dst, id, (uint16_t)(i + 1), wait_ms);
	}
	close(fd);
	return err;
}

/* ---- TCP and UDP -------------------------------------------------------- */

/* A socket error the kernel reported: what it means for the probe. */
static int socket_verdict(int err)
{
	if (!err)
		return 0;
	return err == ECONNREFUSED ? PROBE_REFUSED : -err;
}

/* Wait for events on fd; 0 when they came, -ETIMEDOUT (or a signal). */
static int wait_for(int fd, short events, int wait_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	return poll(&pfd, 1, wait_ms) > 0 ? 0 : -ETIMEDOUT;
}

/*
 * A non-blocking connect(): the SYN goes, and the handshake's outcome is
 * the socket's error once it is writable: 0 (SYN-ACK), ECONNREFUSED (RST)
 * or an ICMP error.
 */
static int probe_tcp(int fd, const struct sockaddr_storage *ss, socklen_t sslen,
		     int wait_ms)
{
	int so_err = 0;
	socklen_t len = sizeof(so_err);

	if (!connect(fd, (const struct sockaddr *)ss, sslen))
		return 0; /* at once: an address of the namespace itself */
	if (errno != EINPROGRESS)
		return socket_verdict(errno);
	if (wait_for(fd, POLLOUT, wait_ms))
		return -ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_err, &len) < 0)
		return -errno;
	return socket_verdict(so_err);
}

/*
 * A datagram on a connected socket: a reply is any datagram from dst's
 * port; ICMP port unreachable comes back as ECONNREFUSED.
 */
static int probe_udp(int fd, const struct sockaddr_storage *ss, socklen_t sslen,
		     int wait_ms)
{
	static const char payload[] = PROBE_PAYLOAD "\n";
	char buf[64];

	if (connect(fd, (const struct sockaddr *)ss, sslen) < 0 ||
	    send(fd, payload, sizeof(payload) - 1, 0) < 0)
		return socket_verdict(errno);
	if (wait_for(fd, POLLIN, wait_ms))
		return -ETIMEDOUT;
	if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		return 0;
	return errno == EAGAIN ? -ETIMEDOUT : socket_verdict(errno);
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

int probe_send(const struct ns_handle *h, const struct pw_addr *dst,
	       const struct probe *p, int wait_ms)
{
	bool tcp = p->kind == PROBE_TCP;
	struct sockaddr_storage ss;
	socklen_t sslen;
	int fd, err;

	if (p->kind == PROBE_ICMP)
		return probe_echo(h, dst, 1, wait_ms);
	sslen = to_sockaddr(dst, &ss);
	set_port(&ss, p->port);
	fd = ns_socket(h, ss.ss_family,
		       (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return fd;
	err = tcp ? probe_tcp(fd, &ss, sslen, wait_ms) :
		    probe_udp(fd, &ss, sslen, wait_ms);
	close(fd);
	return err;
}

uint8_t probe_l4proto(const struct probe *p, int family)
{
	switch (p->kind) {
	case PROBE_TCP:
		return IPPROTO_TCP;
	case PROBE_UDP:
		return IPPROTO_UDP;
	case PROBE_ICMP:
		break;
	}
	return family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
}
