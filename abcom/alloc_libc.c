// SPDX-License-Identifier: GPL-2.0
/*
 * The hosted default allocator.  Kept apart from alloc.c so a freestanding
 * build can leave this file out and define abcom_default_allocator itself.
 */
#include <stdlib.h>
#include "abcom.h"

static void *libc_realloc(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	if (size == 0) {
		free(ptr);
		return NULL;
	}
	return realloc(ptr, size);
}

const struct abcom_allocator abcom_default_allocator = {
	.realloc = libc_realloc,
	.ctx = NULL,
};
