// SPDX-License-Identifier: GPL-2.0
/*
 * Tasks and the vCPU.  Every task (kernel threads included) is backed by
 * one host thread that runs the task's kernel code on the task's kernel
 * stack.  Only the task that owns the vCPU runs; __switch_to() hands the
 * vCPU over by waking the next task's futex word and parks the previous
 * task's host thread on its own.
 */
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/sched/debug.h>
#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/kallsyms.h>
#include <linux/entry-common.h>
#include <asm/prctl.h>
#include <asm/ucontext.h>
#include <asm/hypercall.h>
#include <asm/signal.h>
#include <asm/xlibos.h>

/* run_token values */
#define RUN_PARKED	0
#define RUN_GO		1
#define RUN_ABORT	2	/* fork failed before the task ever ran */
#define RUN_ABORTED	3	/* the host thread acknowledged RUN_ABORT */

#define ALTSTACK_ORDER	XLIBOS_ALTSTACK_ORDER
#define ALTSTACK_SIZE	XLIBOS_ALTSTACK_SIZE


static unsigned long init_altstack[ALTSTACK_SIZE / sizeof(long)]
	__aligned(PAGE_SIZE);

/* Host signals come on @t's alternate stack (SS_AUTODISARM: nesting works). */
void xlibos_host_altstack_arm(struct task_struct *t)
{
	struct host_stack ss = {
		.ss_sp = t->thread.altstack,
		.ss_flags = SS_AUTODISARM,
		.ss_size = ALTSTACK_SIZE,
	};

	hc2(sigaltstack, &ss, NULL);
}

/* Runs on the host thread that backs @t, before it does anything else. */
void xlibos_host_thread_init(struct task_struct *t)
{
	if (t == &init_task)
		t->thread.altstack = init_altstack;
	hc2(arch_prctl, ARCH_SET_GS, &t->thread.self);
	xlibos_host_altstack_arm(t);
}

static void wait_for_vcpu(struct thread_struct *t)
{
	while (!__atomic_load_n(&t->run_token, __ATOMIC_ACQUIRE))
		xlibos_futex_wait(&t->run_token, RUN_PARKED, NULL);
}

/* A new task's host thread: wait to be scheduled for the first time. */
void xlibos_task_first_run(struct task_struct *p)
{
	wait_for_vcpu(&p->thread);
	if (p->thread.run_token == RUN_ABORT)
		xlibos_host_thread_exit_wake(&p->thread.run_token, RUN_ABORTED);
	xlibos_kernel_mirror_sync();
	schedule_tail(xlibos_vcpu.last);
}

/* A new task in its creator's host process, on its new host thread. */
void __noreturn xlibos_cloned_task_start(struct task_struct *p)
{
	xlibos_task_first_run(p);
	if (p->thread.kfn) {
		p->thread.kfn(p->thread.kfn_arg);
		/* A user-mode thread whose function returned has exec'ed. */
	}
	xlibos_task_start_user(p);
}

static void __noreturn xlibos_thread_start(void *arg)
{
	struct task_struct *p = arg;

	xlibos_host_thread_init(p);
	xlibos_cloned_task_start(p);
}

/* A new task's first way to user mode (x86's ret_from_fork). */
void __noreturn xlibos_task_start_user(struct task_struct *p)
{
	struct pt_regs *regs = task_pt_regs(p);

	syscall_exit_to_user_mode(regs);
	xlibos_prepare_user_return(regs);
	xlibos_enter_user(regs, p->thread.fpstate_copy);
}

static void copy_fpstate_for_child(struct thread_struct *t)
{
	struct ucontext *uc = current->thread.host_uc;
	const struct _fpstate_64 *fp;
	size_t size;

	t->fpstate_copy = NULL;
	/* The child's alternate stack is unused until it runs user code. */
	if (!uc) {
		/* a system call on the fast path: the registers hold it */
		if (xlibos_fpstate_save(t->altstack, ALTSTACK_SIZE / 2))
			t->fpstate_copy = t->altstack;
		return;
	}
	fp = (const struct _fpstate_64 *)uc->uc_mcontext.fpstate;
	size = xlibos_fpstate_size(fp);
	if (!size || size > ALTSTACK_SIZE / 2)
		return;
	memcpy(t->altstack, fp, size);
	t->fpstate_copy = t->altstack;
}

int copy_thread(struct task_struct *p, const struct kernel_clone_args *args)
{
	struct thread_struct *t = &p->thread;
	struct pt_regs *childregs = task_pt_regs(p);
	long tid;

	unsigned long fsbase = current->thread.fsbase;
	unsigned long gsbase = current->thread.gsbase;

	memset(t, 0, sizeof(*t));
	t->self = p;
	t->fast_kstack = (unsigned long)(childregs + 1);
	t->altstack = (void *)__get_free_pages(GFP_KERNEL, ALTSTACK_ORDER);
	if (!t->altstack)
		return -ENOMEM;

	if (args->fn) {
		memset(childregs, 0, sizeof(*childregs));
		t->kfn = args->fn;
		t->kfn_arg = args->fn_arg;
	} else {
		*childregs = *current_pt_regs();
		childregs->ax = 0;
		if (args->stack)
			childregs->sp = args->stack;
		t->fsbase = (args->flags & CLONE_SETTLS) ? args->tls : fsbase;
		t->gsbase = gsbase;
		copy_fpstate_for_child(t);
	}

	if (args->fn || (args->flags & CLONE_VM)) {
		/* A kernel thread, or a task sharing this host process's mm. */
		if (xlibos_spare_thread_take(p)) {
			tid = t->host_tid;
		} else {
			do {
				tid = xlibos_host_clone(XLIBOS_HOST_THREAD_FLAGS,
							(unsigned long)childregs & ~15UL,
							xlibos_thread_start, p);
			} while (xlibos_spare_make_room(tid));
			t->host_pid = current->thread.host_pid;
			t->host_tid = tid;
		}
		/* this host process, a spare thread's too */
		xlibos_kernel_mirror_inherit(p, t->host_pid);
	} else {
		tid = xlibos_fork_host_process(p);
		if (tid >= 0)
			xlibos_prefault_forker();
	}
	if (tid < 0) {
		free_pages((unsigned long)t->altstack, ALTSTACK_ORDER);
		t->altstack = NULL;
		t->host_tid = 0;
		return -EAGAIN;
	}
	return 0;
}

/* Called for a task whose fork failed after copy_thread(), and at exit. */
void exit_thread(struct task_struct *tsk)
{
	struct thread_struct *t = &tsk->thread;

	if (tsk == current) {
		/* the LibOS's own host process goes on: a spare thread there */
		if (tsk->flags & PF_KTHREAD)
			t->retire_thread = 1;
		return;
	}
	if (!t->host_tid)
		return;
	__atomic_store_n(&t->run_token, RUN_ABORT, __ATOMIC_SEQ_CST);
	xlibos_futex_wake(&t->run_token, 1);
	while (__atomic_load_n(&t->run_token, __ATOMIC_ACQUIRE) != RUN_ABORTED)
		xlibos_futex_wait(&t->run_token, RUN_ABORT, NULL);
	t->host_tid = 0;
}

/*
 * A new task_struct starts as a copy of its parent's; its thread state must
 * not, or a fork that fails before copy_thread() would free the parent's
 * alternate stack when the half-made child is released.
 */
int arch_dup_task_struct(struct task_struct *dst, struct task_struct *src)
{
	*dst = *src;
	memset(&dst->thread, 0, sizeof(dst->thread));
	dst->thread.self = dst;
	return 0;
}

void arch_release_task_struct(struct task_struct *tsk)
{
	if (tsk->thread.altstack)
		free_pages((unsigned long)tsk->thread.altstack, ALTSTACK_ORDER);
	tsk->thread.altstack = NULL;
}

/* @t is to own the vCPU: what the entries from user mode look up. */
void xlibos_vcpu_set_owner(struct task_struct *t)
{
	WRITE_ONCE(xlibos_vcpu.owner, t);
	WRITE_ONCE(xlibos_vcpu.gs_self, (unsigned long)&t->thread.self);
	WRITE_ONCE(xlibos_vcpu.fast_kstack, t->thread.fast_kstack);
}

struct task_struct *__switch_to(struct task_struct *prev,
				struct task_struct *next)
{
	struct thread_struct *p = &prev->thread;
	struct thread_struct *n = &next->thread;

	xlibos_vcpu.last = prev;
	xlibos_vcpu_set_owner(next);
	WRITE_ONCE(xlibos_vcpu.owner_pid, n->host_pid);
	WRITE_ONCE(xlibos_vcpu.owner_tid, n->host_tid);

	/*
	 * A dead task's stack is freed by next: leave without touching it,
	 * as a spare host process (hostpool.c) or by ending the host thread.
	 */
	if (READ_ONCE(prev->__state) == TASK_DEAD) {
		xlibos_spare_retire(prev, &n->run_token, RUN_GO);
		xlibos_host_thread_exit_wake(&n->run_token, RUN_GO);
	}

	WRITE_ONCE(p->run_token, RUN_PARKED);
	__atomic_store_n(&n->run_token, RUN_GO, __ATOMIC_SEQ_CST);
	xlibos_futex_wake(&n->run_token, 1);
	wait_for_vcpu(p);

	/*
	 * Pages this process still maps may have been unmapped and freed
	 * while it slept: drop them before even kernel code touches user
	 * memory again; and so may vmalloc's.
	 */
	xlibos_kernel_mirror_sync();
	xlibos_mm_drop_stale(prev->mm);
	return xlibos_vcpu.last;
}

/* Called with interrupts disabled; returns with them enabled. */
void arch_cpu_idle(void)
{
	__atomic_store_n(&xlibos_vcpu.idle, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&xlibos_irq.pending, __ATOMIC_SEQ_CST))
		xlibos_futex_wait(&xlibos_irq.pending, 0, NULL);
	__atomic_store_n(&xlibos_vcpu.idle, 0, __ATOMIC_SEQ_CST);
	raw_local_irq_enable();
}

void start_thread(struct pt_regs *regs, unsigned long pc, unsigned long sp)
{
	/* x86-64 programs start with zeroed registers (ELF_PLAT_INIT). */
	memset(regs, 0, sizeof(*regs));
	regs->ip = pc;
	regs->sp = sp;
	regs->cs = XLIBOS_USER_CS;
	regs->ss = XLIBOS_USER_DS;
	regs->flags = 0x200;	/* X86_EFLAGS_IF, as on x86-64 */
	xlibos_prefault_exec(pc);
}

/* exec: the new program starts with a clean FPU and no TLS. */
void flush_thread(void)
{
	current->thread.fpu_reset = 1;
	current->thread.fsbase = 0;
	current->thread.gsbase = 0;
	hc2(arch_prctl, ARCH_SET_FS, 0);
}

unsigned long __get_wchan(struct task_struct *p)
{
	return 0;
}

void show_regs(struct pt_regs *regs)
{
	show_regs_print_info(KERN_DEFAULT);
	pr_info("RIP: %016lx RSP: %016lx EFLAGS: %08lx\n",
		regs->ip, regs->sp, regs->flags);
	pr_info("RAX: %016lx RBX: %016lx RCX: %016lx\n",
		regs->ax, regs->bx, regs->cx);
	pr_info("RDX: %016lx RSI: %016lx RDI: %016lx\n",
		regs->dx, regs->si, regs->di);
	pr_info("RBP: %016lx R08: %016lx R09: %016lx\n",
		regs->bp, regs->r8, regs->r9);
	pr_info("R10: %016lx R11: %016lx R12: %016lx\n",
		regs->r10, regs->r11, regs->r12);
	pr_info("R13: %016lx R14: %016lx R15: %016lx\n",
		regs->r13, regs->r14, regs->r15);
}

/* Without unwind tables: report every kernel text address on the stack. */
void show_stack(struct task_struct *task, unsigned long *sp,
		const char *loglvl)
{
	unsigned long *end;

	if (!task)
		task = current;
	if (!sp)
		sp = task == current ? (unsigned long *)&sp :
		     (unsigned long *)task_pt_regs(task);
	end = (unsigned long *)task_pt_regs(task);
	if (sp < (unsigned long *)task_stack_page(task) || sp >= end)
		return;

	printk("%sCall Trace (guessed):\n", loglvl);
	for (; sp < end; sp++)
		if (__kernel_text_address(*sp))
			printk("%s [<%016lx>] %pS\n", loglvl, *sp, (void *)*sp);
}

/* kernel/sched/fair.c; tunable in debugfs (sched/wakeup_granularity_ns) */
extern unsigned int sysctl_sched_wakeup_granularity;

/*
 * A woken task preempts the running one only if it is further behind it
 * than the wakeup granularity.  Linux's default grows with the CPU count
 * (1 ms on one CPU, 4 ms from eight on).  xlibos has one vCPU, but each
 * task switch is a host thread hand-off costing several native switches,
 * and the running task often blocks a moment later anyway (a thread that
 * wakes its joiner and exits): take the many-CPU value, which halves the
 * switches of a thread create+join.
 */
static int __init xlibos_sched_init(void)
{
	sysctl_sched_wakeup_granularity = 4 * NSEC_PER_MSEC;
	return 0;
}
late_initcall(xlibos_sched_init);
