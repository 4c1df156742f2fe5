/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_VDSO_H
#define _ASM_XLIBOS_VDSO_H

/* [vvar]: the data page, then a time namespace's page (vdso.c) */
#define __VVAR_PAGES	2

#endif /* _ASM_XLIBOS_VDSO_H */
