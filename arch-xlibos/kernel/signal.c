// SPDX-License-Identifier: GPL-2.0
/*
 * Guest signals, with x86-64's frame: struct rt_sigframe { pretcode; uc;
 * info; } then the XSAVE area, 64-byte aligned, below the 128-byte red
 * zone.  The FPU state in it is the host frame's, copied.
 */
#include <linux/entry-common.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/signal.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#include <asm/abcom.h>
#include <asm/ucontext.h>
#include <asm/xlibos.h>

#define RED_ZONE		128
#define FIX_EFLAGS	(0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | \
			 0x10 | 0x4 | 0x1 | 0x10000)	/* AC OF DF TF SF ZF AF PF CF RF */
#define EFLAGS_DF		0x400
#define EFLAGS_TF		0x100
#define EFLAGS_RF		0x10000

struct rt_sigframe {
	char __user *pretcode;
	struct ucontext uc;
	struct siginfo info;
};

static struct _fpstate_64 *host_fpstate(void)
{
	struct ucontext *huc = current->thread.host_uc;

	return huc ? (struct _fpstate_64 *)huc->uc_mcontext.fpstate : NULL;
}

static int setup_sigcontext(struct sigcontext_64 __user *sc,
			    struct pt_regs *regs, unsigned long mask,
			    void __user *fp)
{
	struct thread_struct *t = &current->thread;
	struct sigcontext_64 k = {
		.r8 = regs->r8, .r9 = regs->r9, .r10 = regs->r10,
		.r11 = regs->r11, .r12 = regs->r12, .r13 = regs->r13,
		.r14 = regs->r14, .r15 = regs->r15, .di = regs->di,
		.si = regs->si, .bp = regs->bp, .bx = regs->bx,
		.dx = regs->dx, .ax = regs->ax, .cx = regs->cx,
		.sp = regs->sp, .ip = regs->ip, .flags = regs->flags,
		.cs = regs->cs, .ss = XLIBOS_USER_DS,
		.err = t->error_code, .trapno = t->trap_nr,
		.oldmask = mask, .cr2 = t->cr2,
		.fpstate = (unsigned long)fp,
	};

	return copy_to_user(sc, &k, sizeof(k)) ? -EFAULT : 0;
}

static int setup_rt_frame(struct ksignal *ksig, sigset_t *set,
			  struct pt_regs *regs)
{
	struct _fpstate_64 *hfp = host_fpstate();
	size_t fpsize = xlibos_fpstate_size(hfp);
	unsigned long sp = regs->sp - RED_ZONE;
	struct rt_sigframe __user *frame;
	void __user *fp = NULL;
	unsigned long uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;

	if (!(ksig->ka.sa.sa_flags & SA_RESTORER))
		return -EFAULT;
	sp = sigsp(sp, ksig);
	if (fpsize) {
		sp = round_down(sp - fpsize, 64);
		fp = (void __user *)sp;
		if (copy_to_user(fp, hfp, fpsize))
			return -EFAULT;
		uc_flags |= UC_FP_XSTATE;
	}
	sp = round_down(sp - sizeof(*frame), 16) - 8;
	frame = (struct rt_sigframe __user *)sp;

	if (put_user((char __user *)ksig->ka.sa.sa_restorer, &frame->pretcode) ||
	    put_user(uc_flags, &frame->uc.uc_flags) ||
	    put_user(0, &frame->uc.uc_link) ||
	    __save_altstack(&frame->uc.uc_stack, regs->sp) ||
	    setup_sigcontext(&frame->uc.uc_mcontext, regs, set->sig[0], fp) ||
	    copy_to_user(&frame->uc.uc_sigmask, set, sizeof(*set)) ||
	    copy_siginfo_to_user(&frame->info, &ksig->info))
		return -EFAULT;

	regs->di = ksig->sig;
	regs->si = (unsigned long)&frame->info;
	regs->dx = (unsigned long)&frame->uc;
	regs->ax = 0;
	regs->ip = (unsigned long)ksig->ka.sa.sa_handler;
	regs->sp = (unsigned long)frame;
	regs->flags &= ~(EFLAGS_DF | EFLAGS_RF | EFLAGS_TF);
	/* A 64-bit handler, whatever code the signal interrupted. */
	regs->cs = XLIBOS_USER_CS;
	/* The handler starts with a clean FPU, as on x86-64. */
	current->thread.fpu_reset = 1;
	return 0;
}

static void handle_signal(struct ksignal *ksig, struct pt_regs *regs)
{
	/* A system call interrupted by a handled signal. */
	if (syscall_get_nr(current, regs) >= 0) {
		switch (syscall_get_error(current, regs)) {
		case -ERESTART_RESTARTBLOCK:
		case -ERESTARTNOHAND:
			regs->ax = -EINTR;
			break;
		case -ERESTARTSYS:
			if (!(ksig->ka.sa.sa_flags & SA_RESTART)) {
				regs->ax = -EINTR;
				break;
			}
			fallthrough;
		case -ERESTARTNOINTR:
			regs->ax = regs->orig_ax;
			regs->ip -= 2;
			break;
		}
	}
	/* a restartable sequence interrupted by the signal is aborted */
	rseq_signal_deliver(ksig, regs);
	signal_setup_done(setup_rt_frame(ksig, sigmask_to_save(), regs),
			  ksig, 0);
}

void arch_do_signal_or_restart(struct pt_regs *regs)
{
	struct ksignal ksig;

	if (get_signal(&ksig)) {
		handle_signal(&ksig, regs);
		return;
	}
	/* No handler: restart the interrupted system call, if any. */
	if (syscall_get_nr(current, regs) >= 0) {
		switch (syscall_get_error(current, regs)) {
		case -ERESTARTNOHAND:
		case -ERESTARTSYS:
		case -ERESTARTNOINTR:
			regs->ax = regs->orig_ax;
			regs->ip -= 2;
			break;
		case -ERESTART_RESTARTBLOCK:
			regs->ax = __NR_restart_syscall;
			regs->ip -= 2;
			break;
		}
	}
	restore_saved_sigmask();
}

SYSCALL_DEFINE0(rt_sigreturn)
{
	struct pt_regs *regs = current_pt_regs();
	struct rt_sigframe __user *frame;
	struct sigcontext_64 sc;
	struct _fpstate_64 *hfp = host_fpstate();
	size_t hsize = xlibos_fpstate_size(hfp);
	sigset_t set;

	frame = (struct rt_sigframe __user *)(regs->sp - sizeof(long));
	if (copy_from_user(&set, &frame->uc.uc_sigmask, sizeof(set)) ||
	    copy_from_user(&sc, &frame->uc.uc_mcontext, sizeof(sc)))
		goto badframe;
	set_current_blocked(&set);

	regs->r8 = sc.r8;
	regs->r9 = sc.r9;
	regs->r10 = sc.r10;
	regs->r11 = sc.r11;
	regs->r12 = sc.r12;
	regs->r13 = sc.r13;
	regs->r14 = sc.r14;
	regs->r15 = sc.r15;
	regs->di = sc.di;
	regs->si = sc.si;
	regs->bp = sc.bp;
	regs->bx = sc.bx;
	regs->dx = sc.dx;
	regs->ax = sc.ax;
	regs->cx = sc.cx;
	regs->sp = sc.sp;
	regs->ip = sc.ip;
	regs->flags = (regs->flags & ~FIX_EFLAGS) | (sc.flags & FIX_EFLAGS);
	/* the host's two user code segments; no others exist here */
	regs->cs = sc.cs == XLIBOS_USER32_CS ? XLIBOS_USER32_CS :
		   XLIBOS_USER_CS;
	regs->orig_ax = -1;	/* no system call restart from here */
	/* interrupted inside a site rewritten since: same place, new code */
	xlibos_abcom_resume(regs);

	if (restore_altstack(&frame->uc.uc_stack))
		goto badframe;

	if (!sc.fpstate) {
		current->thread.fpu_reset = 1;
	} else if (hsize) {
		struct _fpx_sw_bytes sw;
		void __user *ufp = (void __user *)sc.fpstate;

		if (copy_from_user(&sw, &((struct _fpstate_64 __user *)ufp)->sw_reserved,
				   sizeof(sw)))
			goto badframe;
		if (copy_from_user(hfp, ufp,
				   sw.magic1 == FP_XSTATE_MAGIC1 ?
				   min_t(size_t, sw.extended_size, hsize) :
				   sizeof(struct _fpstate_64)))
			goto badframe;
	}
	return regs->ax;

badframe:
	force_sig(SIGSEGV);
	return 0;
}
