/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_UACCESS_H
#define _ASM_XLIBOS_UACCESS_H

#include <linux/types.h>

/*
 * Copy that may fault: a host SIGSEGV on its one faulting instruction
 * resumes at a fixup that returns the number of bytes not copied.
 */
unsigned long xlibos_copy_nofault(void *to, const void *from,
				  unsigned long n);

static inline __must_check unsigned long
raw_copy_from_user(void *to, const void __user *from, unsigned long n)
{
	return xlibos_copy_nofault(to, (__force const void *)from, n);
}

static inline __must_check unsigned long
raw_copy_to_user(void __user *to, const void *from, unsigned long n)
{
	return xlibos_copy_nofault((__force void *)to, from, n);
}

#define INLINE_COPY_FROM_USER
#define INLINE_COPY_TO_USER

#define __get_kernel_nofault(dst, src, type, err_label)			\
do {									\
	if (xlibos_copy_nofault((dst), (src), sizeof(type)))		\
		goto err_label;						\
} while (0)

#define __put_kernel_nofault(dst, src, type, err_label)			\
do {									\
	if (xlibos_copy_nofault((dst), (src), sizeof(type)))		\
		goto err_label;						\
} while (0)

unsigned long xlibos_clear_nofault(void *to, unsigned long n);

unsigned long xlibos_clear_user(void __user *to, unsigned long n);

static inline __must_check unsigned long
__clear_user(void __user *to, unsigned long n)
{
	return xlibos_clear_user(to, n);
}

#define __clear_user __clear_user

#include <asm-generic/access_ok.h>
#include <asm-generic/uaccess.h>

#endif /* _ASM_XLIBOS_UACCESS_H */
