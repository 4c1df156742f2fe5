// SPDX-License-Identifier: GPL-2.0
/*
 * Guest user mode.  A task in user mode is its host thread running guest
 * code in the host process of the task's mm.  Control comes back to the
 * LibOS only through host signals, which arrive on the thread's alternate
 * stack (armed with SS_AUTODISARM, so nested signals stack up below):
 *
 *   SIGSYS            a system call trapped by the host seccomp filter
 *   SIGSEGV, SIGBUS   a page fault
 *   SIGILL, SIGFPE, SIGTRAP  a CPU exception
 *   XLIBOS_SIGIRQ     an interrupt
 *
 * The handler copies the user registers from the host ucontext into
 * task_pt_regs(), does the work on the task's kernel stack through the
 * generic entry code, and returns to user mode by letting the host restore
 * the (possibly changed) ucontext.
 */
#include <linux/entry-common.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/signal.h>
#include <linux/syscalls.h>
#include <uapi/linux/audit.h>
#include <asm/abcom.h>
#include <asm/prctl.h>
#include <asm/sections.h>
#include <asm/hypercall.h>
#include <asm/syscall.h>
#include <asm/ucontext.h>
#include <asm/xlibos.h>

/* Where x86-64 hosts put the legacy vsyscall page. */
#define HOST_VSYSCALL_ADDR	0xffffffffff600000UL

void xlibos_uc_to_regs(const struct ucontext *uc, struct pt_regs *regs)
{
	const struct sigcontext_64 *sc = &uc->uc_mcontext;

	regs->r15 = sc->r15;
	regs->r14 = sc->r14;
	regs->r13 = sc->r13;
	regs->r12 = sc->r12;
	regs->bp = sc->bp;
	regs->bx = sc->bx;
	regs->r11 = sc->r11;
	regs->r10 = sc->r10;
	regs->r9 = sc->r9;
	regs->r8 = sc->r8;
	regs->ax = sc->ax;
	regs->cx = sc->cx;
	regs->dx = sc->dx;
	regs->si = sc->si;
	regs->di = sc->di;
	regs->ip = sc->ip;
	regs->sp = sc->sp;
	regs->flags = sc->flags;
	/* 32-bit code (a far jump to the host's compat segment) goes on so */
	regs->cs = sc->cs == XLIBOS_USER32_CS ? XLIBOS_USER32_CS :
		   XLIBOS_USER_CS;
	regs->ss = XLIBOS_USER_DS;
}

void xlibos_regs_to_uc(const struct pt_regs *regs, struct ucontext *uc)
{
	struct sigcontext_64 *sc = &uc->uc_mcontext;

	sc->r15 = regs->r15;
	sc->r14 = regs->r14;
	sc->r13 = regs->r13;
	sc->r12 = regs->r12;
	sc->bp = regs->bp;
	sc->bx = regs->bx;
	sc->r11 = regs->r11;
	sc->r10 = regs->r10;
	sc->r9 = regs->r9;
	sc->r8 = regs->r8;
	sc->ax = regs->ax;
	sc->cx = regs->cx;
	sc->dx = regs->dx;
	sc->si = regs->si;
	sc->di = regs->di;
	sc->ip = regs->ip;
	sc->sp = regs->sp;
	sc->flags = regs->flags;
	sc->cs = regs->cs == XLIBOS_USER32_CS ? XLIBOS_USER32_CS :
		 XLIBOS_USER_CS;
	sc->ss = XLIBOS_USER_DS;
}

/* @trapped: the `syscall` instruction at regs->ip - 2 trapped. */
static void user_syscall(struct pt_regs *regs, bool trapped)
{
	/* as x86-64 since 5.12: the number is the low 32 bits, signed */
	long nr = (int)regs->ax;

	regs->orig_ax = regs->ax;
	regs->ax = -ENOSYS;
	nr = syscall_enter_from_user_mode(regs, nr);
	if (trapped) {
		xlibos_abcom_stats.slow_calls++;
		if (xlibos_abcom_mode != XLIBOS_ABCOM_OFF)
			xlibos_abcom_online(regs);
	}
	xlibos_syscall_prefault(regs, nr);
	/* the low 32 bits index the table, a tracer's number too */
	if (likely((unsigned int)nr < xlibos_nr_syscalls))
		regs->ax = sys_call_table[(unsigned int)nr](regs->di, regs->si,
					regs->dx, regs->r10, regs->r8, regs->r9);
	else if ((int)nr != -1)	/* -1: skipped (seccomp, a tracer) */
		regs->ax = -ENOSYS;
	syscall_exit_to_user_mode(regs);
}

/* int $0x80 and friends: no 32-bit system calls here, as without IA32. */
static void user_foreign_syscall(struct pt_regs *regs)
{
	irqentry_enter_from_user_mode(regs);
	regs->ax = -ENOSYS;
	irqentry_exit_to_user_mode(regs);
}

static void user_interrupt(struct pt_regs *regs)
{
	irqentry_enter_from_user_mode(regs);
	xlibos_run_pending_irqs(regs);
	irqentry_exit_to_user_mode(regs);
}

/* A CPU exception in user mode: @trapno and @err as x86 reports them. */
static void user_exception(struct pt_regs *regs, int sig, int si_code,
			   unsigned long addr, unsigned long trapno,
			   unsigned long err)
{
	struct thread_struct *t = &current->thread;

	irqentry_enter_from_user_mode(regs);
	t->trap_nr = trapno;
	t->error_code = err;
	t->cr2 = addr;
	local_irq_enable();
	if (sig == SIGSEGV || sig == SIGBUS)
		xlibos_user_page_fault(regs, addr, err, sig, si_code);
	else if (sig == SIGILL && xlibos_abcom_resume(regs))
		;	/* stopped inside a rewritten site */
	else
		force_sig_fault(sig, si_code, (void __user *)addr);
	local_irq_disable();
	irqentry_exit_to_user_mode(regs);
}

/*
 * The host emulated a call into its legacy vsyscall page and trapped it
 * as a system call, with the call already "returned".  The guest has no
 * vsyscall page (as with vsyscall=none): the call faults at that address.
 */
static bool host_vsyscall(const struct siginfo *si)
{
	return ((unsigned long)si->si_call_addr & PAGE_MASK) ==
	       HOST_VSYSCALL_ADDR;
}

static void user_vsyscall_fault(struct pt_regs *regs, unsigned long addr)
{
	regs->ip = addr;
	regs->sp -= 8;			/* the return address is pushed again */
	user_exception(regs, SIGSEGV, SEGV_MAPERR, addr,
		       X86_TRAP_PF, X86_PF_USER | X86_PF_INSTR);
}

/*
 * A trapped call whose number looks like -ERESTARTSYS & co was
 * "restarted" by the host as it delivered SIGSYS: undo that.
 */
static void undo_host_restart(struct pt_regs *regs, const struct siginfo *si)
{
	regs->ip = (unsigned long)si->si_call_addr;
	if ((int)regs->ax != si->si_syscall)
		regs->ax = si->si_syscall;
}

/*
 * Last steps before user code runs again: make sure this host process
 * mirrors the task's mm, then set the interrupt flag, serving anything
 * that was raised while it was clear.
 */
void xlibos_prepare_user_return(struct pt_regs *regs)
{
	struct thread_struct *t = &current->thread;

	/* a tracer's new fs_base: only this host thread can load it */
	if (unlikely(t->fsbase_load)) {
		t->fsbase_load = 0;
		hc2(arch_prctl, ARCH_SET_FS, t->fsbase);
	}
	for (;;) {
		xlibos_mm_sync_host(regs);
		WRITE_ONCE(xlibos_irq.enabled, ARCH_IRQ_ENABLED);
		if (!__atomic_load_n(&xlibos_irq.pending, __ATOMIC_SEQ_CST))
			return;
		WRITE_ONCE(xlibos_irq.enabled, ARCH_IRQ_DISABLED);
		user_interrupt(regs);
	}
}

struct user_entry_args {
	struct pt_regs *regs;
	int sig;
	u8 fast_defer;
	struct siginfo *si;
	struct ucontext *uc;
};

static void user_entry_on_kstack(void *arg)
{
	struct user_entry_args *a = arg;

	/* Entering the kernel from user mode masks interrupts. */
	WRITE_ONCE(xlibos_irq.enabled, ARCH_IRQ_DISABLED);
	if (a->fast_defer == XLIBOS_FAST_DEFER_SYSCALL) {
		a->regs->ax = a->regs->orig_ax;
		user_syscall(a->regs, false);
	} else if (a->fast_defer == XLIBOS_FAST_DEFER_EXIT) {
		syscall_exit_to_user_mode(a->regs);
	} else if (a->sig == SIGSYS && host_vsyscall(a->si)) {
		user_vsyscall_fault(a->regs, (unsigned long)a->si->si_call_addr);
	} else if (a->sig == SIGSYS) {
		undo_host_restart(a->regs, a->si);
		if (a->si->si_arch != AUDIT_ARCH_X86_64)
			user_foreign_syscall(a->regs);
		else
			user_syscall(a->regs, true);
	} else if (a->sig == XLIBOS_SIGIRQ) {
		user_interrupt(a->regs);
	} else {
		user_exception(a->regs, a->sig, a->si->si_code,
			       (unsigned long)a->si->si_addr,
			       a->uc->uc_mcontext.trapno,
			       a->uc->uc_mcontext.err);
	}
	xlibos_prepare_user_return(a->regs);
}

/* Called by the host signal handlers for a signal taken in user mode. */
void xlibos_user_entry(int sig, struct siginfo *si, struct ucontext *uc)
{
	struct task_struct *tsk = current;
	struct user_entry_args a = {
		.regs = task_pt_regs(tsk),
		.sig = sig,
		.si = si,
		.uc = uc,
	};

	/*
	 * The fast path's trapped return: pt_regs are already the user's,
	 * the host frame is only wanted for its FPU state.
	 */
	if (sig == SIGSYS &&
	    uc->uc_mcontext.ip == (unsigned long)xlibos_fast_trap_end) {
		a.fast_defer = tsk->thread.fast_defer;
		tsk->thread.fast_defer = XLIBOS_FAST_DEFER_NONE;
	} else {
		xlibos_uc_to_regs(uc, a.regs);
	}
	tsk->thread.host_uc = uc;
	xlibos_call_on_stack(user_entry_on_kstack, &a,
			     (unsigned long)a.regs & ~15UL);
	xlibos_regs_to_uc(a.regs, uc);
	xlibos_fpu_fixup(uc);
	tsk->thread.host_uc = NULL;
}

/* The host vDSO's text: a few pages around its clock_gettime. */
static bool in_host_vdso(unsigned long ip)
{
	unsigned long fn = xlibos_boot.vdso_clock_gettime & PAGE_MASK;

	return fn && ip >= fn - 4 * PAGE_SIZE && ip < fn + 4 * PAGE_SIZE;
}

/*
 * Was the host thread running guest code when the signal came?  LibOS
 * code is the image (and the host vDSO it calls); anything else is the
 * program's, including a wild jump to a kernel or non-canonical address,
 * which must be the program's SIGSEGV, not a LibOS panic.
 */
bool xlibos_from_user(const struct ucontext *uc)
{
	unsigned long ip = uc->uc_mcontext.ip;

	if (ip == (unsigned long)xlibos_fast_trap_end)
		return true;
	return ip < TASK_SIZE || !(__is_kernel(ip) || in_host_vdso(ip));
}
