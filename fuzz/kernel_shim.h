/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel's API to compile, on the host, the functions
 * that fuzz_handed_tables.c takes verbatim out of
 * arch-xlibos/kernel/abcom_sites.c and abcom_patch.c (extract-kernel.sh):
 * the parser of the site tables the loader hands the LibOS, the lookups
 * over them and the trampoline builder.
 */
#ifndef XLIBOS_FUZZ_KERNEL_SHIM_H
#define XLIBOS_FUZZ_KERNEL_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>

#include <asm/xlibos_boot.h>

#include "abcom.h"

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
typedef long long kernel_loff_t;
#define loff_t kernel_loff_t

struct timespec64 {
	long long tv_sec;
	long tv_nsec;
};

#define GFP_KERNEL 0
#define kzalloc(size, gfp) ((void)(gfp), calloc(1, (size)))
#define kvmalloc(size, gfp) ((void)(gfp), malloc(size))
#define kfree(p) free(p)
#define kvfree(p) free(p)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)

static inline u32 get_unaligned_le32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void put_unaligned_le32(u32 v, void *p)
{
	memcpy(p, &v, sizeof(v));
}

static inline void put_unaligned_le64(u64 v, void *p)
{
	memcpy(p, &v, sizeof(v));
}

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

static inline void list_del(struct list_head *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->next = e->prev = NULL;
}

static inline int list_empty(const struct list_head *head)
{
	return head->next == head;
}

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define list_first_entry(head, type, member) container_of((head)->next, type, member)

#endif
