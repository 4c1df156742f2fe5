/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_ENTRY_COMMON_H
#define _ASM_XLIBOS_ENTRY_COMMON_H

/* The generic entry code's defaults fit: no arch-specific entry work. */

#endif /* _ASM_XLIBOS_ENTRY_COMMON_H */
