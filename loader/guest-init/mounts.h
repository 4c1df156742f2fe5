/* SPDX-License-Identifier: GPL-2.0 */
/* The file systems every command expects: /proc, /sys, /dev, /tmp... */
#ifndef XLIBOS_INIT_MOUNTS_H
#define XLIBOS_INIT_MOUNTS_H

#include <stdbool.h>

/*
 * Mount proc, sysfs, devtmpfs, tmpfs (/tmp, /dev/shm) and devpts where
 * nothing is mounted yet, creating missing mount points.  Failures are
 * warnings (devpts and /dev/shm: silent): the command may not need them.
 * For a container (xlibos-runtime's records), no tmpfs on /tmp: as under
 * runc, only config.json's mounts put one there.
 */
void mounts_setup(bool container);

#endif
