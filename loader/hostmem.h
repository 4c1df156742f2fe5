/* SPDX-License-Identifier: GPL-2.0 */
/* How much RAM the host has, to refuse absurd --mem values early. */
#ifndef XLIBOS_LOADER_HOSTMEM_H
#define XLIBOS_LOADER_HOSTMEM_H

#include <stdbool.h>
#include <stdint.h>

/* Extract MemTotal (in bytes) from the text of /proc/meminfo. */
bool hostmem_parse_meminfo(const char *text, uint64_t *bytes);

/* MemTotal of this host in bytes, or 0 if it cannot be determined. */
uint64_t hostmem_total(void);

#endif
