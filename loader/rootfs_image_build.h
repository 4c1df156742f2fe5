/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Making the ext4 image of a rootfs tree with mke2fs -d, confined: the
 * tree is hostile, and mke2fs reads it by name (lstat, then open/chdir),
 * so a name swapped for a symlink, or a directory moved out of the tree,
 * in between would make it read a host file.  See rootfs_image_build.c.
 */
#ifndef XLIBOS_LOADER_ROOTFS_IMAGE_BUILD_H
#define XLIBOS_LOADER_ROOTFS_IMAGE_BUILD_H

#include <stdbool.h>

#include "rootfs_image_walk.h"

/*
 * Format @img_fd (a new file of plan->image_bytes, ours) with the tree
 * @rootfd (named @dir in messages).  @stage_fd is an empty directory of
 * ours to mount the build's root on (in the child's namespace only).
 * Prints one "xlibos: ..." line and returns false on failure.
 */
bool rootfs_image_build(const char *dir, int rootfd, const struct rootfs_image_plan *plan,
			int img_fd, int stage_fd);

#endif
