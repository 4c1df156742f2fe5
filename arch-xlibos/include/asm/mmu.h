/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_MMU_H
#define _ASM_XLIBOS_MMU_H

typedef struct {
	/* Host process (tgid) whose address space mirrors this mm, or 0. */
	int host_pid;
	/* Changed while not mirrored here: drop all host user mappings. */
	int stale;
} mm_context_t;

#endif /* _ASM_XLIBOS_MMU_H */
