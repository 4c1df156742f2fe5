/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The --net option of "xlibos run":
 *   none
 *   user[,allow-host-loopback]
 *   tap:IFNAME,ip=ADDR/PREFIX[,gw=GW][,ip6=ADDR6/PREFIX][,gw6=GW6][,dns=ADDR]
 *   netns:PATH[,if=IFNAME][,dns=ADDR]
 * and the guest init's records (guest-init/config_format.h) for it.
 */
#ifndef XLIBOS_LOADER_NET_NET_SPEC_H
#define XLIBOS_LOADER_NET_NET_SPEC_H

#include <arpa/inet.h>
#include <net/if.h>
#include <stdbool.h>

#include "backend.h"

enum net_mode { NET_MODE_NONE, NET_MODE_USER, NET_MODE_TAP, NET_MODE_NETNS };

struct net_spec {
	enum net_mode mode;
	bool allow_host_loopback;		/* user */
	char ifname[IFNAMSIZ];			/* tap: the device; netns: "" or if= */
	char ip[INET_ADDRSTRLEN + 3];		/* tap: "ADDR/PREFIX" */
	char gw[INET_ADDRSTRLEN];		/* "" if none */
	char ip6[INET6_ADDRSTRLEN + 4];		/* "" if none */
	char gw6[INET6_ADDRSTRLEN];
	char dns[INET6_ADDRSTRLEN];
	char netns_path[4096];			/* netns */
};

/*
 * Parse @value (NULL: the default, user); @npublish -p options need user.
 * Prints "xlibos: --net ...: why" and returns false if bad.
 */
bool net_spec_parse(const char *value, bool default_user, size_t npublish,
		    struct net_spec *s);

/* @link's net, net6 and dns records from @s's addresses and @mtu. */
void net_spec_records(const struct net_spec *s, unsigned int mtu, struct net_link *link);

#endif
