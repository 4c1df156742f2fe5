// SPDX-License-Identifier: GPL-2.0
/*
 * The C half of the abcom fast path (fast_entry.S): the system call runs
 * through the same table and generic entry code as on the slow path.  What
 * the fast path cannot do without a host signal frame (deliver a signal:
 * the frame needs the FPU state; rt_sigreturn: it needs the frame itself)
 * it leaves to the slow path by returning through xlibos_fast_trap, with
 * thread.fast_defer saying what is left to do.  fork and clone run here:
 * the child's FPU state is saved from the registers, which still hold the
 * program's.  So does exec, which loads the initial state into them.
 */
#include <linux/entry-common.h>
#include <linux/resume_user_mode.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/syscalls.h>
#include <asm/abcom.h>
#include <asm/syscall.h>
#include <asm/ucontext.h>
#include <asm/xlibos.h>

static bool needs_host_frame(unsigned long nr)
{
	switch (nr) {
	case __NR_clone:
	case __NR_clone3:
	case __NR_fork:
	case __NR_vfork:
		/* the child's FPU state: saved from the registers if we can */
	case __NR_execve:
	case __NR_execveat:
		/* the new program's: reset in the registers, as XSAVE allows */
		return !xlibos_fpstate_saveable();
	case __NR_rt_sigreturn:
		return true;
	default:
		return false;
	}
}

static unsigned long defer(u8 what)
{
	current->thread.fast_defer = what;
	xlibos_abcom_stats.deferred++;
	return (unsigned long)xlibos_fast_trap;
}

/* Anything the return to user mode would have to do besides returning. */
static bool exit_work_pending(struct task_struct *tsk)
{
	struct mm_struct *mm = tsk->mm;

	return (READ_ONCE(current_thread_info()->flags) &
		EXIT_TO_USER_MODE_WORK) ||
	       (READ_ONCE(current_thread_info()->syscall_work) &
		SYSCALL_WORK_EXIT) ||
	       __atomic_load_n(&xlibos_irq.pending, __ATOMIC_SEQ_CST) ||
	       tsk->thread.fsbase_load ||
	       /* EFLAGS.TF: the host's return traps after one instruction */
	       (task_pt_regs(tsk)->flags & 0x100) ||
	       mm->context.host_pid != tsk->thread.host_pid ||
	       mm->context.stale;
}

/*
 * Whether the generic entry and exit code would do anything besides
 * checking work flags that the fast path checks itself: context tracking,
 * lockdep and irq tracing hook in there.  Without them, calling the generic
 * code when no work is flagged costs two calls and two more flips of the
 * interrupt flag per system call for nothing.
 */
#define GENERIC_ENTRY_HOOKS (IS_ENABLED(CONFIG_CONTEXT_TRACKING_USER) || \
			     IS_ENABLED(CONFIG_TRACE_IRQFLAGS) ||	  \
			     IS_ENABLED(CONFIG_LOCKDEP) ||		  \
			     IS_ENABLED(CONFIG_DEBUG_RSEQ) ||		  \
			     IS_ENABLED(CONFIG_KMSAN))

static __always_inline long fast_enter(struct pt_regs *regs, long nr)
{
	if (GENERIC_ENTRY_HOOKS ||
	    unlikely(READ_ONCE(current_thread_info()->syscall_work) &
		     SYSCALL_WORK_ENTER))
		return syscall_enter_from_user_mode(regs, nr);
	local_irq_enable();
	return nr;
}

/* From xlibos_fast_entry, on the kernel stack; returns where to go on. */
unsigned long xlibos_fast_syscall(struct pt_regs *regs)
{
	struct task_struct *tsk = current;
	long nr = (int)regs->orig_ax;	/* the low 32 bits, as on x86-64 */

	xlibos_abcom_stats.fast_calls++;
	if (unlikely(tsk->thread.user_tf)) {
		/* stepping resumes after the call (exit_work_pending) */
		tsk->thread.user_tf = 0;
		regs->flags |= 0x100;
	}
	/*
	 * A traced task stops inside its calls, where the tracer reads its
	 * FPU state from the host frame (ptrace.c): give it one.
	 */
	if (unlikely(needs_host_frame(nr) || tsk->ptrace))
		return defer(XLIBOS_FAST_DEFER_SYSCALL);

	nr = fast_enter(regs, nr);
	xlibos_syscall_prefault(regs, nr);
	/* the low 32 bits index the table, a tracer's number too */
	if (likely((unsigned int)nr < xlibos_nr_syscalls))
		regs->ax = sys_call_table[(unsigned int)nr](regs->di, regs->si,
					regs->dx, regs->r10, regs->r8, regs->r9);
	else if ((int)nr != -1)	/* -1: skipped (seccomp, a tracer) */
		regs->ax = -ENOSYS;
	local_irq_disable();
	if (unlikely(tsk->thread.fpu_reset))
		xlibos_fpu_reset_regs();	/* an exec */
	/*
	 * Work that needs no host frame (rseq's update after the task was
	 * switched out, task work) is done here, so a glibc program, which
	 * registers rseq, does not trap after every blocking call.
	 */
	if (unlikely((read_thread_flags() & EXIT_TO_USER_MODE_WORK) ==
		     _TIF_NOTIFY_RESUME)) {
		local_irq_enable();
		resume_user_mode_work(regs);
		local_irq_disable();
	}
	if (unlikely(exit_work_pending(tsk)))
		return defer(XLIBOS_FAST_DEFER_EXIT);
	/* no work pending: the generic exit would only do its hooks */
	if (GENERIC_ENTRY_HOOKS)
		syscall_exit_to_user_mode(regs);
	WRITE_ONCE(xlibos_irq.enabled, ARCH_IRQ_ENABLED);
	return regs->ip;
}

/*
 * A host signal that arrived in fast_entry.S itself.  Returns true if it
 * must stay pending: interrupts are not off yet, but will be checked
 * before the return.  On the way out, the return is completed in @uc
 * (everything is still in pt_regs), so the signal is taken in user mode.
 */
bool xlibos_fast_signal_fixup(struct ucontext *uc)
{
	unsigned long ip = uc->uc_mcontext.ip;

	if (ip == (unsigned long)xlibos_fast_entry)
		return true;
	if (ip >= (unsigned long)xlibos_fast_exit &&
	    ip < (unsigned long)xlibos_fast_exit_end) {
		xlibos_regs_to_uc(task_pt_regs(current), uc);
		uc->uc_mcontext.ip = current->thread.fast_ret;
	}
	return false;
}
