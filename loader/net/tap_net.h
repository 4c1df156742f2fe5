/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --net tap:IFNAME,ip=ADDR/PREFIX[,gw=GW][,ip6=ADDR6/PREFIX][,gw6=GW6][,dns=ADDR]:
 * the guest's eth0 on a TAP device that already exists in the caller's
 * network namespace (made by the user or a runtime, attached to a bridge
 * or routed), opened by the supervisor with checksum and TSO offloads.
 * The guest gets a random locally administered MAC and the device's MTU.
 */
#ifndef XLIBOS_LOADER_NET_TAP_NET_H
#define XLIBOS_LOADER_NET_TAP_NET_H

#include "backend.h"
#include "net_spec.h"

struct net_backend *tap_net_new(const struct net_spec *spec, const struct net_guest *guest,
				struct net_link *link);

/* A random locally administered unicast MAC (tap and tests). */
void net_random_mac(uint8_t mac[6]);

#endif
