/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The receive buffers a device holds (virtio-net, virtio-vsock): taken
 * off the guest's ring as it posts them, filled and given back one by one
 * as data for the guest comes.  Every buffer is checked when taken; one
 * the device cannot use, or more than the queue can hold (descriptors
 * reused while we hold them: left there, the transport would serve the
 * queue for ever), stops the device.
 */
#ifndef XLIBOS_LOADER_VIRTIO_RX_POOL_H
#define XLIBOS_LOADER_VIRTIO_RX_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "transport.h"

#define RX_POOL_IOV	32	/* writable descriptors of one buffer, at most */

struct rx_buf {
	uint16_t head;
	unsigned int n;
	size_t len;
	struct iovec iov[RX_POOL_IOV];
};

struct rx_pool {
	struct rx_buf bufs[VIRTIO_QUEUE_SIZE];
	unsigned int head, count;	/* the oldest held, how many */
	uint16_t last_avail;		/* the queue's, after our last take */
	struct virtio_chain chain;	/* scratch for pops */
};

/*
 * Take what the guest posted on @vq (not ready: none held), each buffer
 * all writable, at most @max_iov descriptors and at least @min_len bytes;
 * false if the device broke.
 */
bool rx_pool_take(struct rx_pool *p, struct virtio_dev *dev, struct virtio_queue *vq,
		  unsigned int max_iov, size_t min_len);

/* The oldest buffer held (only with count > 0). */
static inline struct rx_buf *rx_pool_front(struct rx_pool *p)
{
	return &p->bufs[p->head];
}

/* Give the oldest buffer back to the guest with @len bytes written in it. */
void rx_pool_give(struct rx_pool *p, struct virtio_dev *dev, struct virtio_queue *vq,
		  uint32_t len);

#endif
