/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_SECTIONS_H
#define _ASM_XLIBOS_SECTIONS_H

#include <asm-generic/sections.h>

/* The only code that may make raw host system calls. */
extern char __hypercall_text_start[], __hypercall_text_end[];

#endif /* _ASM_XLIBOS_SECTIONS_H */
