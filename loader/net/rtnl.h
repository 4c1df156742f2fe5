/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What --net netns: reads from and removes in the namespace's routing
 * netlink (Debian's libmnl), on the calling thread's network namespace.
 */
#ifndef XLIBOS_LOADER_NET_RTNL_H
#define XLIBOS_LOADER_NET_RTNL_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "net_spec.h"

struct rtnl_link {
	int index;
	char name[IFNAMSIZ];
	uint8_t mac[6];
	unsigned int mtu;
};

/*
 * The interface named @want, or (@want "") the only Ethernet interface
 * that is up; false with a message otherwise, or (@none set) without one
 * if @want is "" and there is no such interface at all.
 */
bool rtnl_find_link(const char *want, struct rtnl_link *link, bool *none);

/*
 * @s's ip, gw, ip6 and gw6 from @ifindex's first IPv4 address, its first
 * global IPv6 address and the default routes through it.
 */
bool rtnl_read_addresses(int ifindex, struct net_spec *s);

/* Remove @ifindex's IPv4 and global IPv6 addresses (with their routes). */
bool rtnl_remove_addresses(int ifindex);

#endif
