// SPDX-License-Identifier: GPL-2.0
/* --net netns: (see netns_net.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/nsfs.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdnoreturn.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../diag.h"
#include "fd_net.h"
#include "netns_net.h"
#include "rtnl.h"

/* Socket buffers for 64 KiB TSO packets both ways. */
#define PACKET_BUF_BYTES	(4 << 20)
/* A container that just ended may still be giving the interface back: wait this long. */
#define HELD_WAIT_MS		2000
#define HELD_RETRY_MS		50
/* How long the end waits for the addresses to be back. */
#define GIVE_BACK_WAIT_MS	5000

struct takeover {
	int nsfd;
	struct net_spec spec;		/* in: the option; out: the addresses */
	struct rtnl_link link;
	struct rtnl_addrs saved;	/* what the namespace had: given back at the end */
	int fd;				/* out: the packet socket, or -1 */
	bool none;			/* out: no Ethernet interface at all */
	bool stripped;			/* the namespace's addresses are ours */
	int held_fd;			/* NETNS_HELD_NAME bound in the namespace, or -1 */
	int watch_fd;			/* its EOF tells the giver-back we are done, or -1 */
	int giver_pidfd;		/* the process that gives the addresses back, or -1 */
};

/* Resolved in the calling thread's network namespace. */
static void set_ipv6_disabled(const char *ifname, const char *value)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;		/* a namespace without IPv6 */
	(void)!write(fd, value, 1);
	close(fd);
}

static int packet_socket(int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int one = 1, size = PACKET_BUF_BYTES;
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	/* Larger buffers where allowed; the defaults work, slower. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	return fd;
}

static bool enter(struct takeover *t)
{
	if (setns(t->nsfd, CLONE_NEWNET) == 0)
		return true;
	diag_error("--net netns:%s: cannot enter it: %s", t->spec.netns_path,
		   errno == EPERM ? "not allowed (it needs CAP_SYS_ADMIN)" : strerror(errno));
	return false;
}

/* NETNS_HELD_NAME, waiting a little for a container that just ended; false with why. */
static bool hold(struct takeover *t)
{
	const struct timespec tick = { 0, HELD_RETRY_MS * 1000000L };

	for (int waited = 0;; waited += HELD_RETRY_MS) {
		t->held_fd = netns_held_bind();
		if (t->held_fd >= 0)
			return true;
		if (errno != EADDRINUSE || waited >= HELD_WAIT_MS)
			break;
		nanosleep(&tick, NULL);
	}
	if (errno == EADDRINUSE)
		diag_error("--net netns:%s: " NETNS_HELD_WHY, t->spec.netns_path);
	else
		diag_error("--net netns:%s: %s", t->spec.netns_path, strerror(errno));
	return false;
}

static void *take_over(void *arg)
{
	struct takeover *t = arg;

	if (!enter(t) || !hold(t) || !rtnl_find_link(t->spec.ifname, &t->link, &t->none) ||
	    !rtnl_read_addresses(t->link.index, &t->spec))
		return NULL;
	t->fd = packet_socket(t->link.index);
	if (t->fd < 0) {
		diag_error("--net netns:%s: packet socket on %s: %s", t->spec.netns_path,
			   t->link.name, strerror(errno));
		return NULL;
	}
	t->saved.have_gw4 = inet_pton(AF_INET, t->spec.gw, t->saved.gw4) == 1;
	t->saved.have_gw6 = inet_pton(AF_INET6, t->spec.gw6, t->saved.gw6) == 1;
	t->stripped = true;	/* even partly: give back what was removed */
	if (!rtnl_remove_addresses(t->link.index, &t->saved)) {
		close(t->fd);
		t->fd = -1;
		return NULL;
	}
	set_ipv6_disabled(t->link.name, "1");
	return NULL;
}

/* The container is over: the namespace's stack gets its addresses back. */
static void give_back(struct takeover *t)
{
	if (!enter(t))
		return;
	set_ipv6_disabled(t->link.name, "0");
	if (!rtnl_restore_addresses(&t->saved))
		diag_error("--net netns:%s: could not give %s all its addresses back",
			   t->spec.netns_path, t->link.name);
}

/* Every descriptor but @keep's (sorted, each >= 3) and stdio. */
static void close_all_but(const int *keep, int n)
{
	unsigned int from = 3;

	for (int i = 0; i < n; i++) {
		if ((unsigned int)keep[i] > from)
			syscall(SYS_close_range, from, (unsigned int)keep[i] - 1, 0);
		from = (unsigned int)keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

/*
 * The giver-back: waits for @watch's EOF (the supervisor is done with the
 * interface, or is gone, SIGKILL included), gives the addresses back from
 * inside the namespace, and only then lets NETNS_HELD_NAME go (at its exit).
 * A terminal's ^C or a signal to the supervisor's group must not end it first.
 */
static noreturn void giver_back(struct takeover *t, int watch)
{
	static const int quiet[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN,
				     SIGTTOU, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM };
	int keep[3] = { watch, t->nsfd, t->held_fd };
	sigset_t none;
	char byte;

	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		signal(quiet[i], SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	prctl(PR_SET_NAME, "xlibos-netns");
	/* Sorted for close_all_but: three values. */
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (keep[j] < keep[i]) {
				int k = keep[i];

				keep[i] = keep[j];
				keep[j] = k;
			}
	close_all_but(keep, 3);
	while (read(watch, &byte, 1) < 0 && errno == EINTR)
		;
	give_back(t);
	_exit(0);
}

/*
 * Start the giver-back, no child of ours (double fork: the supervisor's
 * children are the container's); it holds NETNS_HELD_NAME from now on.
 */
static bool start_giver_back(struct takeover *t)
{
	int watch[2], pidpipe[2];
	pid_t mid, pid = -1;

	if (pipe2(watch, O_CLOEXEC) != 0)
		return false;
	if (pipe2(pidpipe, O_CLOEXEC) != 0) {
		close(watch[0]);
		close(watch[1]);
		return false;
	}
	mid = fork();
	if (mid == 0) {
		pid_t grandchild = fork();

		if (grandchild == 0) {
			close(pidpipe[1]);
			close(watch[1]);
			giver_back(t, watch[0]);
		}
		_exit(write(pidpipe[1], &grandchild, sizeof(grandchild)) == sizeof(grandchild) &&
		      grandchild > 0 ? 0 : 1);
	}
	close(watch[0]);
	close(pidpipe[1]);
	if (mid > 0) {
		while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
			;
		if (read(pidpipe[0], &pid, sizeof(pid)) != sizeof(pid))
			pid = -1;
	}
	close(pidpipe[0]);
	/* It waits for watch[1]'s EOF: its pid stays its own until then. */
	t->giver_pidfd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
	if (pid <= 0) {
		close(watch[1]);
		return false;
	}
	t->watch_fd = watch[1];
	close(t->held_fd);
	t->held_fd = -1;
	return true;
}

/* @fn on a thread of its own: only it enters the namespace. */
static void in_namespace(struct takeover *t, void *(*fn)(void *))
{
	pthread_t thread;
	int err = pthread_create(&thread, NULL, fn, t);

	if (err)
		diag_error("network: cannot start a thread: %s", strerror(err));
	else
		pthread_join(thread, NULL);
}

static void *give_back_thread(void *arg)
{
	give_back(arg);
	return NULL;
}

static void end_takeover(void *arg)
{
	struct takeover *t = arg;

	if (t->watch_fd >= 0) {
		/* The giver-back's turn: wait (bounded) until the addresses are back. */
		struct pollfd pfd = { .fd = t->giver_pidfd, .events = POLLIN };

		close(t->watch_fd);
		if (t->giver_pidfd >= 0) {
			while (poll(&pfd, 1, GIVE_BACK_WAIT_MS) < 0 && errno == EINTR)
				;
			close(t->giver_pidfd);
		}
	} else if (t->stripped) {
		in_namespace(t, give_back_thread);
	}
	if (t->held_fd >= 0)
		close(t->held_fd);
	close(t->nsfd);
	free(t);
}

struct net_backend *netns_net_new(const struct net_spec *spec, const struct net_guest *guest,
				  struct net_link *link)
{
	struct takeover *t = calloc(1, sizeof(*t));
	char what[64];

	if (!t) {
		diag_error("network: out of memory");
		return NULL;
	}
	t->spec = *spec;
	t->fd = -1;
	t->held_fd = -1;
	t->watch_fd = -1;
	t->giver_pidfd = -1;
	/* O_NONBLOCK: a FIFO named by mistake must not hang the start. */
	t->nsfd = open(spec->netns_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (t->nsfd < 0) {
		diag_error("--net netns:%s: %s", spec->netns_path, strerror(errno));
		free(t);
		return NULL;
	}
	if (ioctl(t->nsfd, NS_GET_NSTYPE) != CLONE_NEWNET) {
		diag_error("--net netns:%s: not a network namespace", spec->netns_path);
		end_takeover(t);
		return NULL;
	}
	in_namespace(t, take_over);
	link->absent = t->none;
	if (t->fd < 0) {
		end_takeover(t);
		return NULL;
	}
	if (!start_giver_back(t))
		diag_error("--net netns:%s: warning: no process to give the addresses back should xlibos be killed: %s",
			   spec->netns_path, strerror(errno));
	*link = (struct net_link){ .mtu = t->link.mtu, .offloads = true };
	memcpy(link->mac, t->link.mac, sizeof(link->mac));
	net_spec_records(&t->spec, t->link.mtu, link);
	snprintf(what, sizeof(what), "interface %s of the namespace", t->link.name);
	return fd_net_new(&(struct fd_net_params){ .fd = t->fd, .what = what,
						   .on_free = end_takeover, .arg = t },
			  guest);
}
