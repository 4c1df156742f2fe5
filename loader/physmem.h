/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest physical memory: one memfd mapped at XLIBOS_PHYS_VIRT.  The kernel
 * gets the fd too, so it can map the same pages elsewhere (user mappings).
 */
#ifndef XLIBOS_LOADER_PHYSMEM_H
#define XLIBOS_LOADER_PHYSMEM_H

#include <stdbool.h>
#include <stdint.h>

#include <asm/xlibos_boot.h>

#include "image.h"

/* Host address of guest physical address phys. */
static inline void *physmem_ptr(uint64_t phys)
{
	return (void *)(uintptr_t)(XLIBOS_PHYS_VIRT + phys);
}

/*
 * Create the memfd (returned in *fd), sized and sealed; the supervisor
 * does, so that its device back ends can map it too.  Prints a message
 * and returns false on failure.
 */
bool physmem_create(uint64_t size, int *fd);

/* The first host process: map it at XLIBOS_PHYS_VIRT. */
bool physmem_map(int fd, uint64_t size);

/* Huge pages for a mapping of guest memory, where the host gives them on request. */
void physmem_advise_huge(void *p, uint64_t size);

/* Copy the image's segments into place and make code executable. */
bool physmem_load_image(const struct image *img, int phys_fd);

/* read() exactly len bytes from fd at offset into dst; false on short file. */
bool physmem_read_file(int fd, uint64_t offset, void *dst, uint64_t len);

#endif
