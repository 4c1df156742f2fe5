/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --net user without allow-host-loopback.  libslirp sends what the guest
 * addresses to its virtual network's other addresses (10.0.2.0/24 and
 * fd00::/64 but the guest's own; 10.0.2.2 is the gateway) to the host's
 * loopback: a container would reach every service the host keeps to
 * itself on 127.0.0.1.  This guard, on the guest's frames before slirp
 * sees them, lets through to those addresses only what answers the
 * outside: segments of TCP connections that came in through a published
 * port (anything but a bare SYN), datagrams from a published UDP port,
 * ICMP echo, and DNS (port 53) to slirp's name server.  A bare SYN is
 * refused at once with a RST, as a host with nothing listening does; the
 * rest is dropped.  (libslirp's own disable_host_loopback would also lose
 * the answers of published UDP ports to clients on the host's loopback,
 * which slirp presents to the guest as coming from 10.0.2.2.)
 */
#ifndef XLIBOS_LOADER_NET_HOST_ALIAS_GUARD_H
#define XLIBOS_LOADER_NET_HOST_ALIAS_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "publish.h"

enum guard_verdict { GUARD_PASS, GUARD_DROP, GUARD_REFUSE };

/* What to do with the Ethernet frame @frame from the guest. */
enum guard_verdict host_alias_guard(const uint8_t *frame, size_t len,
				    const struct net_publish *publish, size_t npublish);

/*
 * The RST answering the bare SYN @syn (a frame host_alias_guard refused)
 * into @out (at least HOST_ALIAS_RST_MAX bytes): its length, 0 if none.
 */
#define HOST_ALIAS_RST_MAX	(14 + 40 + 20)
size_t host_alias_refusal(const uint8_t *syn, size_t len, uint8_t *out);

#endif
