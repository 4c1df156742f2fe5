// SPDX-License-Identifier: GPL-2.0
/*
 * libslirp glue for --net user (see user_net.h): one thread polls slirp's
 * host sockets, its timers and an eventfd that says "frames from the
 * guest are queued".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <slirp/libslirp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../diag.h"
#include "host_alias_guard.h"
#include "user_net.h"

/* Frames from the guest not yet given to slirp: bounded in count and bytes. */
#define TX_QUEUE_FRAMES	256
#define TX_QUEUE_BYTES	(8u << 20)
/* How long the device waits for room before it drops a frame. */
#define TX_WAIT_NS	(50 * 1000 * 1000L)

struct frame {
	uint8_t *data;
	size_t len;
};

struct user_timer {
	SlirpTimerId id;
	void *cb_opaque;
	int64_t expire_ms;		/* -1: not armed */
	struct user_timer *next;
};

struct user_net {
	struct net_backend base;	/* first: the back end is the user_net */
	Slirp *slirp;
	net_to_guest to_guest;
	void *opaque;
	bool allow_host_loopback;
	struct net_publish *publish;	/* for the host alias guard */
	size_t npublish;
	int wake_fd;			/* eventfd */
	pthread_t thread;
	bool started;
	volatile bool stop;

	pthread_mutex_t lock;		/* the tx queue */
	pthread_cond_t room;
	struct frame tx[TX_QUEUE_FRAMES];
	unsigned int tx_head, tx_count;
	size_t tx_bytes;
	unsigned long tx_dropped;

	/* Owned by the slirp thread. */
	struct user_timer *timers;
	struct pollfd *pfd;
	unsigned int npfd, pfd_cap;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* --- slirp's callbacks (on the slirp thread, or in user_net_new) --------- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct user_net *un = opaque;

	un->to_guest(un->opaque, NULL, buf, len);
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	(void)msg;	/* the guest's own doing: not worth the host's stderr */
}

static int64_t cb_clock_get_ns(void *opaque)
{
	(void)opaque;
	return now_ns();
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	struct user_net *un = opaque;
	struct user_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->id = id;
	t->cb_opaque = cb_opaque;
	t->expire_ms = -1;
	t->next = un->timers;
	un->timers = t;
	return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct user_net *un = opaque;

	for (struct user_timer **p = &un->timers; *p; p = &(*p)->next) {
		if (*p == timer) {
			*p = (*p)->next;
			free(timer);
			return;
		}
	}
}

static void cb_timer_mod(void *timer, int64_t expire_time, void *opaque)
{
	(void)opaque;
	if (timer)
		((struct user_timer *)timer)->expire_ms = expire_time;
}

static void cb_register_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_notify(void *opaque)
{
	(void)opaque;	/* the loop fills its poll set anew every round */
}

static const SlirpCb callbacks = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_poll_fd,
	.unregister_poll_fd = cb_unregister_poll_fd,
	.notify = cb_notify,
	.timer_new_opaque = cb_timer_new_opaque,
};

/* --- the poll loop -------------------------------------------------------- */

static int add_poll(int fd, int events, void *opaque)
{
	struct user_net *un = opaque;
	short ev = 0;

	if (un->npfd == un->pfd_cap) {
		unsigned int cap = un->pfd_cap ? 2 * un->pfd_cap : 64;
		struct pollfd *p = realloc(un->pfd, cap * sizeof(*p));

		if (!p)
			return -1;	/* slirp then skips this socket this round */
		un->pfd = p;
		un->pfd_cap = cap;
	}
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	un->pfd[un->npfd] = (struct pollfd){ .fd = fd, .events = ev };
	return (int)un->npfd++;
}

static int get_revents(int idx, void *opaque)
{
	struct user_net *un = opaque;
	short r;
	int out = 0;

	if (idx < 0 || (unsigned int)idx >= un->npfd)
		return 0;
	r = un->pfd[idx].revents;
	if (r & POLLIN)
		out |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		out |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		out |= SLIRP_POLL_PRI;
	if (r & POLLERR)
		out |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		out |= SLIRP_POLL_HUP;
	return out;
}

/* Give slirp what the guest sent since the last round. */
static void drain_tx(struct user_net *un)
{
	for (;;) {
		struct frame f;

		pthread_mutex_lock(&un->lock);
		if (!un->tx_count) {
			pthread_mutex_unlock(&un->lock);
			return;
		}
		f = un->tx[un->tx_head];
		un->tx_head = (un->tx_head + 1) % TX_QUEUE_FRAMES;
		un->tx_count--;
		un->tx_bytes -= f.len;
		pthread_cond_signal(&un->room);
		pthread_mutex_unlock(&un->lock);
		slirp_input(un->slirp, f.data, (int)f.len);
		free(f.data);
	}
}

/* Fire due timers; the time in ms until the next one (or @limit). */
static uint32_t run_timers(struct user_net *un, uint32_t limit)
{
	bool fired;

	do {
		int64_t now = now_ns() / 1000000;

		fired = false;
		for (struct user_timer *t = un->timers; t; t = t->next) {
			if (t->expire_ms < 0)
				continue;
			if (t->expire_ms <= now) {
				t->expire_ms = -1;
				slirp_handle_timer(un->slirp, t->id, t->cb_opaque);
				fired = true;	/* the list may have changed */
				break;
			}
			if ((uint64_t)(t->expire_ms - now) < limit)
				limit = (uint32_t)(t->expire_ms - now);
		}
	} while (fired);
	return limit;
}

static void *slirp_thread(void *arg)
{
	struct user_net *un = arg;
	sigset_t pipe;

	/*
	 * libslirp send()s without MSG_NOSIGNAL (QEMU ignores SIGPIPE for
	 * the whole process): a client that closes mid-transfer must give
	 * EPIPE here, not kill the supervisor.  Blocked in this thread only,
	 * so the container's processes still start with the default action.
	 */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, NULL);
	while (!un->stop) {
		uint32_t timeout = UINT32_MAX;
		uint64_t count;
		int r;

		un->npfd = 0;
		add_poll(un->wake_fd, SLIRP_POLL_IN, un);
		slirp_pollfds_fill(un->slirp, &timeout, add_poll, un);
		timeout = run_timers(un, timeout);
		if (timeout > 1000)
			timeout = 1000;
		r = poll(un->pfd, un->npfd, (int)timeout);
		if (r < 0 && errno != EINTR)
			r = -1;
		if (un->npfd && (un->pfd[0].revents & POLLIN))
			(void)!read(un->wake_fd, &count, sizeof(count));
		slirp_pollfds_poll(un->slirp, r < 0, get_revents, un);
		drain_tx(un);
	}
	return NULL;
}

/*
 * libslirp listens on a published TCP port with a backlog of 1: the host
 * kernel then drops all but a couple of connections that come at once,
 * and each client waits for its SYN to be sent again.  Give that socket
 * (ours: found among our descriptors by its address) a real backlog.
 */
static void raise_backlog(const struct net_publish *p)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name), listening = 0, type = 0;
		struct sockaddr_in sin;
		socklen_t len = sizeof(listening), tlen = sizeof(type), slen = sizeof(sin);

		if (fd <= 2 || fd == dirfd(d) ||
		    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening ||
		    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) != 0 || type != SOCK_STREAM ||
		    getsockname(fd, (struct sockaddr *)&sin, &slen) != 0 || sin.sin_family != AF_INET ||
		    ntohs(sin.sin_port) != p->host_port || sin.sin_addr.s_addr != p->host_addr.s_addr)
			continue;
		listen(fd, SOMAXCONN);
	}
	closedir(d);
}

/* --- the interface ------------------------------------------------------ */

static const struct net_backend_ops user_net_ops;
static void user_net_free(struct net_backend *b);

struct net_backend *user_net_new(const struct net_publish *publish, size_t npublish,
				 bool allow_host_loopback, const struct net_guest *device,
				 struct net_link *link)
{
	/* QEMU's first NIC's address: locally administered, slirp knows it. */
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct user_net *un = calloc(1, sizeof(*un));
	SlirpConfig cfg = {
		.version = 4,
		.in_enabled = true,
		.in6_enabled = true,
		.vprefix_len = 64,
		.if_mtu = USER_NET_MTU,
		.if_mru = USER_NET_MTU,
		.disable_dhcp = true,	/* the guest init sets the address */
	};
	struct in_addr guest;

	if (!un) {
		diag_error("network: out of memory");
		return NULL;
	}
	un->base.ops = &user_net_ops;
	un->to_guest = device->to_guest;
	un->opaque = device->opaque;
	un->allow_host_loopback = allow_host_loopback;
	un->wake_fd = -1;
	pthread_mutex_init(&un->lock, NULL);
	pthread_cond_init(&un->room, NULL);
	inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
	inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
	inet_pton(AF_INET, USER_NET_GATEWAY, &cfg.vhost);
	inet_pton(AF_INET, USER_NET_DNS, &cfg.vnameserver);
	inet_pton(AF_INET, USER_NET_GUEST_ADDR, &cfg.vdhcp_start);
	inet_pton(AF_INET6, "fd00::", &cfg.vprefix_addr6);
	inet_pton(AF_INET6, "fd00::2", &cfg.vhost6);
	inet_pton(AF_INET6, "fd00::3", &cfg.vnameserver6);
	inet_pton(AF_INET, USER_NET_GUEST_ADDR, &guest);
	/*
	 * Every guest connection is a host socket of ours: allow as many as
	 * the hard limit (the container's processes set their own limit).
	 */
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	un->publish = calloc(npublish + 1, sizeof(*publish));
	if (!un->publish) {
		diag_error("network: out of memory");
		goto fail;
	}
	if (npublish)
		memcpy(un->publish, publish, npublish * sizeof(*publish));
	un->npublish = npublish;
	un->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (un->wake_fd < 0) {
		diag_error("network: eventfd: %s", strerror(errno));
		goto fail;
	}
	un->slirp = slirp_new(&cfg, &callbacks, un);
	if (!un->slirp) {
		diag_error("network: cannot start user-mode networking (libslirp)");
		goto fail;
	}
	for (size_t i = 0; i < npublish; i++) {
		const struct net_publish *p = &publish[i];
		char addr[INET_ADDRSTRLEN];

		errno = 0;
		if (slirp_add_hostfwd(un->slirp, p->udp, p->host_addr, (int)p->host_port,
				      guest, (int)p->guest_port) < 0) {
			int err = errno;

			inet_ntop(AF_INET, &p->host_addr, addr, sizeof(addr));
			diag_error("--publish %s:%u:%u%s: cannot listen on the host%s%s",
				   addr, p->host_port, p->guest_port, p->udp ? "/udp" : "",
				   err ? ": " : "", err ? strerror(err) : "");
			goto fail;
		}
		if (!p->udp)
			raise_backlog(p);
	}
	*link = (struct net_link){ .mtu = USER_NET_MTU };
	memcpy(link->mac, mac, sizeof(mac));
	snprintf(link->net, sizeof(link->net), "%s", USER_NET_INIT_RECORD);
	snprintf(link->net6, sizeof(link->net6), "%s", USER_NET_INIT_RECORD6);
	snprintf(link->dns, sizeof(link->dns), "%s", USER_NET_DNS);
	return &un->base;
fail:
	user_net_free(&un->base);
	return NULL;
}

static bool user_net_start(struct net_backend *b, uint64_t features)
{
	struct user_net *un = (struct user_net *)b;
	int err;

	(void)features;	/* no offload was offered */
	if (un->started)
		return true;
	err = pthread_create(&un->thread, NULL, slirp_thread, un);
	if (err) {
		diag_error("network: cannot start its thread: %s", strerror(err));
		return false;
	}
	un->started = true;
	return true;
}

static enum net_send_result user_net_send(struct net_backend *b, const uint8_t *pkt, size_t len)
{
	struct user_net *un = (struct user_net *)b;
	const uint8_t *frame = pkt + NET_HDR_LEN;	/* asks for no offload */
	struct timespec until;
	uint64_t one = 1;
	uint8_t *copy;

	len -= NET_HDR_LEN;
	if (!un->allow_host_loopback) {
		uint8_t rst[HOST_ALIAS_RST_MAX];
		size_t n;

		switch (host_alias_guard(frame, len, un->publish, un->npublish)) {
		case GUARD_PASS:
			break;
		case GUARD_REFUSE:
			n = host_alias_refusal(frame, len, rst);
			if (n)
				un->to_guest(un->opaque, NULL, rst, n);
			return NET_SENT;
		case GUARD_DROP:
			return NET_SENT;	/* as a firewall drops */
		}
	}
	copy = malloc(len);
	if (!copy)
		return NET_DROPPED;
	memcpy(copy, frame, len);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += TX_WAIT_NS;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&un->lock);
	while (!un->stop && (un->tx_count == TX_QUEUE_FRAMES ||
			     un->tx_bytes + len > TX_QUEUE_BYTES)) {
		if (pthread_cond_timedwait(&un->room, &un->lock, &until) == ETIMEDOUT)
			break;
	}
	if (un->stop || un->tx_count == TX_QUEUE_FRAMES || un->tx_bytes + len > TX_QUEUE_BYTES) {
		un->tx_dropped++;
		pthread_mutex_unlock(&un->lock);
		free(copy);
		return NET_DROPPED;
	}
	un->tx[(un->tx_head + un->tx_count) % TX_QUEUE_FRAMES] = (struct frame){ copy, len };
	un->tx_count++;
	un->tx_bytes += len;
	pthread_mutex_unlock(&un->lock);
	(void)!write(un->wake_fd, &one, sizeof(one));
	return NET_SENT;
}

static void user_net_free(struct net_backend *b)
{
	struct user_net *un = (struct user_net *)b;
	uint64_t one = 1;

	if (!un)
		return;
	if (un->started) {
		un->stop = true;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		(void)!write(un->wake_fd, &one, sizeof(one));
		pthread_join(un->thread, NULL);
	}
	if (un->slirp)
		slirp_cleanup(un->slirp);	/* closes every host socket */
	while (un->timers)
		cb_timer_free(un->timers, un);
	for (unsigned int i = 0; i < un->tx_count; i++)
		free(un->tx[(un->tx_head + i) % TX_QUEUE_FRAMES].data);
	if (un->wake_fd >= 0)
		close(un->wake_fd);
	pthread_mutex_destroy(&un->lock);
	pthread_cond_destroy(&un->room);
	free(un->pfd);
	free(un->publish);
	free(un);
}

static const struct net_backend_ops user_net_ops = {
	.start = user_net_start,
	.send = user_net_send,
	.free = user_net_free,
};
