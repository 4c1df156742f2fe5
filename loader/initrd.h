/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The initial ramdisk: checked before forking (so errors are immediate),
 * copied into the top of guest memory by the child.
 */
#ifndef XLIBOS_LOADER_INITRD_H
#define XLIBOS_LOADER_INITRD_H

#include <stdbool.h>
#include <stdint.h>

/* Room the kernel needs above its image besides the initrd. */
#define XLIBOS_KERNEL_HEADROOM (UINT64_C(16) << 20)

struct initrd {
	const char *path;
	int fd;			/* O_CLOEXEC; closed after copying */
	uint64_t size;		/* bytes */
	uint64_t phys;		/* guest physical address, page aligned */
};

/*
 * Where an initrd of size bytes goes in a guest of phys_size bytes whose
 * image ends at image_end: the highest page-aligned address such that it
 * ends at or below phys_size.  Returns false if that would leave less than
 * XLIBOS_KERNEL_HEADROOM between the image and the initrd.
 */
bool initrd_place(uint64_t phys_size, uint64_t image_end, uint64_t size,
		  uint64_t *phys);

/*
 * The smallest guest memory, rounded up to whole MiB, that holds an image
 * ending at image_end and an initrd of size bytes (inverse of initrd_place).
 */
uint64_t initrd_min_mem(uint64_t image_end, uint64_t size);

/* Open, size and place the initrd; prints a message on failure. */
bool initrd_open(const char *path, uint64_t phys_size, const char *mem_arg,
		 uint64_t image_end, struct initrd *rd);

/* Copy the initrd into guest memory (child side) and close the file. */
bool initrd_load(struct initrd *rd);

void initrd_close(struct initrd *rd);

#endif
