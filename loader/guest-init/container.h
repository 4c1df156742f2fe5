/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The container records of xlibos-runtime (config_format.h) that shape
 * the guest before the command runs: mounts, copied-in files, sysctls and
 * a read-only root.
 */
#ifndef XLIBOS_INIT_CONTAINER_H
#define XLIBOS_INIT_CONTAINER_H

#include <stdbool.h>

#include "config.h"

/*
 * After the usual mounts and the disks: the "mount" records and the
 * volumes together, the shallowest destination first (a tmpfs on /run
 * before a volume on /run/data, as podman orders them), else in order.
 * False, with a message, on the first that fails.
 */
bool container_mounts(const struct init_config *cfg);

/*
 * Then, once everything is mounted: the files copied in, the sysctls, the
 * masked and read-only paths, and last of all the read-only root.  False,
 * with a message, on the first that cannot be applied: the container must
 * not run half set up.
 */
bool container_setup(const struct init_config *cfg);

#endif
