/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_POSIX_TYPES_H
#define _ASM_XLIBOS_POSIX_TYPES_H

/* x86-64 sizes of the uapi types */
#include <asm/posix_types_64.h>

#endif /* _ASM_XLIBOS_POSIX_TYPES_H */
