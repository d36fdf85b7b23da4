// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nl.c - rtnetlink over libmnl.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Socket setup follows iproute2 lib/mnl_utils.c mnlu_socket_open():
 * NETLINK_CAP_ACK and NETLINK_EXT_ACK on, bound with an automatic port.
 * The socket is also connect()ed to the kernel (port 0), which makes the
 * kernel refuse unicasts from any other socket (RELIABILITY.md: a forged
 * NLMSG_DONE from a privileged pod is otherwise delivered), and every
 * datagram is still checked for nl_pid 0, our port and our sequence
 * numbers.  Buffers are sized with MSG_PEEK|MSG_TRUNC, so no reply is ever
 * cut short.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nl.h"

#ifndef MNL_SOCKET_DUMP_SIZE
#define MNL_SOCKET_DUMP_SIZE 32768 /* libmnl 1.0.5; Debian 12 has 1.0.4 */
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif
#ifndef RTEXT_FILTER_SKIP_STATS
#define RTEXT_FILTER_SKIP_STATS (1 << 3)
#endif

#define NL_QUEUE_SIZE 16384
#define NL_QUEUE_MAX 32 /* requests per commit */
#define NL_MSG_ROOM 2048 /* every request we build fits in this */
#define NL_DUMP_TRIES 5
/*
 * Requests are built in zeroed buffers: libmnl 1.0.4 leaves the padding
 * after an attribute unset, and those bytes would go to the kernel
 * uninitialised (valgrind caught it).
 */
#define NL_REQ_SIZE 1024
#define NL_EXTACK_MAX 256

struct nl {
	struct mnl_socket *sock;
	int fd;
	uint32_t portid;
	uint32_t seq;
	char extack[NL_EXTACK_MAX];

	/* Requests queued by nl_put_*(), sent by nl_commit(). */
	char *queue;
	size_t queued_len;
	size_t queued;
	uint32_t first_seq;
	int tolerate[NL_QUEUE_MAX];
};

/*
 * One receive buffer for the whole process: the programs are single-
 * threaded and finish each exchange before the next, and a buffer per
 * handle would cost 32 KiB for every namespace a pipeline touches.
 */
static char *rbuf;
static size_t rbuf_size;

const char *nl_extack(const struct nl *nl)
{
	return nl->extack;
}

const char *nl_why(const struct nl *nl, int err, char *buf, size_t size)
{
	if (nl && nl->extack[0])
		snprintf(buf, size, "%s (kernel: %s)", strerror(-err),
			 nl->extack);
	else
		snprintf(buf, size, "%s", strerror(-err));
	return buf;
}

/* ---- Sockets ------------------------------------------------------------ */

static int set_opt(int fd, int opt)
{
	int one = 1;

	return setsockopt(fd, SOL_NETLINK, opt, &one, sizeof(one));
}

static int open_here(struct nl *nl, int protocol)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	nl->sock = mnl_socket_open2(protocol, SOCK_CLOEXEC);
	if (!nl->sock)
		return -errno;
	nl->fd = mnl_socket_get_fd(nl->sock);
	if (set_opt(nl->fd, NETLINK_CAP_ACK) ||
	    set_opt(nl->fd, NETLINK_EXT_ACK))
		return -errno;
	/* Strict checking makes the kernel filter dumps by our header
	 * (addresses of one link); older kernels lack it, which is fine. */
	set_opt(nl->fd, NETLINK_GET_STRICT_CHK);
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	if (connect(nl->fd, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	nl->portid = mnl_socket_get_portid(nl->sock);
	return 0;
}

struct open_args {
	struct nl *nl;
	int protocol;
};

static int open_call(void *arg)
{
	const struct open_args *a = arg;

	return open_here(a->nl, a->protocol);
}

/* A socket belongs to the namespace its creator was in. */
static int open_in(struct nl *nl, int netns_fd, int protocol)
{
	struct open_args a = { nl, protocol };

	return pw_in_netns(netns_fd, open_call, &a);
}

int nl_open_proto(struct nl **out, int netns_fd, int protocol)
{
	struct nl *nl = pw_xcalloc(1, sizeof(*nl));
	int err;

	nl->seq = (uint32_t)getpid() << 12; /* only needs to move forward */
	err = netns_fd >= 0 ? open_in(nl, netns_fd, protocol) :
			      open_here(nl, protocol);
	if (err) {
		nl_close(nl);
		return err;
	}
	*out = nl;
	return 0;
}

int nl_open(struct nl **out, int netns_fd)
{
	return nl_open_proto(out, netns_fd, NETLINK_ROUTE);
}

uint32_t nl_next_seq(struct nl *nl)
{
	return ++nl->seq;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->queue);
	free(nl);
}

/* ---- Receiving ---------------------------------------------------------- */

static int grow_rbuf(size_t need)
{
	char *p;

	if (need <= rbuf_size)
		return 0;
	if (need < MNL_SOCKET_DUMP_SIZE)
		need = MNL_SOCKET_DUMP_SIZE;
	p = realloc(rbuf, need);
	if (!p)
		return -ENOMEM;
	rbuf = p;
	rbuf_size = need;
	return 0;
}

/* One datagram from the kernel into rbuf; returns its length or -errno. */
static ssize_t recv_datagram(struct nl *nl)
{
	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov;
		struct msghdr msg = {
			.msg_name = &from,
			.msg_namelen = sizeof(from),
			.msg_iov = &iov,
			.msg_iovlen = 1,
		};
		ssize_t n;
		int err = grow_rbuf(MNL_SOCKET_DUMP_SIZE);

		if (err)
			return err;
		iov = (struct iovec){ rbuf, rbuf_size };
		n = recvmsg(nl->fd, &msg, MSG_PEEK | MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		err = grow_rbuf((size_t)n);
		if (err)
			return err;
		iov = (struct iovec){ rbuf, rbuf_size };
		msg.msg_namelen = sizeof(from);
		n = recvmsg(nl->fd, &msg, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EBADMSG;
		if (msg.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		if (msg.msg_namelen != sizeof(from) || from.nl_pid != 0)
			continue; /* not from the kernel: drop it */
		return n;
	}
}

/*
 * Not libmnl's mnl_nlmsg_ok()/mnl_nlmsg_next(): they compare lengths as
 * int, so an nlmsg_len of 2^31 or more passes, and step by the aligned
 * length, so an unpadded last message lets attribute walks read past the
 * datagram.  Here every message, padding included, must lie inside it.
 */
int nl_walk(const void *buf, size_t len, uint32_t portid, uint32_t seq_lo,
	    uint32_t seq_hi, int (*fn)(const struct nlmsghdr *nlh, void *arg),
	    void *arg)
{
	const char *p = buf;
	size_t left = len;
	int count = 0;

	while (left >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)p;
		size_t mlen = nlh->nlmsg_len;
		size_t step = MNL_ALIGN(mlen);
		int r;

		if (mlen < sizeof(*nlh) || mlen > left || step > left)
			return -EBADMSG;
		if (nlh->nlmsg_pid == portid && nlh->nlmsg_seq >= seq_lo &&
		    nlh->nlmsg_seq <= seq_hi) {
			if (count < INT32_MAX)
				count++;
			r = fn(nlh, arg);
			if (r < 0)
				return r;
		}
		p += step;
		left -= step;
	}
	/* Leftover bytes that are not a whole message: a cut datagram. */
	return left ? -EBADMSG : count;
}

static void copy_extack(const struct nlattr *attr, char *msg, size_t size)
{
	const char *s = mnl_attr_get_payload(attr);
	uint16_t n = mnl_attr_get_payload_len(attr);
	char raw[NL_EXTACK_MAX];

	/* The text must end with its NUL inside the attribute. */
	if (n == 0 || !memchr(s, '\0', n))
		return;
	pw_strlcpy(raw, s, sizeof(raw));
	pw_escape(raw, msg, size);
}

int nl_decode_error(const struct nlmsghdr *nlh, char *msg, size_t size)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	size_t off = sizeof(*e);
	const struct nlattr *attr;

	if (size)
		msg[0] = '\0';
	if (plen < sizeof(*e))
		return -EBADMSG;
	if (e->error > 0 || e->error < -4095)
		return -EBADMSG;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return e->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		/* The echoed request is padded (the kernel's nlmsg_append()):
		 * the attributes start after its aligned length. */
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr) ||
		    e->msg.nlmsg_len > plen)
			return e->error;
		off = offsetof(struct nlmsgerr, msg) +
		      MNL_ALIGN(e->msg.nlmsg_len);
	}
	if (off > plen)
		return e->error;
	for (attr = (const void *)((const char *)e + off);
	     mnl_attr_ok(attr, (int)(plen - off));
	     off += MNL_ALIGN(attr->nla_len),
	    attr = (const void *)((const char *)e + off)) {
		if (off > plen)
			break;
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && size)
			copy_extack(attr, msg, size);
	}
	return e->error;
}

/* ---- Queue and commit --------------------------------------------------- */

static struct nlmsghdr *queue_msg(struct nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	if (!nl->queue)
		nl->queue = pw_xmalloc(NL_QUEUE_SIZE);
	if (nl->queued == NL_QUEUE_MAX ||
	    nl->queued_len + NL_MSG_ROOM > NL_QUEUE_SIZE)
		return NULL;
	if (nl->queued == 0)
		nl->first_seq = nl->seq + 1;
	memset(nl->queue + nl->queued_len, 0, NL_MSG_ROOM);
	nlh = mnl_nlmsg_put_header(nl->queue + nl->queued_len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	nl->tolerate[nl->queued] = 0;
	return nlh;
}

/* Account for a message built at the end of the queue. */
static int queue_done(struct nl *nl, struct nlmsghdr *nlh)
{
	nl->queued_len += MNL_ALIGN(nlh->nlmsg_len);
	nl->queued++;
	return 0;
}

void nl_tolerate(struct nl *nl, int err)
{
	if (nl->queued)
		nl->tolerate[nl->queued - 1] = err;
}

void nl_discard(struct nl *nl)
{
	nl->queued = 0;
	nl->queued_len = 0;
}

/*
 * Collecting ACKs for messages numbered first..first+count-1, out of a
 * send whose numbers run lo..hi.
 */
struct acks {
	struct nl *nl;
	uint32_t lo, hi, first;
	size_t count;
	const int *tolerate; /* per acked message, or NULL */
	size_t acked;
	bool seen[NL_QUEUE_MAX];
	bool aborted; /* an error for a message we expected no ACK for */
	uint32_t failed_seq;
	int first_err;
};

static void note_failure(struct acks *st, uint32_t seq, int err,
			 const char *msg)
{
	if (st->first_err && seq >= st->failed_seq)
		return;
	st->failed_seq = seq;
	st->first_err = err;
	pw_strlcpy(st->nl->extack, msg, sizeof(st->nl->extack));
}

static int ack_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct acks *st = arg;
	uint32_t seq = nlh->nlmsg_seq;
	size_t i = seq - st->first;
	char msg[NL_EXTACK_MAX];
	int err;

	if (nlh->nlmsg_type != NLMSG_ERROR)
		return 0; /* nothing we asked to echo */
	err = nl_decode_error(nlh, msg, sizeof(msg));
	if (seq < st->first || i >= st->count) {
		if (err) {
			st->aborted = true;
			note_failure(st, seq, err, msg);
		}
		return 0;
	}
	if (st->seen[i])
		return 0;
	st->seen[i] = true;
	st->acked++;
	if (err && !(st->tolerate && -err == st->tolerate[i]))
		note_failure(st, seq, err, msg);
	return 0;
}

static int collect_acks(struct acks *st)
{
	struct nl *nl = st->nl;

	while (st->acked < st->count && !st->aborted) {
		ssize_t n = recv_datagram(nl);
		int r;

		if (n < 0)
			return (int)n;
		r = nl_walk(rbuf, (size_t)n, nl->portid, st->lo, st->hi,
			    ack_msg, st);
		if (r < 0)
			return r;
	}
	return st->first_err;
}

static int send_all(struct nl *nl, const void *buf, size_t len)
{
	ssize_t n = send(nl->fd, buf, len, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

int nl_commit(struct nl *nl, size_t *failed)
{
	struct acks st = {
		.nl = nl,
		.lo = nl->first_seq,
		.hi = nl->first_seq + (uint32_t)nl->queued - 1,
		.first = nl->first_seq,
		.count = nl->queued,
		.tolerate = nl->tolerate,
	};
	int err;

	nl->extack[0] = '\0';
	if (nl->queued == 0)
		return 0;
	err = send_all(nl, nl->queue, nl->queued_len);
	if (!err)
		err = collect_acks(&st);
	nl_discard(nl);
	if (err && failed && st.first_err)
		*failed = st.failed_seq - st.first;
	return err;
}

int nl_send_acked(struct nl *nl, const void *buf, size_t len, uint32_t lo,
		  uint32_t hi, uint32_t first, size_t count,
		  uint32_t *failed_seq)
{
	struct acks st = {
		.nl = nl,
		.lo = lo,
		.hi = hi,
		.first = first,
		.count = count,
	};
	int err;

	nl->extack[0] = '\0';
	if (count > NL_QUEUE_MAX)
		return -E2BIG;
	err = send_all(nl, buf, len);
	if (!err)
		err = collect_acks(&st);
	if (err && failed_seq)
		*failed_seq = st.failed_seq;
	return err;
}

/* ---- Queries ------------------------------------------------------------ */

struct query_state {
	struct nl *nl;
	bool dump;
	bool done;
	bool interrupted;
	int err;
	int (*fn)(const struct nlmsghdr *, void *);
	void *arg;
};

static int query_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct query_state *st = arg;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		st->interrupted = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
		return 0;
	case NLMSG_OVERRUN:
		st->err = -EOVERFLOW;
		st->done = true;
		return 0;
	case NLMSG_ERROR: {
		char msg[NL_EXTACK_MAX];
		int err = nl_decode_error(nlh, msg, sizeof(msg));

		if (err)
			pw_strlcpy(st->nl->extack, msg, sizeof(st->nl->extack));
		if (err || !st->dump) {
			st->err = st->err ? st->err : err;
			st->done = true;
		}
		return 0;
	}
	case NLMSG_DONE:
		if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
			int err = *(const int *)mnl_nlmsg_get_payload(nlh);

			if (err < 0 && !st->err)
				st->err = err;
		}
		st->done = true;
		return 0;
	}
	if (!st->err && st->fn)
		st->err = st->fn(nlh, st->arg);
	return 0;
}

/*
 * Send one GET or DUMP request and feed every reply to fn.  A dump is
 * always read to its NLMSG_DONE, even after an error, so that the socket
 * is clean for the next request.
 */
static int query(struct nl *nl, struct nlmsghdr *req, bool dump,
		 int (*fn)(const struct nlmsghdr *, void *), void *arg,
		 bool *interrupted)
{
	struct query_state st = {
		.nl = nl,
		.dump = dump,
		.fn = fn,
		.arg = arg,
	};

	nl->extack[0] = '\0';
	req->nlmsg_flags |= NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK);
	req->nlmsg_seq = ++nl->seq;
	if (send(nl->fd, req, req->nlmsg_len, 0) < 0)
		return -errno;
	while (!st.done) {
		ssize_t n = recv_datagram(nl);
		int r;

		if (n < 0)
			return (int)n; /* ENOBUFS: the caller retries */
		r = nl_walk(rbuf, (size_t)n, nl->portid, req->nlmsg_seq,
			    req->nlmsg_seq, query_msg, &st);
		if (r < 0)
			return r;
	}
	if (interrupted)
		*interrupted = st.interrupted;
	return st.err;
}

int nl_request(struct nl *nl, struct nlmsghdr *req, bool dump,
	       int (*fn)(const struct nlmsghdr *nlh, void *arg), void *arg)
{
	return query(nl, req, dump, fn, arg, NULL);
}

/* A growable array of decoded objects. */
struct vec {
	char *items;
	size_t n;
	size_t cap;
	size_t size;
	int (*decode)(const struct nlmsghdr *, void *);
	uint16_t type;
};

static int vec_add(const struct nlmsghdr *nlh, void *arg)
{
	struct vec *v = arg;

	if (nlh->nlmsg_type != v->type)
		return 0;
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->items = pw_xrealloc(v->items, v->cap * v->size);
	}
	/* A message we can't decode is skipped, not fatal. */
	if (v->decode(nlh, v->items + v->n * v->size) == 0)
		v->n++;
	return 0;
}

static int dump_list(struct nl *nl, void *reqbuf, struct vec *v, void **out,
		     size_t *n)
{
	int err = -EAGAIN;

	for (int tries = 0; tries < NL_DUMP_TRIES; tries++) {
		bool intr = false;

		v->n = 0;
		err = query(nl, reqbuf, true, vec_add, v, &intr);
		if (err == -ENOBUFS || (!err && intr)) {
			err = -EAGAIN;
			continue;
		}
		break;
	}
	if (err) {
		free(v->items);
		return err;
	}
	*out = v->items;
	*n = v->n;
	return 0;
}

/* ---- Decoding ----------------------------------------------------------- */

struct attr_table {
	const struct nlattr **tb;
	uint16_t max;
};

static int attr_store(const struct nlattr *attr, void *data)
{
	struct attr_table *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* Skip what a newer kernel may send that we do not know. */
	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

static void parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
			const struct nlattr **tb, uint16_t max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, (max + 1u) * sizeof(*tb));
	mnl_attr_parse(nlh, (unsigned)hdrlen, attr_store, &t);
}

static void parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			 uint16_t max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, (max + 1u) * sizeof(*tb));
	mnl_attr_parse_nested(nest, attr_store, &t);
}

static bool attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return false;
	*v = mnl_attr_get_u32(a);
	return true;
}

static bool attr_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U8) < 0)
		return false;
	*v = mnl_attr_get_u8(a);
	return true;
}

/* A NUL-terminated string of at most size - 1 bytes, copied. */
static bool attr_str(const struct nlattr *a, char *dst, size_t size)
{
	const char *s;
	uint16_t n;

	if (!a)
		return false;
	s = mnl_attr_get_payload(a);
	n = mnl_attr_get_payload_len(a);
	if (n == 0 || n > size || s[n - 1] != '\0' || strnlen(s, n) >= size)
		return false;
	memcpy(dst, s, strnlen(s, n) + 1);
	return true;
}

/* Binary attribute of exactly len bytes. */
static bool attr_bin(const struct nlattr *a, void *dst, size_t len)
{
	if (!a || mnl_attr_get_payload_len(a) != len)
		return false;
	memcpy(dst, mnl_attr_get_payload(a), len);
	return true;
}

static void decode_linkinfo(const struct nlattr *info, struct nl_link *l)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1];

	if (mnl_attr_validate(info, MNL_TYPE_NESTED) < 0)
		return;
	parse_nested(info, tb, IFLA_INFO_MAX);
	attr_str(tb[IFLA_INFO_KIND], l->kind, sizeof(l->kind));
	attr_str(tb[IFLA_INFO_SLAVE_KIND], l->slave_kind,
		 sizeof(l->slave_kind));
}

int nl_decode_link(const struct nlmsghdr *nlh, struct nl_link *l)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	uint32_t v;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EBADMSG;
	memset(l, 0, sizeof(*l));
	l->ifindex = (unsigned)ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	l->link_netnsid = -1;
	parse_attrs(nlh, sizeof(*ifi), tb, IFLA_MAX);
	if (!attr_str(tb[IFLA_IFNAME], l->ifname, sizeof(l->ifname)) ||
	    !l->ifname[0] || ifi->ifi_index <= 0)
		return -EBADMSG;
	if (attr_u32(tb[IFLA_MTU], &v))
		l->mtu = v;
	if (attr_u32(tb[IFLA_MASTER], &v))
		l->master = v;
	if (attr_u32(tb[IFLA_LINK], &v))
		l->link = v;
	if (attr_u32(tb[IFLA_LINK_NETNSID], &v))
		l->link_netnsid = (int32_t)v;
	attr_u8(tb[IFLA_OPERSTATE], &l->operstate);
	l->has_mac = attr_bin(tb[IFLA_ADDRESS], l->mac, sizeof(l->mac));
	attr_str(tb[IFLA_IFALIAS], l->alias, sizeof(l->alias));
	if (tb[IFLA_LINKINFO])
		decode_linkinfo(tb[IFLA_LINKINFO], l);
	return 0;
}

static int vec_decode_link(const struct nlmsghdr *nlh, void *out)
{
	return nl_decode_link(nlh, out);
}

static bool attr_addr(const struct nlattr *a, int family, struct pw_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (!attr_bin(a, out->bytes, addr_size(family)))
		return false;
	out->family = family;
	return true;
}

static bool family_ok(int family)
{
	return family == AF_INET || family == AF_INET6;
}

int nl_decode_addr(const struct nlmsghdr *nlh, struct nl_addr *a)
{
	const struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *local;
	uint32_t flags;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    !family_ok(ifa->ifa_family) ||
	    ifa->ifa_prefixlen > addr_bits(ifa->ifa_family))
		return -EBADMSG;
	memset(a, 0, sizeof(*a));
	parse_attrs(nlh, sizeof(*ifa), tb, IFA_MAX);
	/* IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer
	 * on point-to-point links and the only one IPv6 sends. */
	local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!attr_addr(local, ifa->ifa_family, &a->prefix.addr))
		return -EBADMSG;
	a->prefix.len = ifa->ifa_prefixlen;
	a->ifindex = ifa->ifa_index;
	a->scope = ifa->ifa_scope;
	a->flags = ifa->ifa_flags;
	if (attr_u32(tb[IFA_FLAGS], &flags))
		a->flags = flags;
	return 0;
}

static int vec_decode_addr(const struct nlmsghdr *nlh, void *out)
{
	return nl_decode_addr(nlh, out);
}

int nl_decode_route(const struct nlmsghdr *nlh, struct nl_route *r)
{
	const struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	uint32_t v;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) ||
	    !family_ok(rtm->rtm_family) ||
	    rtm->rtm_dst_len > addr_bits(rtm->rtm_family))
		return -EBADMSG;
	memset(r, 0, sizeof(*r));
	parse_attrs(nlh, sizeof(*rtm), tb, RTA_MAX);
	r->dst.addr.family = rtm->rtm_family;
	r->dst.len = rtm->rtm_dst_len;
	if (tb[RTA_DST] &&
	    !attr_addr(tb[RTA_DST], rtm->rtm_family, &r->dst.addr))
		return -EBADMSG;
	r->dst.addr.family = rtm->rtm_family;
	if (tb[RTA_GATEWAY])
		attr_addr(tb[RTA_GATEWAY], rtm->rtm_family, &r->gateway);
	if (attr_u32(tb[RTA_OIF], &v))
		r->oif = v;
	r->table = rtm->rtm_table;
	if (attr_u32(tb[RTA_TABLE], &v))
		r->table = v;
	r->type = rtm->rtm_type;
	r->protocol = rtm->rtm_protocol;
	r->scope = rtm->rtm_scope;
	return 0;
}

static int vec_decode_route(const struct nlmsghdr *nlh, void *out)
{
	struct nl_route *r = out;
	int err = nl_decode_route(nlh, r);

	if (!err && r->table != RT_TABLE_MAIN)
		return -ENOENT; /* skip other tables */
	return err;
}

int nl_decode_neigh(const struct nlmsghdr *nlh, struct nl_neigh *n)
{
	const struct nlattr *tb[NDA_MAX + 1];
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWNEIGH ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*nd) ||
	    !family_ok(nd->ndm_family))
		return -EBADMSG;
	memset(n, 0, sizeof(*n));
	parse_attrs(nlh, sizeof(*nd), tb, NDA_MAX);
	if (!attr_addr(tb[NDA_DST], nd->ndm_family, &n->dst))
		return -EBADMSG;
	n->ifindex = (unsigned)nd->ndm_ifindex;
	n->state = nd->ndm_state;
	n->has_lladdr = attr_bin(tb[NDA_LLADDR], n->lladdr, sizeof(n->lladdr));
	return 0;
}

static int vec_decode_neigh(const struct nlmsghdr *nlh, void *out)
{
	return nl_decode_neigh(nlh, out);
}

/* ---- Query requests ----------------------------------------------------- */

static struct ifinfomsg *link_request(char *buf, uint16_t type)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	/* Counters are most of a link message and nobody here reads them. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return ifi;
}

struct link_get {
	struct nl_link *out;
	bool found;
};

static int link_get_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct link_get *g = arg;

	if (nlh->nlmsg_type == RTM_NEWLINK && !g->found &&
	    nl_decode_link(nlh, g->out) == 0)
		g->found = true;
	return 0;
}

int nl_link_get(struct nl *nl, unsigned ifindex, const char *ifname,
		struct nl_link *out)
{
	char buf[NL_REQ_SIZE] = { 0 };
	struct ifinfomsg *ifi = link_request(buf, RTM_GETLINK);
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct link_get g = { .out = out };
	int err;

	ifi->ifi_index = (int)ifindex;
	if (!ifindex) {
		if (!ifname || strlen(ifname) >= IFNAMSIZ)
			return -EINVAL;
		mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	}
	err = query(nl, nlh, false, link_get_msg, &g, NULL);
	if (err)
		return err;
	return g.found ? 0 : -ENODEV;
}

int nl_link_list(struct nl *nl, struct nl_link **out, size_t *n)
{
	char buf[NL_REQ_SIZE] = { 0 };
	struct vec v = { .size = sizeof(**out),
			 .decode = vec_decode_link,
			 .type = RTM_NEWLINK };

	link_request(buf, RTM_GETLINK);
	return dump_list(nl, buf, &v, (void **)out, n);
}

int nl_addr_list(struct nl *nl, int family, unsigned ifindex,
		 struct nl_addr **out, size_t *n)
{
	char buf[NL_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	struct vec v = { .size = sizeof(**out),
			 .decode = vec_decode_addr,
			 .type = RTM_NEWADDR };
	int err;

	nlh->nlmsg_type = RTM_GETADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_index = ifindex;
	err = dump_list(nl, buf, &v, (void **)out, n);
	if (err || !ifindex)
		return err;
	/* Without strict checking the kernel ignored the filter. */
	size_t kept = 0;
	for (size_t i = 0; i < *n; i++)
		if ((*out)[i].ifindex == ifindex)
			(*out)[kept++] = (*out)[i];
	*n = kept;
	return 0;
}

int nl_route_list(struct nl *nl, int family, struct nl_route **out, size_t *n)
{
	char buf[NL_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	struct vec v = { .size = sizeof(**out),
			 .decode = vec_decode_route,
			 .type = RTM_NEWROUTE };

	nlh->nlmsg_type = RTM_GETROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	return dump_list(nl, buf, &v, (void **)out, n);
}

int nl_neigh_list(struct nl *nl, int family, struct nl_neigh **out, size_t *n)
{
	char buf[NL_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *nd;
	struct vec v = { .size = sizeof(**out),
			 .decode = vec_decode_neigh,
			 .type = RTM_NEWNEIGH };

	nlh->nlmsg_type = RTM_GETNEIGH;
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = (uint8_t)family;
	return dump_list(nl, buf, &v, (void **)out, n);
}

static int nsid_msg(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[NETNSA_MAX + 1];
	uint32_t v;

	if (nlh->nlmsg_type != RTM_NEWNSID ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct rtgenmsg))
		return 0;
	parse_attrs(nlh, sizeof(struct rtgenmsg), tb, NETNSA_MAX);
	if (attr_u32(tb[NETNSA_NSID], &v))
		*(int *)arg = (int32_t)v;
	return 0;
}

int nl_netns_id(struct nl *nl, int netns_fd, int *nsid)
{
	char buf[NL_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = RTM_GETNSID;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)netns_fd);
	*nsid = -1;
	return query(nl, nlh, false, nsid_msg, nsid, NULL);
}

struct route_get {
	struct nl_route *out;
	bool found;
};

static int route_get_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct route_get *g = arg;

	if (!g->found && nl_decode_route(nlh, g->out) == 0)
		g->found = true;
	return 0;
}

int nl_route_lookup(struct nl *nl, const struct pw_addr *dst,
		    struct nl_route *out)
{
	char buf[NL_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct route_get g = { .out = out };
	struct rtmsg *rtm;
	int err;

	nlh->nlmsg_type = RTM_GETROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)dst->family;
	rtm->rtm_dst_len = (uint8_t)addr_bits(dst->family);
	mnl_attr_put(nlh, RTA_DST, addr_size(dst->family), dst->bytes);
	err = query(nl, nlh, false, route_get_msg, &g, NULL);
	if (!err && !g.found)
		err = -ENETUNREACH;
	return err;
}

int nl_default_route_via(struct nl *nl, const struct pw_addr *gw)
{
	struct nl_route *routes;
	size_t n;
	int err = nl_route_list(nl, gw->family, &routes, &n);

	if (err)
		return err;
	err = -ENOENT;
	for (size_t i = 0; i < n && err; i++) {
		if (routes[i].dst.len != 0 || routes[i].type != RTN_UNICAST)
			continue;
		err = addr_equal(&routes[i].gateway, gw) ? 0 : -EEXIST;
	}
	free(routes);
	return err;
}

/* ---- Change requests ---------------------------------------------------- */

static struct ifinfomsg *put_ifinfo(struct nlmsghdr *nlh, unsigned ifindex,
				    bool up)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	if (up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	return ifi;
}

/* What both ends of a veth get: MTU and queue counts. */
static void put_veth_common(struct nlmsghdr *nlh, const struct nl_veth *v)
{
	if (v->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, v->mtu);
	if (v->queues) {
		mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, v->queues);
		mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, v->queues);
	}
}

/*
 * IFLA_LINKINFO { IFLA_INFO_KIND "veth", IFLA_INFO_DATA { VETH_INFO_PEER {
 * struct ifinfomsg, IFLA_IFNAME, IFLA_NET_NS_FD } } }, with IFLA_MASTER
 * and IFF_UP on the outer message (iproute2 ip/link_veth.c).  Creating
 * the peer directly in its namespace makes the create atomic: if the
 * peer's name is taken there, nothing is left on this side.
 */
int nl_put_veth(struct nl *nl, const struct nl_veth *v)
{
	struct nlmsghdr *nlh =
		queue_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info, *data, *peer;

	if (!nlh)
		return -ENOBUFS;
	put_ifinfo(nlh, 0, v->up);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, v->ifname);
	put_veth_common(nlh, v);
	if (v->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, v->master);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	put_ifinfo(nlh, 0, false);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, v->peer_ifname);
	put_veth_common(nlh, v);
	if (v->peer_netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD,
				 (uint32_t)v->peer_netns_fd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return queue_done(nl, nlh);
}

int nl_put_bridge(struct nl *nl, const char *ifname, bool mcast_snooping)
{
	struct nlmsghdr *nlh =
		queue_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info, *data;

	if (!nlh)
		return -ENOBUFS;
	put_ifinfo(nlh, 0, false);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u8(nlh, IFLA_BR_MCAST_SNOOPING, mcast_snooping);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return queue_done(nl, nlh);
}

/* A link is named by index, or by name when the index is 0. */
static void put_link_target(struct nlmsghdr *nlh, unsigned ifindex,
			    const char *ifname)
{
	if (!ifindex && ifname)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
}

int nl_put_link_set(struct nl *nl, unsigned ifindex, const char *ifname,
		    const struct nl_link_change *c)
{
	struct nlmsghdr *nlh = queue_msg(nl, RTM_SETLINK, 0);
	struct ifinfomsg *ifi;

	if (!nlh)
		return -ENOBUFS;
	ifi = put_ifinfo(nlh, ifindex, false);
	if (c->up != NL_KEEP) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = c->up == NL_ON ? IFF_UP : 0;
	}
	put_link_target(nlh, ifindex, ifname);
	if (c->alias)
		mnl_attr_put_strz(nlh, IFLA_IFALIAS, c->alias);
	if (c->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, c->mtu);
	if (c->set_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(c->mac), c->mac);
	if (c->set_master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, c->master);
	if (c->addrgen_none) {
		struct nlattr *af = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
		struct nlattr *in6 = mnl_attr_nest_start(nlh, AF_INET6);

		mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE,
				IN6_ADDR_GEN_MODE_NONE);
		mnl_attr_nest_end(nlh, in6);
		mnl_attr_nest_end(nlh, af);
	}
	return queue_done(nl, nlh);
}

int nl_put_bridge_port(struct nl *nl, unsigned ifindex, bool hairpin)
{
	/* RTM_SETLINK of AF_UNSPEC has no bridge port options; RTM_NEWLINK's
	 * slave data does (`ip link set X type bridge_slave hairpin on`). */
	struct nlmsghdr *nlh = queue_msg(nl, RTM_NEWLINK, 0);
	struct nlattr *info, *data;

	if (!nlh)
		return -ENOBUFS;
	put_ifinfo(nlh, ifindex, false);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_SLAVE_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_SLAVE_DATA);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_MODE, hairpin);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return queue_done(nl, nlh);
}

int nl_put_link_del(struct nl *nl, unsigned ifindex, const char *ifname)
{
	struct nlmsghdr *nlh = queue_msg(nl, RTM_DELLINK, 0);

	if (!nlh)
		return -ENOBUFS;
	put_ifinfo(nlh, ifindex, false);
	put_link_target(nlh, ifindex, ifname);
	return queue_done(nl, nlh);
}

int nl_put_addr(struct nl *nl, bool add, unsigned ifindex,
		const struct pw_prefix *p, uint32_t ifa_flags)
{
	struct nlmsghdr *nlh = queue_msg(nl, add ? RTM_NEWADDR : RTM_DELADDR,
					 add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct ifaddrmsg *ifa;
	size_t alen = addr_size(p->addr.family);

	if (!nlh)
		return -ENOBUFS;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)p->addr.family;
	ifa->ifa_prefixlen = p->len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	ifa->ifa_flags = (uint8_t)ifa_flags;
	mnl_attr_put(nlh, IFA_LOCAL, alen, p->addr.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, p->addr.bytes);
	if (add && ifa_flags > 0xff)
		mnl_attr_put_u32(nlh, IFA_FLAGS, ifa_flags);
	if (add && p->addr.family == AF_INET && p->len <= 30) {
		/* The subnet's broadcast address, as `ip addr add ... brd +`
		 * would set it. */
		struct pw_prefix net = addr_network(p);
		struct pw_addr brd = addr_nth(&net, addr_span(&net) - 1);

		mnl_attr_put(nlh, IFA_BROADCAST, 4, brd.bytes);
	}
	return queue_done(nl, nlh);
}

int nl_put_route(struct nl *nl, bool add, const struct nl_route_req *r)
{
	struct nlmsghdr *nlh = queue_msg(nl, add ? RTM_NEWROUTE : RTM_DELROUTE,
					 add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	int family = r->dst.addr.family;
	struct rtmsg *rtm;

	if (!nlh)
		return -ENOBUFS;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_dst_len = r->dst.len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = add ? RTPROT_STATIC : RTPROT_UNSPEC;
	rtm->rtm_type = RTN_UNICAST;
	/* Deletes match any scope, as `ip route del` does. */
	rtm->rtm_scope = !add		   ? RT_SCOPE_NOWHERE :
			 r->gateway.family ? RT_SCOPE_UNIVERSE :
					     RT_SCOPE_LINK;
	if (r->dst.len)
		mnl_attr_put(nlh, RTA_DST, addr_size(family),
			     r->dst.addr.bytes);
	if (r->gateway.family)
		mnl_attr_put(nlh, RTA_GATEWAY, addr_size(family),
			     r->gateway.bytes);
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, r->oif);
	return queue_done(nl, nlh);
}
