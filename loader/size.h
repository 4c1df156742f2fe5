/* SPDX-License-Identifier: GPL-2.0 */
/* Human-readable byte sizes: "128M", "1G", "64MiB", "134217728". */
#ifndef XLIBOS_LOADER_SIZE_H
#define XLIBOS_LOADER_SIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parse a decimal number with an optional binary suffix K/M/G/T
 * (case-insensitive, optionally followed by "B" or "iB").  Zero is
 * accepted here; callers decide whether it is meaningful.
 * Returns false on syntax errors and on overflow.
 */
bool size_parse(const char *text, uint64_t *bytes);

/* Shortest exact form: 32M, 1G, 1536K, 4095.  Returns buf. */
char *size_format(uint64_t bytes, char *buf, size_t len);

#define SIZE_FORMAT_MAX 24

#endif
