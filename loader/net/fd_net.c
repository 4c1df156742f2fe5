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
	int rearm_fd;			/* eventfd: the device drained the descriptor */
	char what[64];
	bool (*configure)(int fd, uint64_t features, const char *what);
	void (*on_free)(void *arg);
	void *arg;
	void (*rx_ready)(void *opaque);
	void *opaque;
	pthread_t thread;
	bool started;
};

uint64_t fd_net_offload_features(void)
{
	return (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |
	       (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) |
	       (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6);
}

/*
 * The watcher thread: when the descriptor has packets, ring the device,
 * whose thread reads them into the guest's buffers (recv below); wait
 * until it has drained the descriptor before watching again, so a
 * descriptor the guest has no buffers for is not polled in a loop.
 */
static void *watcher(void *arg)
{
	struct fd_net *f = arg;
	struct pollfd pfd[2] = { { f->fd, POLLIN, 0 }, { f->stop_fd, POLLIN, 0 } };
	struct pollfd rearm[2] = { { f->rearm_fd, POLLIN, 0 }, { f->stop_fd, POLLIN, 0 } };
	uint64_t count;

	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents || (pfd[0].revents & (POLLERR | POLLNVAL)))
			break;
		if (!(pfd[0].revents & POLLIN)) {
			/* POLLHUP: a TAP device down; do not spin on it. */
			if (pfd[0].revents & POLLHUP)
				poll(&pfd[1], 1, 100);
			continue;
		}
		f->rx_ready(f->opaque);
		if (poll(rearm, 2, -1) < 0 && errno != EINTR)
			break;
		if (rearm[1].revents)
			break;
		(void)!read(f->rearm_fd, &count, sizeof(count));
	}
	return NULL;
}

/* On the device thread: one packet into @iov, 0 if none is there. */
static size_t fd_net_recv(struct net_backend *b, const struct iovec *iov, unsigned int n)
{
	struct fd_net *f = (struct fd_net *)b;
	uint64_t one = 1;

	for (;;) {
		ssize_t r = readv(f->fd, iov, (int)n);

		if (r >= FD_HDR_LEN + 14)
			return (size_t)r;
		if (r > 0 || (r < 0 && errno == EINTR))
			continue;	/* a runt: skip it */
		/*
		 * EAGAIN: drained, the watcher may look again.  Anything
		 * else (EIO: a TAP device down) too: it waits in poll.
		 */
		(void)!write(f->rearm_fd, &one, sizeof(one));
		return 0;
	}
}

static bool fd_net_start(struct net_backend *b, uint64_t features)
{
	struct fd_net *f = (struct fd_net *)b;
	int err;

	if (f->started)
		return true;
	if (f->configure && !f->configure(f->fd, features, f->what))
		return false;
	err = pthread_create(&f->thread, NULL, watcher, f);
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
	if (f->rearm_fd >= 0)
		close(f->rearm_fd);
	if (f->fd >= 0)
		close(f->fd);
	if (f->on_free)
		f->on_free(f->arg);
	free(f);
}

static const struct net_backend_ops fd_net_ops = {
	.start = fd_net_start,
	.send = fd_net_send,
	.recv = fd_net_recv,
	.free = fd_net_free,
};

struct net_backend *fd_net_new(const struct fd_net_params *p, const struct net_guest *guest)
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
	f->rx_ready = guest->rx_ready;
	f->opaque = guest->opaque;
	snprintf(f->what, sizeof(f->what), "%s", p->what);
	f->stop_fd = eventfd(0, EFD_CLOEXEC);
	f->rearm_fd = eventfd(0, EFD_CLOEXEC);
	if (f->stop_fd < 0 || f->rearm_fd < 0 || fcntl(f->fd, F_SETFL, fcntl(f->fd, F_GETFL) | O_NONBLOCK) != 0) {
		diag_error("network: %s: %s", f->what, strerror(errno));
		fd_net_free(&f->base);
		return NULL;
	}
	return &f->base;
}
