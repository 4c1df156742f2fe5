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
 * Apply them in order ("rootro" last of all), after the usual mounts and
 * the attached disks and volumes.  False, with a message, on the first
 * that cannot be applied: the container must not run half set up.
 */
bool container_setup(const struct init_config *cfg);

#endif
