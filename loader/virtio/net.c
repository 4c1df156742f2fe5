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
#include "../net/fd_net.h"
#include "../net/netns_net.h"
#include "../net/tap_net.h"
#include "../net/user_net.h"
#include "net.h"
#include "rx_pool.h"

#define RX_QUEUE	0
#define TX_QUEUE	1
/* Linux's big-packet receive buffers take 18 descriptors at a 64 KiB MTU. */
#define RX_BUF_IOV	RX_POOL_IOV
/* Frames for the guest waiting for its buffers: bounded, then dropped. */
#define RX_PENDING_FRAMES	1024
#define RX_PENDING_BYTES	(16u << 20)

struct pending {
	uint8_t *data;
	size_t len;
};

struct netdev {
	struct virtio_dev *dev;
	struct net_backend *be;
	struct net_link link;
	bool started;
	struct virtio_net_config config;	/* little-endian, as the guest reads it */

	/* Device thread only. */
	struct rx_pool rxbufs;		/* the guest's receive buffers we hold */
	struct virtio_chain chain;
	uint8_t pkt[VIRTIO_NET_CHAIN_MAX];

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
	if (!n->started && n->be->ops->start(n->be, n->dev->driver_features))
		n->started = true;

}

static uint8_t net_config_byte(struct virtio_dev *dev, uint32_t offset)
{
	struct netdev *n = dev->priv;

	start_backend(n);
	return offset < sizeof(n->config) ? ((uint8_t *)&n->config)[offset] : 0;
}

/* --- frames from the guest ---------------------------------------------- */

/* One transmit chain: false if it was malformed (dropped, counted). */
static bool transmit(struct netdev *n, const struct virtio_chain *c)
{
	struct virtio_net_hdr_v1 hdr;
	size_t len = iov_total(c->iov, c->n_out);

	if (c->n_in || len < VIRTIO_NET_HDR_LEN + VIRTIO_NET_ETH_HLEN ||
	    len > VIRTIO_NET_CHAIN_MAX)
		return false;
	/* Copied once: the guest may change its buffers meanwhile. */
	iov_copy_from(c->iov, c->n_out, 0, n->pkt, len);
	memcpy(&hdr, n->pkt, sizeof(hdr));
	/*
	 * Without offloads, a header asking for one is not ours; with them,
	 * the host kernel checks it (NET_MALFORMED if it refuses).
	 */
	if (!n->link.offloads && (hdr.flags || hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE))
		return false;
	if (!n->link.offloads && len > VIRTIO_NET_HDR_LEN + VIRTIO_NET_ETH_HLEN + 4 + n->link.mtu)
		return false;
	switch (n->be->ops->send(n->be, n->pkt, len)) {
	case NET_SENT:
		break;
	case NET_DROPPED:
		count(&n->tx_dropped);
		break;
	case NET_MALFORMED:
		return false;
	}
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
	struct pending p;
	bool any = false;

	if (!rx_pool_take(&n->rxbufs, dev, vq, RX_BUF_IOV, 0))
		return;
	while (n->rxbufs.count && !dev->stop && next_pending(n, &p)) {
		struct rx_buf *b = rx_pool_front(&n->rxbufs);

		while (b->len < p.len) {
			/*
			 * Linux sizes its buffers for the MTU: one too small
			 * for a frame is given back empty (it counts a short
			 * packet) and the frame tries the next one.
			 */
			count(&n->malformed);
			rx_pool_give(&n->rxbufs, dev, vq, 0);
			any = true;
			if (!n->rxbufs.count)
				break;
			b = rx_pool_front(&n->rxbufs);
		}
		if (!n->rxbufs.count) {
			unget_pending(n, &p);
			break;
		}
		iov_copy_to(b->iov, b->n, 0, p.data, p.len);
		rx_pool_give(&n->rxbufs, dev, vq, (uint32_t)p.len);
		free(p.data);
		any = true;
	}
	if (any)
		virtio_queue_raise(dev, vq);
}

/* Whether the guest said it takes what @hdr asks of it. */
static bool guest_takes(const struct netdev *n, const struct virtio_net_hdr_v1 *hdr)
{
	uint64_t f = n->dev->driver_features;

	if ((hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !(f & (1ULL << VIRTIO_NET_F_GUEST_CSUM)))
		return false;
	switch (hdr->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return true;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return f & (1ULL << VIRTIO_NET_F_GUEST_TSO4);
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return f & (1ULL << VIRTIO_NET_F_GUEST_TSO6);
	default:
		return false;
	}
}

/*
 * A back end with recv: its packets are read straight into the guest's
 * buffers, the descriptor's 10-byte header into the first 10 bytes of
 * virtio's 12 (num_buffers, 1, is ours).
 */
static void serve_rx_direct(struct virtio_dev *dev, struct netdev *n)
{
	struct virtio_queue *vq = &dev->queues[RX_QUEUE];
	const uint16_t one = htole16(1);
	bool any = false;

	if (!rx_pool_take(&n->rxbufs, dev, vq, RX_BUF_IOV, 0))
		return;
	while (n->rxbufs.count && !dev->stop) {
		struct rx_buf *b = rx_pool_front(&n->rxbufs);
		struct iovec iov[RX_BUF_IOV + 1];
		struct virtio_net_hdr_v1 h;
		unsigned int cnt;
		size_t got;

		if (b->len < VIRTIO_NET_HDR_LEN + VIRTIO_NET_ETH_HLEN) {
			count(&n->malformed);	/* given back empty */
			got = 0;
		} else {
			cnt = iov_slice(b->iov, b->n, 0, VIRTIO_NET_HDR_LEN - 2, iov, 1);
			cnt += iov_slice(b->iov, b->n, VIRTIO_NET_HDR_LEN, b->len, iov + cnt,
					 RX_BUF_IOV);
			got = n->be->ops->recv(n->be, iov, cnt);
			if (!got)
				break;
			got += 2;
			iov_copy_to(b->iov, b->n, VIRTIO_NET_HDR_LEN - 2, &one, 2);
			iov_copy_from(b->iov, b->n, 0, &h, sizeof(h));
			if (!guest_takes(n, &h)) {
				count(&n->rx_dropped);
				got = 0;
			}
		}
		rx_pool_give(&n->rxbufs, dev, vq, (uint32_t)got);
		any = true;
	}
	if (any)
		virtio_queue_raise(dev, vq);
}

/* As a guest kick of the receive queue: the bit, then the doorbell. */
static void ring_rx(void *opaque)
{
	struct netdev *n = opaque;
	struct xlibos_virtio_port *port = n->dev->port;

	__atomic_fetch_or(&port->notify, 1U << RX_QUEUE, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&port->doorbell, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&port->backend_waiting, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &port->doorbell, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/*
 * On a back end's thread: queue the packet (its header, num_buffers 1,
 * then the frame), ring the device thread.
 */
static void to_guest(void *opaque, const struct virtio_net_hdr_v1 *hdr, const uint8_t *frame,
		     size_t len)
{
	struct netdev *n = opaque;
	struct virtio_net_hdr_v1 h = { 0 };
	uint8_t *copy;

	if (hdr)
		h = *hdr;
	h.num_buffers = htole16(1);
	len += VIRTIO_NET_HDR_LEN;
	if (len > VIRTIO_NET_CHAIN_MAX || !guest_takes(n, &h) || !(copy = malloc(len))) {
		count(&n->rx_dropped);
		return;
	}
	memcpy(copy, &h, VIRTIO_NET_HDR_LEN);
	memcpy(copy + VIRTIO_NET_HDR_LEN, frame, len - VIRTIO_NET_HDR_LEN);
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
	ring_rx(n);
}

static void net_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct netdev *n = dev->priv;

	start_backend(n);
	if (q == TX_QUEUE)
		serve_tx(dev, n);
	else if (n->be->ops->recv)
		serve_rx_direct(dev, n);
	else
		serve_rx(dev, n);
}

static void net_free(struct virtio_dev *dev)
{
	struct netdev *n = dev->priv;
	struct pending p;

	if (!n)
		return;
	if (n->be)
		n->be->ops->free(n->be);	/* its threads call to_guest no more */
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

static struct net_backend *new_backend(struct netdev *n, const struct net_spec *spec,
				       const struct net_publish *publish, size_t npublish)
{
	const struct net_guest guest = { to_guest, ring_rx, n };

	switch (spec->mode) {
	case NET_MODE_USER:
		return user_net_new(publish, npublish, spec->allow_host_loopback, &guest,
				    &n->link);
	case NET_MODE_TAP:
		return tap_net_new(spec, &guest, &n->link);
	case NET_MODE_NETNS:
		return netns_net_new(spec, &guest, &n->link);
	case NET_MODE_NONE:
		break;
	}
	return NULL;
}

bool virtio_net_init(struct virtio_dev *dev, const struct net_spec *spec,
		     const struct net_publish *publish, size_t npublish, struct net_link *link)
{
	struct netdev *n = calloc(1, sizeof(*n));

	if (!n) {
		diag_error("network: out of memory");
		return false;
	}
	n->dev = dev;
	pthread_mutex_init(&n->lock, NULL);
	n->be = new_backend(n, spec, publish, npublish);
	link->absent = n->link.absent;
	if (!n->be) {
		pthread_mutex_destroy(&n->lock);
		free(n);
		return false;
	}
	memcpy(n->config.mac, n->link.mac, sizeof(n->link.mac));
	n->config.status = htole16(VIRTIO_NET_S_LINK_UP);
	n->config.max_virtqueue_pairs = htole16(1);
	n->config.mtu = htole16((uint16_t)n->link.mtu);
	*link = n->link;
	dev->ops = &net_ops;
	dev->priv = n;
	dev->host_features = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MAC) |
			     (1ULL << VIRTIO_NET_F_MTU) | (1ULL << VIRTIO_NET_F_STATUS) |
			     (n->link.offloads ? fd_net_offload_features() : 0);
	return true;
}
