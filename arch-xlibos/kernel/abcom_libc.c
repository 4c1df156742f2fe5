// SPDX-License-Identifier: GPL-2.0
/*
 * What the abcom core and Capstone (abcom/, linked in as abcom-lib.o) need
 * from a C library, on top of the string functions the kernel has.  They
 * run only in task context, from the patching code (abcom_sites.c).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <asm/abcom.h>
#include <asm/abcom_libc.h>
#include <abcom.h>

/* The size lives in a header: realloc() needs it, kvrealloc() wants it. */
struct alloc_header {
	size_t size;
	size_t pad;
};

void *malloc(size_t size)
{
	struct alloc_header *h;

	if (size > INT_MAX - sizeof(*h))
		return NULL;
	h = kvmalloc(sizeof(*h) + size, GFP_KERNEL);
	if (!h)
		return NULL;
	h->size = size;
	return h + 1;
}

void free(void *ptr)
{
	if (ptr)
		kvfree((struct alloc_header *)ptr - 1);
}

void *calloc(size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	p = malloc(bytes);
	if (p)
		memset(p, 0, bytes);
	return p;
}

void *realloc(void *ptr, size_t size)
{
	void *p;

	if (!ptr)
		return malloc(size);
	if (!size) {
		free(ptr);
		return NULL;
	}
	p = malloc(size);
	if (p) {
		memcpy(p, ptr, min(size, ((struct alloc_header *)ptr - 1)->size));
		free(ptr);
	}
	return p;
}

void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *))
{
	sort(base, n, size, cmp, NULL);
}

void __stack_chk_fail(void)
{
	panic("abcom: stack protector tripped in Capstone");
}

static void *abcom_kernel_realloc(void *ctx, void *ptr, size_t size)
{
	return realloc(ptr, size);
}

const struct abcom_allocator abcom_default_allocator = {
	.realloc = abcom_kernel_realloc,
};

/*
 * Capstone's CS_OPT_MEM (capstone.h, Capstone 4): its allocator and the
 * formatter it prints instructions with.  abcom reads only instruction ids
 * and details, never the text, and formatting costs as much as decoding,
 * so the formatter writes nothing.
 */
struct capstone_mem {
	void *(*malloc)(size_t size);
	void *(*calloc)(size_t n, size_t size);
	void *(*realloc)(void *ptr, size_t size);
	void (*free)(void *ptr);
	int (*vsnprintf)(char *buf, size_t size, const char *fmt, va_list ap);
};

#define CAPSTONE_OPT_MEM	4

static int no_text(char *buf, size_t size, const char *fmt, va_list ap)
{
	if (size)
		buf[0] = '\0';
	return 0;
}

void xlibos_capstone_setup(void)
{
	static const struct capstone_mem mem = {
		.malloc = malloc,
		.calloc = calloc,
		.realloc = realloc,
		.free = free,
		.vsnprintf = no_text,
	};

	cs_option(0, CAPSTONE_OPT_MEM, (size_t)&mem);
}
