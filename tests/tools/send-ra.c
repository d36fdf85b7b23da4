// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * send-ra - send one forged ICMPv6 Router Advertisement, as any pod on a
 * bridge can: the tests use it to see which pod ends take it.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   ip netns exec pod1 send-ra eth0 2001:db8:bad::/64
 *
 * One Router Advertisement goes from IFNAME's link-local address to all
 * nodes (ff02::1) on its link.  It offers the sender as a default router
 * for 1800 seconds and carries a Prefix Information option for PREFIX,
 * on-link and autonomous: a receiver that takes it gets a default route
 * via the sender and makes itself an address in PREFIX (SLAAC, RFC 4862).
 * A receiver drops a Router Advertisement whose hop limit is not 255 or
 * whose source is not link-local (RFC 4861, 6.1.2), so both are set.
 *
 * Exit 0 when it was sent; 1 when it could not be, with a message (a
 * link-local address still tentative can't be sent from: wait until DAD
 * is done); 2 for bad arguments.  It prints nothing on success.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ROUTER_LIFETIME 1800 /* seconds, a common radvd default */
#define VALID_LIFETIME 86400
#define PREFERRED_LIFETIME 14400
#define RA_HOP_LIMIT 255 /* the only one a receiver accepts */

struct ra_prefix {
	struct in6_addr addr;
	unsigned len;
};

static int usage(void)
{
	fprintf(stderr, "usage: send-ra IFNAME PREFIX/LEN\n");
	return 2;
}

/* "2001:db8:bad::/64" into p; false when it is not one. */
static bool parse_prefix(const char *text, struct ra_prefix *p)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	char *end;
	unsigned long len;

	if (!slash || (size_t)(slash - text) >= sizeof(addr) || !slash[1])
		return false;
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end || slash[1] < '0' || slash[1] > '9' || len > 128)
		return false;
	p->len = (unsigned)len;
	return inet_pton(AF_INET6, addr, &p->addr) == 1;
}

/* IFNAME's link-local address, tentative or not: bind() tells. */
static int link_local_of(const char *ifname, struct in6_addr *out)
{
	struct ifaddrs *all, *a;
	int err = -EADDRNOTAVAIL;

	if (getifaddrs(&all))
		return -errno;
	for (a = all; a; a = a->ifa_next) {
		const struct sockaddr_in6 *sin6 = (const void *)a->ifa_addr;

		if (!sin6 || sin6->sin6_family != AF_INET6 ||
		    strcmp(a->ifa_name, ifname) ||
		    !IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
			continue;
		*out = sin6->sin6_addr;
		err = 0;
		break;
	}
	freeifaddrs(all);
	return err;
}

/*
 * The advertisement: the fixed part, then one Prefix Information option.
 * The kernel fills in the ICMPv6 checksum of a raw ICMPv6 socket.
 */
static size_t build_ra(const struct ra_prefix *p, unsigned char *buf,
		       size_t size)
{
	struct nd_router_advert ra = { 0 };
	struct nd_opt_prefix_info pi = { 0 };

	if (size < sizeof(ra) + sizeof(pi))
		return 0;
	ra.nd_ra_type = ND_ROUTER_ADVERT;
	ra.nd_ra_curhoplimit = 64;
	ra.nd_ra_router_lifetime = htons(ROUTER_LIFETIME);
	pi.nd_opt_pi_type = ND_OPT_PREFIX_INFORMATION;
	pi.nd_opt_pi_len = sizeof(pi) / 8; /* in units of 8 bytes */
	pi.nd_opt_pi_prefix_len = (uint8_t)p->len;
	pi.nd_opt_pi_flags_reserved = ND_OPT_PI_FLAG_ONLINK |
				      ND_OPT_PI_FLAG_AUTO;
	pi.nd_opt_pi_valid_time = htonl(VALID_LIFETIME);
	pi.nd_opt_pi_preferred_time = htonl(PREFERRED_LIFETIME);
	pi.nd_opt_pi_prefix = p->addr;
	memcpy(buf, &ra, sizeof(ra));
	memcpy(buf + sizeof(ra), &pi, sizeof(pi));
	return sizeof(ra) + sizeof(pi);
}

/* A raw ICMPv6 socket on ifindex, bound to src, hop limit 255. */
static int open_socket(unsigned ifindex, const struct in6_addr *src)
{
	const int hops = RA_HOP_LIMIT, loop = 0, mif = (int)ifindex;
	struct sockaddr_in6 sa = {
		.sin6_family = AF_INET6,
		.sin6_addr = *src,
		.sin6_scope_id = ifindex,
	};
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		       sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops,
		       sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &mif,
		       sizeof(mif)) ||
	    /* Not to itself: the sender would ignore its own RA anyway. */
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop,
		       sizeof(loop)) ||
	    bind(fd, (const struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_in6 all_nodes = { .sin6_family = AF_INET6 };
	char src_text[INET6_ADDRSTRLEN];
	unsigned char pkt[128];
	struct ra_prefix prefix;
	struct in6_addr src;
	unsigned ifindex;
	size_t len;
	int fd, err;

	if (argc != 3 || !parse_prefix(argv[2], &prefix))
		return usage();
	ifindex = if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "send-ra: no interface '%s'\n", argv[1]);
		return 1;
	}
	err = link_local_of(argv[1], &src);
	if (err) {
		fprintf(stderr, "send-ra: no link-local address on '%s': %s\n",
			argv[1], strerror(-err));
		return 1;
	}
	inet_ntop(AF_INET6, &src, src_text, sizeof(src_text));
	fd = open_socket(ifindex, &src);
	if (fd < 0) {
		fprintf(stderr, "send-ra: cannot send from %s on '%s': %s%s\n",
			src_text, argv[1], strerror(-fd),
			fd == -EADDRNOTAVAIL ? " (still tentative?)" : "");
		return 1;
	}
	len = build_ra(&prefix, pkt, sizeof(pkt));
	inet_pton(AF_INET6, "ff02::1", &all_nodes.sin6_addr);
	all_nodes.sin6_scope_id = ifindex;
	if (sendto(fd, pkt, len, 0, (const struct sockaddr *)&all_nodes,
		   sizeof(all_nodes)) != (ssize_t)len) {
		fprintf(stderr, "send-ra: cannot send on '%s': %s\n", argv[1],
			strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}
