/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry from the loader: void xlibos_entry(struct xlibos_boot_info *bi),
 * called on the loader's stack.  Move to init_task's stack and never
 * come back.
 */
#include <linux/linkage.h>
#include <linux/init.h>
#include <asm/thread_info.h>
#include <asm/xlibos_boot.h>

	__HEAD
SYM_CODE_START(xlibos_entry)
	leaq	init_stack + THREAD_SIZE - 192(%rip), %rsp
	andq	$-16, %rsp
	xorl	%ebp, %ebp
	call	xlibos_start_kernel
	ud2
SYM_CODE_END(xlibos_entry)

	/* Identifies the image to the loader; see asm/xlibos_boot.h. */
	.section .note.xlibos, "a", @note
	.balign 4
	.long	2f - 1f		/* name size */
	.long	4f - 3f		/* desc size */
	.long	1		/* XLIBOS_NOTE_TYPE */
1:	.asciz	"XLibOS"
2:	.balign 4
3:	.long	XLIBOS_BOOT_VERSION
4:
