/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net back end: queue 0 receives (frames for the guest), queue 1
 * transmits (frames from the guest), each frame behind a 12-byte
 * virtio_net_hdr_v1.  Offers VERSION_1, MAC, MTU and STATUS, and checksum
 * and TSO offloads when the network back end can honour them (a TAP
 * device or a packet socket: the host kernel checks the guest's headers);
 * without them every frame is a whole Ethernet frame of at most the MTU.
 * Frames from the guest are hostile: a chain of the wrong size, or with a
 * header asking for what was not offered or what the host refuses, is
 * dropped and counted.  The frames go to and come from a back end of
 * loader/net/ (backend.h).
 */
#ifndef XLIBOS_LOADER_VIRTIO_NET_H
#define XLIBOS_LOADER_VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "../net/backend.h"
#include "../net/net_spec.h"
#include "../net/publish.h"
#include "transport.h"

/* Largest chain we take: header + a 64 KiB offload packet's frame. */
#define VIRTIO_NET_CHAIN_MAX	(NET_HDR_LEN + NET_FRAME_MAX)
#define VIRTIO_NET_HDR_LEN	12
#define VIRTIO_NET_ETH_HLEN	14

/*
 * Set @dev up as the guest's eth0 on the back end @spec asks for
 * (--net user publishing @publish: host ports bound now, a busy one fails
 * with a message); @link says what the guest's side is.
 */
bool virtio_net_init(struct virtio_dev *dev, const struct net_spec *spec,
		     const struct net_publish *publish, size_t npublish, struct net_link *link);

/*
 * Counts so far: malformed frames (or receive buffers too small for a
 * frame) from the guest, frames dropped for want of room either way.
 */
void virtio_net_counts(struct virtio_dev *dev, unsigned long *malformed,
		       unsigned long *tx_dropped, unsigned long *rx_dropped);

#endif
