// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio devices served by back ends outside the LibOS
 * (asm/xlibos_virtio.h).  The loader describes them in the device area;
 * this file registers one "virtio-mmio" platform device each for Linux's
 * own driver, turns readl()/writel() on their register windows into
 * requests to the back end, and runs the host thread that turns the back
 * ends' completion bits into interrupt lines.
 */
#include <linux/init.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/memblock.h>
#include <linux/platform_device.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/virtio_mmio.h>
#include <asm/hypercall.h>
#include <asm/xlibos.h>
#include <asm/xlibos_virtio.h>

#define DEVIRQ_THREAD_STACK	(16 * 1024)
/* A back end that does not answer a register access in this long is gone. */
#define BACKEND_TIMEOUT_NS	(10 * NSEC_PER_SEC)

static struct xlibos_virtio_area *area;
static unsigned int ndevices;
static DEFINE_SPINLOCK(port_lock);

static unsigned long devirq_stack[DEVIRQ_THREAD_STACK / sizeof(long)]
	__aligned(16);

/* Called from setup_memory(): keep the area out of the page allocator. */
void __init xlibos_virtio_reserve(void)
{
	struct xlibos_virtio_area *a = __va(XLIBOS_VIRTIO_AREA_PHYS);

	if (xlibos_boot.phys_size < XLIBOS_VIRTIO_AREA_PHYS + PAGE_SIZE ||
	    READ_ONCE(a->magic) != XLIBOS_VIRTIO_AREA_MAGIC)
		return;
	ndevices = min_t(u32, READ_ONCE(a->ndevices), XLIBOS_VIRTIO_MAX_DEVICES);
	area = a;
	memblock_reserve(XLIBOS_VIRTIO_AREA_PHYS, (1 + ndevices) * PAGE_SIZE);
}

static struct xlibos_virtio_port *port_of(unsigned int dev)
{
	return (void *)area + (1 + dev) * PAGE_SIZE;
}

void __iomem *ioremap(phys_addr_t phys, size_t size)
{
	u64 off = phys - XLIBOS_VIRTIO_MMIO_PHYS;

	if (phys < XLIBOS_VIRTIO_MMIO_PHYS || off + size < off ||
	    off + size > (u64)ndevices * XLIBOS_VIRTIO_WINDOW)
		return NULL;
	return (void __iomem *)(XLIBOS_VIRTIO_MMIO_VIRT + off);
}
EXPORT_SYMBOL(ioremap);

void iounmap(volatile void __iomem *addr)
{
}
EXPORT_SYMBOL(iounmap);

static void ring_doorbell(struct xlibos_virtio_port *port)
{
	__atomic_fetch_add(&port->doorbell, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&port->backend_waiting, __ATOMIC_SEQ_CST))
		xlibos_futex_wake(&port->doorbell, 1);
}

/* One register access through the port; ~0 once the back end is gone. */
static u64 port_request(struct xlibos_virtio_port *port, u32 op, u32 offset,
			u32 size, u64 value)
{
	u64 deadline = xlibos_host_monotonic_ns() + BACKEND_TIMEOUT_NS;
	struct __kernel_timespec abs = {
		.tv_sec = deadline / NSEC_PER_SEC,
		.tv_nsec = deadline % NSEC_PER_SEC,
	};
	unsigned long flags;
	u32 seq;
	u64 ret;

	spin_lock_irqsave(&port_lock, flags);
	if (READ_ONCE(port->broken)) {
		ret = ~0ULL;
		goto out;
	}
	port->req_op = op;
	port->req_offset = offset;
	port->req_size = size;
	port->req_value = value;
	seq = port->req_seq + 1;
	__atomic_store_n(&port->req_seq, seq, __ATOMIC_RELEASE);
	ring_doorbell(port);
	for (;;) {
		u32 ack = __atomic_load_n(&port->ack_seq, __ATOMIC_ACQUIRE);

		if (ack == seq) {
			ret = READ_ONCE(port->ack_value);
			break;
		}
		if (xlibos_futex_wait(&port->ack_seq, ack, &abs) == -ETIMEDOUT) {
			pr_err("xlibos: virtio device back end does not answer\n");
			WRITE_ONCE(port->broken, 1);
			ret = ~0ULL;
			break;
		}
	}
out:
	spin_unlock_irqrestore(&port_lock, flags);
	return ret;
}

u64 xlibos_virtio_read(const volatile void __iomem *addr, unsigned int size)
{
	u64 off = (unsigned long)addr - XLIBOS_VIRTIO_MMIO_VIRT;
	struct xlibos_virtio_port *port = port_of(off / XLIBOS_VIRTIO_WINDOW);
	u32 reg = off % XLIBOS_VIRTIO_WINDOW;

	/* The interrupt path never waits for the back end. */
	if (reg == VIRTIO_MMIO_INTERRUPT_STATUS)
		return __atomic_load_n(&port->isr, __ATOMIC_ACQUIRE);
	if (size == 8)
		return port_request(port, XLIBOS_VIRTIO_OP_READ, reg, 4, 0) |
		       port_request(port, XLIBOS_VIRTIO_OP_READ, reg + 4, 4, 0)
		       << 32;
	return port_request(port, XLIBOS_VIRTIO_OP_READ, reg, size, 0);
}
EXPORT_SYMBOL(xlibos_virtio_read);

void xlibos_virtio_write(volatile void __iomem *addr, u64 value,
			 unsigned int size)
{
	u64 off = (unsigned long)addr - XLIBOS_VIRTIO_MMIO_VIRT;
	struct xlibos_virtio_port *port = port_of(off / XLIBOS_VIRTIO_WINDOW);
	u32 reg = off % XLIBOS_VIRTIO_WINDOW;

	switch (reg) {
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/* Posted: the queue's bit and a doorbell, no answer awaited. */
		if (value < 32) {
			__atomic_fetch_or(&port->notify, 1U << value,
					  __ATOMIC_SEQ_CST);
			ring_doorbell(port);
		}
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		__atomic_fetch_and(&port->isr, ~(u32)value, __ATOMIC_SEQ_CST);
		return;
	}
	if (size == 8) {
		port_request(port, XLIBOS_VIRTIO_OP_WRITE, reg, 4, (u32)value);
		port_request(port, XLIBOS_VIRTIO_OP_WRITE, reg + 4, 4,
			     value >> 32);
		return;
	}
	port_request(port, XLIBOS_VIRTIO_OP_WRITE, reg, size, value);
}
EXPORT_SYMBOL(xlibos_virtio_write);

/* Host thread: completion bits from the back ends -> interrupt lines. */
static void __noreturn devirq_thread(void *unused)
{
	xlibos_host_signals_block();
	for (;;) {
		u32 bits = __atomic_exchange_n(&area->irq_pending, 0,
					       __ATOMIC_ACQ_REL);

		if (!bits) {
			xlibos_futex_wait(&area->irq_pending, 0, NULL);
			continue;
		}
		while (bits) {
			unsigned int dev = __ffs(bits);

			bits &= ~(1U << dev);
			if (dev < ndevices)
				xlibos_raise_irq(XLIBOS_VIRTIO_FIRST_IRQ + dev);
		}
	}
}

static int __init xlibos_virtio_init(void)
{
	unsigned int i;
	long tid;

	if (!area || !ndevices)
		return 0;
	tid = xlibos_host_clone(XLIBOS_HOST_THREAD_FLAGS,
				(unsigned long)devirq_stack +
				sizeof(devirq_stack), devirq_thread, NULL);
	if (tid < 0) {
		pr_err("xlibos: cannot start the device interrupt thread (%ld)\n",
		       tid);
		return 0;
	}
	for (i = 0; i < ndevices; i++) {
		u64 base = XLIBOS_VIRTIO_MMIO_PHYS + i * XLIBOS_VIRTIO_WINDOW;
		struct resource res[2] = {
			DEFINE_RES_MEM(base, XLIBOS_VIRTIO_WINDOW),
			DEFINE_RES_IRQ(XLIBOS_VIRTIO_FIRST_IRQ + i),
		};
		struct platform_device *pdev;

		if (READ_ONCE(port_of(i)->magic) != XLIBOS_VIRTIO_PORT_MAGIC)
			continue;
		pdev = platform_device_register_simple("virtio-mmio", i, res,
						       ARRAY_SIZE(res));
		if (IS_ERR(pdev))
			pr_err("xlibos: virtio device %u: %ld\n", i,
			       PTR_ERR(pdev));
	}
	return 0;
}
arch_initcall(xlibos_virtio_init);
