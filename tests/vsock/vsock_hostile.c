// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile guest against the vsock back end: a program inside the
 * container takes the vsock device over from Linux's driver (its port page
 * is ordinary guest memory), builds its own receive and transmit queues
 * and sends what no Linux driver would.  See tests/storage/virtio_port.h
 * for the doorbell trick (WAKE_ADDRESS is the LibOS's xlibos_futex_wake).
 *
 * usage: vsock_hostile WAKE_ADDRESS ATTACK
 *   garbage    5000 random packets (half with the right CIDs, random ops,
 *              lengths, ports), then a REQUEST to the host: the device goes
 *              on and answers the REQUEST with a RST
 *   loop       a transmit descriptor chain that loops (the device stops)
 *   readable   a receive buffer the device could only read (the device stops)
 * Prints PASS/FAIL lines, then "broken=N".
 */
#define _GNU_SOURCE
#include <endian.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_vsock.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Its queue_take() sets up queue 0 only: ours are below. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "../storage/virtio_port.h"

#define QSIZE	64
#define NBUF	64
#define HDR	((uint32_t)sizeof(struct virtio_vsock_hdr))

/* One queue: three pages of ours (no need for them to be contiguous). */
struct queue {
	struct vring_desc *desc;
	struct { uint16_t flags, idx, ring[QSIZE], event; } *avail;
	struct { uint16_t flags, idx; struct vring_used_elem ring[QSIZE]; uint16_t event; } *used;
	uint8_t *buf[NBUF];
	uint64_t buf_phys[NBUF];
	uint16_t avail_idx, used_seen;
};

static struct queue q[2];	/* rx, tx */

static void *page(void)
{
	void *p = aligned_alloc(4096, 4096);

	if (!p || mlock(p, 4096))
		exit(2);
	memset(p, 0, 4096);
	return p;
}

static void queue_init(unsigned int n)
{
	struct queue *x = &q[n];

	x->desc = page();
	x->avail = page();
	x->used = page();
	for (int i = 0; i < NBUF; i++) {
		x->buf[i] = page();
		x->buf_phys[i] = phys_of(x->buf[i]);
	}
	wr(VIRTIO_MMIO_QUEUE_SEL, n);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)phys_of(x->desc));
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(phys_of(x->desc) >> 32));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)phys_of(x->avail));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(phys_of(x->avail) >> 32));
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)phys_of(x->used));
	wr(VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(phys_of(x->used) >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

/* Reset the device, take rx and tx (the event queue stays unset). */
static void take_over(void)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, 1 | 2);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VIRTIO_F_VERSION_1 */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	wr(VIRTIO_MMIO_STATUS, 1 | 2 | 8);
	queue_init(0);
	queue_init(1);
	wr(VIRTIO_MMIO_STATUS, 1 | 2 | 8 | 4);
}

static void kick(unsigned int n)
{
	__atomic_fetch_or(&port->notify, 1U << n, __ATOMIC_SEQ_CST);
	ring();
}

/* Make descriptor @d (buffer @d) available on queue @n as a chain of one or two. */
static void make_avail(unsigned int n, uint16_t head)
{
	struct queue *x = &q[n];

	x->avail->ring[x->avail_idx % QSIZE] = head;
	__atomic_store_n(&x->avail->idx, ++x->avail_idx, __ATOMIC_RELEASE);
}

/* Receive buffers: every free descriptor pair (0..31 are rx's). */
static void post_rx(void)
{
	struct queue *x = &q[0];

	for (uint16_t i = 0; i < NBUF; i++) {
		x->desc[i] = (struct vring_desc){ x->buf_phys[i], 4096, VRING_DESC_F_WRITE, 0 };
		make_avail(0, i);
	}
	kick(0);
}

static int rx_rst;

/* Count the RSTs that came back, and give the buffers back to the device. */
static void drain_rx(void)
{
	struct queue *x = &q[0];

	while (x->used_seen != __atomic_load_n(&x->used->idx, __ATOMIC_ACQUIRE)) {
		struct vring_used_elem e = x->used->ring[x->used_seen % QSIZE];
		struct virtio_vsock_hdr h;

		x->used_seen++;
		if (e.id >= NBUF)
			continue;
		memcpy(&h, x->buf[e.id], HDR);
		if (le16toh(h.op) == VIRTIO_VSOCK_OP_RST && le64toh(h.src_cid) == 2)
			rx_rst++;
		make_avail(0, (uint16_t)e.id);
	}
	kick(0);
}

/* One packet on tx (header then payload descriptors); wait for it to be used. */
static int send_pkt(const struct virtio_vsock_hdr *h, uint32_t payload)
{
	struct queue *x = &q[1];
	uint16_t before = __atomic_load_n(&x->used->idx, __ATOMIC_ACQUIRE);

	memcpy(x->buf[0], h, HDR);
	x->desc[0] = (struct vring_desc){ x->buf_phys[0], HDR, payload ? VRING_DESC_F_NEXT : 0, 1 };
	x->desc[1] = (struct vring_desc){ x->buf_phys[1], payload, 0, 0 };
	make_avail(1, 0);
	kick(1);
	for (int i = 0; i < 2000 && !port->broken &&
	     __atomic_load_n(&x->used->idx, __ATOMIC_ACQUIRE) == before; i++)
		usleep(500);
	return __atomic_load_n(&x->used->idx, __ATOMIC_ACQUIRE) != before;
}

static void garbage(void)
{
	unsigned int seed = 42;
	int used = 0;

	post_rx();
	for (int i = 0; i < 4096; i++)
		q[1].buf[1][i] = (uint8_t)rand_r(&seed);
	for (int i = 0; i < 5000 && !port->broken; i++) {
		struct virtio_vsock_hdr h;
		uint32_t len = (uint32_t)rand_r(&seed) % 4096;

		for (unsigned int k = 0; k < HDR; k++)
			((uint8_t *)&h)[k] = (uint8_t)rand_r(&seed);
		if (rand_r(&seed) % 2) {
			h.src_cid = htole64(3);
			h.dst_cid = htole64(2);
			h.type = htole16(VIRTIO_VSOCK_TYPE_STREAM);
			h.op = htole16((uint16_t)(rand_r(&seed) % 10));
			h.dst_port = htole32((uint32_t)rand_r(&seed) % 4 + 1024);
			if (rand_r(&seed) % 2)
				h.len = htole32(h.op == htole16(VIRTIO_VSOCK_OP_RW) ? len : 0);
		}
		used += send_pkt(&h, len);
		drain_rx();
	}
	printf("%s 5000 random packets, %d used, the device going on\n",
	       used == 5000 && !port->broken ? "PASS" : "FAIL", used);
	{
		struct virtio_vsock_hdr h = {
			.src_cid = htole64(3), .dst_cid = htole64(2),
			.src_port = htole32(7777), .dst_port = htole32(1024),
			.type = htole16(VIRTIO_VSOCK_TYPE_STREAM),
			.op = htole16(VIRTIO_VSOCK_OP_REQUEST), .buf_alloc = htole32(65536),
		};
		int before;

		usleep(100000);
		drain_rx();
		before = rx_rst;
		send_pkt(&h, 0);
		for (int i = 0; i < 1000 && rx_rst == before; i++) {
			usleep(1000);
			drain_rx();
		}
		printf("%s a REQUEST to the host is answered with RST\n",
		       rx_rst > before ? "PASS" : "FAIL");
	}
}

int main(int argc, char **argv)
{
	uint8_t *area = (uint8_t *)(uintptr_t)(XLIBOS_PHYS_VIRT + XLIBOS_VIRTIO_AREA_PHYS);
	unsigned int dev, n;

	if (argc != 3)
		return 2;
	n = ((struct xlibos_virtio_area *)area)->ndevices;
	for (dev = 0; dev < n; dev++)
		if (((struct xlibos_virtio_port *)(area + 4096 * (1 + dev)))->device_id == VIRTIO_ID_VSOCK)
			break;
	port_attach(dev, argv[1]);	/* exits if there is none */
	take_over();
	if (!strcmp(argv[2], "garbage")) {
		garbage();
	} else if (!strcmp(argv[2], "loop")) {
		struct queue *x = &q[1];

		x->desc[0] = (struct vring_desc){ x->buf_phys[0], HDR, VRING_DESC_F_NEXT, 1 };
		x->desc[1] = (struct vring_desc){ x->buf_phys[1], 16, VRING_DESC_F_NEXT, 0 };
		make_avail(1, 0);
		kick(1);
	} else if (!strcmp(argv[2], "readable")) {
		q[0].desc[0] = (struct vring_desc){ q[0].buf_phys[0], 4096, 0, 0 };
		make_avail(0, 0);
		kick(0);
	} else {
		return 2;
	}
	for (int i = 0; i < 1000 && !port->broken && strcmp(argv[2], "garbage"); i++)
		usleep(1000);
	printf("broken=%u\n", __atomic_load_n(&port->broken, __ATOMIC_ACQUIRE));
	return 0;
}
