/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * virtio-mmio devices of the LibOS, shared by the kernel
 * (arch-xlibos/kernel/virtio.c) and the device back ends in the loader's
 * supervisor (loader/virtio/), which run outside the container's sandbox.
 *
 * Each device has a register window of XLIBOS_VIRTIO_WINDOW bytes at
 * guest physical address XLIBOS_VIRTIO_MMIO_PHYS + i * XLIBOS_VIRTIO_WINDOW:
 * not memory, but an address the kernel's readl()/writel() recognise.  An
 * access becomes a request in the device's port (one page of guest RAM in
 * the device area at XLIBOS_VIRTIO_AREA_PHYS), and the back end answers
 * it; except the data path, which never waits for the back end:
 *   - QueueNotify is posted: a bit in @notify and a doorbell;
 *   - InterruptStatus and InterruptACK are the port's @isr word.
 * Queues, descriptors and buffers are ordinary guest RAM, addressed by
 * guest physical address (no VIRTIO_F_ACCESS_PLATFORM).
 *
 * The back end tells the guest about completions by setting the device's
 * bit in the area header's @irq_pending and waking that futex word; a
 * LibOS host thread turns it into the device's interrupt line.
 *
 * Everything here is guest memory: the back end trusts none of it.
 */
#ifndef _UAPI_ASM_XLIBOS_VIRTIO_H
#define _UAPI_ASM_XLIBOS_VIRTIO_H

#include <linux/types.h>

#define XLIBOS_VIRTIO_MMIO_PHYS	0x10000000000ULL	/* after the largest RAM */
#define XLIBOS_VIRTIO_WINDOW	0x1000ULL
/* Host virtual address the kernel's ioremap() gives for the windows. */
#define XLIBOS_VIRTIO_MMIO_VIRT	0x7e0000000000ULL

/* The device area: a header page, then one port page per device. */
#define XLIBOS_VIRTIO_AREA_PHYS	0x100000ULL
#define XLIBOS_VIRTIO_MAX_DEVICES	16
#define XLIBOS_VIRTIO_FIRST_IRQ	8	/* device i raises line FIRST_IRQ + i */

#define XLIBOS_VIRTIO_AREA_MAGIC	0x41564958U	/* "XIVA" */
#define XLIBOS_VIRTIO_PORT_MAGIC	0x50564958U	/* "XIVP" */

/* Register access ops in a port's request. */
#define XLIBOS_VIRTIO_OP_READ	1
#define XLIBOS_VIRTIO_OP_WRITE	2

struct xlibos_virtio_area {
	__u32 magic;		/* XLIBOS_VIRTIO_AREA_MAGIC, by the loader */
	__u32 ndevices;		/* ports that follow, by the loader */
	__u32 irq_pending;	/* futex word: bit i = device i has completions */
	__u32 reserved;
};

struct xlibos_virtio_port {
	__u32 magic;		/* XLIBOS_VIRTIO_PORT_MAGIC, by the loader */
	__u32 device_id;	/* virtio device type, by the loader */
	__u32 irq;		/* guest interrupt line, by the loader */
	/* futex word the back end sleeps on; the guest bumps it */
	__u32 doorbell;
	__u32 backend_waiting;	/* the back end sleeps: wake the doorbell */
	/* A register access: the guest fills it, bumps req_seq, rings. */
	__u32 req_seq;
	__u32 req_op;		/* XLIBOS_VIRTIO_OP_* */
	__u32 req_offset;	/* in the register window */
	__u32 req_size;		/* 1, 2, 4 (8 is two accesses) */
	__u32 reserved0;
	__u64 req_value;	/* written value */
	/* The answer: ack_seq = req_seq once done (the guest waits on it). */
	__u32 ack_seq;
	__u32 reserved1;
	__u64 ack_value;	/* read value */
	__u32 notify;		/* posted QueueNotify: bit n = queue n */
	__u32 isr;		/* InterruptStatus, acknowledged by the guest */
	__u32 broken;		/* the back end gave up on the device */
	__u32 reserved2;
};

#endif /* _UAPI_ASM_XLIBOS_VIRTIO_H */
