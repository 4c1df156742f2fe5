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

/*
 * The same while the container runs (xlibos-runtime pause, before its
 * processes stop), and a list of what was written, so that a later write-
 * back also removes what the container removes after it.  A process
 * writing meanwhile may be caught midway; the end's write-back has it.
 */
bool writeback_sync(const char *tag);

#endif
