/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net back end: queue 0 receives (frames for the guest), queue 1
 * transmits (frames from the guest), each frame behind a 12-byte
 * virtio_net_hdr_v1.  Offers VERSION_1, MAC, MTU and STATUS only: no
 * checksum or segmentation offloads, so every frame is a whole Ethernet
 * frame of at most the MTU.  Frames from the guest are hostile: a chain
 * of the wrong size or with a header asking for offloads is dropped and
 * counted.  The frames go to and come from loader/net/user_net.c.
 */
#ifndef XLIBOS_LOADER_VIRTIO_NET_H
#define XLIBOS_LOADER_VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "../net/publish.h"
#include "transport.h"

/* Largest chain we take: header + frame of the MTU with a VLAN tag. */
#define VIRTIO_NET_CHAIN_MAX	65550
#define VIRTIO_NET_HDR_LEN	12
#define VIRTIO_NET_ETH_HLEN	14

/*
 * Set @dev up as the guest's eth0 on user-mode networking, publishing
 * @publish (host ports bound now: a busy one fails with a message).
 */
bool virtio_net_init_user(struct virtio_dev *dev, const struct net_publish *publish,
			  size_t npublish);

/*
 * Counts so far: malformed frames (or receive buffers too small for a
 * frame) from the guest, frames dropped for want of room either way.
 */
void virtio_net_counts(struct virtio_dev *dev, unsigned long *malformed,
		       unsigned long *tx_dropped, unsigned long *rx_dropped);

#endif
