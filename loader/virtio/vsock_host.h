/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host side of the vsock device (Firecracker's "hybrid vsock"): an
 * AF_UNIX stream socket at a path (xlibos run --control-socket PATH) where
 * host clients connect and ask, with one line "CONNECT <port>\n", for a
 * stream to a guest port; and the watcher thread that turns readiness of
 * those sockets into rings of the device thread.  Only the device thread
 * does I/O on the sockets (all non-blocking); the watcher only waits.
 */
#ifndef XLIBOS_LOADER_VIRTIO_VSOCK_HOST_H
#define XLIBOS_LOADER_VIRTIO_VSOCK_HOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Client connections at once (pending lines included); more are refused. */
#define VSOCK_HOST_MAX_CONNS	64
/* Readiness tokens: 0 .. VSOCK_HOST_MAX_CONNS-1 are clients, then these. */
#define VSOCK_HOST_TOKEN_LISTEN	VSOCK_HOST_MAX_CONNS
#define VSOCK_HOST_TOKENS	(VSOCK_HOST_MAX_CONNS + 1)
/* "CONNECT 4294967294\n" is 19 bytes; a longer line is refused. */
#define VSOCK_HOST_LINE_MAX	32

struct vsock_host {
	char *path;			/* to unlink when the container ends */
	dev_t dev;			/* the socket file we made (unlink only it) */
	ino_t ino;
	int listen_fd, epfd, timer_fd, wake_fd;
	bool timer_on;
	pthread_t thread;
	bool started;
	volatile bool stop;
	void (*ring)(void *opaque);	/* ring the device thread */
	void *opaque;
	uint32_t ready[VSOCK_HOST_TOKENS];	/* epoll events seen, atomics */
};

/*
 * Make the listening socket at @path (mode 0600; an existing path is an
 * error) and the watcher's descriptors; false with a message.
 */
bool vsock_host_open(struct vsock_host *h, const char *path);

/* Start the watcher thread, which calls @ring(@opaque) on any readiness. */
bool vsock_host_start(struct vsock_host *h, void (*ring)(void *), void *opaque);

/* Stop the watcher, close the listening socket, remove the path. */
void vsock_host_close(struct vsock_host *h);

/*
 * Watch @fd for @events once (EPOLLONESHOT; hang-ups always count) under
 * @token; @add the first time.  False if epoll refused (the caller drops fd).
 */
bool vsock_host_arm(struct vsock_host *h, int fd, uint32_t token, uint32_t events, bool add);

/* The events seen for @token since the last call (0 if none). */
uint32_t vsock_host_take(struct vsock_host *h, uint32_t token);

/* A tick every 250 ms while @on (deadlines pending), else none. */
void vsock_host_tick(struct vsock_host *h, bool on);

/*
 * The client's request line in @buf (@len bytes, no newline): exactly
 * "CONNECT <port>" with a decimal port without sign or leading zero,
 * below 2^32-1 (VMADDR_PORT_ANY).  True with *port set.
 */
bool vsock_host_parse_connect(const char *buf, size_t len, uint32_t *port);

#endif
