// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "rx_pool.h"

bool rx_pool_take(struct rx_pool *p, struct virtio_dev *dev, struct virtio_queue *vq,
		  unsigned int max_iov, size_t min_len)
{
	struct virtio_chain *c = &p->chain;

	if (!vq->ready) {
		p->count = 0;
		return true;
	}
	/* The driver reset the queue: the buffers we kept are gone. */
	if (vq->last_avail != p->last_avail)
		p->count = 0;
	/* vq->num: checked at most VIRTIO_QUEUE_SIZE, the size of bufs. */
	while (p->count < vq->num) {
		struct rx_buf *b = &p->bufs[(p->head + p->count) % VIRTIO_QUEUE_SIZE];
		int r = virtio_queue_pop(dev, vq, c);

		if (r < 0)
			return false;
		if (r == 0)
			break;
		if (c->n_out || c->n_in > max_iov || iov_total(c->iov, c->n_in) < min_len) {
			virtio_dev_fail(dev, "a receive buffer of %u readable and %u writable descriptors, %zu bytes (none readable, at most %u writable, at least %zu bytes)",
					c->n_out, c->n_in, iov_total(c->iov, c->n_out + c->n_in),
					max_iov, min_len);
			return false;
		}
		b->head = c->head;
		b->n = c->n_in;
		memcpy(b->iov, c->iov, b->n * sizeof(b->iov[0]));
		b->len = iov_total(b->iov, b->n);
		p->count++;
	}
	if (p->count == vq->num && virtio_queue_pop(dev, vq, c) > 0) {
		virtio_dev_fail(dev, "more receive buffers than the queue holds");
		return false;
	}
	p->last_avail = vq->last_avail;
	return true;
}

void rx_pool_give(struct rx_pool *p, struct virtio_dev *dev, struct virtio_queue *vq,
		  uint32_t len)
{
	virtio_queue_push(dev, vq, p->bufs[p->head].head, len);
	p->head = (p->head + 1) % VIRTIO_QUEUE_SIZE;
	p->count--;
}
