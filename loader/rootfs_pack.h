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

struct abcom_tables;

struct rootfs_pack_input {
	const char *dir;	/* host directory to pack */
	const char *init_path;	/* host file that becomes /.xlibos/init */
	const void *config;	/* contents of /.xlibos/config */
	size_t config_size;
	/*
	 * Archives larger than this are measured but not stored, so a huge
	 * tree costs no memory before it is rejected (UINT64_MAX: no limit).
	 */
	uint64_t limit;
	/* If set: collect the site tables of the ELF files packed (abcom) */
	struct abcom_tables *tables;
};

/* Prints "rootfs 'DIR' not found" / "... is not a directory" if unusable. */
bool rootfs_check_dir(const char *dir);

/* Prints "guest init 'PATH' not found ..." unless path is a regular file. */
bool rootfs_check_init(const char *init_path);

/*
 * Pack into a new memfd (O_CLOEXEC), returned in *fd with the archive's
 * size in *size.  If *size > in->limit the fd holds no usable archive.
 * Prints a one-line error naming the file and returns false on failure.
 */
bool rootfs_pack(const struct rootfs_pack_input *in, int *fd, uint64_t *size);

#endif
