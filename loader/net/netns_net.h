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
 */
#ifndef XLIBOS_LOADER_NET_NETNS_NET_H
#define XLIBOS_LOADER_NET_NETNS_NET_H

#include "backend.h"
#include "net_spec.h"

struct net_backend *netns_net_new(const struct net_spec *spec, const struct net_guest *guest,
				  struct net_link *link);

#endif
