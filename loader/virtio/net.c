// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (see net.h).  Two threads touch a device: the transport's
 * device thread, which alone pops and pushes both queues, and the
 * user-networking thread, which only queues frames for the guest here and
 * rings the device thread (the notify bit of queue 0, as a guest kick
 * would).  Receive buffers the guest makes available are taken off the
 * ring at once and kept until a frame comes, so the transport never waits
 * on a queue we cannot serve yet.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../diag.h"
#include "../net/user_net.h"
#include "net.h"

#define RX_QUEUE	0
#define TX_QUEUE	1
/* Linux's big-packet receive buffers take 18 descriptors at a 64 KiB MTU. */
#define RX_BUF_IOV	32
/* Frames for the guest waiting for its buffers: bounded, then dropped. */
#define RX_PENDING_FRAMES	1024
#define RX_PENDING_BYTES	(16u << 20)

struct rx_buf {
	uint16_t head;
	unsigned int n;
	size_t len;
	struct iovec iov[RX_BUF_IOV];
};

struct pending {
	uint8_t *data;
	size_t len;
};

struct netdev {
	struct virtio_dev *dev;
	struct user_net *un;
	bool started;
	struct virtio_net_config config;	/* little-endian, as the guest reads it */

	/* Device thread only. */
	struct rx_buf bufs[VIRTIO_QUEUE_SIZE];
	unsigned int buf_head, buf_count;
	uint16_t rx_last_avail;		/* the queue's, after our last pop */
	struct virtio_chain chain;
	uint8_t frame[VIRTIO_NET_CHAIN_MAX];

	/* Frames for the guest, from the user-networking thread. */
	pthread_mutex_t lock;
	struct pending rx[RX_PENDING_FRAMES];
	unsigned int rx_head, rx_count;
	size_t rx_bytes;

	unsigned long malformed, tx_dropped, rx_dropped;	/* atomics */
};

static void count(unsigned long *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static void start_backend(struct netdev *n)
{
	/* Here, on the device thread: after the container's clone. */
	if (!n->started && user_net_start(n->un))
		n->started = true;
}

static uint8_t net_config_byte(struct virtio_dev *dev, uint32_t offset)
{
	struct netdev *n = dev->priv;

	start_backend(n);
	return offset < sizeof(n->config) ? ((uint8_t *)&n->config)[offset] : 0;
}

/* --- frames from the guest ---------------------------------------------- */

static size_t chain_len(const struct iovec *iov, unsigned int cnt)
{
	size_t len = 0;

	for (unsigned int i = 0; i < cnt; i++)
		len += iov[i].iov_len;	/* each inside guest memory: no overflow */
	return len;
}

/* One transmit chain: false if it was malformed (dropped, counted). */
static bool transmit(struct netdev *n, const struct virtio_chain *c)
{
	struct virtio_net_hdr_v1 hdr;
	size_t len = chain_len(c->iov, c->n_out);

	if (c->n_in || len < VIRTIO_NET_HDR_LEN + VIRTIO_NET_ETH_HLEN ||
	    len > VIRTIO_NET_CHAIN_MAX)
		return false;
	/* Copied once: the guest may change its buffers meanwhile. */
	iov_copy_from(c->iov, c->n_out, 0, n->frame, len);
	memcpy(&hdr, n->frame, sizeof(hdr));
	/* No offload was offered: a header asking for one is not ours. */
	if (hdr.flags || hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return false;
	if (!user_net_send(n->un, n->frame + VIRTIO_NET_HDR_LEN, len - VIRTIO_NET_HDR_LEN))
		count(&n->tx_dropped);
	return true;
}

static void serve_tx(struct virtio_dev *dev, struct netdev *n)
{
	struct virtio_queue *vq = &dev->queues[TX_QUEUE];
	bool any = false;

	while (!dev->stop && virtio_queue_pop(dev, vq, &n->chain) > 0) {
		if (!transmit(n, &n->chain))
			count(&n->malformed);
		virtio_queue_push(dev, vq, n->chain.head, 0);
		any = true;
	}
	if (any)
		virtio_queue_raise(dev, vq);
}

/* --- frames for the guest ----------------------------------------------- */

/* The guest's receive buffers, taken off the ring; false if the device broke. */
static bool take_buffers(struct virtio_dev *dev, struct netdev *n)
{
	struct virtio_queue *vq = &dev->queues[RX_QUEUE];

	/* The driver reset the queue: the buffers we kept are gone. */
	if (vq->last_avail != n->rx_last_avail)
		n->buf_count = 0;
	while (n->buf_count < VIRTIO_QUEUE_SIZE) {
		struct rx_buf *b = &n->bufs[(n->buf_head + n->buf_count) % VIRTIO_QUEUE_SIZE];
		int r = virtio_queue_pop(dev, vq, &n->chain);

		if (r < 0)
			return false;
		if (r == 0)
			break;
		if (n->chain.n_out || n->chain.n_in > RX_BUF_IOV) {
			virtio_dev_fail(dev, "a receive buffer of %u readable and %u writable descriptors (none readable, at most %d writable)",
					n->chain.n_out, n->chain.n_in, RX_BUF_IOV);
			return false;
		}
		b->head = n->chain.head;
		b->n = n->chain.n_in;
		memcpy(b->iov, n->chain.iov, b->n * sizeof(b->iov[0]));
		b->len = chain_len(b->iov, b->n);
		n->buf_count++;
	}
	n->rx_last_avail = vq->last_avail;
	return true;
}

static bool next_pending(struct netdev *n, struct pending *p)
{
	bool have;

	pthread_mutex_lock(&n->lock);
	have = n->rx_count > 0;
	if (have) {
		*p = n->rx[n->rx_head];
		n->rx_head = (n->rx_head + 1) % RX_PENDING_FRAMES;
		n->rx_count--;
		n->rx_bytes -= p->len;
	}
	pthread_mutex_unlock(&n->lock);
	return have;
}

/* Put @p back in front: it waits for the next buffer. */
static void unget_pending(struct netdev *n, const struct pending *p)
{
	pthread_mutex_lock(&n->lock);
	if (n->rx_count == RX_PENDING_FRAMES) {	/* filled up meanwhile */
		pthread_mutex_unlock(&n->lock);
		count(&n->rx_dropped);
		free(p->data);
		return;
	}
	n->rx_head = (n->rx_head + RX_PENDING_FRAMES - 1) % RX_PENDING_FRAMES;
	n->rx[n->rx_head] = *p;
	n->rx_count++;
	n->rx_bytes += p->len;
	pthread_mutex_unlock(&n->lock);
}

static void serve_rx(struct virtio_dev *dev, struct netdev *n)
{
	struct virtio_queue *vq = &dev->queues[RX_QUEUE];
	struct virtio_net_hdr_v1 hdr = { .num_buffers = htole16(1) };
	struct pending p;
	bool any = false;

	if (!take_buffers(dev, n))
		return;
	while (n->buf_count && !dev->stop && next_pending(n, &p)) {
		struct rx_buf *b = &n->bufs[n->buf_head];

		while (b->len < VIRTIO_NET_HDR_LEN + p.len) {
			/*
			 * Linux sizes its buffers for the MTU: one too small
			 * for a frame is given back empty (it counts a short
			 * packet) and the frame tries the next one.
			 */
			count(&n->malformed);
			virtio_queue_push(dev, vq, b->head, 0);
			any = true;
			n->buf_head = (n->buf_head + 1) % VIRTIO_QUEUE_SIZE;
			if (!--n->buf_count)
				break;
			b = &n->bufs[n->buf_head];
		}
		if (!n->buf_count) {
			unget_pending(n, &p);
			break;
		}
		iov_copy_to(b->iov, b->n, 0, &hdr, VIRTIO_NET_HDR_LEN);
		iov_copy_to(b->iov, b->n, VIRTIO_NET_HDR_LEN, p.data, p.len);
		virtio_queue_push(dev, vq, b->head, (uint32_t)(VIRTIO_NET_HDR_LEN + p.len));
		free(p.data);
		n->buf_head = (n->buf_head + 1) % VIRTIO_QUEUE_SIZE;
		n->buf_count--;
		any = true;
	}
	if (any)
		virtio_queue_raise(dev, vq);
}

/* On the user-networking thread: queue the frame, ring the device thread. */
static void to_guest(void *opaque, const uint8_t *frame, size_t len)
{
	struct netdev *n = opaque;
	struct xlibos_virtio_port *port = n->dev->port;
	uint8_t *copy;

	if (len + VIRTIO_NET_HDR_LEN > VIRTIO_NET_CHAIN_MAX || !(copy = malloc(len))) {
		count(&n->rx_dropped);
		return;
	}
	memcpy(copy, frame, len);
	pthread_mutex_lock(&n->lock);
	if (n->rx_count == RX_PENDING_FRAMES || n->rx_bytes + len > RX_PENDING_BYTES) {
		pthread_mutex_unlock(&n->lock);
		count(&n->rx_dropped);
		free(copy);
		return;
	}
	n->rx[(n->rx_head + n->rx_count) % RX_PENDING_FRAMES] = (struct pending){ copy, len };
	n->rx_count++;
	n->rx_bytes += len;
	pthread_mutex_unlock(&n->lock);
	/* As a guest kick of the receive queue: the bit, then the doorbell. */
	__atomic_fetch_or(&port->notify, 1U << RX_QUEUE, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&port->doorbell, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&port->backend_waiting, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &port->doorbell, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static void net_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct netdev *n = dev->priv;

	start_backend(n);
	if (q == TX_QUEUE)
		serve_tx(dev, n);
	else
		serve_rx(dev, n);
}

static void net_free(struct virtio_dev *dev)
{
	struct netdev *n = dev->priv;
	struct pending p;

	if (!n)
		return;
	user_net_free(n->un);	/* its thread calls to_guest no more */
	while (next_pending(n, &p))
		free(p.data);
	if (n->malformed)
		diag_error("virtio-net: dropped %lu malformed frames or buffers from the guest", n->malformed);
	pthread_mutex_destroy(&n->lock);
	free(n);
	dev->priv = NULL;
}

void virtio_net_counts(struct virtio_dev *dev, unsigned long *malformed,
		       unsigned long *tx_dropped, unsigned long *rx_dropped)
{
	struct netdev *n = dev->priv;

	*malformed = __atomic_load_n(&n->malformed, __ATOMIC_RELAXED);
	*tx_dropped = __atomic_load_n(&n->tx_dropped, __ATOMIC_RELAXED);
	*rx_dropped = __atomic_load_n(&n->rx_dropped, __ATOMIC_RELAXED);
}

static const struct virtio_dev_ops net_ops = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.nqueues = 2,
	.queue_notify = net_queue_notify,
	.config_byte = net_config_byte,
	.free = net_free,
};

bool virtio_net_init_user(struct virtio_dev *dev, const struct net_publish *publish,
			  size_t npublish)
{
	/* QEMU's first NIC's address: locally administered, slirp knows it. */
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct netdev *n = calloc(1, sizeof(*n));

	if (!n) {
		diag_error("network: out of memory");
		return false;
	}
	n->dev = dev;
	pthread_mutex_init(&n->lock, NULL);
	memcpy(n->config.mac, mac, sizeof(mac));
	n->config.status = htole16(VIRTIO_NET_S_LINK_UP);
	n->config.max_virtqueue_pairs = htole16(1);
	n->config.mtu = htole16(USER_NET_MTU);
	n->un = user_net_new(publish, npublish, to_guest, n);
	if (!n->un) {
		pthread_mutex_destroy(&n->lock);
		free(n);
		return false;
	}
	dev->ops = &net_ops;
	dev->priv = n;
	dev->host_features = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MAC) |
			     (1ULL << VIRTIO_NET_F_MTU) | (1ULL << VIRTIO_NET_F_STATUS);
	return true;
}
