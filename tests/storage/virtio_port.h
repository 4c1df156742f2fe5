/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the hostile-driver test programs: drive a virtio device's port page
 * (asm/xlibos_virtio.h) from inside the guest, as an attacker who owns the
 * LibOS would.  A guest futex would not reach the host, so the doorbell is
 * rung by calling the LibOS's own xlibos_futex_wake (its address is an
 * argument of the programs, from nm of the image).
 */
#ifndef XLIBOS_TESTS_VIRTIO_PORT_H
#define XLIBOS_TESTS_VIRTIO_PORT_H

#include <linux/virtio_mmio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <asm/xlibos_boot.h>
#include <asm/xlibos_virtio.h>

static struct xlibos_virtio_port *port;
static long (*host_futex_wake)(uint32_t *word, int nr);

/* Device @dev's port, and the LibOS's wake function at hex @wake; exits 2 if none. */
static void port_attach(unsigned int dev, const char *wake)
{
	uint8_t *area = (uint8_t *)(uintptr_t)(XLIBOS_PHYS_VIRT + XLIBOS_VIRTIO_AREA_PHYS);

	if (((struct xlibos_virtio_area *)area)->magic != XLIBOS_VIRTIO_AREA_MAGIC ||
	    dev >= ((struct xlibos_virtio_area *)area)->ndevices) {
		fprintf(stderr, "no device %u\n", dev);
		exit(2);
	}
	port = (struct xlibos_virtio_port *)(area + 4096 * (1 + dev));
	host_futex_wake = (long (*)(uint32_t *, int))(uintptr_t)strtoull(wake, NULL, 16);
}

static void ring(void)
{
	__atomic_fetch_add(&port->doorbell, 1, __ATOMIC_SEQ_CST);
	host_futex_wake(&port->doorbell, 1);
}

/* One register access; gives up after a second (a stopped device). */
static uint64_t reg(uint32_t op, uint32_t off, uint32_t size, uint64_t val)
{
	uint32_t seq = port->req_seq + 1;

	port->req_op = op;
	port->req_offset = off;
	port->req_size = size;
	port->req_value = val;
	__atomic_store_n(&port->req_seq, seq, __ATOMIC_RELEASE);
	ring();
	for (int i = 0; i < 1000; i++) {
		if (__atomic_load_n(&port->ack_seq, __ATOMIC_ACQUIRE) == seq)
			return port->ack_value;
		usleep(1000);
	}
	return ~0ULL;
}

static void wr(uint32_t off, uint32_t v)
{
	reg(XLIBOS_VIRTIO_OP_WRITE, off, 4, v);
}

/* Guest physical address of a page of ours (root may read pagemap). */
static uint64_t phys_of(const void *p)
{
	uint64_t entry;
	FILE *f = fopen("/proc/self/pagemap", "r");

	if (!f || fseek(f, (long)((uintptr_t)p / 4096 * 8), SEEK_SET) || fread(&entry, 8, 1, f) != 1 ||
	    !(entry & (1ULL << 63)) || !(entry & ((1ULL << 55) - 1))) {
		fprintf(stderr, "pagemap: no frame\n");
		exit(2);
	}
	fclose(f);
	return (entry & ((1ULL << 55) - 1)) * 4096 + (uintptr_t)p % 4096;
}

/* Reset the device and make queue 0 (@num entries) ours, features VERSION_1 + @low. */
static void queue_take(uint64_t desc, uint64_t avail, uint64_t used, uint32_t num, uint32_t low)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, 1 | 2);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VIRTIO_F_VERSION_1 */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, low);
	wr(VIRTIO_MMIO_STATUS, 1 | 2 | 8);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(avail >> 32));
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
	wr(VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(used >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, 1 | 2 | 8 | 4);
}

#endif
