/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_VDSO_VSYSCALL_H
#define _ASM_XLIBOS_VDSO_VSYSCALL_H

#ifndef __ASSEMBLY__

#include <linux/timekeeper_internal.h>
#include <vdso/datapage.h>

extern struct vdso_data *vdso_data;

/* The timekeeping core updates the data page the vDSO reads. */
static __always_inline struct vdso_data *__xlibos_get_k_vdso_data(void)
{
	return vdso_data;
}
#define __arch_get_k_vdso_data __xlibos_get_k_vdso_data

#include <asm-generic/vdso/vsyscall.h>

#endif /* !__ASSEMBLY__ */

#endif /* _ASM_XLIBOS_VDSO_VSYSCALL_H */
