// SPDX-License-Identifier: GPL-2.0
#ifndef XLIBOS_LOADER_PIDNS_H
#define XLIBOS_LOADER_PIDNS_H

#include <stdbool.h>

/*
 * Make the next child the init of a new PID namespace, so that every host
 * process of the LibOS ends when the first one does.  Tries a plain PID
 * namespace (root), then a user+PID namespace mapping the caller's ids.
 * Returns false (and changes nothing) when the host allows neither.
 */
bool pidns_prepare_for_child(void);

#endif
