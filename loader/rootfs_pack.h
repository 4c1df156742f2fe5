/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Turn a host directory into the initrd of "xlibos run": a newc archive
 * of the whole tree plus the guest init, its config and abcom's site
 * tables of the tree's programs under /.xlibos.
 */
#ifndef XLIBOS_LOADER_ROOTFS_PACK_H
#define XLIBOS_LOADER_ROOTFS_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rootfs_mem.h"

struct abcom_tables;

struct rootfs_pack_input {
	const char *dir;	/* host directory to pack */
	const char *init_path;	/* host file that becomes /.xlibos/init */
	const void *config;	/* contents of /.xlibos/config */
	size_t config_size;
	/*
	 * The guest it is for: once the tree is known to need more than twice
	 * mem_size bytes beside an image ending at image_end, the rest is
	 * measured but not stored, so a huge tree costs no memory before it
	 * is rejected (mem_size UINT64_MAX: no limit).
	 */
	uint64_t mem_size;
	uint64_t image_end;
	/* If set: collect the site tables of the ELF files packed (abcom) */
	struct abcom_tables *tables;
};

/* Prints "rootfs 'DIR' not found" / "... is not a directory" if unusable. */
bool rootfs_check_dir(const char *dir);

/* Prints "guest init 'PATH' not found ..." unless path is a regular file. */
bool rootfs_check_init(const char *init_path);

struct rootfs_archive {
	int fd;			/* memfd, O_CLOEXEC */
	struct rootfs_mem mem;	/* its size, and what unpacking it takes */
};

/*
 * Pack into a new memfd.  If out->mem does not fit in->mem_size
 * (rootfs_mem_needed) the fd holds no usable archive.  Prints a one-line
 * error naming the file and returns false on failure.
 */
bool rootfs_pack(const struct rootfs_pack_input *in, struct rootfs_archive *out);

#endif
