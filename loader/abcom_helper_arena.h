/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory of the sandboxed decoding helper: one mapping made before
 * seccomp strict mode (which allows no mmap or brk), handed out to abcom
 * and Capstone by a bump allocator.  Its size is the helper's memory limit.
 */
#ifndef XLIBOS_LOADER_ABCOM_HELPER_ARENA_H
#define XLIBOS_LOADER_ABCOM_HELPER_ARENA_H

#include <stdbool.h>
#include <stddef.h>

/* Maps @size bytes (reserved lazily) and routes abcom's and Capstone's
 * allocations there.  Only in the helper: nothing is ever given back. */
bool helper_arena_setup(size_t size);

#endif
