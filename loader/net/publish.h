/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -p/--publish [HOSTIP:]HOSTPORT:GUESTPORT[/tcp|/udp] of "xlibos run", as
 * "docker run -p" takes it: the host listens on HOSTIP (default 0.0.0.0,
 * every IPv4 address) port HOSTPORT and forwards to the guest's GUESTPORT.
 */
#ifndef XLIBOS_LOADER_NET_PUBLISH_H
#define XLIBOS_LOADER_NET_PUBLISH_H

#include <netinet/in.h>
#include <stdbool.h>

struct net_publish {
	bool udp;
	struct in_addr host_addr;
	unsigned int host_port, guest_port;	/* 1..65535 */
};

/* Parse @spec; prints "xlibos: --publish 'SPEC': why" and false if bad. */
bool net_publish_parse(const char *spec, struct net_publish *p);

#endif
