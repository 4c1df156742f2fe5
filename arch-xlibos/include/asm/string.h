/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_STRING_H
#define _ASM_XLIBOS_STRING_H

#include <linux/types.h>

/*
 * memcpy, memset, memmove and strncpy with the string instructions
 * (kernel/string.S):
 * lib/string.c's versions go a byte at a time, which is what Capstone
 * (clearing its instruction details) and page copies spend most time on.
 * The rest of the string functions are lib/string.c's.
 */
#define __HAVE_ARCH_MEMCPY
#define __HAVE_ARCH_MEMSET
#define __HAVE_ARCH_MEMMOVE
#define __HAVE_ARCH_STRNCPY

void *memcpy(void *dest, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
void *memmove(void *dest, const void *src, size_t n);
char *strncpy(char *dest, const char *src, size_t n);

#endif /* _ASM_XLIBOS_STRING_H */
