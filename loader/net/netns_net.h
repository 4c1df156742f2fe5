/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --net netns:PATH[,if=IFNAME][,dns=ADDR]: the guest's eth0 takes over an
 * interface of a network namespace prepared the way CNI plugins and
 * podman prepare one (a veth with an address and a default route).  The
 * guest gets the interface's MAC, MTU, IPv4 address and first global IPv6
 * address and default routes; the namespace's own stack is stripped of
 * them (addresses removed, IPv6 disabled on it), so its frames are the
 * guest's alone, read and written through a packet socket of the
 * supervisor's with checksum and TSO offloads.  When the container ends,
 * the namespace gets its addresses and default routes back (CNI plugins
 * look the container's address up on the interface to tear its network
 * down); not if the supervisor is killed with SIGKILL.  A namespace
 * with no Ethernet interface at all (podman's --network none) gives the
 * guest only lo, as it has: NULL with link->absent set, no message.
 *
 * One container at a time: while one holds a namespace's interface, an
 * abstract unix socket named NETNS_HELD_NAME is bound in that namespace
 * (abstract names are per network namespace, and the kernel frees the
 * name with the last descriptor, however its holder ends).  A second
 * container gets a message saying so.  The addresses are given back by a
 * small process of the supervisor's (double-forked, no longer its child)
 * that waits for the supervisor's end, even a SIGKILL, and holds the name
 * until they are back: a restarted container can take the interface again.
 */
#ifndef XLIBOS_LOADER_NET_NETNS_NET_H
#define XLIBOS_LOADER_NET_NETNS_NET_H

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend.h"
#include "net_spec.h"

#define NETNS_HELD_NAME	"xlibos-netns-interface-held"
#define NETNS_HELD_WHY	"its interface is already used by another xlibos container; containers sharing a network namespace (pods with more than one application container, --network container:) are not supported"

/*
 * Bind NETNS_HELD_NAME in the calling thread's network namespace: the
 * socket, or -1 (errno EADDRINUSE: another container holds the interface).
 * Shared with xlibos-runtime's create, which asks before it starts anything.
 */
static inline int netns_held_bind(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				    strlen(NETNS_HELD_NAME));
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memcpy(sun.sun_path + 1, NETNS_HELD_NAME, strlen(NETNS_HELD_NAME));
	if (bind(fd, (struct sockaddr *)&sun, len) != 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

struct net_backend *netns_net_new(const struct net_spec *spec, const struct net_guest *guest,
				  struct net_link *link);

#endif
