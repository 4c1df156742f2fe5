/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_IO_H
#define _ASM_XLIBOS_IO_H

#include <linux/types.h>
#include <asm/xlibos_virtio.h>

/*
 * Device memory is the register windows of virtio-mmio devices, which
 * ioremap() places at XLIBOS_VIRTIO_MMIO_VIRT: accesses there become
 * requests to the device's back end (kernel/virtio.c); any other address
 * is plain memory.
 */
void __iomem *ioremap(phys_addr_t phys, size_t size);
#define ioremap ioremap
void iounmap(volatile void __iomem *addr);
#define iounmap iounmap

u64 xlibos_virtio_read(const volatile void __iomem *addr, unsigned int size);
void xlibos_virtio_write(volatile void __iomem *addr, u64 value,
			 unsigned int size);

static inline bool xlibos_is_virtio_window(const volatile void __iomem *addr)
{
	return (unsigned long)addr - XLIBOS_VIRTIO_MMIO_VIRT <
	       XLIBOS_VIRTIO_MAX_DEVICES * XLIBOS_VIRTIO_WINDOW;
}

#define XLIBOS_RAW_ACCESSORS(sfx, type)					\
static inline type __raw_read##sfx(const volatile void __iomem *addr)	\
{									\
	if (xlibos_is_virtio_window(addr))				\
		return (type)xlibos_virtio_read(addr, sizeof(type));	\
	return *(const volatile type __force *)addr;			\
}									\
static inline void __raw_write##sfx(type value, volatile void __iomem *addr) \
{									\
	if (xlibos_is_virtio_window(addr)) {				\
		xlibos_virtio_write(addr, value, sizeof(type));		\
		return;							\
	}								\
	*(volatile type __force *)addr = value;				\
}

XLIBOS_RAW_ACCESSORS(b, u8)
XLIBOS_RAW_ACCESSORS(w, u16)
XLIBOS_RAW_ACCESSORS(l, u32)
XLIBOS_RAW_ACCESSORS(q, u64)
#undef XLIBOS_RAW_ACCESSORS

#define __raw_readb __raw_readb
#define __raw_readw __raw_readw
#define __raw_readl __raw_readl
#define __raw_readq __raw_readq
#define __raw_writeb __raw_writeb
#define __raw_writew __raw_writew
#define __raw_writel __raw_writel
#define __raw_writeq __raw_writeq

#include <asm-generic/io.h>

#endif /* _ASM_XLIBOS_IO_H */
