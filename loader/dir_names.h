/* SPDX-License-Identifier: GPL-2.0 */
/* Sorted directory listings of the rootfs walks (the same tree, the same order). */
#ifndef XLIBOS_LOADER_DIR_NAMES_H
#define XLIBOS_LOADER_DIR_NAMES_H

#include <stddef.h>

/* qsort() comparison of two char * names. */
int dir_names_compare(const void *a, const void *b);

/* Free @n malloc'd names and their array. */
void dir_names_free(char **names, size_t n);

#endif
