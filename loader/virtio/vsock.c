// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock (see vsock.h).  Two threads: the transport's device thread,
 * which alone touches the rings, the connections and their host sockets
 * (all non-blocking), and the control socket's watcher (vsock_host.c),
 * which only rings the device thread (the rx queue's notify bit, as a
 * guest kick would) when a host socket is ready or a deadline may have
 * passed.  Receive buffers the guest posts are taken off the ring at once
 * and kept until there is a packet for them.  Data from a host client is
 * read straight into a guest buffer, at most what the guest's credit
 * allows; data from the guest is written straight to the client, and what
 * the client does not take yet waits in a ring of VSOCK_HOST_BUF bytes,
 * the credit we give the guest: a guest that sends more is reset.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <linux/futex.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_vsock.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../diag.h"
#include "rx_pool.h"
#include "vsock.h"
#include "vsock_host.h"

#define RX_QUEUE	0
#define TX_QUEUE	1
#define EVENT_QUEUE	2
#define HDR_LEN		((uint32_t)sizeof(struct virtio_vsock_hdr))
#define VSOCK_RX_QUEUE_SIZE	64
/* Linux posts one descriptor per receive buffer; we take a few. */
#define RX_BUF_IOV	8
/* Largest payload of one packet either way (Linux's own limit). */
#define MAX_PKT		(64u * 1024)
/* RST answers to packets of no connection, waiting for a buffer. */
#define ORPHAN_MAX	64
/* Data packets per connection per turn: the others get buffers too. */
#define BURST		8
#define SHUT_BOTH	(VIRTIO_VSOCK_SHUTDOWN_RCV | VIRTIO_VSOCK_SHUTDOWN_SEND)

enum conn_state {
	CONN_FREE,
	CONN_LINE,		/* accepted: reading "CONNECT <port>\n" */
	CONN_CONNECTING,	/* REQUEST sent (or to send), no RESPONSE yet */
	CONN_OPEN,
	CONN_DRAIN,		/* the guest closed: the client gets what we hold, then EOF */
	CONN_RESET,		/* the client is gone: RST for the guest, then free */
};

struct conn {
	enum conn_state state;
	int fd;				/* the client; -1 once closed */
	uint32_t guest_port, host_port;
	uint64_t deadline;		/* LINE, CONNECTING: CLOCK_MONOTONIC ns */
	char line[VSOCK_HOST_LINE_MAX];
	uint32_t line_len;
	bool request_sent;		/* the guest knows the connection */
	bool rst_pending;		/* RST to send to the guest */
	bool credit_pending;		/* CREDIT_UPDATE to send */
	uint32_t shut_pending;		/* SHUTDOWN flags to send */
	uint32_t guest_shut;		/* SHUTDOWN flags the guest sent */
	bool host_eof;			/* the client shut its write side */
	bool rd_shut, wr_shut;		/* we shut the client's socket that way */
	/* Readiness hints: try the socket (a failed try clears them). */
	bool readable, writable, hup;
	bool registered, armed;
	uint32_t armed_events;
	/* Toward the guest: its credit. */
	uint32_t peer_buf_alloc, peer_fwd_cnt, tx_cnt;
	/* From the guest: rx_cnt received, fwd_cnt written to the client. */
	uint32_t rx_cnt, fwd_cnt, last_fwd_sent;
	uint8_t *buf;			/* VSOCK_HOST_BUF bytes, from buf_head */
	uint32_t buf_head, buf_len;
};

struct vsockdev {
	struct virtio_dev *dev;
	struct vsock_host host;
	bool started;
	uint8_t config[8];		/* struct virtio_vsock_config, little-endian */

	struct rx_pool rxbufs;		/* the guest's receive buffers we hold */
	bool rx_used;			/* pushed to rx: raise */
	struct virtio_chain chain;

	struct conn conns[VSOCK_HOST_MAX_CONNS];
	unsigned int next_conn;		/* round robin of the rx buffers */
	uint32_t next_port;
	bool listening;
	bool accept_paused, accept_failed;	/* out of descriptors: retry on ticks */
	uint64_t accept_retry;
	struct { uint32_t host_port, guest_port; } orphan[ORPHAN_MAX];
	unsigned int orphan_head, orphan_count;

	unsigned long malformed, resets, refused, rst_dropped;	/* atomics */
};

static void count(unsigned long *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* What the guest still lets us send (a claim beyond its buffer: nothing). */
static uint32_t peer_credit(const struct conn *c)
{
	uint32_t in_flight = c->tx_cnt - c->peer_fwd_cnt;

	return in_flight > c->peer_buf_alloc ? 0 : c->peer_buf_alloc - in_flight;
}

/* --- connections -------------------------------------------------------- */

/*
 * Close a client's socket so that it reads EOF: closed with unread bytes,
 * a unix socket would give it ECONNRESET instead.  Its writes fail from
 * the shutdown on, so what is left to discard is bounded.
 */
static void close_client(int *fd)
{
	static char sink[16384];

	if (*fd < 0)
		return;
	shutdown(*fd, SHUT_RD);
	for (int k = 0; k < 256 && recv(*fd, sink, sizeof(sink), MSG_DONTWAIT) > 0; k++)
		;
	close(*fd);	/* also leaves the epoll set */
	*fd = -1;
}

static void conn_free(struct conn *c)
{
	close_client(&c->fd);
	free(c->buf);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* Drop the client; the guest gets a RST if it knew the connection. */
static void conn_reset(struct conn *c)
{
	if (!c->request_sent) {
		conn_free(c);
		return;
	}
	close_client(&c->fd);
	free(c->buf);
	c->buf = NULL;
	c->buf_len = 0;
	c->state = CONN_RESET;
	c->rst_pending = true;
}

static struct conn *conn_find(struct vsockdev *v, uint32_t guest_port, uint32_t host_port)
{
	for (unsigned int i = 0; i < VSOCK_HOST_MAX_CONNS; i++) {
		struct conn *c = &v->conns[i];

		if (c->host_port == host_port && c->guest_port == guest_port &&
		    ((c->state == CONN_CONNECTING && c->request_sent) || c->state == CONN_OPEN))
			return c;
	}
	return NULL;
}

static bool port_in_use(struct vsockdev *v, uint32_t port)
{
	for (unsigned int i = 0; i < VSOCK_HOST_MAX_CONNS; i++)
		if (v->conns[i].state != CONN_FREE && v->conns[i].host_port == port)
			return true;
	return false;
}

static uint32_t new_host_port(struct vsockdev *v)
{
	do {
		if (v->next_port < VSOCK_HOST_PORT_FIRST || v->next_port == 0xffffffffu)
			v->next_port = VSOCK_HOST_PORT_FIRST;
		v->next_port++;
	} while (port_in_use(v, v->next_port));
	return v->next_port;
}

/* Ask the guest for a CREDIT_UPDATE once it may think half our buffer is full. */
static void maybe_credit(struct conn *c)
{
	if (c->fwd_cnt != c->last_fwd_sent && c->rx_cnt - c->last_fwd_sent > VSOCK_HOST_BUF / 2)
		c->credit_pending = true;
}

/* Write what we hold for the client; at its end, the guest's half-close. */
static void flush_to_client(struct conn *c)
{
	while (c->buf_len && c->writable && c->fd >= 0) {
		uint32_t first = VSOCK_HOST_BUF - c->buf_head;
		struct iovec iov[2] = {
			{ c->buf + c->buf_head, first < c->buf_len ? first : c->buf_len },
			{ c->buf, first < c->buf_len ? c->buf_len - first : 0 },
		};
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = iov[1].iov_len ? 2 : 1 };
		ssize_t n = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				c->writable = false;
				break;
			}
			if (c->state == CONN_DRAIN) {
				close_client(&c->fd);
			} else {
				conn_reset(c);
			}
			return;
		}
		c->buf_head = (uint32_t)((c->buf_head + (size_t)n) % VSOCK_HOST_BUF);
		c->buf_len -= (uint32_t)n;
		c->fwd_cnt += (uint32_t)n;
	}
	if (c->buf_len || c->fd < 0)
		return;
	if (c->state == CONN_DRAIN) {
		close_client(&c->fd);	/* all delivered: the client sees EOF */
		return;
	}
	if ((c->guest_shut & VIRTIO_VSOCK_SHUTDOWN_SEND) && !c->wr_shut) {
		shutdown(c->fd, SHUT_WR);
		c->wr_shut = true;
	}
	maybe_credit(c);
}

/* --- packets for the guest ---------------------------------------------- */

/* The guest's receive buffers, each able to take at least a header. */
static bool take_buffers(struct virtio_dev *dev, struct vsockdev *v)
{
	return rx_pool_take(&v->rxbufs, dev, &dev->queues[RX_QUEUE], RX_BUF_IOV, HDR_LEN);
}

static void fill_hdr(struct virtio_vsock_hdr *h, uint32_t host_port, uint32_t guest_port,
		     uint16_t op, uint32_t flags, uint32_t len)
{
	memset(h, 0, sizeof(*h));
	h->src_cid = htole64(VSOCK_HOST_CID);
	h->dst_cid = htole64(VSOCK_GUEST_CID);
	h->src_port = htole32(host_port);
	h->dst_port = htole32(guest_port);
	h->len = htole32(len);
	h->type = htole16(VIRTIO_VSOCK_TYPE_STREAM);
	h->op = htole16(op);
	h->flags = htole32(flags);
}

/* Header into the next buffer, @payload bytes already behind it; push. */
static void rx_push(struct vsockdev *v, struct virtio_vsock_hdr *h, uint32_t payload)
{
	struct rx_buf *b = rx_pool_front(&v->rxbufs);

	iov_copy_to(b->iov, b->n, 0, h, HDR_LEN);
	rx_pool_give(&v->rxbufs, v->dev, &v->dev->queues[RX_QUEUE], HDR_LEN + payload);
	v->rx_used = true;
}

/* A packet without payload on @c, with our credit; false without a buffer. */
static bool emit(struct vsockdev *v, struct conn *c, uint16_t op, uint32_t flags)
{
	struct virtio_vsock_hdr h;

	if (!v->rxbufs.count)
		return false;
	fill_hdr(&h, c->host_port, c->guest_port, op, flags, 0);
	h.buf_alloc = htole32(VSOCK_HOST_BUF);
	h.fwd_cnt = htole32(c->fwd_cnt);
	c->last_fwd_sent = c->fwd_cnt;
	c->credit_pending = false;
	rx_push(v, &h, 0);
	return true;
}

/* The client's end of its stream: half-close, or gone altogether. */
static void client_eof(struct conn *c)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };

	/* Both directions shut (it closed, or we had shut ours): done. */
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR))) {
		conn_reset(c);
		return;
	}
	c->host_eof = true;
	c->shut_pending |= VIRTIO_VSOCK_SHUTDOWN_SEND;
}

static bool can_read(const struct conn *c)
{
	return c->state == CONN_OPEN && !c->host_eof &&
	       !(c->guest_shut & VIRTIO_VSOCK_SHUTDOWN_RCV) && peer_credit(c) > 0;
}

/* Client bytes straight into the next buffer: true if a packet went. */
static bool emit_data(struct vsockdev *v, struct conn *c)
{
	struct rx_buf *b = rx_pool_front(&v->rxbufs);
	struct iovec iov[RX_BUF_IOV];
	struct virtio_vsock_hdr h;
	size_t want = b->len - HDR_LEN;
	unsigned int cnt;
	ssize_t n;

	if (want > peer_credit(c))
		want = peer_credit(c);
	if (want > MAX_PKT)
		want = MAX_PKT;
	if (!want)
		return false;
	cnt = iov_slice(b->iov, b->n, HDR_LEN, want, iov, RX_BUF_IOV);
	n = readv(c->fd, iov, (int)cnt);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			c->readable = false;
		else
			conn_reset(c);
		return false;
	}
	if (n == 0) {
		client_eof(c);
		return false;
	}
	fill_hdr(&h, c->host_port, c->guest_port, VIRTIO_VSOCK_OP_RW, 0, (uint32_t)n);
	h.buf_alloc = htole32(VSOCK_HOST_BUF);
	h.fwd_cnt = htole32(c->fwd_cnt);
	c->last_fwd_sent = c->fwd_cnt;
	c->credit_pending = false;
	c->tx_cnt += (uint32_t)n;
	rx_push(v, &h, (uint32_t)n);
	return true;
}

/* What @c has for the guest, while buffers last: true if anything went. */
static bool emit_conn(struct vsockdev *v, struct conn *c)
{
	bool sent = false;

	if (c->rst_pending) {
		if (!emit(v, c, VIRTIO_VSOCK_OP_RST, 0))
			return false;
		c->rst_pending = false;
		if (c->state == CONN_RESET)
			conn_free(c);
		return true;
	}
	if (c->state == CONN_CONNECTING && !c->request_sent) {
		if (!emit(v, c, VIRTIO_VSOCK_OP_REQUEST, 0))
			return false;
		c->request_sent = true;
		return true;
	}
	if (c->state != CONN_OPEN)
		return false;
	if (c->credit_pending && emit(v, c, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0))
		sent = true;
	for (int k = 0; k < BURST && v->rxbufs.count && c->readable && can_read(c); k++) {
		if (!emit_data(v, c))
			break;
		sent = true;
	}
	if (c->state == CONN_OPEN && c->shut_pending &&
	    emit(v, c, VIRTIO_VSOCK_OP_SHUTDOWN, c->shut_pending)) {
		c->shut_pending = 0;
		sent = true;
	}
	return sent;
}

static void emit_orphans(struct vsockdev *v)
{
	while (v->orphan_count && v->rxbufs.count) {
		struct virtio_vsock_hdr h;

		fill_hdr(&h, v->orphan[v->orphan_head].host_port,
			 v->orphan[v->orphan_head].guest_port, VIRTIO_VSOCK_OP_RST, 0, 0);
		rx_push(v, &h, 0);
		v->orphan_head = (v->orphan_head + 1) % ORPHAN_MAX;
		v->orphan_count--;
	}
}

static void orphan_rst(struct vsockdev *v, uint32_t host_port, uint32_t guest_port)
{
	if (v->orphan_count == ORPHAN_MAX) {
		count(&v->rst_dropped);
		return;
	}
	v->orphan[(v->orphan_head + v->orphan_count) % ORPHAN_MAX].host_port = host_port;
	v->orphan[(v->orphan_head + v->orphan_count) % ORPHAN_MAX].guest_port = guest_port;
	v->orphan_count++;
}

/* --- packets from the guest --------------------------------------------- */

/* The guest accepted: tell the client, and its bytes may flow. */
static void conn_open(struct conn *c)
{
	char line[24];
	int n = snprintf(line, sizeof(line), "OK %u\n", c->host_port);

	c->state = CONN_OPEN;
	c->readable = c->writable = true;
	if (send(c->fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) != n)
		conn_reset(c);
}

static void guest_shutdown(struct conn *c, uint32_t flags)
{
	c->guest_shut |= flags & SHUT_BOTH;
	if ((c->guest_shut & VIRTIO_VSOCK_SHUTDOWN_RCV) && !c->rd_shut) {
		/* The client's further writes fail (EPIPE), as to a closed reader. */
		shutdown(c->fd, SHUT_RD);
		c->rd_shut = true;
	}
	if (c->guest_shut == SHUT_BOTH) {
		/* The guest closed its socket and waits for our RST. */
		c->state = CONN_DRAIN;
		c->rst_pending = true;
	}
	flush_to_client(c);
}

/* RW payload (@len bytes after the header) to the client, or held. */
static bool guest_data(struct conn *c, const struct virtio_chain *ch, uint32_t len)
{
	size_t skip = HDR_LEN;

	/* More than the credit we gave: bounded memory, so a reset. */
	if (c->rx_cnt - c->fwd_cnt > VSOCK_HOST_BUF - len)
		return false;
	c->rx_cnt += len;
	if (!c->buf_len && len) {
		struct iovec iov[VIRTIO_CHAIN_MAX];
		struct msghdr msg = { .msg_iov = iov };
		ssize_t n;

		msg.msg_iovlen = iov_slice(ch->iov, ch->n_out, skip, len, iov, VIRTIO_CHAIN_MAX);
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			conn_reset(c);	/* the client is gone: not the guest's fault */
			return true;
		}
		if (n < 0) {
			c->writable = false;
			n = 0;
		}
		c->fwd_cnt += (uint32_t)n;
		skip += (size_t)n;
		len -= (uint32_t)n;
	}
	if (len) {
		uint32_t at, first;

		if (!c->buf && !(c->buf = malloc(VSOCK_HOST_BUF))) {
			conn_reset(c);
			return true;
		}
		at = (c->buf_head + c->buf_len) % VSOCK_HOST_BUF;
		first = VSOCK_HOST_BUF - at < len ? VSOCK_HOST_BUF - at : len;
		iov_copy_from(ch->iov, ch->n_out, skip, c->buf + at, first);
		iov_copy_from(ch->iov, ch->n_out, skip + first, c->buf, len - first);
		c->buf_len += len;
		c->writable = false;	/* the socket took less: wait for EPOLLOUT */
	}
	maybe_credit(c);
	return true;
}

/* One transmit chain: a header and its payload. */
static void guest_packet(struct vsockdev *v, const struct virtio_chain *ch)
{
	size_t out = iov_total(ch->iov, ch->n_out);
	struct virtio_vsock_hdr h;
	uint32_t len, src_port, dst_port;
	uint16_t op, type;
	struct conn *c;

	if (ch->n_in || out < HDR_LEN) {
		count(&v->malformed);
		return;
	}
	/* Copied once: the guest may change its buffers meanwhile. */
	iov_copy_from(ch->iov, ch->n_out, 0, &h, HDR_LEN);
	len = le32toh(h.len);
	op = le16toh(h.op);
	type = le16toh(h.type);
	src_port = le32toh(h.src_port);
	dst_port = le32toh(h.dst_port);
	if (le64toh(h.src_cid) != VSOCK_GUEST_CID || le64toh(h.dst_cid) != VSOCK_HOST_CID) {
		count(&v->malformed);
		return;
	}
	c = type == VIRTIO_VSOCK_TYPE_STREAM ? conn_find(v, src_port, dst_port) : NULL;
	if (len > out - HDR_LEN || len > MAX_PKT || (len && op != VIRTIO_VSOCK_OP_RW) ||
	    type != VIRTIO_VSOCK_TYPE_STREAM) {
		count(&v->malformed);
		if (c) {
			count(&v->resets);
			conn_reset(c);
		} else if (op != VIRTIO_VSOCK_OP_RST) {
			orphan_rst(v, dst_port, src_port);
		}
		return;
	}
	if (!c) {
		/* No such connection; a request to the host is refused too. */
		if (op != VIRTIO_VSOCK_OP_RST)
			orphan_rst(v, dst_port, src_port);
		return;
	}
	c->peer_buf_alloc = le32toh(h.buf_alloc);
	c->peer_fwd_cnt = le32toh(h.fwd_cnt);
	switch (op) {
	case VIRTIO_VSOCK_OP_RESPONSE:
		if (c->state != CONN_CONNECTING)
			break;
		conn_open(c);
		return;
	case VIRTIO_VSOCK_OP_RST:
		c->rst_pending = false;
		if (c->buf_len)
			flush_to_client(c);	/* what it sent before, if the client takes it now */
		conn_free(c);
		return;
	case VIRTIO_VSOCK_OP_SHUTDOWN:
		if (c->state != CONN_OPEN)
			break;
		guest_shutdown(c, le32toh(h.flags));
		return;
	case VIRTIO_VSOCK_OP_RW:
		if (c->state != CONN_OPEN || (c->guest_shut & VIRTIO_VSOCK_SHUTDOWN_SEND) ||
		    !guest_data(c, ch, len))
			break;
		return;
	case VIRTIO_VSOCK_OP_CREDIT_UPDATE:
		return;
	case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
		c->credit_pending = true;
		return;
	default:
		break;
	}
	/* Against the protocol (unknown op, data beyond credit...): reset. */
	count(&v->resets);
	conn_reset(c);
}

static void serve_tx(struct virtio_dev *dev, struct vsockdev *v)
{
	struct virtio_queue *vq = &dev->queues[TX_QUEUE];
	bool any = false;

	/* At exit (stop set) the rest of the ring once: the guest is gone. */
	for (unsigned int k = 0; (!dev->stop || k < VIRTIO_QUEUE_SIZE) &&
				 virtio_queue_pop(dev, vq, &v->chain) > 0; k++) {
		guest_packet(v, &v->chain);
		virtio_queue_push(dev, vq, v->chain.head, 0);
		any = true;
	}
	if (any)
		virtio_queue_raise(dev, vq);
}

/* Event buffers: nothing to report ever (no migration); kept, not used. */
static void take_events(struct virtio_dev *dev, struct vsockdev *v)
{
	while (!dev->stop && virtio_queue_pop(dev, &dev->queues[EVENT_QUEUE], &v->chain) > 0)
		;
}

/* --- host clients ------------------------------------------------------- */

/* False if accept failed for want of resources: the caller waits a tick. */
static bool accept_clients(struct vsockdev *v, uint64_t now)
{
	/* Bounded per turn; the listener is re-armed after. */
	for (int k = 0; k < 2 * VSOCK_HOST_MAX_CONNS; k++) {
		int fd = accept4(v->host.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c = NULL;

		if (fd < 0) {
			if (errno == EAGAIN)
				return true;
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			/* EMFILE, ENOBUFS...: said once, tried again on the next tick. */
			if (!v->accept_failed)
				diag_error("control socket: accept: %s", strerror(errno));
			v->accept_failed = true;
			return false;
		}
		for (unsigned int i = 0; i < VSOCK_HOST_MAX_CONNS && !c; i++)
			if (v->conns[i].state == CONN_FREE)
				c = &v->conns[i];
		if (!c) {
			count(&v->refused);
			close_client(&fd);
			continue;
		}
		vsock_host_take(&v->host, (uint32_t)(c - v->conns));	/* stale events */
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->state = CONN_LINE;
		c->deadline = now + VSOCK_CONNECT_TIMEOUT_MS * 1000000ull;
		c->readable = true;
	}
	return true;
}

/* "CONNECT <port>\n", taken without a byte of what follows it. */
static void read_line(struct vsockdev *v, struct conn *c)
{
	char peek[VSOCK_HOST_LINE_MAX];
	size_t room = sizeof(c->line) - c->line_len;
	ssize_t n = recv(c->fd, peek, room, MSG_PEEK | MSG_DONTWAIT);
	char *nl;
	size_t take;

	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		c->readable = false;
		return;
	}
	if (n <= 0) {
		conn_free(c);
		return;
	}
	nl = memchr(peek, '\n', (size_t)n);
	take = nl ? (size_t)(nl - peek) + 1 : (size_t)n;
	if (recv(c->fd, c->line + c->line_len, take, MSG_DONTWAIT) != (ssize_t)take) {
		conn_free(c);
		return;
	}
	c->line_len += (uint32_t)take;
	if (!nl) {
		if (c->line_len == sizeof(c->line))
			conn_free(c);	/* too long for a request line */
		return;
	}
	if (!vsock_host_parse_connect(c->line, c->line_len - 1, &c->guest_port)) {
		conn_free(c);
		return;
	}
	c->host_port = new_host_port(v);
	c->state = CONN_CONNECTING;
	c->readable = false;	/* its bytes wait until the guest accepted */
}

/* Readiness the watcher saw, as hints; what each connection can do now. */
static void serve_clients(struct vsockdev *v, uint64_t now)
{
	/* A failed accept is tried again at the next tick, not at once (a spin). */
	if (v->listening && (vsock_host_take(&v->host, VSOCK_HOST_TOKEN_LISTEN) ||
			     (v->accept_paused && now >= v->accept_retry))) {
		v->accept_paused = !accept_clients(v, now);
		v->accept_retry = now + 250000000ull;
		if (!v->accept_paused &&
		    !vsock_host_arm(&v->host, v->host.listen_fd, VSOCK_HOST_TOKEN_LISTEN, EPOLLIN, false))
			diag_error("control socket: cannot watch it: %s", strerror(errno));
	}
	for (unsigned int i = 0; i < VSOCK_HOST_MAX_CONNS; i++) {
		struct conn *c = &v->conns[i];
		uint32_t ev = vsock_host_take(&v->host, i);

		if (c->state == CONN_FREE || c->fd < 0)
			continue;
		if (ev) {
			c->armed = false;
			if (ev & (EPOLLHUP | EPOLLERR))
				c->hup = true;
			if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))
				c->readable = true;
			if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))
				c->writable = true;
		}
		if ((c->state == CONN_LINE || c->state == CONN_CONNECTING) && now >= c->deadline) {
			conn_reset(c);	/* no request line, or no answer from the guest */
			continue;
		}
		if (c->state == CONN_LINE && c->readable)
			read_line(v, c);
		else if (c->state == CONN_OPEN || c->state == CONN_DRAIN)
			flush_to_client(c);
	}
}

/* Watch each client for what we wait for; a deadline pending: ticks. */
static void arm_clients(struct vsockdev *v)
{
	bool deadlines = false;

	for (unsigned int i = 0; i < VSOCK_HOST_MAX_CONNS; i++) {
		struct conn *c = &v->conns[i];
		uint32_t want = 0;

		if (c->state == CONN_FREE || c->fd < 0)
			continue;
		if (c->state == CONN_LINE || c->state == CONN_CONNECTING)
			deadlines = true;
		if (c->state == CONN_LINE && !c->readable)
			want |= EPOLLIN;
		if (can_read(c) && !c->readable)
			want |= EPOLLIN;
		if (c->buf_len && !c->writable)
			want |= EPOLLOUT;
		if (c->registered && c->armed && want == c->armed_events)
			continue;
		/* A hang-up already seen fires at once: only arm for real work. */
		if (c->registered && c->hup && !want)
			continue;
		if (!vsock_host_arm(&v->host, c->fd, i, want, !c->registered)) {
			conn_reset(c);
			continue;
		}
		c->registered = c->armed = true;
		c->armed_events = want;
	}
	vsock_host_tick(&v->host, deadlines || v->accept_paused);
}

/* After the device broke: every client sees EOF, new ones are refused. */
static void close_everything(struct vsockdev *v)
{
	for (unsigned int i = 0; i < VSOCK_HOST_MAX_CONNS; i++)
		if (v->conns[i].state != CONN_FREE)
			conn_free(&v->conns[i]);
	if (v->listening) {
		close(v->host.listen_fd);
		v->host.listen_fd = -1;
		v->listening = false;
	}
}

/* Everything that can move now: host sockets, then packets for the guest. */
static void pump(struct virtio_dev *dev, struct vsockdev *v)
{
	bool progress;

	if (!dev->broken)
		take_buffers(dev, v);
	if (dev->broken) {
		close_everything(v);
		return;
	}
	serve_clients(v, now_ns());
	emit_orphans(v);
	do {
		progress = false;
		for (unsigned int k = 0; k < VSOCK_HOST_MAX_CONNS && v->rxbufs.count; k++) {
			struct conn *c = &v->conns[(v->next_conn + k) % VSOCK_HOST_MAX_CONNS];

			if (c->state != CONN_FREE && emit_conn(v, c))
				progress = true;
		}
		v->next_conn = (v->next_conn + 1) % VSOCK_HOST_MAX_CONNS;
	} while (progress && v->rxbufs.count && !dev->stop);
	for (unsigned int i = 0; i < VSOCK_HOST_MAX_CONNS; i++) {
		struct conn *c = &v->conns[i];

		if ((c->state == CONN_DRAIN || c->state == CONN_RESET) && c->fd < 0 &&
		    !c->rst_pending)
			conn_free(c);
	}
	arm_clients(v);
	if (v->rx_used) {
		v->rx_used = false;
		virtio_queue_raise(dev, &dev->queues[RX_QUEUE]);
	}
}

/* As a guest kick of the receive queue: the bit, then the doorbell. */
static void ring_device(void *opaque)
{
	struct vsockdev *v = opaque;
	struct xlibos_virtio_port *port = v->dev->port;

	__atomic_fetch_or(&port->notify, 1U << RX_QUEUE, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&port->doorbell, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&port->backend_waiting, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &port->doorbell, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static void vsock_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct vsockdev *v = dev->priv;

	/* Here, on the device thread: after the container's clone. */
	if (!v->started) {
		v->started = true;
		v->listening = vsock_host_start(&v->host, ring_device, v);
		if (v->listening)
			__atomic_fetch_or(&v->host.ready[VSOCK_HOST_TOKEN_LISTEN], EPOLLIN,
					  __ATOMIC_SEQ_CST);
	}
	if (q == TX_QUEUE)
		serve_tx(dev, v);
	else if (q == EVENT_QUEUE)
		take_events(dev, v);
	pump(dev, v);
}

static uint8_t vsock_config_byte(struct virtio_dev *dev, uint32_t offset)
{
	struct vsockdev *v = dev->priv;

	return offset < sizeof(v->config) ? v->config[offset] : 0;
}

/*
 * The container ended: what the guest wrote before goes to clients that
 * take it within VSOCK_EXIT_FLUSH_MS (as a host kernel delivers a dead
 * process's socket data), then every client sees EOF.
 */
static void flush_at_exit(struct vsockdev *v)
{
	uint64_t end = now_ns() + VSOCK_EXIT_FLUSH_MS * 1000000ull;

	for (;;) {
		struct pollfd p[VSOCK_HOST_MAX_CONNS];
		struct conn *who[VSOCK_HOST_MAX_CONNS];
		unsigned int n = 0;
		uint64_t now = now_ns();

		for (unsigned int i = 0; i < VSOCK_HOST_MAX_CONNS; i++) {
			struct conn *c = &v->conns[i];

			if (c->fd >= 0 && c->buf_len && c->state != CONN_FREE) {
				p[n] = (struct pollfd){ .fd = c->fd, .events = POLLOUT };
				who[n++] = c;
			}
		}
		if (!n || now >= end ||
		    poll(p, n, (int)((end - now) / 1000000u) + 1) <= 0)
			return;
		for (unsigned int i = 0; i < n; i++) {
			if (!p[i].revents)
				continue;
			who[i]->writable = true;
			who[i]->state = CONN_DRAIN;	/* an error just closes it */
			flush_to_client(who[i]);
		}
	}
}

static void vsock_free(struct virtio_dev *dev)
{
	struct vsockdev *v = dev->priv;

	if (!v)
		return;
	vsock_host_close(&v->host);	/* no more rings; the path is gone */
	/* Packets the guest sent before it ended, still in the ring. */
	if (v->started && dev->ram && !dev->broken)
		serve_tx(dev, v);
	flush_at_exit(v);
	for (unsigned int i = 0; i < VSOCK_HOST_MAX_CONNS; i++)
		if (v->conns[i].state != CONN_FREE)
			conn_free(&v->conns[i]);	/* every client sees EOF */
	if (v->malformed || v->resets)
		diag_error("virtio-vsock: dropped %lu malformed packets from the guest, reset %lu connections",
			   v->malformed, v->resets);
	free(v);
	dev->priv = NULL;
}

void virtio_vsock_counts(struct virtio_dev *dev, struct vsock_counts *c)
{
	struct vsockdev *v = dev->priv;

	c->malformed = __atomic_load_n(&v->malformed, __ATOMIC_RELAXED);
	c->resets = __atomic_load_n(&v->resets, __ATOMIC_RELAXED);
	c->refused = __atomic_load_n(&v->refused, __ATOMIC_RELAXED);
	c->rst_dropped = __atomic_load_n(&v->rst_dropped, __ATOMIC_RELAXED);
}

static const struct virtio_dev_ops vsock_ops = {
	.name = "virtio-vsock",
	.device_id = VIRTIO_ID_VSOCK,
	.nqueues = 3,
	/*
	 * The guest's driver posts a 4 KiB buffer per receive entry when it
	 * probes: 1.5 ms of boot for 256, 0.7 for 64, which carry 100 MB
	 * each way as fast (tests/vsock's hostile driver asks for 64).
	 */
	.queue_max = { [RX_QUEUE] = VSOCK_RX_QUEUE_SIZE },
	.queue_notify = vsock_queue_notify,
	.config_byte = vsock_config_byte,
	.free = vsock_free,
};

bool virtio_vsock_init(struct virtio_dev *dev, const char *socket_path)
{
	struct vsockdev *v = calloc(1, sizeof(*v));
	uint64_t cid = htole64(VSOCK_GUEST_CID);

	if (!v) {
		diag_error("control socket: out of memory");
		return false;
	}
	for (unsigned int i = 0; i < VSOCK_HOST_MAX_CONNS; i++)
		v->conns[i].fd = -1;
	if (!vsock_host_open(&v->host, socket_path)) {
		free(v);
		return false;
	}
	v->dev = dev;
	memcpy(v->config, &cid, sizeof(cid));
	dev->ops = &vsock_ops;
	dev->priv = v;
	dev->host_features = 1ULL << VIRTIO_F_VERSION_1;
	return true;
}
