/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_SIGNAL_H
#define _ASM_XLIBOS_SIGNAL_H

#ifndef __ASSEMBLY__
#include <linux/linkage.h>

/* x86-64's kernel-side signal definitions (64 signals, SA_RESTORER). */
#define _NSIG		64
#define _NSIG_BPW	64
#define _NSIG_WORDS	(_NSIG / _NSIG_BPW)

typedef unsigned long old_sigset_t;

typedef struct {
	unsigned long sig[_NSIG_WORDS];
} sigset_t;

#define SA_IA32_ABI	0x02000000u
#define SA_X32_ABI	0x01000000u

#endif /* __ASSEMBLY__ */

#include_next <asm/signal.h>

#ifndef __ASSEMBLY__
#include <asm/sigcontext.h>
#endif /* __ASSEMBLY__ */

#endif /* _ASM_XLIBOS_SIGNAL_H */
