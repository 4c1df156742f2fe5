/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A back end on a host descriptor that carries one packet per read and
 * per write, behind virtio's 10-byte header (struct virtio_net_hdr): a TAP
 * device opened with IFF_VNET_HDR, a packet socket with PACKET_VNET_HDR.
 * The host kernel checks every header the guest writes (as it does for any
 * unprivileged user of these interfaces): a refused one is counted as
 * malformed.  The device thread reads packets for the guest straight into
 * its buffers (recv); one thread of ours only watches the descriptor.
 */
#ifndef XLIBOS_LOADER_NET_FD_NET_H
#define XLIBOS_LOADER_NET_FD_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"

struct fd_net_params {
	int fd;			/* taken over (closed on failure too) */
	const char *what;	/* in messages, e.g. "TAP device tap0" */
	/* At start: tell the descriptor what the guest takes (or NULL). */
	bool (*configure)(int fd, uint64_t features, const char *what);
	/* After the descriptor is closed at the end (or NULL): @arg's. */
	void (*on_free)(void *arg);
	void *arg;
};

/* Packets for the guest: @guest's rx_ready, then the device's recv. */
struct net_backend *fd_net_new(const struct fd_net_params *p, const struct net_guest *guest);

/* The virtio-net features a descriptor back end offers: checksum and TSO. */
uint64_t fd_net_offload_features(void);

#endif
