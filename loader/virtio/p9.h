/* SPDX-License-Identifier: GPL-2.0 */
/* virtio-9p back end: a host directory shared live with the guest. */
#ifndef XLIBOS_LOADER_VIRTIO_P9_H
#define XLIBOS_LOADER_VIRTIO_P9_H

#include <stdbool.h>

#include "transport.h"

/*
 * Set @dev up as a 9P transport to a 9P2000.L server on @dirfd (a
 * directory, O_PATH is enough; taken over by the device, closed by its
 * free(), and on failure); the guest mounts it by @tag (at most 64 bytes).
 * @name is the directory's name in messages.  Read-only volumes answer
 * EROFS to every change.
 */
bool virtio_p9_init(struct virtio_dev *dev, int dirfd, const char *tag, bool read_only,
		    const char *name);

#endif
