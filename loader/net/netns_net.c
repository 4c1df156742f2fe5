// SPDX-License-Identifier: GPL-2.0
/* --net netns: (see netns_net.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/nsfs.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../diag.h"
#include "fd_net.h"
#include "netns_net.h"
#include "rtnl.h"

/* Socket buffers for 64 KiB TSO packets both ways. */
#define PACKET_BUF_BYTES	(4 << 20)

struct takeover {
	int nsfd;
	struct net_spec spec;		/* in: the option; out: the addresses */
	struct rtnl_link link;
	struct rtnl_addrs saved;	/* what the namespace had: given back at the end */
	int fd;				/* out: the packet socket, or -1 */
	bool none;			/* out: no Ethernet interface at all */
	bool stripped;			/* the namespace's addresses are ours */
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

static void *take_over(void *arg)
{
	struct takeover *t = arg;

	if (!enter(t) || !rtnl_find_link(t->spec.ifname, &t->link, &t->none) ||
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
static void *give_back(void *arg)
{
	struct takeover *t = arg;

	if (!enter(t))
		return NULL;
	set_ipv6_disabled(t->link.name, "0");
	if (!rtnl_restore_addresses(&t->saved))
		diag_error("--net netns:%s: could not give %s all its addresses back",
			   t->spec.netns_path, t->link.name);
	return NULL;
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

static void end_takeover(void *arg)
{
	struct takeover *t = arg;

	if (t->stripped)
		in_namespace(t, give_back);
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
	*link = (struct net_link){ .mtu = t->link.mtu, .offloads = true };
	memcpy(link->mac, t->link.mac, sizeof(link->mac));
	net_spec_records(&t->spec, t->link.mtu, link);
	snprintf(what, sizeof(what), "interface %s of the namespace", t->link.name);
	return fd_net_new(&(struct fd_net_params){ .fd = t->fd, .what = what,
						   .on_free = end_takeover, .arg = t },
			  guest);
}
