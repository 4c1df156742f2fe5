/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names in the rootfs walks: sorted listings (the same tree, the same
 * order) and paths shown in messages.
 */
#ifndef XLIBOS_LOADER_DIR_NAMES_H
#define XLIBOS_LOADER_DIR_NAMES_H

#include <stddef.h>

/* qsort() comparison of two char * names. */
int dir_names_compare(const void *a, const void *b);

/* Free @n malloc'd names and their array. */
void dir_names_free(char **names, size_t n);

/*
 * @root (its first @root_len bytes) joined with @rel, control characters
 * as \ooo so a message stays one line; a static buffer, valid until the
 * next call.
 */
const char *dir_names_shown(const char *root, size_t root_len, const char *rel);

#endif
