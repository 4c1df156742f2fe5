/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podman's "tmpcopyup": a tmpfs mounted on a directory of the image starts
 * with a copy of what the directory held, as runc and crun make it.
 */
#ifndef XLIBOS_INIT_COPYUP_H
#define XLIBOS_INIT_COPYUP_H

#include <stdbool.h>

/*
 * Copy everything under the directory FROM (an open descriptor, taken
 * before the tmpfs hid it) into the directory TO: directories, regular
 * files, symlinks, device nodes and FIFOs, with their owners and modes
 * (times are the copy's, as runc's).  DIR names the mount in messages.
 * False, with a message, on the first failure (a full tmpfs: ENOSPC).
 */
bool copyup_tree(int from, int to, const char *dir);

#endif
