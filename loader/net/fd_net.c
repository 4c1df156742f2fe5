// SPDX-License-Identifier: GPL-2.0
/* A back end on a packet descriptor (see fd_net.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../diag.h"
#include "fd_net.h"

/* The descriptor's header: virtio_net_hdr_v1 without num_buffers. */
#define FD_HDR_LEN	10
/* How long a full descriptor may hold up the device before a drop. */
#define SEND_WAIT_MS	20

struct fd_net {
	struct net_backend base;	/* first */
	int fd, stop_fd;
	char what[64];
	bool (*configure)(int fd, uint64_t features, const char *what);
	void (*on_free)(void *arg);
	void *arg;
	net_to_guest to_guest;
	void *opaque;
	pthread_t thread;
	bool started;
	/* The reader thread's: header at 0, the frame at NET_HDR_LEN. */
	uint8_t buf[NET_HDR_LEN + NET_FRAME_MAX];
};

uint64_t fd_net_offload_features(void)
{
	return (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |
	       (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) |
	       (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6);
}

/* Every packet the descriptor has now; false when it is gone for good. */
static bool read_packets(struct fd_net *f)
{
	struct iovec iov[2] = {
		{ f->buf, FD_HDR_LEN },
		{ f->buf + NET_HDR_LEN, NET_FRAME_MAX },
	};

	for (;;) {
		ssize_t n = readv(f->fd, iov, 2);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			/* A TAP device taken down says EIO: wait for it. */
			if (errno == EIO || errno == ENETDOWN)
				return true;
			diag_error("network: %s: read: %s; no more packets for the guest", f->what,
				   strerror(errno));
			return false;
		}
		if ((size_t)n < FD_HDR_LEN + 14)
			continue;
		memset(f->buf + FD_HDR_LEN, 0, NET_HDR_LEN - FD_HDR_LEN);
		f->to_guest(f->opaque, (const struct virtio_net_hdr_v1 *)f->buf,
			    f->buf + NET_HDR_LEN, (size_t)n - FD_HDR_LEN);
	}
}

static void *reader(void *arg)
{
	struct fd_net *f = arg;
	struct pollfd pfd[2] = { { f->fd, POLLIN, 0 }, { f->stop_fd, POLLIN, 0 } };

	while (read_packets(f)) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		if (pfd[0].revents & (POLLERR | POLLNVAL))
			break;
		/* POLLHUP: a TAP device down; do not spin on it. */
		if ((pfd[0].revents & POLLHUP) && !(pfd[0].revents & POLLIN))
			poll(&pfd[1], 1, 100);
	}
	return NULL;
}

static bool fd_net_start(struct net_backend *b, uint64_t features)
{
	struct fd_net *f = (struct fd_net *)b;
	int err;

	if (f->started)
		return true;
	if (f->configure && !f->configure(f->fd, features, f->what))
		return false;
	err = pthread_create(&f->thread, NULL, reader, f);
	if (err) {
		diag_error("network: cannot start its thread: %s", strerror(err));
		return false;
	}
	f->started = true;
	return true;
}

static enum net_send_result fd_net_send(struct net_backend *b, const uint8_t *pkt, size_t len)
{
	struct fd_net *f = (struct fd_net *)b;
	struct iovec iov[2] = {
		{ (void *)pkt, FD_HDR_LEN },
		{ (void *)(pkt + NET_HDR_LEN), len - NET_HDR_LEN },
	};

	for (int tries = 0; tries < 2; tries++) {
		struct pollfd pfd = { f->fd, POLLOUT, 0 };

		if (writev(f->fd, iov, 2) >= 0)
			return NET_SENT;
		if (errno == EINVAL || errno == EMSGSIZE)
			return NET_MALFORMED;
		if (errno != EAGAIN && errno != ENOBUFS)
			return NET_DROPPED;	/* e.g. EIO: the TAP device is down */
		poll(&pfd, 1, SEND_WAIT_MS);
	}
	return NET_DROPPED;
}

static void fd_net_free(struct net_backend *b)
{
	struct fd_net *f = (struct fd_net *)b;
	uint64_t one = 1;

	if (!f)
		return;
	if (f->started) {
		(void)!write(f->stop_fd, &one, sizeof(one));
		pthread_join(f->thread, NULL);
	}
	if (f->stop_fd >= 0)
		close(f->stop_fd);
	if (f->fd >= 0)
		close(f->fd);
	if (f->on_free)
		f->on_free(f->arg);
	free(f);
}

static const struct net_backend_ops fd_net_ops = {
	.start = fd_net_start,
	.send = fd_net_send,
	.free = fd_net_free,
};

struct net_backend *fd_net_new(const struct fd_net_params *p, net_to_guest to_guest,
			       void *opaque)
{
	struct fd_net *f = calloc(1, sizeof(*f));

	if (!f) {
		diag_error("network: out of memory");
		close(p->fd);
		if (p->on_free)
			p->on_free(p->arg);
		return NULL;
	}
	f->base.ops = &fd_net_ops;
	f->fd = p->fd;
	f->configure = p->configure;
	f->on_free = p->on_free;
	f->arg = p->arg;
	f->to_guest = to_guest;
	f->opaque = opaque;
	snprintf(f->what, sizeof(f->what), "%s", p->what);
	f->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (f->stop_fd < 0 || fcntl(f->fd, F_SETFL, fcntl(f->fd, F_GETFL) | O_NONBLOCK) != 0) {
		diag_error("network: %s: %s", f->what, strerror(errno));
		fd_net_free(&f->base);
		return NULL;
	}
	return &f->base;
}
