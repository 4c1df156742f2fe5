/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_MMU_H
#define _ASM_XLIBOS_MMU_H

#define XLIBOS_MM_RANGES	16

struct xlibos_abcom_mm;

typedef struct {
	/* Host process (tgid) whose address space mirrors this mm, or 0. */
	int host_pid;
	/* Changed while not mirrored here: drop all host user mappings. */
	int stale;
	/* In exit_mmap, and its host process drops everything after it. */
	int dying;
	/*
	 * User ranges whose ptes lost rights (unmapped, moved, write- or
	 * access-protected, cleaned) since the last full flush: what a
	 * flush_tlb_mm() must drop from the host mirror.  -1: too many.
	 */
	int nr_downgraded;
	struct {
		unsigned long start, end;
	} downgraded[XLIBOS_MM_RANGES];
	/* Where the guest vDSO is mapped (kernel/vdso.c), or NULL. */
	void __user *vdso;
	/* Rewritten system call sites (kernel/abcom_patch.c), or NULL. */
	struct xlibos_abcom_mm *abcom;
} mm_context_t;

#endif /* _ASM_XLIBOS_MMU_H */
