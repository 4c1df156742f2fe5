// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket of the vsock device and its watcher thread (see
 * vsock_host.h).  Client sockets are in one epoll set with EPOLLONESHOT:
 * an event is recorded for the device thread, which rings, and the socket
 * stays quiet until the device thread has done its I/O and re-armed it, so
 * a socket nobody can serve yet (the guest has no credit) never spins.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "../diag.h"
#include "vsock_host.h"

#define TOKEN_TIMER	(VSOCK_HOST_TOKENS + 0)
#define TOKEN_WAKE	(VSOCK_HOST_TOKENS + 1)
#define TICK_NS		250000000L

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static bool add_plain(int epfd, int fd, uint32_t token)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = token };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

/*
 * @path as a socket address; one too long for sun_path (a deep state
 * directory) is reached through a descriptor of its directory (*dfd).
 */
static bool socket_addr(const char *path, struct sockaddr_un *addr, int *dfd)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	*dfd = -1;
	if (strlen(path) < sizeof(addr->sun_path)) {
		memcpy(addr->sun_path, path, strlen(path) + 1);
		return true;
	}
	if (!slash || strlen(slash) > sizeof(addr->sun_path) - 32 ||
	    !(dir = strndup(path, (size_t)(slash - path) + 1)))
		return false;
	*dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (*dfd < 0)
		return false;
	snprintf(addr->sun_path, sizeof(addr->sun_path), "/proc/self/fd/%d%s", *dfd, slash);
	return true;
}

static bool make_socket(struct vsock_host *h, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int err, dfd;

	if (!*path || !socket_addr(path, &addr, &dfd)) {
		diag_error("--control-socket '%s': %s", path,
			   *path ? "its file name is too long, or its directory cannot be opened"
				 : "empty path");
		return false;
	}
	h->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->listen_fd < 0) {
		diag_error("--control-socket '%s': %s", path, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return false;
	}
	/* Made 0600 from the start: nobody else may ever connect. */
	old = umask(0177);
	err = bind(h->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) ? errno : 0;
	umask(old);
	if (dfd >= 0)
		close(dfd);
	if (err) {
		diag_error("--control-socket '%s': %s", path,
			   err == EADDRINUSE ? "the path already exists" : strerror(err));
		return false;
	}
	if (lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode)) {
		diag_error("--control-socket '%s': the socket changed under us", path);
		return false;
	}
	h->dev = st.st_dev;
	h->ino = st.st_ino;
	h->path = strdup(path);
	if (!h->path || listen(h->listen_fd, VSOCK_HOST_MAX_CONNS) != 0) {
		diag_error("--control-socket '%s': %s", path, strerror(h->path ? errno : ENOMEM));
		unlink(path);
		return false;
	}
	return true;
}

bool vsock_host_open(struct vsock_host *h, const char *path)
{
	memset(h, 0, sizeof(*h));
	h->listen_fd = h->epfd = h->timer_fd = h->wake_fd = -1;
	if (!make_socket(h, path))
		goto fail;
	h->epfd = epoll_create1(EPOLL_CLOEXEC);
	h->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	h->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (h->epfd < 0 || h->timer_fd < 0 || h->wake_fd < 0 ||
	    !add_plain(h->epfd, h->timer_fd, TOKEN_TIMER) ||
	    !add_plain(h->epfd, h->wake_fd, TOKEN_WAKE) ||
	    !vsock_host_arm(h, h->listen_fd, VSOCK_HOST_TOKEN_LISTEN, EPOLLIN, true)) {
		diag_error("--control-socket '%s': %s", path, strerror(errno));
		goto fail;
	}
	return true;
fail:
	vsock_host_close(h);
	return false;
}

static void drain(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) > 0)
		;
}

static void *watcher(void *arg)
{
	struct vsock_host *h = arg;
	struct epoll_event ev[32];

	while (!__atomic_load_n(&h->stop, __ATOMIC_ACQUIRE)) {
		int n = epoll_wait(h->epfd, ev, 32, -1);
		bool ring = false;

		for (int i = 0; i < n; i++) {
			uint32_t t = ev[i].data.u32;

			if (t == TOKEN_WAKE) {
				drain(h->wake_fd);
			} else if (t == TOKEN_TIMER) {
				drain(h->timer_fd);
				ring = true;
			} else if (t < VSOCK_HOST_TOKENS) {
				__atomic_fetch_or(&h->ready[t], ev[i].events, __ATOMIC_SEQ_CST);
				ring = true;
			}
		}
		if (ring && !__atomic_load_n(&h->stop, __ATOMIC_ACQUIRE))
			h->ring(h->opaque);
	}
	return NULL;
}

bool vsock_host_start(struct vsock_host *h, void (*ring)(void *), void *opaque)
{
	int err;

	h->ring = ring;
	h->opaque = opaque;
	err = pthread_create(&h->thread, NULL, watcher, h);
	if (err) {
		diag_error("cannot start the control socket's thread: %s", strerror(err));
		return false;
	}
	h->started = true;
	return true;
}

void vsock_host_close(struct vsock_host *h)
{
	struct stat st;

	if (h->started) {
		uint64_t one = 1;

		__atomic_store_n(&h->stop, true, __ATOMIC_RELEASE);
		if (write(h->wake_fd, &one, sizeof(one)) < 0)
			diag_error("control socket: cannot wake its thread: %s", strerror(errno));
		pthread_join(h->thread, NULL);
		h->started = false;
	}
	close_fd(&h->listen_fd);
	close_fd(&h->epfd);
	close_fd(&h->timer_fd);
	close_fd(&h->wake_fd);
	/* Only the socket we made: someone may have put another file there. */
	if (h->path && lstat(h->path, &st) == 0 && st.st_dev == h->dev && st.st_ino == h->ino)
		unlink(h->path);
	free(h->path);
	h->path = NULL;
}

bool vsock_host_arm(struct vsock_host *h, int fd, uint32_t token, uint32_t events, bool add)
{
	struct epoll_event ev = { .events = events | EPOLLONESHOT, .data.u32 = token };

	return epoll_ctl(h->epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) == 0;
}

uint32_t vsock_host_take(struct vsock_host *h, uint32_t token)
{
	return __atomic_exchange_n(&h->ready[token], 0, __ATOMIC_SEQ_CST);
}

void vsock_host_tick(struct vsock_host *h, bool on)
{
	struct itimerspec its = { 0 };

	if (on == h->timer_on)
		return;
	if (on)
		its.it_value.tv_nsec = its.it_interval.tv_nsec = TICK_NS;
	if (timerfd_settime(h->timer_fd, 0, &its, NULL) == 0)
		h->timer_on = on;
}

bool vsock_host_parse_connect(const char *buf, size_t len, uint32_t *port)
{
	static const char verb[] = "CONNECT ";
	const size_t vlen = sizeof(verb) - 1;
	uint64_t v = 0;

	if (len <= vlen || len > vlen + 10 || memcmp(buf, verb, vlen))
		return false;
	buf += vlen;
	len -= vlen;
	if (buf[0] == '0' && len > 1)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(buf[i] - '0');
	}
	if (v >= 0xffffffffULL)
		return false;
	*port = (uint32_t)v;
	return true;
}
