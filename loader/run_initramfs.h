/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The initramfs of a container whose root is a disk image: only the guest
 * init, its config and abcom's site tables under /.xlibos, all of which
 * the init leaves behind when it moves into the image's root.
 */
#ifndef XLIBOS_LOADER_RUN_INITRAMFS_H
#define XLIBOS_LOADER_RUN_INITRAMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct initrd;

/* Build it in a memfd and place it in guest memory; prints why not. */
bool run_initramfs_make(const char *init_path, const void *config, size_t config_size,
			const void *tables, size_t tables_len, uint64_t mem_size,
			const char *mem_arg, uint64_t image_end, struct initrd *rd);

#endif
