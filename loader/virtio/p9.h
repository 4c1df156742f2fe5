/* SPDX-License-Identifier: GPL-2.0 */
/* virtio-9p back end: a host directory shared live with the guest. */
#ifndef XLIBOS_LOADER_VIRTIO_P9_H
#define XLIBOS_LOADER_VIRTIO_P9_H

#include <stdbool.h>

#include "../p9/p9_server.h"
#include "transport.h"

/*
 * Set @dev up as a 9P transport to a 9P2000.L server on @dirfd (a
 * directory, O_PATH is enough; taken over by the device, closed by its
 * free(), and on failure); the guest mounts it by @tag (at most 64 bytes).
 * @name is the directory's name in messages; @share says what the guest
 * may change (p9_server.h).
 */
bool virtio_p9_init(struct virtio_dev *dev, int dirfd, const char *tag, enum p9_share share,
		    const char *name);

#endif
