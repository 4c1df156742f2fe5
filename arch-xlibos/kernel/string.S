/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memcpy, memset, memmove on the string instructions (fast on any CPU
 * with ERMS), and strncpy whose padding is one rep stosb (Capstone pads
 * two strings per decoded instruction).  The direction flag is clear in LibOS code: host signal
 * handlers start with it clear and the fast entry clears it.
 */
#include <linux/linkage.h>

	.text
/* void *memcpy(void *dest, const void *src, size_t n) */
SYM_FUNC_START(memcpy)
	movq	%rdi, %rax
	movq	%rdx, %rcx
	rep movsb
	ret
SYM_FUNC_END(memcpy)

/* void *memset(void *s, int c, size_t n) */
SYM_FUNC_START(memset)
	movq	%rdi, %r9
	movl	%esi, %eax
	movq	%rdx, %rcx
	rep stosb
	movq	%r9, %rax
	ret
SYM_FUNC_END(memset)

/* void *memmove(void *dest, const void *src, size_t n) */
SYM_FUNC_START(memmove)
	movq	%rdi, %rax
	movq	%rdx, %rcx
	cmpq	%rsi, %rdi
	jbe	1f			/* dest below src: forwards is safe */
	leaq	(%rsi,%rdx), %r8
	cmpq	%r8, %rdi
	jae	1f			/* no overlap */
	leaq	-1(%rsi,%rdx), %rsi	/* overlap, dest above: backwards */
	leaq	-1(%rdi,%rdx), %rdi
	std
	rep movsb
	cld
	ret
1:	rep movsb
	ret
SYM_FUNC_END(memmove)

/* char *strncpy(char *dest, const char *src, size_t n) */
SYM_FUNC_START(strncpy)
	movq	%rdi, %r8
	testq	%rdx, %rdx
	jz	2f
1:	movb	(%rsi), %al
	movb	%al, (%rdi)
	incq	%rdi
	decq	%rdx
	jz	2f
	incq	%rsi
	testb	%al, %al
	jnz	1b
	movq	%rdx, %rcx		/* pad what is left with NULs */
	xorl	%eax, %eax
	rep stosb
2:	movq	%r8, %rax
	ret
SYM_FUNC_END(strncpy)
