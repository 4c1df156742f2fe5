/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C library functions Capstone and the abcom core (abcom-lib.o) link
 * against beyond the kernel's string functions (kernel/abcom_libc.c), and
 * the one Capstone call the LibOS makes itself.  Only for abcom_libc.c.
 */
#ifndef _ASM_XLIBOS_ABCOM_LIBC_H
#define _ASM_XLIBOS_ABCOM_LIBC_H

#include <linux/types.h>

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *));
void __stack_chk_fail(void);
int cs_option(size_t handle, int type, size_t value);

#endif /* _ASM_XLIBOS_ABCOM_LIBC_H */
