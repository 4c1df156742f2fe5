// SPDX-License-Identifier: GPL-2.0
/*
 * Guest FPU/SSE/AVX state lives in the registers of the task's host thread.
 * While the LibOS handles a host signal the host keeps it in the signal
 * frame (uc_mcontext.fpstate, the XSAVE layout x86-64 Linux also uses in
 * guest signal frames), so it is saved, copied and restored by memcpy.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>
#include <asm/hypercall.h>
#include <asm/prctl.h>
#include <asm/ucontext.h>
#include <asm/xlibos.h>

#define XSAVE_HEADER_OFFSET	512
#define FCW_DEFAULT		0x037f
#define MXCSR_DEFAULT		0x1f80

size_t xlibos_fpstate_size(const struct _fpstate_64 *fp)
{
	if (!fp)
		return 0;
	if (fp->sw_reserved.magic1 == FP_XSTATE_MAGIC1)
		return fp->sw_reserved.extended_size;
	return sizeof(*fp);
}

/* The FPU state a new program or a signal handler starts with. */
static void fpstate_reset(struct _fpstate_64 *fp)
{
	size_t size = xlibos_fpstate_size(fp);

	fp->cwd = FCW_DEFAULT;
	fp->swd = 0;
	fp->twd = 0;
	fp->fop = 0;
	fp->rip = 0;
	fp->rdp = 0;
	fp->mxcsr = MXCSR_DEFAULT;
	memset(fp->st_space, 0, sizeof(fp->st_space));
	memset(fp->xmm_space, 0, sizeof(fp->xmm_space));
	/* XSTATE_BV = 0: every extended component in its initial state */
	if (size > XSAVE_HEADER_OFFSET + sizeof(u64))
		*(u64 *)((u8 *)fp + XSAVE_HEADER_OFFSET) = 0;
}

/* The XSAVE layout of the host's signal frames, once one was seen. */
static struct _fpx_sw_bytes host_xstate;

/* Applied to the host frame on the way back to user mode. */
void xlibos_fpu_fixup(struct ucontext *uc)
{
	struct thread_struct *t = &current->thread;
	struct _fpstate_64 *fp = (struct _fpstate_64 *)uc->uc_mcontext.fpstate;

	if (unlikely(!host_xstate.magic1) && fp &&
	    fp->sw_reserved.magic1 == FP_XSTATE_MAGIC1)
		host_xstate = fp->sw_reserved;
	if (t->fpu_reset && fp)
		fpstate_reset(fp);
	t->fpu_reset = 0;
}

/*
 * Whether xlibos_fpstate_save() can save the user's FPU state: it needs
 * the host's frame layout, known after the first host signal frame.
 */
bool xlibos_fpstate_saveable(void)
{
	return host_xstate.magic1 == FP_XSTATE_MAGIC1;
}

/*
 * On the fast path the user's FPU state is still in the registers (the
 * LibOS is built without FPU or vector code): XSAVE it to @fp, 64-byte
 * aligned with room for @size bytes, as the host lays out a signal frame,
 * so it can be restored like one.  False if it does not fit or the layout
 * is unknown.
 */
bool xlibos_fpstate_save(struct _fpstate_64 *fp, size_t size)
{
	u64 mask = host_xstate.xfeatures;

	if (!xlibos_fpstate_saveable() ||
	    host_xstate.xstate_size + FP_XSTATE_MAGIC2_SIZE > size)
		return false;
	/* XSAVE leaves the rest of the header, which must be zero, alone */
	memset((u8 *)fp + XSAVE_HEADER_OFFSET, 0, 64);
	asm volatile("xsave64 (%0)"
		     : : "r" (fp), "a" ((u32)mask), "d" ((u32)(mask >> 32))
		     : "memory");
	fp->sw_reserved = host_xstate;
	*(u32 *)((u8 *)fp + host_xstate.xstate_size) = FP_XSTATE_MAGIC2;
	return true;
}

/* XSAVE legacy area and header: XSTATE_BV 0 (all components initial) */
static const struct {
	struct _fpstate_64 legacy;
	u64 header[8];
} init_xstate __aligned(64) = {
	.legacy = { .cwd = FCW_DEFAULT, .mxcsr = MXCSR_DEFAULT },
};

/*
 * The fast path's exec: the registers still hold the old program's FPU
 * state, and no host frame will replace it, so load the initial state
 * into them (XRSTOR of a header with XSTATE_BV 0) before the return.
 */
void xlibos_fpu_reset_regs(void)
{
	u64 mask = host_xstate.xfeatures;

	asm volatile("xrstor64 (%0)"
		     : : "r" (&init_xstate), "a" ((u32)mask),
		       "d" ((u32)(mask >> 32))
		     : "memory");
	current->thread.fpu_reset = 0;
}

/* Host rt_sigframe, as the host kernel reads it on rt_sigreturn. */
struct host_rt_sigframe {
	u64 pretcode;
	struct ucontext uc;
	struct siginfo info;
};

#define FPSTATE_MAX	(16 * 1024)

/*
 * Enter user mode with @regs: build a host signal frame and let the host's
 * rt_sigreturn load every register at once.  @fpstate (or the initial state
 * when NULL) becomes the user's FPU state.  The frame goes at the top of
 * the task's alternate signal stack, which is switched off meanwhile (the
 * frame re-arms it), because the kernel stack is still in use below
 * task_pt_regs() and @fpstate may sit at the bottom of the alternate stack.
 */
void __noreturn xlibos_enter_user(struct pt_regs *regs,
				  const struct _fpstate_64 *fpstate)
{
	struct thread_struct *t = &current->thread;
	unsigned long sp = (unsigned long)t->altstack + XLIBOS_ALTSTACK_SIZE;
	struct host_stack off = { .ss_flags = SS_DISABLE };
	struct host_rt_sigframe *f;
	void *fp = NULL;
	size_t size = xlibos_fpstate_size(fpstate);

	hc2(sigaltstack, &off, NULL);

	if (size) {
		sp = (sp - min_t(size_t, size, FPSTATE_MAX)) & ~63UL;
		fp = (void *)sp;
		memcpy(fp, fpstate, min_t(size_t, size, FPSTATE_MAX));
	}
	sp = ((sp - sizeof(*f)) & ~15UL) - 8;
	f = (struct host_rt_sigframe *)sp;
	memset(f, 0, sizeof(*f));

	f->uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS |
			 (fp ? UC_FP_XSTATE : 0);
	f->uc.uc_stack.ss_sp = t->altstack;
	f->uc.uc_stack.ss_size = XLIBOS_ALTSTACK_SIZE;
	f->uc.uc_stack.ss_flags = SS_AUTODISARM;
	xlibos_regs_to_uc(regs, &f->uc);
	f->uc.uc_mcontext.fpstate = (unsigned long)fp;
	t->fpu_reset = 0;

	hc2(arch_prctl, ARCH_SET_FS, t->fsbase);
	xlibos_host_sigreturn_to(&f->uc);
}
