/* SPDX-License-Identifier: GPL-2.0 */
/* Whole reads and writes on a descriptor (restarted on EINTR). */
#ifndef XLIBOS_LOADER_FD_IO_H
#define XLIBOS_LOADER_FD_IO_H

#include <stdbool.h>
#include <stddef.h>

/* Exactly @len bytes, or false (end of file counts as failure). */
bool fd_read_all(int fd, void *p, size_t len);
bool fd_write_all(int fd, const void *p, size_t len);

#endif
