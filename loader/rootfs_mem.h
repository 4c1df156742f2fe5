/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest memory a packed rootfs needs: the kernel unpacks the archive into
 * its root tmpfs, which rounds every file up to whole pages, takes one
 * inode per entry and may fill only half of the RAM the kernel counts,
 * while the archive itself stays reserved until the unpacking ends.
 */
#ifndef XLIBOS_LOADER_ROOTFS_MEM_H
#define XLIBOS_LOADER_ROOTFS_MEM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct initrd;

/* What the walk saw; saturating counts (a hostile tree cannot wrap them). */
struct rootfs_mem {
	uint64_t file_bytes;	/* data of regular files and symlinks */
	uint64_t pages;		/* tmpfs pages: each file rounded up to a page */
	uint64_t entries;	/* archive entries: one tmpfs inode each */
	uint64_t archive;	/* bytes of the archive */
};

/* One archive entry of type mode (S_IFREG, ...) with size bytes of data. */
void rootfs_mem_add(struct rootfs_mem *m, mode_t mode, uint64_t size);

/*
 * The smallest guest memory, in whole MiB, in which a kernel image ending
 * at image_end unpacks the archive m describes and still runs a command.
 */
uint64_t rootfs_mem_needed(const struct rootfs_mem *m, uint64_t image_end);

/*
 * Place the archive (fd, m->archive bytes) as the initrd of a guest of
 * mem_size bytes.  If it does not fit, prints "rootfs (N MiB in files,
 * M MiB in memory) does not fit in --mem X (needs at least Y)", closes fd
 * and returns false.  On success, a guest panic for a missing init is
 * from then on reported as the rootfs not fitting (exit_status.h), unless
 * the user's own cmdline names another initramfs init (rdinit=).
 */
bool rootfs_mem_place(const struct rootfs_mem *m, int fd, uint64_t mem_size,
		      const char *mem_arg, uint64_t image_end, const char *extra_cmdline,
		      struct initrd *rd);

#endif
