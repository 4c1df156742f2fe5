// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile guest "driver": a program inside the container that writes
 * straight into the virtio port page of a device (it is ordinary guest
 * memory, mapped in its own host process like all of the LibOS) and into
 * virtqueues it builds itself, the way an attacker who owns the LibOS would.
 * The back end in the supervisor must stop the device with one message,
 * never crash, hang, or touch anything but guest memory and its own file.
 *
 * usage: virtio_hostile DEVICE_INDEX ATTACK WAKE_ADDRESS
 * WAKE_ADDRESS is the LibOS's xlibos_futex_wake (nm of the image): the
 * program calls it to ring the back end's doorbell, as an attacker who
 * jumps into the hypercall layer would (a guest futex would not reach the
 * host).
 *   regs        garbage register requests (bad ops, offsets, sizes)
 *   ring-out    queue rings outside guest memory
 *   desc-out    a descriptor whose buffer lies past guest memory
 *   desc-loop   a descriptor chain that loops
 *   avail-jump  an available index far ahead of the ring
 *   indirect    an indirect descriptor (never offered)
 *   wild-sector a read far past the end of the disk (an I/O error, not a stop)
 * Prints "broken=N status=S" (S: the request's status byte, or -1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "virtio_port.h"

#define QSIZE 8

struct rings {
	struct vring_desc desc[QSIZE];
	struct { uint16_t flags, idx, ring[QSIZE], event; } avail;
	uint8_t pad[64];
	struct { uint16_t flags, idx; struct vring_used_elem ring[QSIZE]; uint16_t event; } used;
	struct virtio_blk_outhdr hdr;
	uint8_t data[512];
	uint8_t status;
} __attribute__((aligned(4096)));

/* Reset the device and give it queue 0 at our rings (or at @desc_override). */
static void setup_queue(struct rings *r, uint64_t base, uint64_t desc_override)
{
	memset(r, 0, sizeof(*r));
	queue_take(desc_override ? desc_override : base + offsetof(struct rings, desc),
		   base + offsetof(struct rings, avail), base + offsetof(struct rings, used),
		   QSIZE, 0);
}

/* A read request of one sector: header, data, status. */
static void read_request(struct rings *r, uint64_t base, uint64_t sector)
{
	r->hdr.type = VIRTIO_BLK_T_IN;
	r->hdr.sector = sector;
	r->status = 0xee;
	r->desc[0] = (struct vring_desc){ base + offsetof(struct rings, hdr), sizeof(r->hdr),
					  VRING_DESC_F_NEXT, 1 };
	r->desc[1] = (struct vring_desc){ base + offsetof(struct rings, data), 512,
					  VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2 };
	r->desc[2] = (struct vring_desc){ base + offsetof(struct rings, status), 1,
					  VRING_DESC_F_WRITE, 0 };
}

static void post(struct rings *r, uint16_t head, uint16_t new_idx)
{
	r->avail.ring[0] = head;
	__atomic_store_n(&r->avail.idx, new_idx, __ATOMIC_RELEASE);
	__atomic_fetch_or(&port->notify, 1, __ATOMIC_SEQ_CST);
	ring();
	for (int i = 0; i < 500 && !port->broken &&
	     __atomic_load_n(&r->used.idx, __ATOMIC_ACQUIRE) == 0; i++)
		usleep(1000);
}

int main(int argc, char **argv)
{
	struct rings *r;
	uint64_t base;
	const char *attack;

	if (argc != 4)
		return 2;
	port_attach((unsigned int)atoi(argv[1]), argv[3]);
	attack = argv[2];
	r = aligned_alloc(4096, sizeof(*r));
	if (!r || mlock(r, sizeof(*r)) != 0)
		return 2;
	memset(r, 0, sizeof(*r));
	base = phys_of(r);
	if (phys_of((uint8_t *)r + sizeof(*r) - 1) != base + sizeof(*r) - 1) {
		fprintf(stderr, "rings not physically contiguous\n");
		return 2;
	}

	if (!strcmp(attack, "regs")) {
		srand(1);
		for (int i = 0; i < 2000; i++)
			reg((uint32_t)rand() % 4, (uint32_t)rand(), (uint32_t)rand() % 10,
			    ((uint64_t)rand() << 32) | (uint32_t)rand());
		/* The device still answers its magic, or says it is stopped. */
		printf("magic=%llx\n", (unsigned long long)
		       (uint32_t)reg(XLIBOS_VIRTIO_OP_READ, VIRTIO_MMIO_MAGIC_VALUE, 4, 0));
	} else if (!strcmp(attack, "ring-out")) {
		setup_queue(r, base, 1ULL << 46);
	} else {
		setup_queue(r, base, 0);
		read_request(r, base, 0);
		if (!strcmp(attack, "desc-out"))
			r->desc[1].addr = 1ULL << 45;
		else if (!strcmp(attack, "desc-loop"))
			r->desc[2] = (struct vring_desc){ r->desc[2].addr, 1,
							  VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1 };
		else if (!strcmp(attack, "indirect"))
			r->desc[0].flags |= VRING_DESC_F_INDIRECT;
		else if (!strcmp(attack, "wild-sector"))
			r->hdr.sector = 1ULL << 60;
		else if (strcmp(attack, "avail-jump"))
			return 2;
		post(r, 0, !strcmp(attack, "avail-jump") ? 40000 : 1);
	}
	printf("broken=%u status=%d\n", __atomic_load_n(&port->broken, __ATOMIC_ACQUIRE),
	       __atomic_load_n(&r->used.idx, __ATOMIC_ACQUIRE) ? r->status : -1);
	return 0;
}
