/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel control files (cgroup limits, id maps): one write of a short text. */
#ifndef XLIBOS_LOADER_TEXT_FILE_H
#define XLIBOS_LOADER_TEXT_FILE_H

#include <stdbool.h>

/* Write @text to @dir/@name in one write() (no symlink followed); errno on failure. */
bool text_file_write(const char *dir, const char *name, const char *text);

#endif
