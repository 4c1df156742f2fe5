/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The image cache's clean-up.  Every container of one OCI image now shares
 * its entry (rootfs_image_walk.h), so entries outlive the containers and
 * the images they were made for: an entry (or a content record) not used
 * for ROOTFS_IMAGE_MAX_AGE_DAYS is removed when another image is made.  Use
 * is the entry directory's mtime, set at every start from it.
 */
#ifndef XLIBOS_LOADER_ROOTFS_IMAGE_PRUNE_H
#define XLIBOS_LOADER_ROOTFS_IMAGE_PRUNE_H

#include <stdbool.h>

#define ROOTFS_IMAGE_MAX_AGE_DAYS 14
/* <cache>/images/content-<key>: which entry has a content (rootfs_image.c); pruned alike. */
#define CONTENT_PREFIX "content-"
/*
 * In an entry: a content record names it, so copies of its tree use its
 * image (kept when the container it was made for goes, as an overlay's).
 */
#define ROOTFS_IMAGE_BY_CONTENT "by-content"
/* In an entry: its image is another's, linked in when this file was made. */
#define ROOTFS_IMAGE_LINKED "linked"

/* "<64 hex digits>": the shape of an entry's name, the only one removed. */
bool rootfs_image_entry_name(const char *name);

/*
 * Remove the entry @name of @images: its regular files (what
 * rootfs_image.c puts there), the lock last, then the directory; nothing
 * if another run holds its lock or the name is not an entry's.
 */
void rootfs_image_remove_entry(int images, const char *name);

/*
 * A start from the entry @entry of the tree at @rootfs (its real path):
 * the path joins the entry's list of trees that used it.
 */
void rootfs_image_note_user(int entry, const char *rootfs);

/*
 * An entry was just made, named @self, for the tree at @rootfs: the other
 * entries that only this path ever used are removed.  They were made for
 * an earlier state of the same tree, which a container's writes
 * (--rootfs-writeback) changed since, and would otherwise stay for
 * ROOTFS_IMAGE_MAX_AGE_DAYS: a container that writes and restarts in a
 * loop would leave an image per restart.  One that other trees used too
 * (other containers of an image) stays for them.
 */
void rootfs_image_supersede(int images, const char *self, const char *rootfs);

/* A start used the entry directory @entry. */
void rootfs_image_mark_used(int entry);

/*
 * Remove the entries of @images (the cache's images directory) unused for
 * longer than the maximum age, but for any another run holds the lock of.
 */
void rootfs_image_prune(int images);

#endif
