/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The metadata walk of a rootfs tree for its ext4 image: a SHA-256 key
 * over every entry's name, type, mode and ids; a regular file's size,
 * times, inode number and link count (its contents are not read: a start
 * stays cheap); a symlink's target, a device's number, a directory's
 * extended attributes; and the image's size from what the tree holds.
 * Directories' and symlinks' own times and inodes are left out, so that
 * every container of one image (a new overlay upper directory each, with
 * directories copied up) shares one image (rootfs_image_walk.c).  With a
 * table set, the same walk also reads every regular file for abcom's
 * site tables.  The tree is hostile: it is walked through directory
 * descriptors only (safe_open.h), as the top directory's owner (fs_creds.h).
 * The key's walk runs on a thread per CPU we may use, up to four
 * (task_pool.h), a directory at a time: each directory's entries make a
 * digest of their own, and the key hashes those in the tree's order, so
 * it is the same however many threads walked.  Tables are made on one.
 */
#ifndef XLIBOS_LOADER_ROOTFS_IMAGE_WALK_H
#define XLIBOS_LOADER_ROOTFS_IMAGE_WALK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

struct abcom_tables;

/* Bump when what goes into the image or the key, or how it is sized, changes. */
#define ROOTFS_IMAGE_FORMAT 4
#define ROOTFS_IMAGE_KEY_LEN 32
/* Largest image made (a hostile tree of huge sparse files is refused). */
#define ROOTFS_IMAGE_MAX_BYTES (1ULL << 40)

struct rootfs_image_plan {
	uint8_t key[ROOTFS_IMAGE_KEY_LEN];
	uint64_t image_bytes;	/* the image file's size, a multiple of 4 KiB */
	uint64_t inodes;	/* for mke2fs -N */
	uid_t owner;		/* of the top directory */
	gid_t owner_gid;
	mode_t root_mode;	/* permission bits of the top directory */
	struct timespec root_atime, root_mtime;	/* its times */
	bool has_lost_found;	/* the tree has its own /lost+found */
	bool layered;		/* the key was walked in an overlay's layers */
};

/*
 * Walk the directory @rootfd (O_RDONLY, the tree's top, named @dir in
 * messages).  Adds every regular file to @tables if it is set.  Prints a
 * one-line "xlibos: rootfs: ..." error and returns false on failure.
 */
bool rootfs_image_walk(const char *dir, int rootfd, struct abcom_tables *tables,
		       struct rootfs_image_plan *plan);

/*
 * The same walk of the tree itself (never its layers) for its content key
 * in @plan->key: every regular file's data and extended attributes and
 * which paths are links of one file, in place of inode numbers and change
 * times.  A copy of a tree (podman's vfs driver copies the image's tree
 * for every container) has the content key of its original, so it can
 * use the original's image (rootfs_image.c).  Every file is read: as
 * costly as reading the tree, far less than making an image.
 */
bool rootfs_image_content_walk(const char *dir, int rootfd, struct rootfs_image_plan *plan);

#endif
