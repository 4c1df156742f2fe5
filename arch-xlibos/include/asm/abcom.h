/* SPDX-License-Identifier: GPL-2.0 */
/*
 * abcom in the LibOS: rewritten system call sites (kernel/abcom_*.c,
 * kernel/fast_entry.S).  The rewriter library itself is abcom/ at the top
 * of the tree, linked in with Capstone's x86 decoder.
 */
#ifndef _ASM_XLIBOS_ABCOM_H
#define _ASM_XLIBOS_ABCOM_H

#include <linux/types.h>
#include <asm/xlibos_boot.h>

/*
 * Every process that has a rewritten site gets one private mapping here:
 * 8192 eight-byte slots, each holding the address of a trampoline, then
 * the 128-byte trampolines (1.1 MiB, faulted in as used).  The slots sit in the 64 KiB region whose address bytes
 * 2 and 3 (0x60, 0x61: pusha, popa) are invalid opcodes in 64-bit mode,
 * as the rewrite needs (abcom_slot_ok()).  Slot 0 holds the fast entry.
 */
#define XLIBOS_ABCOM_AREA	0x61600000UL
#define XLIBOS_ABCOM_NR_SLOTS	8192
#define XLIBOS_ABCOM_TRAMP	(XLIBOS_ABCOM_AREA + XLIBOS_ABCOM_NR_SLOTS * 8)
#define XLIBOS_ABCOM_TRAMP_SIZE	128
#define XLIBOS_ABCOM_AREA_SIZE	(XLIBOS_ABCOM_NR_SLOTS * (8 + XLIBOS_ABCOM_TRAMP_SIZE))

/* thread.fast_defer: what the slow path finishes for the fast path */
#define XLIBOS_FAST_DEFER_NONE		0
#define XLIBOS_FAST_DEFER_SYSCALL	1	/* run the call itself */
#define XLIBOS_FAST_DEFER_EXIT		2	/* the call ran: exit work */

enum xlibos_abcom_mode {
	XLIBOS_ABCOM_OFF,
	XLIBOS_ABCOM_ONLINE,	/* patch a site when it traps */
	XLIBOS_ABCOM_FULL,	/* also patch code pages as they are mapped */
};


extern enum xlibos_abcom_mode xlibos_abcom_mode;
extern struct xlibos_abcom_counters xlibos_abcom_stats;

struct pt_regs;
struct ucontext;
struct siginfo;
struct mm_struct;
struct file;
struct abcom_site;

/* fast_entry.S */
extern char xlibos_fast_entry[], xlibos_fast_exit[], xlibos_fast_exit_end[];
extern char xlibos_fast_trap[], xlibos_fast_trap_end[];

/* abcom_fast.c */
bool xlibos_fast_signal_fixup(struct ucontext *uc);
bool xlibos_fast_deferred(struct ucontext *uc);

/* abcom_patch.c */
void xlibos_abcom_online(struct pt_regs *regs);
void xlibos_abcom_load(unsigned long addr);
bool xlibos_abcom_resume(struct pt_regs *regs);
int xlibos_abcom_dup_mm(struct mm_struct *oldmm, struct mm_struct *mm);
void xlibos_abcom_free_mm(struct mm_struct *mm);

/* abcom_libc.c: Capstone's allocator and (silent) formatter */
void xlibos_capstone_setup(void);

/* abcom_sites.c: the patchable sites of an executable file, by offset */
struct xlibos_site_table;
struct xlibos_site_table *xlibos_sites_of(struct file *file);
const struct abcom_site *xlibos_site_at(struct xlibos_site_table *t,
					u64 syscall_off);
const struct abcom_site *xlibos_sites_from(struct xlibos_site_table *t,
					   u64 start_off, size_t *n);

#endif /* _ASM_XLIBOS_ABCOM_H */
