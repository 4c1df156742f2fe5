/* SPDX-License-Identifier: GPL-2.0 */
/* "xlibos mkdisk FILE SIZE": a new sparse file formatted as ext4, for --disk. */
#ifndef XLIBOS_LOADER_MKDISK_H
#define XLIBOS_LOADER_MKDISK_H

/* Smallest and largest disk: room for ext4's journal; ext4's file size limit with 4 KiB blocks. */
#define MKDISK_MIN_SIZE (8ULL << 20)
#define MKDISK_MAX_SIZE (16ULL << 40)

/* argv[0] is "mkdisk".  Exit status: 0 done, 125 failed (one "xlibos: " line). */
int mkdisk_command(int argc, char **argv);

#endif
