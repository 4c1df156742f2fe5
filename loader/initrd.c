// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "initrd.h"
#include "physmem.h"
#include "safe_open.h"
#include "size.h"

#define PAGE_MASK_4K (UINT64_C(4096) - 1)

bool initrd_place(uint64_t phys_size, uint64_t image_end, uint64_t size,
		  uint64_t *phys)
{
	uint64_t kernel_end;

	if (size > phys_size || image_end > phys_size)
		return false;
	kernel_end = (image_end + PAGE_MASK_4K) & ~PAGE_MASK_4K;

	/* Top of memory keeps it clear of the kernel's early allocations. */
	uint64_t at = (phys_size - size) & ~PAGE_MASK_4K;

	if (at < kernel_end || at - kernel_end < XLIBOS_KERNEL_HEADROOM)
		return false;
	*phys = at;
	return true;
}

uint64_t initrd_min_mem(uint64_t image_end, uint64_t size)
{
	const uint64_t mib = UINT64_C(1) << 20;
	uint64_t want = ((image_end + PAGE_MASK_4K) & ~PAGE_MASK_4K) + XLIBOS_KERNEL_HEADROOM +
			((size + PAGE_MASK_4K) & ~PAGE_MASK_4K);

	/* Rounded up to what people type. */
	return (want + mib - 1) / mib * mib;
}

bool initrd_open(const char *path, uint64_t phys_size, const char *mem_arg,
		 uint64_t image_end, struct initrd *rd)
{
	struct stat st;

	*rd = (struct initrd){ .path = path, .fd = -1 };
	/* A FIFO or device is refused without being opened: no hang. */
	rd->fd = open_regular_file(path, &st);
	if (rd->fd < 0) {
		if (st.st_mode)
			diag_error("initrd '%s': not a regular file", path);
		else
			diag_error("initrd '%s': cannot open: %s", path, strerror(errno));
		return false;
	}
	if (st.st_size == 0) {
		diag_error("initrd '%s': file is empty", path);
		goto fail;
	}
	rd->size = (uint64_t)st.st_size;
	if (!initrd_place(phys_size, image_end, rd->size, &rd->phys)) {
		char need[SIZE_FORMAT_MAX];
		uint64_t want = initrd_min_mem(image_end, rd->size);

		diag_error("initrd '%s' (%" PRIu64 " bytes) does not fit in --mem %s next to the kernel (needs at least %s)",
			   path, rd->size, mem_arg, size_format(want, need, sizeof(need)));
		goto fail;
	}
	return true;
fail:
	initrd_close(rd);
	return false;
}

bool initrd_load(struct initrd *rd)
{
	bool ok = physmem_read_file(rd->fd, 0, physmem_ptr(rd->phys), rd->size);

	if (!ok)
		diag_error("initrd '%s': cannot read: %s", rd->path,
			   errno == ENODATA ? "file changed while loading" : strerror(errno));
	initrd_close(rd);
	return ok;
}

void initrd_close(struct initrd *rd)
{
	if (rd->fd >= 0)
		close(rd->fd);
	rd->fd = -1;
}
