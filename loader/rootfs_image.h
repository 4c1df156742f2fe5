/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The read-only ext4 image of a rootfs tree (an unpacked OCI image), made
 * with mke2fs -d and cached on the host, keyed by the tree's metadata, so
 * that every container of the same tree shares one image:
 *   <cache>/images/<sha256 hex>/rootfs.ext4	(the image)
 *   <cache>/images/<sha256 hex>/abcom-tables-v<N> (abcom's tables of the tree)
 * <cache> is abcom_cache.c's (XLIBOS_CACHE_DIR, XDG_CACHE_HOME/xlibos or
 * ~/.cache/xlibos, mode 0700).  Without a usable cache (none, or not the
 * user's own and closed to others) the image is made in TMPDIR (else
 * /var/tmp), deleted once open, and used by this run only, with a warning.
 */
#ifndef XLIBOS_LOADER_ROOTFS_IMAGE_H
#define XLIBOS_LOADER_ROOTFS_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rootfs_image {
	int fd;			/* O_RDONLY | O_CLOEXEC, of the cached image */
	uint64_t size;
	char *abcom_tables;	/* malloc'd blob, may be NULL/0 */
	size_t abcom_tables_len;
};

/*
 * The image of the tree @rootfs_dir (its last component must not be a
 * symlink), made if the cache has none, and with @want_abcom_tables the
 * blob that rootfs_pack.c would put in /.xlibos/abcom-tables for the tree
 * (the tree's files only, not the guest init).  Prints one "xlibos: ..."
 * line and returns false on failure.
 */
bool rootfs_image_get(const char *rootfs_dir, bool want_abcom_tables, struct rootfs_image *out);

void rootfs_image_free(struct rootfs_image *img);

#endif
