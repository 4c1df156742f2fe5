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

#define RTNL_MAX_ADDRS	32

/* An interface's addresses and default gateways, to give them back. */
struct rtnl_addrs {
	int ifindex;
	unsigned int n;
	struct {
		uint8_t family, prefix;
		uint8_t addr[16];
	} a[RTNL_MAX_ADDRS];
	bool have_gw4, have_gw6;
	uint8_t gw4[4], gw6[16];
};

/*
 * Remove @ifindex's IPv4 and global IPv6 addresses (with their routes),
 * saying in @removed which they were (its gateways are the caller's).
 */
bool rtnl_remove_addresses(int ifindex, struct rtnl_addrs *removed);

/* Put @saved's addresses and default routes back. */
bool rtnl_restore_addresses(const struct rtnl_addrs *saved);

#endif
