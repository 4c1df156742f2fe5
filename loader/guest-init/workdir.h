/* SPDX-License-Identifier: GPL-2.0 */
/* The command's working directory. */
#ifndef XLIBOS_INIT_WORKDIR_H
#define XLIBOS_INIT_WORKDIR_H

#include <stdbool.h>

/*
 * Create path (absolute) and its parents if missing, as docker does for
 * -w, then chdir there.  Prints "xlibos: workdir 'PATH': reason" and
 * returns false on failure.
 */
bool workdir_enter(const char *path);

#endif
