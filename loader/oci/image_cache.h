/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rootfs image "xlibos run" made for a container.  Its cache keys an
 * image by the tree's metadata, and podman and containerd give every
 * container a tree of its own (a copy or an overlay): each container's
 * image would stay in the cache forever, of no use to any other.  So
 * create notes the entry the supervisor opened if it was made during that
 * create (a cache miss), and delete removes it.  An entry that was there
 * before (a tree run again, as with a hand-made bundle) is left alone.
 */
#ifndef XLIBOS_OCI_IMAGE_CACHE_H
#define XLIBOS_OCI_IMAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/*
 * Is @rootfs an overlay mount (podman's, Docker's and containerd's own
 * drivers)?  Then its image's key is the image's layers', not the
 * container's (rootfs_image_walk.h), and every container of that image
 * uses the entry: delete keeps it.  A copied tree (podman's vfs driver)
 * has a key of its own: its entry goes with the container, unless copies
 * of the same files use its image (rootfs_image.c's content records; it
 * is then kept, as an overlay's, until pruned).
 */
bool image_cache_shared(const char *rootfs);

/*
 * The entry directory behind pid's open rootfs.ext4, if made (or another's
 * image linked into it) at or after since, and copies do not use it.
 */
bool image_cache_made_for(pid_t pid, time_t since, char *dir, size_t len);

/* Remove such an entry (only a ".../images/<64 hex digits>" directory). */
void image_cache_remove(const char *dir);

#endif
