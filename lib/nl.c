// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nl.c - the netlink transport: sockets, sequence numbers, the request
 * queue and its ACKs, and single GET or DUMP exchanges.  What the
 * messages say is built in nl_msg.c and read in nl_decode.c.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Socket setup follows iproute2 lib/mnl_utils.c mnlu_socket_open():
 * NETLINK_CAP_ACK and NETLINK_EXT_ACK on, bound with an automatic port.
 * The socket is also connect()ed to the kernel (port 0), which makes the
 * kernel refuse unicasts from any other socket: without it, a privileged
 * pod that shares the namespace could send our port a forged NLMSG_DONE
 * and have it delivered.  Every datagram is still checked for nl_pid 0,
 * our port and our sequence numbers.  Buffers are sized with
 * MSG_PEEK|MSG_TRUNC, so no reply is ever cut short.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "explain.h"
#include "nl.h"
#include "nl_build.h"
#include "nl_decode.h"
#include "nl_priv.h"

#ifndef MNL_SOCKET_DUMP_SIZE
#define MNL_SOCKET_DUMP_SIZE 32768 /* libmnl 1.0.5; Debian 12 has 1.0.4 */
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

#define NL_QUEUE_SIZE 16384
#define NL_QUEUE_MAX 32 /* requests per commit */
/*
 * Receive buffer per ACK of a batch, as nftables src/mnl.c
 * mnl_batch_talk() sizes it: an ACK's skb takes well under 1 KiB, and the
 * kernel doubles what it is given.
 */
#define NL_ACK_ROOM 1024
/* The kernel wants its own 32 bytes of the send buffer on top. */
#define NL_SEND_SLACK 64

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
	/* The first request that could not be queued, and its place. */
	int queue_err;
	size_t queue_err_at;
	/* With explaining() on: each queued request's commands, said once
	 * it is acknowledged, and the namespace they name (explain.h). */
	char *said[NL_QUEUE_MAX];
	char *label;
	/* A stand-in for a namespace a dry run would make: no socket, and
	 * every query finds nothing (explain.h). */
	bool planned;
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
	struct nl *nl = calloc(1, sizeof(*nl));
	int err;

	if (!nl)
		return -ENOMEM;
	/* As iproute2 seeds it.  Replies are matched by port and number, so
	 * the start only has to differ from nothing; the numbers wrap at
	 * 2^32, which nl_seq_in() counts with. */
	nl->seq = (uint32_t)time(NULL);
	err = netns_fd >= 0 ? open_in(nl, netns_fd, protocol) :
			      open_here(nl, protocol);
	if (err) {
		nl_close(nl);
		return err;
	}
	*out = nl;
	return 0;
}

int nl_open_planned(struct nl **out)
{
	struct nl *nl = calloc(1, sizeof(*nl));

	if (!nl)
		return -ENOMEM;
	nl->fd = -1;
	nl->planned = true;
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
	nl_discard(nl);
	free(nl->queue);
	free(nl->label);
	free(nl);
}

int nl_explain_as(struct nl *nl, const char *netns)
{
	char *copy = netns ? strdup(netns) : NULL;

	if (netns && !copy)
		return -ENOMEM;
	free(nl->label);
	nl->label = copy;
	return 0;
}

const char *nl_label(const struct nl *nl)
{
	return nl->label;
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

/* ---- Events ------------------------------------------------------------ */

/* A group's messages come in bursts, while the reader may be busy. */
#define NL_GROUP_RCVBUF (4 << 20)

int nl_join_group(struct nl *nl, unsigned group)
{
	int size = NL_GROUP_RCVBUF;

	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return -errno;
	/* Past net.core.rmem_max needs CAP_NET_ADMIN (FORCE); without it,
	 * as much as rmem_max allows.  Too little is not fatal: an overrun
	 * is reported as -ENOBUFS by nl_events(). */
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		(void)setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &size,
				 sizeof(size));
	return 0;
}

int nl_events(struct nl *nl, int quiet_ms,
	      int (*fn)(const struct nlmsghdr *nlh, void *arg), void *arg)
{
	for (;;) {
		struct pollfd pfd = { .fd = nl->fd, .events = POLLIN };
		int r = poll(&pfd, 1, quiet_ms);
		ssize_t n;

		if (r < 0)
			return errno == EINTR ? -EINTR : -errno;
		if (r == 0)
			return 0;
		n = recv_datagram(nl);
		if (n < 0)
			return (int)n;
		/* What the kernel sends a group: port 0, number 0. */
		r = nl_walk(rbuf, (size_t)n, 0, 0, 0, fn, arg);
		if (r < 0)
			return r;
	}
}

/* ---- Queue and commit --------------------------------------------------- */

/*
 * A request that could not be queued fails the commit that follows, which
 * then sends nothing: a caller that queues several requests and checks
 * only nl_commit() loses none of them without a word.
 */
static int queue_failed(struct nl *nl, int err)
{
	if (!nl->queue_err) {
		nl->queue_err = err;
		nl->queue_err_at = nl->queued;
	}
	return err;
}

int nl_queue_msg(struct nl *nl, uint16_t type, uint16_t flags,
		 struct nl_build *b)
{
	/* Allocated on first use: handles that only query, nft.c's
	 * among them, never queue. */
	if (!nl->queue) {
		nl->queue = malloc(NL_QUEUE_SIZE);
		if (!nl->queue)
			return queue_failed(nl, -ENOMEM);
	}
	if (nl->queued == NL_QUEUE_MAX ||
	    nl->queued_len + NL_MSG_ROOM > NL_QUEUE_SIZE)
		return queue_failed(nl, -ENOBUFS);
	nl_build_start(b, nl->queue + nl->queued_len, NL_MSG_ROOM, type,
		       NLM_F_REQUEST | NLM_F_ACK | flags);
	return 0;
}

int nl_queue_done(struct nl *nl, struct nl_build *b)
{
	int err = nl_build_error(b);

	if (err)
		return queue_failed(nl, err);
	nl->tolerate[nl->queued] = 0;
	nl->said[nl->queued] = NULL;
	nl->queued_len += MNL_ALIGN(b->nlh->nlmsg_len);
	nl->queued++;
	return 0;
}

void nl_queue_explain(struct nl *nl, const char *text)
{
	if (nl->queued && !nl->said[nl->queued - 1])
		nl->said[nl->queued - 1] = strdup(text);
}

void nl_tolerate(struct nl *nl, int err)
{
	if (nl->queued)
		nl->tolerate[nl->queued - 1] = err;
}

void nl_discard(struct nl *nl)
{
	for (size_t i = 0; i < nl->queued; i++) {
		free(nl->said[i]);
		nl->said[i] = NULL;
	}
	nl->queued = 0;
	nl->queued_len = 0;
	nl->queue_err = 0;
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
	bool *seen; /* per acked message: count of them */
	bool aborted; /* an error for a message we expected no ACK for */
	uint32_t failed_seq;
	int first_err;
};

/* Keep the first failure in sending order, which wraps with the numbers. */
static void note_failure(struct acks *st, uint32_t seq, int err,
			 const char *msg)
{
	if (st->first_err &&
	    (uint32_t)(seq - st->lo) >= (uint32_t)(st->failed_seq - st->lo))
		return;
	st->failed_seq = seq;
	st->first_err = err;
	pw_strlcpy(st->nl->extack, msg, sizeof(st->nl->extack));
}

static int ack_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct acks *st = arg;
	uint32_t seq = nlh->nlmsg_seq;
	uint32_t i = seq - st->first; /* its place among the acked ones */
	char msg[NL_EXTACK_MAX];
	int err;

	if (nlh->nlmsg_type != NLMSG_ERROR)
		return 0; /* nothing we asked to echo */
	err = nl_decode_error(nlh, msg, sizeof(msg));
	if (i >= st->count) {
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

/*
 * Number the queued requests now, not as they are queued: a query made
 * between two nl_put_*() (a name looked up for an explanation) takes a
 * number of its own, and the queue's must run without a gap.
 */
static void number_queue(struct nl *nl)
{
	size_t off = 0;

	nl->first_seq = nl->seq + 1;
	for (size_t i = 0; i < nl->queued; i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(nl->queue + off);

		nlh->nlmsg_seq = ++nl->seq;
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
}

/* The commands of the requests the kernel took, before the first it
 * refused (done: how many). */
static void say_done(struct nl *nl, size_t done)
{
	for (size_t i = 0; i < done && i < nl->queued; i++)
		if (nl->said[i])
			explain_lines(nl->said[i]);
}

int nl_commit(struct nl *nl, size_t *failed)
{
	bool seen[NL_QUEUE_MAX] = { false };
	struct acks st = {
		.nl = nl,
		.count = nl->queued, /* numbered once sent: number_queue() */
		.tolerate = nl->tolerate,
		.seen = seen,
	};
	int err;

	nl->extack[0] = '\0';
	if (nl->queue_err) {
		err = nl->queue_err;
		if (failed)
			*failed = nl->queue_err_at;
		nl_discard(nl);
		return err;
	}
	if (nl->queued == 0)
		return 0;
	if (dry_running()) {
		/* Planned, not made: the whole queue is the plan. */
		say_done(nl, nl->queued);
		nl_discard(nl);
		return 0;
	}
	number_queue(nl);
	st.lo = st.first = nl->first_seq;
	st.hi = nl->first_seq + (uint32_t)nl->queued - 1;
	err = send_all(nl, nl->queue, nl->queued_len);
	if (!err)
		err = collect_acks(&st);
	if (explaining())
		say_done(nl, !err	  ? nl->queued :
			     st.first_err ? st.failed_seq - st.first :
					    0);
	nl_discard(nl);
	if (err && failed && st.first_err)
		*failed = st.failed_seq - st.first;
	return err;
}

/*
 * At least want bytes of socket buffer opt (SO_SNDBUF or SO_RCVBUF), past
 * the system's maximum with its FORCE twin where CAP_NET_ADMIN allows, as
 * nftables src/mnl.c does; 0, or -ENOBUFS when the buffer stays smaller.
 * The kernel doubles what it is given and reports the doubled size.
 */
static int buffer_at_least(int fd, int opt, int force_opt, size_t want)
{
	int have = 0, ask;
	socklen_t len = sizeof(have);

	if (want > INT_MAX / 2)
		return -ENOBUFS;
	if (getsockopt(fd, SOL_SOCKET, opt, &have, &len) == 0 &&
	    (size_t)have >= want)
		return 0;
	ask = (int)want;
	if (setsockopt(fd, SOL_SOCKET, force_opt, &ask, sizeof(ask)) < 0)
		setsockopt(fd, SOL_SOCKET, opt, &ask, sizeof(ask));
	len = sizeof(have);
	if (getsockopt(fd, SOL_SOCKET, opt, &have, &len) < 0 ||
	    (size_t)have < want)
		return -ENOBUFS;
	return 0;
}

/*
 * Room for a batch of len bytes answered by count ACKs.  nfnetlink runs a
 * whole batch inside our send() and queues every ACK before we read the
 * first, so the receive buffer must hold them all: an ACK the kernel
 * drops for want of room would leave us not knowing whether the batch
 * was applied.  And netlink refuses (EMSGSIZE) a datagram longer than the
 * send buffer.  Checked before sending, so a batch too big for the
 * buffers the kernel allows changes nothing.
 */
static int make_room(struct nl *nl, size_t len, size_t count)
{
	int err = buffer_at_least(nl->fd, SO_SNDBUF, SO_SNDBUFFORCE,
				  len + NL_SEND_SLACK);

	if (!err && count > SIZE_MAX / NL_ACK_ROOM)
		err = -ENOBUFS;
	if (!err)
		err = buffer_at_least(nl->fd, SO_RCVBUF, SO_RCVBUFFORCE,
				      count * NL_ACK_ROOM);
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
	/* One more, so that no ACK to wait for is not NULL. */
	st.seen = calloc(count + 1, sizeof(*st.seen));
	if (!st.seen)
		return -ENOMEM;
	err = make_room(nl, len, count);
	if (!err)
		err = send_all(nl, buf, len);
	if (!err)
		err = collect_acks(&st);
	if (err && failed_seq)
		*failed_seq = st.failed_seq;
	free(st.seen);
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
int nl_query(struct nl *nl, struct nlmsghdr *req, bool dump,
	     int (*fn)(const struct nlmsghdr *nlh, void *arg), void *arg,
	     bool *interrupted)
{
	struct query_state st = {
		.nl = nl,
		.dump = dump,
		.fn = fn,
		.arg = arg,
	};

	nl->extack[0] = '\0';
	if (nl->planned)
		return dump ? 0 : -ENODEV; /* a namespace not made: empty */
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
	return nl_query(nl, req, dump, fn, arg, NULL);
}
