/* SPDX-License-Identifier: GPL-2.0 */
/* virtio-blk back end: a host file as the guest's /dev/vdX. */
#ifndef XLIBOS_LOADER_VIRTIO_BLK_H
#define XLIBOS_LOADER_VIRTIO_BLK_H

#include <stdbool.h>

#include "transport.h"

/*
 * Set @dev up as a block device on @fd (a regular file, kept open by the
 * device and closed by its free()); @name is the file's name in messages.
 * Read-only devices refuse writes (the guest sees VIRTIO_BLK_F_RO).
 */
bool virtio_blk_init(struct virtio_dev *dev, int fd, const char *name, bool read_only);

#endif
