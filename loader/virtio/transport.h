/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-mmio transport of the device back ends, in the supervisor
 * (outside the container's sandbox).  Guest memory is hostile: every
 * register value, ring index, descriptor address and length read from it
 * is checked; a device that gets a bad one is marked broken (one message,
 * the guest sees a dead device), never a crash of the supervisor.
 * Protocol: arch-xlibos/include/uapi/asm/xlibos_virtio.h.
 */
#ifndef XLIBOS_LOADER_VIRTIO_TRANSPORT_H
#define XLIBOS_LOADER_VIRTIO_TRANSPORT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include <asm/xlibos_virtio.h>

#define VIRTIO_MAX_QUEUES	4
/* The largest queue a device offers (QueueNumMax), unless it says less. */
#define VIRTIO_QUEUE_SIZE	256
/* Descriptors of one chain (the ring holds no more than this anyway). */
#define VIRTIO_CHAIN_MAX	VIRTIO_QUEUE_SIZE

/* Guest physical memory as the supervisor maps it. */
struct guest_ram {
	uint8_t *base;
	uint64_t size;
};

struct virtio_queue {
	bool ready;
	uint32_t num;
	uint64_t desc, avail, used;	/* guest physical, checked when ready */
	uint16_t last_avail;		/* next avail entry to take */
	uint16_t used_idx;		/* our copy of used->idx */
};

/* One descriptor chain, as host iovecs into guest memory. */
struct virtio_chain {
	uint16_t head;
	unsigned int n_out, n_in;	/* device-readable, then -writable */
	struct iovec iov[VIRTIO_CHAIN_MAX];
};

struct virtio_dev;

struct virtio_dev_ops {
	const char *name;		/* in messages: "virtio-blk" */
	uint32_t device_id;		/* VIRTIO_ID_* */
	unsigned int nqueues;
	/*
	 * Each queue's QueueNumMax, 0 for VIRTIO_QUEUE_SIZE: Linux fills a
	 * receive queue with a buffer per entry when the driver probes.
	 */
	uint16_t queue_max[VIRTIO_MAX_QUEUES];
	/* Serve the notified queue: pop chains, push them back, raise. */
	void (*queue_notify)(struct virtio_dev *dev, unsigned int q);
	/* A configuration space byte (offset from 0x100); 0 past its end. */
	uint8_t (*config_byte)(struct virtio_dev *dev, uint32_t offset);
	void (*free)(struct virtio_dev *dev);
};

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	void *priv;
	unsigned int index;		/* in the device area */
	uint64_t host_features;		/* offered */
	const struct guest_ram *ram;
	struct xlibos_virtio_area *area;	/* guest memory */
	struct xlibos_virtio_port *port;	/* guest memory */

	/* Register state: the supervisor's own, not guest memory. */
	uint32_t status, dev_features_sel, drv_features_sel, queue_sel;
	uint64_t driver_features;
	uint32_t req_seen;
	struct virtio_queue queues[VIRTIO_MAX_QUEUES];
	bool broken;

	pthread_t thread;
	bool thread_started;
	volatile bool stop;
};

/*
 * The device's thread: answers register accesses and serves queues; on
 * host CPU @cpu if it is not negative (the vCPU's: see cpu_pin.h).
 */
bool virtio_dev_start(struct virtio_dev *dev, int cpu);
void virtio_dev_stop(struct virtio_dev *dev);

/* Give up on the device: one message, the guest sees it dead. */
void virtio_dev_fail(struct virtio_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The most entries queue @q may have (its QueueNumMax). */
uint32_t virtio_queue_max(const struct virtio_dev *dev, unsigned int q);

/* Take the next available chain: 1 got one, 0 none, -1 device broken. */
int virtio_queue_pop(struct virtio_dev *dev, struct virtio_queue *vq,
		     struct virtio_chain *chain);
/* Hand a chain back with @len bytes written into its writable part. */
void virtio_queue_push(struct virtio_dev *dev, struct virtio_queue *vq,
		       uint16_t head, uint32_t len);
/* Interrupt the guest unless the driver asked for none on @vq. */
void virtio_queue_raise(struct virtio_dev *dev, struct virtio_queue *vq);

/* Copy between an iovec array and a buffer (bounded by both). */
size_t iov_copy_from(const struct iovec *iov, unsigned int n, size_t skip,
		     void *buf, size_t len);
size_t iov_copy_to(const struct iovec *iov, unsigned int n, size_t skip,
		   const void *buf, size_t len);
/* The bytes of an iovec array (of a chain: inside guest memory, no overflow). */
size_t iov_total(const struct iovec *iov, unsigned int n);
/* @len bytes of @src from @skip on, as iovecs in @dst (at most @max): how many. */
unsigned int iov_slice(const struct iovec *src, unsigned int n, size_t skip, size_t len,
		       struct iovec *dst, unsigned int max);

#endif
