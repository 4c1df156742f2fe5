/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A network back end: where the frames of the guest's eth0 (the virtio-net
 * device, loader/virtio/net.c) go and come from, in the supervisor.
 * Packets cross this interface as virtio's 12-byte header
 * (struct virtio_net_hdr_v1) followed by the Ethernet frame.  A back end
 * without offloads (link.offloads false) only ever gets headers asking for
 * none; one with offloads gets the guest's checksum and segmentation
 * requests as they are and hands them to a host kernel interface that
 * checks them (a TAP device, a packet socket).
 */
#ifndef XLIBOS_LOADER_NET_BACKEND_H
#define XLIBOS_LOADER_NET_BACKEND_H

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define NET_HDR_LEN	12		/* sizeof(struct virtio_net_hdr_v1) */
/* A frame: a 64 KiB segmentation-offload packet, its Ethernet header, a VLAN tag. */
#define NET_FRAME_MAX	(65536 + 18)
#define NET_RECORD_MAX	128

/* What the guest's eth0 becomes. */
struct net_link {
	uint8_t mac[6];
	unsigned int mtu;
	bool offloads;		/* checksum and TSO offloads can be honoured */
	char net[NET_RECORD_MAX];	/* guest init's "net" record */
	char net6[NET_RECORD_MAX];	/* its "net6" record, or "" */
	char dns[NET_RECORD_MAX];	/* its "dns" record, or "" */
	bool absent;		/* no back end, and rightly so: no eth0 */
};

/*
 * A packet for the guest: @hdr (NULL: no offload, a whole frame) and the
 * frame.  Called on a back-end thread; copies what it keeps.
 */
typedef void (*net_to_guest)(void *opaque, const struct virtio_net_hdr_v1 *hdr,
			     const uint8_t *frame, size_t len);

/*
 * How a back end reaches the device: a back end with a recv op rings
 * rx_ready (on its thread) when packets wait, and the device thread
 * reads them straight into the guest's buffers; the others hand each
 * packet to to_guest, which copies it.
 */
struct net_guest {
	net_to_guest to_guest;
	void (*rx_ready)(void *opaque);
	void *opaque;
};

enum net_send_result {
	NET_SENT,
	NET_DROPPED,		/* no room: the guest's TCP resends */
	NET_MALFORMED,		/* the host refused it as invalid */
};

struct net_backend;

struct net_backend_ops {
	/*
	 * Start serving, on the device thread, after the container's clone
	 * and the guest's feature negotiation (@features: the driver's).
	 */
	bool (*start)(struct net_backend *b, uint64_t features);
	/* A packet from the guest: header and frame, @len bytes in all. */
	enum net_send_result (*send)(struct net_backend *b, const uint8_t *pkt, size_t len);
	/*
	 * Or NULL.  On the device thread: the next packet into @iov (its
	 * 10-byte header, struct virtio_net_hdr, then the frame): its
	 * length, or 0 if there is none (rx_ready comes when there is).
	 */
	size_t (*recv)(struct net_backend *b, const struct iovec *iov, unsigned int n);
	/* Stop its threads (to_guest is called no more), close everything. */
	void (*free)(struct net_backend *b);
};

struct net_backend {
	const struct net_backend_ops *ops;
};

#endif
