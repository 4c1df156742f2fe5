// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "exit_status.h"
#include "initrd.h"
#include "rootfs_mem.h"
#include "size.h"

#define PAGE UINT64_C(4096)
#define MIB (UINT64_C(1) << 20)

/*
 * The model, from Linux 6.1 (mm/shmem.c, init/initramfs.c, FLATMEM) and
 * measured on the xlibos kernel (see tests/storage/pack_estimate.sh):
 * - the kernel counts as RAM (totalram) guest memory minus its image, its
 *   mem_map (a 64-byte struct page per 4 KiB page, 1/64 of memory), the
 *   archive (reserved where the loader put it) and a few early tables;
 * - the root tmpfs is mounted before unpacking with half of that RAM in
 *   blocks and as many inodes: every file takes whole pages, every entry
 *   an inode, a symlink of 128 bytes or more a page;
 * - besides, the kernel and the command need memory of their own: the
 *   16 MiB of XLIBOS_KERNEL_HEADROOM, which decides for trees under 16 MiB.
 * The minimum leaves the root tmpfs full: what the container writes there
 * needs twice as much more --mem.
 */
#define MEM_MAP_SHARE 64
/*
 * Early memblock tables (dentry and inode hashes, percpu, page tables):
 * measured 0-18 MiB beyond the model from 64M to 40000M (0.05% at most).
 * Allowed: 1 MiB plus 1/512 of guest memory.
 */
#define EARLY_RESERVED MIB
#define EARLY_SHARE 512
/* Slab per unpacked entry (inode, dentry, page-cache index): ~1.1 KiB measured. */
#define SLAB_PER_ENTRY UINT64_C(1536)
/* shmem keeps shorter symlink targets (with their NUL) in the inode. */
#define SHORT_SYMLINK_LEN 128

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

static uint64_t pages_of(uint64_t bytes)
{
	return bytes / PAGE + (bytes % PAGE != 0);
}

void rootfs_mem_add(struct rootfs_mem *m, mode_t mode, uint64_t size)
{
	m->entries = sat_add(m->entries, 1);
	if (S_ISREG(mode)) {
		m->file_bytes = sat_add(m->file_bytes, size);
		m->pages = sat_add(m->pages, pages_of(size));
	} else if (S_ISLNK(mode)) {
		m->file_bytes = sat_add(m->file_bytes, size);
		if (size + 1 > SHORT_SYMLINK_LEN)
			m->pages = sat_add(m->pages, 1);
	}
}

uint64_t rootfs_mem_needed(const struct rootfs_mem *m, uint64_t image_end)
{
	/* The tmpfs's own root inode besides the entries. */
	uint64_t inodes = sat_add(m->entries, 1);
	uint64_t tmpfs_pages = m->pages > inodes ? m->pages : inodes;
	uint64_t for_tmpfs = sat_mul(sat_mul(tmpfs_pages, PAGE), 2);
	uint64_t for_use = sat_add(sat_add(sat_mul(m->pages, PAGE),
					   sat_mul(m->entries, SLAB_PER_ENTRY)),
				   XLIBOS_KERNEL_HEADROOM);
	uint64_t ram = for_tmpfs > for_use ? for_tmpfs : for_use;
	uint64_t reserved = sat_add(sat_add(sat_mul(pages_of(image_end), PAGE),
					    sat_mul(pages_of(m->archive), PAGE)),
				    EARLY_RESERVED);
	uint64_t counted = sat_add(ram, reserved);
	/*
	 * counted is what is left of total once mem_map took 1/64 and the
	 * early tables 1/512: total = counted * 512 / (512 - 8 - 1).
	 */
	uint64_t kept = EARLY_SHARE - EARLY_SHARE / MEM_MAP_SHARE - 1;
	uint64_t total = sat_add(counted, sat_mul(counted / kept + 1, EARLY_SHARE - kept));

	/* Whole MiB: that is what people type. */
	return total > UINT64_MAX - MIB ? UINT64_MAX / MIB * MIB : (total + MIB - 1) / MIB * MIB;
}

static uint64_t mib_up(uint64_t bytes)
{
	return bytes / MIB + (bytes % MIB != 0);
}

bool rootfs_mem_place(const struct rootfs_mem *m, int fd, uint64_t mem_size,
		      const char *mem_arg, uint64_t image_end, const char *extra_cmdline,
		      struct initrd *rd)
{
	uint64_t needed = rootfs_mem_needed(m, image_end);
	char need[SIZE_FORMAT_MAX];

	*rd = (struct initrd){ .path = "packed rootfs", .fd = fd, .size = m->archive };
	if (needed <= mem_size && initrd_place(mem_size, image_end, m->archive, &rd->phys)) {
		/* The loader packs an init: if it is missing, the unpacking ran out of room. */
		if (!extra_cmdline || !strstr(extra_cmdline, "rdinit="))
			exit_status_run_packed(mem_arg);
		return true;
	}
	diag_error("rootfs (%" PRIu64 " MiB in files, %" PRIu64 " MiB in memory) does not fit in --mem %s (needs at least %s)",
		   mib_up(m->file_bytes), mib_up(sat_mul(m->pages, PAGE)), mem_arg,
		   size_format(needed, need, sizeof(need)));
	initrd_close(rd);
	return false;
}
