/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_VDSO_H
#define _ASM_XLIBOS_VDSO_H

/* [vvar]: the data page, then a time namespace's page (vdso.c) */
#define __VVAR_PAGES	2

#ifndef __ASSEMBLY__
/* The vDSO's copy of hrtimer_resolution brought up to date (vdso.c). */
void xlibos_vdso_sync_hrtimer_res(void);
#endif

#endif /* _ASM_XLIBOS_VDSO_H */
