/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The container's network interface, as the loader describes it in the
 * "net" and "dns" records (config_format.h): no DHCP inside.
 */
#ifndef XLIBOS_INIT_NET_SETUP_H
#define XLIBOS_INIT_NET_SETUP_H

#include <stdbool.h>

/*
 * Bring the interface of @net ("IFNAME ADDR/PREFIX GATEWAY MTU") up with
 * that address, MTU and default route, and with @net6 ("ADDR6/PREFIX
 * GATEWAY6", or NULL) also that IPv6 address and default route; then write /etc/resolv.conf
 * (nameserver @dns, if not NULL), /etc/hosts and /etc/hostname, each only
 * if the image has none (the root is an overlay: they stay in the
 * container's own layer).  False, with a message, if the interface cannot
 * be set up.
 */
bool net_setup(const char *net, const char *net6, const char *dns);

#endif
