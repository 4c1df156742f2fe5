/* SPDX-License-Identifier: GPL-2.0 */
/* The container's changes to its root, written back into the rootfs at its end. */
#ifndef XLIBOS_INIT_WRITEBACK_H
#define XLIBOS_INIT_WRITEBACK_H

#include <stdbool.h>

/*
 * Ends every other process, mounts the 9P share @tag (the rootfs) and
 * applies the overlay's upper layer to it; what cannot be written back is
 * named on stderr.  False if anything was not written back.
 */
bool writeback_root(const char *tag);

#endif
