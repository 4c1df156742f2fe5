/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The container's root from a disk image: the image's ext4 file system
 * (read-only, shared by every container of the image) under an overlay
 * whose upper layer is this container's own tmpfs, then made the root.
 * The initramfs (this program, its config) is left behind, out of sight.
 */
#ifndef XLIBOS_INIT_ROOT_IMAGE_H
#define XLIBOS_INIT_ROOT_IMAGE_H

#include <stdbool.h>

/* Before anything else: a /dev with the host's stdio streams. */
void root_image_early_dev(void);

/* Make the overlay of @device the root; prints why and returns false. */
bool root_image_enter(const char *device);

/* In root_image_layers_fd(): the upper layer, and where the rootfs's share is mounted. */
#define ROOT_IMAGE_UPPER_DIR	"upper"
#define ROOT_IMAGE_HOST_DIR	"host"

/* An O_PATH descriptor of the upper layer's tmpfs, after root_image_enter; else -1. */
int root_image_layers_fd(void);
/* An O_PATH descriptor of the image's file system (the lower layer); else -1. */
int root_image_lower_fd(void);
/* Those two moved to @first and @first + 1, whatever was there (the agent closes the rest). */
void root_image_move_fds(int first);

/* Mount each "ro|rw DEVICE DIR" disk (after the usual mounts). */
bool root_image_mount_disks(char *const *disks, unsigned long n);

/* Mount each "ro|rw TAG DIR" volume (virtio-9p), after the disks. */
bool root_image_mount_volumes(char *const *volumes, unsigned long n);

#endif
