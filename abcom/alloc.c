// SPDX-License-Identifier: GPL-2.0
/*
 * Memory for the core.  Everything goes through one realloc-style hook so
 * that the LibOS can hand in its own allocator; no libc allocation here.
 */
#include "internal.h"

static struct abcom_allocator current;
static bool current_set;

void abcom_set_allocator(const struct abcom_allocator *a)
{
	current = *a;
	current_set = true;
}

void *abcom_realloc(void *ptr, size_t size)
{
	const struct abcom_allocator *a =
		current_set ? &current : &abcom_default_allocator;

	return a->realloc(a->ctx, ptr, size);
}

void abcom_free(void *ptr)
{
	if (ptr)
		abcom_realloc(ptr, 0);
}
