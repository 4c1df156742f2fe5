// SPDX-License-Identifier: GPL-2.0
/*
 * A bump allocator over one mapping, for the decoding helper.  abcom and
 * Capstone grow arrays by realloc and free mostly what they allocated
 * last, so the last block grows and shrinks in place and everything else
 * is simply left behind: the helper decodes one file and exits.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <capstone/capstone.h>

#include "abcom.h"
#include "abcom_helper_arena.h"

#define ALIGN	16

static uint8_t *base;
static size_t arena_size, used, last = SIZE_MAX;	/* last: its header */

static size_t *header(void *p)
{
	return (size_t *)((uint8_t *)p - ALIGN);
}

static void *arena_malloc(size_t n)
{
	size_t at = (used + ALIGN - 1) & ~(size_t)(ALIGN - 1);

	if (at > arena_size || arena_size - at < ALIGN ||
	    arena_size - at - ALIGN < n)
		return NULL;
	*(size_t *)(base + at) = n;
	last = at;
	used = at + ALIGN + n;
	return base + at + ALIGN;
}

static bool is_last(void *p)
{
	return last != SIZE_MAX && (uint8_t *)p == base + last + ALIGN;
}

static void arena_free(void *p)
{
	if (p && is_last(p)) {
		used = last;
		last = SIZE_MAX;
	}
}

static void *arena_realloc(void *p, size_t n)
{
	void *q;

	if (!p)
		return arena_malloc(n);
	if (is_last(p)) {
		if (arena_size - last - ALIGN < n)
			return NULL;
		*header(p) = n;
		used = last + ALIGN + n;
		return p;
	}
	q = arena_malloc(n);
	if (q)
		memcpy(q, p, *header(p) < n ? *header(p) : n);
	return q;
}

static void *arena_calloc(size_t count, size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size)
		return NULL;
	p = arena_malloc(count * size);
	if (p)	/* a block given back and taken again is not zero */
		memset(p, 0, count * size);
	return p;
}

static void *abcom_hook(void *ctx, void *p, size_t n)
{
	(void)ctx;
	if (!n) {
		arena_free(p);
		return NULL;
	}
	return arena_realloc(p, n);
}

/* abcom never reads Capstone's text, and formatting it costs as much as decoding. */
static int no_text(char *buf, size_t size, const char *fmt, va_list ap)
{
	(void)fmt;
	(void)ap;
	if (size)
		buf[0] = '\0';
	return 0;
}

bool helper_arena_setup(size_t size)
{
	static cs_opt_mem mem = {
		.malloc = arena_malloc, .calloc = arena_calloc,
		.realloc = arena_realloc, .free = arena_free,
		.vsnprintf = no_text,
	};
	static const struct abcom_allocator alloc = { .realloc = abcom_hook };
	void *m = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED)
		return false;
	base = m;
	arena_size = size;
	used = 0;
	last = SIZE_MAX;
	abcom_set_allocator(&alloc);
	return cs_option(0, CS_OPT_MEM, (size_t)&mem) == CS_ERR_OK;
}
