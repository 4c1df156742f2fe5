// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio (version 2) register emulation and split virtqueues for the
 * back ends in the supervisor.  See transport.h for the trust rules.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <linux/futex.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../diag.h"
#include "transport.h"

#define VIRTIO_MMIO_MAGIC	0x74726976U	/* "virt" */
#define VIRTIO_MMIO_VENDOR	0x42494c58U	/* "XLIB" */

static long futex(uint32_t *word, int op, uint32_t val)
{
	return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

static uint32_t load32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store32(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Host address of guest [gpa, gpa + len), or NULL if not all guest RAM. */
static void *ram_ptr(const struct guest_ram *ram, uint64_t gpa, uint64_t len)
{
	if (gpa > ram->size || len > ram->size - gpa)
		return NULL;
	return ram->base + gpa;
}

void virtio_dev_fail(struct virtio_dev *dev, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	if (dev->broken)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	dev->broken = true;
	store32(&dev->port->broken, 1);
	diag_error("%s device %u: %s; the device is stopped", dev->ops->name,
		   dev->index, why);
}

/* --- virtqueues --------------------------------------------------------- */

uint32_t virtio_queue_max(const struct virtio_dev *dev, unsigned int q)
{
	uint16_t max = q < VIRTIO_MAX_QUEUES ? dev->ops->queue_max[q] : 0;

	return max && max < VIRTIO_QUEUE_SIZE ? max : VIRTIO_QUEUE_SIZE;
}

static bool queue_check(struct virtio_dev *dev, struct virtio_queue *vq)
{
	uint64_t n = vq->num;
	uint32_t max = virtio_queue_max(dev, (unsigned int)(vq - dev->queues));

	if (n == 0 || n > max || (n & (n - 1))) {
		virtio_dev_fail(dev, "queue size %u is not a power of two up to %u",
				vq->num, max);
		return false;
	}
	if ((vq->desc & 15) || (vq->avail & 1) || (vq->used & 3) ||
	    !ram_ptr(dev->ram, vq->desc, 16 * n) ||
	    !ram_ptr(dev->ram, vq->avail, 6 + 2 * n) ||
	    !ram_ptr(dev->ram, vq->used, 6 + 8 * n)) {
		virtio_dev_fail(dev, "queue rings are not in guest memory");
		return false;
	}
	vq->last_avail = 0;
	vq->used_idx = 0;
	return true;
}

static uint16_t *avail_word(struct virtio_dev *dev, struct virtio_queue *vq, uint64_t i)
{
	return (uint16_t *)(dev->ram->base + vq->avail + 2 * i);
}

int virtio_queue_pop(struct virtio_dev *dev, struct virtio_queue *vq,
		     struct virtio_chain *chain)
{
	const struct vring_desc *table;
	uint16_t avail_idx, i;
	unsigned int count = 0;

	if (dev->broken || !vq->ready)
		return -1;
	avail_idx = __atomic_load_n(avail_word(dev, vq, 1), __ATOMIC_ACQUIRE);
	if (avail_idx == vq->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num) {
		virtio_dev_fail(dev, "available index moved by more than the queue size");
		return -1;
	}
	i = __atomic_load_n(avail_word(dev, vq, 2 + vq->last_avail % vq->num),
			    __ATOMIC_RELAXED);
	chain->head = i;
	chain->n_out = chain->n_in = 0;
	table = (const struct vring_desc *)(dev->ram->base + vq->desc);
	for (;;) {
		/* Each field read once: the guest may change it meanwhile. */
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;
		void *p;

		if (i >= vq->num || count >= vq->num) {
			virtio_dev_fail(dev, "descriptor %u out of range or a loop", i);
			return -1;
		}
		addr = __atomic_load_n(&table[i].addr, __ATOMIC_RELAXED);
		len = __atomic_load_n(&table[i].len, __ATOMIC_RELAXED);
		flags = __atomic_load_n(&table[i].flags, __ATOMIC_RELAXED);
		next = __atomic_load_n(&table[i].next, __ATOMIC_RELAXED);
		p = ram_ptr(dev->ram, addr, len);
		if (!p) {
			virtio_dev_fail(dev, "descriptor %u: buffer 0x%llx+%u is not guest memory",
					i, (unsigned long long)addr, len);
			return -1;
		}
		if (flags & VRING_DESC_F_INDIRECT) {
			virtio_dev_fail(dev, "indirect descriptor (not offered)");
			return -1;
		}
		if (flags & VRING_DESC_F_WRITE) {
			chain->n_in++;
		} else if (chain->n_in) {
			virtio_dev_fail(dev, "readable descriptor after a writable one");
			return -1;
		} else {
			chain->n_out++;
		}
		chain->iov[count].iov_base = p;
		chain->iov[count].iov_len = len;
		count++;
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		i = next;
	}
	vq->last_avail++;
	return 1;
}

void virtio_queue_push(struct virtio_dev *dev, struct virtio_queue *vq,
		       uint16_t head, uint32_t len)
{
	struct vring_used_elem *ring =
		(struct vring_used_elem *)(dev->ram->base + vq->used + 4);
	uint16_t *idx = (uint16_t *)(dev->ram->base + vq->used + 2);

	if (dev->broken)
		return;
	__atomic_store_n(&ring[vq->used_idx % vq->num].id, head, __ATOMIC_RELAXED);
	__atomic_store_n(&ring[vq->used_idx % vq->num].len, len, __ATOMIC_RELAXED);
	vq->used_idx++;
	__atomic_store_n(idx, vq->used_idx, __ATOMIC_RELEASE);
}

void virtio_queue_raise(struct virtio_dev *dev, struct virtio_queue *vq)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(avail_word(dev, vq, 0), __ATOMIC_RELAXED) &
	    VRING_AVAIL_F_NO_INTERRUPT)
		return;
	__atomic_fetch_or(&dev->port->isr, VIRTIO_MMIO_INT_VRING, __ATOMIC_SEQ_CST);
	__atomic_fetch_or(&dev->area->irq_pending, 1U << dev->index, __ATOMIC_SEQ_CST);
	futex(&dev->area->irq_pending, FUTEX_WAKE, 1);
}

/* While we serve a queue the driver need not notify (batching). */
static void queue_set_no_notify(struct virtio_dev *dev, struct virtio_queue *vq, bool on)
{
	uint16_t *flags = (uint16_t *)(dev->ram->base + vq->used);

	__atomic_store_n(flags, on ? VRING_USED_F_NO_NOTIFY : 0, __ATOMIC_SEQ_CST);
}

static bool queue_has_work(struct virtio_dev *dev, struct virtio_queue *vq)
{
	return vq->ready && !dev->broken &&
	       __atomic_load_n(avail_word(dev, vq, 1), __ATOMIC_SEQ_CST) != vq->last_avail;
}

static void serve_queue(struct virtio_dev *dev, unsigned int q)
{
	struct virtio_queue *vq = &dev->queues[q];

	if (!vq->ready || dev->broken)
		return;
	do {
		queue_set_no_notify(dev, vq, true);
		dev->ops->queue_notify(dev, q);
		queue_set_no_notify(dev, vq, false);
		/* A chain made available before the flag cleared sent no notify. */
	} while (!dev->stop && queue_has_work(dev, vq));
}

/* --- registers ---------------------------------------------------------- */

static void reset(struct virtio_dev *dev)
{
	dev->status = 0;
	dev->dev_features_sel = dev->drv_features_sel = dev->queue_sel = 0;
	dev->driver_features = 0;
	memset(dev->queues, 0, sizeof(dev->queues));
	__atomic_store_n(&dev->port->isr, 0, __ATOMIC_SEQ_CST);
}

static struct virtio_queue *selected(struct virtio_dev *dev)
{
	return dev->queue_sel < dev->ops->nqueues ? &dev->queues[dev->queue_sel] : NULL;
}

static uint64_t *queue_addr(struct virtio_queue *vq, uint32_t reg)
{
	switch (reg & ~4U) {
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		return &vq->desc;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
		return &vq->avail;
	default:
		return &vq->used;
	}
}

static uint32_t read_reg(struct virtio_dev *dev, uint32_t reg, uint32_t size)
{
	struct virtio_queue *vq = selected(dev);
	uint32_t v = 0;

	if (reg >= VIRTIO_MMIO_CONFIG) {
		for (uint32_t i = 0; i < size && i < 4; i++)
			v |= (uint32_t)dev->ops->config_byte(dev, reg - VIRTIO_MMIO_CONFIG + i) << (8 * i);
		return v;
	}
	switch (reg) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return 2;
	case VIRTIO_MMIO_DEVICE_ID:
		return dev->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return dev->dev_features_sel > 1 ? 0 :
		       (uint32_t)(dev->host_features >> (32 * dev->dev_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vq ? virtio_queue_max(dev, dev->queue_sel) : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq ? vq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return __atomic_load_n(&dev->port->isr, __ATOMIC_SEQ_CST);
	case VIRTIO_MMIO_STATUS:
		return dev->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
		return ~0U;	/* no shared memory regions */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return 0;
	default:
		return 0;
	}
}

static void write_status(struct virtio_dev *dev, uint32_t v)
{
	if (v == 0) {
		reset(dev);
		return;
	}
	/* Features the driver accepted must be ones we offered. */
	if ((v & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    ((dev->driver_features & ~dev->host_features) ||
	     !(dev->driver_features & (1ULL << VIRTIO_F_VERSION_1))))
		v &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	dev->status = v & 0xff;
}

static void write_reg(struct virtio_dev *dev, uint32_t reg, uint32_t v)
{
	struct virtio_queue *vq = selected(dev);

	switch (reg) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		dev->dev_features_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		dev->drv_features_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (dev->drv_features_sel == 0)
			dev->driver_features = (dev->driver_features & ~0xffffffffULL) | v;
		else if (dev->drv_features_sel == 1)
			dev->driver_features = (dev->driver_features & 0xffffffffULL) |
					       (uint64_t)v << 32;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		dev->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (vq && !vq->ready)
			vq->num = v;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!vq)
			break;
		if (!v)
			vq->ready = false;
		else if (!vq->ready)
			vq->ready = queue_check(dev, vq);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (v < 32)
			__atomic_fetch_or(&dev->port->notify, 1U << v, __ATOMIC_SEQ_CST);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		__atomic_fetch_and(&dev->port->isr, ~v, __ATOMIC_SEQ_CST);
		break;
	case VIRTIO_MMIO_STATUS:
		write_status(dev, v);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (vq && !vq->ready) {
			uint64_t *a = queue_addr(vq, reg);

			if (reg & 4)
				*a = (*a & 0xffffffffULL) | (uint64_t)v << 32;
			else
				*a = (*a & ~0xffffffffULL) | v;
		}
		break;
	default:
		break;	/* read-only or unknown registers, config writes */
	}
}

static void serve_request(struct virtio_dev *dev, uint32_t seq)
{
	struct xlibos_virtio_port *port = dev->port;
	uint32_t op = load32(&port->req_op);
	uint32_t reg = load32(&port->req_offset);
	uint32_t size = load32(&port->req_size);
	uint64_t value = __atomic_load_n(&port->req_value, __ATOMIC_ACQUIRE);
	uint64_t answer = 0;

	dev->req_seen = seq;
	if (dev->broken || reg >= XLIBOS_VIRTIO_WINDOW || (size != 1 && size != 2 && size != 4))
		answer = ~0ULL;
	else if (op == XLIBOS_VIRTIO_OP_READ)
		answer = read_reg(dev, reg, size);
	else if (op == XLIBOS_VIRTIO_OP_WRITE)
		write_reg(dev, reg, (uint32_t)value);
	__atomic_store_n(&port->ack_value, answer, __ATOMIC_RELAXED);
	store32(&port->ack_seq, seq);
	futex(&port->ack_seq, FUTEX_WAKE, 1);
}

/* --- the device's thread ------------------------------------------------- */

static bool has_work(struct virtio_dev *dev)
{
	return dev->stop || load32(&dev->port->req_seq) != dev->req_seen ||
	       load32(&dev->port->notify);
}

static void *device_thread(void *arg)
{
	struct virtio_dev *dev = arg;
	struct xlibos_virtio_port *port = dev->port;

	while (!dev->stop) {
		uint32_t seq = load32(&port->req_seq);
		uint32_t bits;

		if (seq != dev->req_seen) {
			serve_request(dev, seq);
			continue;
		}
		bits = __atomic_exchange_n(&port->notify, 0, __ATOMIC_ACQ_REL);
		if (bits) {
			for (unsigned int q = 0; q < dev->ops->nqueues; q++)
				if (bits & (1U << q))
					serve_queue(dev, q);
			continue;
		}
		/* Sleep; the guest wakes us only if it sees the flag. */
		__atomic_store_n(&port->backend_waiting, 1, __ATOMIC_SEQ_CST);
		uint32_t bell = __atomic_load_n(&port->doorbell, __ATOMIC_SEQ_CST);

		if (!has_work(dev))
			futex(&port->doorbell, FUTEX_WAIT, bell);
		__atomic_store_n(&port->backend_waiting, 0, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

bool virtio_dev_start(struct virtio_dev *dev, int cpu)
{
	int err = pthread_create(&dev->thread, NULL, device_thread, dev);

	if (err) {
		diag_error("cannot start the %s back end: %s", dev->ops->name, strerror(err));
		return false;
	}
	dev->thread_started = true;
	/*
	 * Beside the vCPU, a request's wake-ups are context switches; across
	 * CPUs each first kicks an idle CPU awake (costly under a hypervisor).
	 */
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		pthread_setaffinity_np(dev->thread, sizeof(set), &set);
	}
	return true;
}

void virtio_dev_stop(struct virtio_dev *dev)
{
	if (!dev->thread_started)
		return;
	dev->stop = true;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* Wake it whatever the guest left in the doorbell word. */
	__atomic_fetch_add(&dev->port->doorbell, 1, __ATOMIC_SEQ_CST);
	futex(&dev->port->doorbell, FUTEX_WAKE, INT_MAX);
	pthread_join(dev->thread, NULL);
	dev->thread_started = false;
}

/* --- iovec helpers ------------------------------------------------------- */

/* Copy between @buf and the iovec array, from byte @skip of the array. */
static size_t iov_copy(const struct iovec *iov, unsigned int n, size_t skip,
		       void *buf, size_t len, bool to_iov)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t l = iov[i].iov_len;
		char *p = (char *)iov[i].iov_base;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		l -= skip;
		if (l > len - done)
			l = len - done;
		if (to_iov)
			memcpy(p + skip, (char *)buf + done, l);
		else
			memcpy((char *)buf + done, p + skip, l);
		done += l;
		skip = 0;
	}
	return done;
}

size_t iov_copy_from(const struct iovec *iov, unsigned int n, size_t skip,
		     void *buf, size_t len)
{
	return iov_copy(iov, n, skip, buf, len, false);
}

size_t iov_copy_to(const struct iovec *iov, unsigned int n, size_t skip,
		   const void *buf, size_t len)
{
	return iov_copy(iov, n, skip, (void *)buf, len, true);
}

size_t iov_total(const struct iovec *iov, unsigned int n)
{
	size_t len = 0;

	for (unsigned int i = 0; i < n; i++)
		len += iov[i].iov_len;	/* each inside guest memory: no overflow */
	return len;
}

unsigned int iov_slice(const struct iovec *src, unsigned int n, size_t skip, size_t len,
		       struct iovec *dst, unsigned int max)
{
	unsigned int out = 0;

	for (unsigned int i = 0; i < n && len && out < max; i++) {
		size_t l = src[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		l -= skip;
		if (l > len)
			l = len;
		dst[out].iov_base = (uint8_t *)src[i].iov_base + skip;
		dst[out++].iov_len = l;
		len -= l;
		skip = 0;
	}
	return out;
}
