// SPDX-License-Identifier: GPL-2.0
/*
 * Host processes.  Every guest mm is mirrored by exactly one host process;
 * all of them map the LibOS image and guest physical memory MAP_SHARED at
 * the same addresses, so the LibOS is one program spread over them.
 *
 * A fork gets a new host process, a child of the creating one; SIGCHLD is
 * ignored everywhere so the host reaps them, and an orphan goes to the
 * first host process (the loader runs it as init of a PID namespace, so
 * its end is everyone's end).  An exec
 * (from a kernel thread, a vfork child or any process) moves the task to a
 * fresh host process: the old host thread starts the new process on the
 * task's kernel stack and exits without touching that stack again.
 */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <asm/hypercall.h>
#include <asm/prctl.h>
#include <asm/xlibos.h>

#define HOST_SIGCHLD		17
#define NEW_HOST_PROCESS	HOST_SIGCHLD

/*
 * A new host process: no user mappings of its creator.  The host seccomp
 * filter came with the clone: the loader installed it in the first host
 * process, before the LibOS ran (loader/sandbox_filter.c).
 */
static void host_process_mirror_nothing(void)
{
	hc2(munmap, 0, TASK_SIZE);
}

/* First steps of a new host process, on the task's kernel stack. */
static void host_process_init(struct task_struct *p)
{
	xlibos_host_thread_init(p);
	host_process_mirror_nothing();
}

static void __noreturn forked_process_start(void *arg)
{
	struct task_struct *p = arg;

	host_process_init(p);
	/* its own alternate stack is set: host signals may come */
	xlibos_host_signals_set(0);
	xlibos_forked_task_start(p);
}

/* A forked child's first run, in its new (or spare) host process. */
void __noreturn xlibos_forked_task_start(struct task_struct *p)
{
	xlibos_task_first_run(p);
	xlibos_mirror_forked(p);
	xlibos_task_start_user(p);
}

/* copy_thread() of a fork: a new host process for the child's new mm. */
long xlibos_fork_host_process(struct task_struct *p)
{
	u64 mask;
	long pid;

	if (xlibos_spare_take(p))
		return 0;
	/*
	 * The new process starts with our host signal settings.  On the fast
	 * path our alternate stack is armed, and a host signal the child took
	 * before setting its own would be written over ours, where a frame
	 * of ours may be live: init died that way, returning to address 0
	 * (about one run in a hundred under load).  So the child starts with
	 * every host signal blocked.
	 */
	mask = xlibos_host_signals_block();
	do {
		pid = xlibos_host_clone(NEW_HOST_PROCESS,
					(unsigned long)task_pt_regs(p) & ~15UL,
					forked_process_start, p);
	} while (xlibos_spare_make_room(pid));
	xlibos_host_signals_set(mask);
	if (pid < 0)
		return pid;
	p->thread.host_pid = pid;
	p->thread.host_tid = pid;
	p->mm->context.host_pid = pid;
	xlibos_kernel_mirror_inherit(p, pid);
	return 0;
}

static void __noreturn migrated_start(void *arg)
{
	struct task_struct *tsk = arg;
	struct pt_regs *regs = task_pt_regs(tsk);
	int pid;

	host_process_init(tsk);
	pid = hc0(getpid);
	xlibos_kernel_mirror_inherit(tsk, pid);
	tsk->thread.host_pid = pid;
	tsk->thread.host_tid = pid;
	tsk->thread.host_uc = NULL;
	tsk->mm->context.host_pid = pid;
	tsk->mm->context.stale = 0;
	WRITE_ONCE(xlibos_vcpu.owner_pid, pid);
	WRITE_ONCE(xlibos_vcpu.owner_tid, pid);

	xlibos_prepare_user_return(regs);
	/* Only exec gets here: the program starts with a clean FPU. */
	xlibos_enter_user(regs, NULL);
}

/*
 * exec has switched current to a new mm.  Its host process mirrors the old
 * one (shared with a vfork parent, or the first host process), and exec is
 * about to write the new program's memory (bss tail, stack) through host
 * mappings: so move the task to a new host process right here.  The old
 * host thread ends inside the fork; the task goes on in the new process.
 */
void xlibos_activate_mm(struct mm_struct *prev, struct mm_struct *next)
{
	struct task_struct *tsk = current;
	bool in_handler = tsk->thread.host_uc;
	struct xlibos_spare_retire old;
	long ret;
	int pid, tid;

	if (next->context.host_pid)
		return;
	/*
	 * The stack must stay as it is, since the host signal frame this
	 * exec returns through may be on it.  A spare host process has no
	 * user mappings and its filter already; it got this task's GS, and
	 * its alternate stack is off, as ours is inside a handler.  On the
	 * fast path (no handler) it is armed here, as ours was.  Its FS base
	 * is exec's to set (flush_thread()).
	 */
	xlibos_spare_claim_old(prev, &old);
	if (xlibos_spare_move_here(&old, &pid, &tid)) {
		if (!in_handler)
			xlibos_host_altstack_arm(tsk);
	} else {
		do {
			ret = xlibos_host_fork_here(NEW_HOST_PROCESS,
						    old.stack_top, old.fn,
						    old.arg);
		} while (xlibos_spare_make_room(ret));
		if (ret < 0) {
			xlibos_spare_unclaim_old(&old);
			/* Keep going here; the return path tries again. */
			pr_warn_once("xlibos: exec cannot start a host process (%ld)\n",
				     ret);
			return;
		}
		/* GS and the alternate stack settings came with the fork. */
		host_process_mirror_nothing();
		pid = hc0(getpid);
		tid = pid;
		xlibos_kernel_mirror_inherit(tsk, pid);
	}
	tsk->thread.host_pid = pid;
	tsk->thread.host_tid = tid;
	tsk->thread.host_uc = NULL;
	next->context.host_pid = pid;
	next->context.stale = 0;
	WRITE_ONCE(xlibos_vcpu.owner_pid, pid);
	WRITE_ONCE(xlibos_vcpu.owner_tid, tid);
	/* a spare's vmalloc mirror may be older than ours */
	xlibos_kernel_mirror_sync();
	xlibos_host_signals_set(0);
}

/* Drop every user mapping of this host process if @mm changed elsewhere. */
void xlibos_mm_drop_stale(struct mm_struct *mm)
{
	if (mm && READ_ONCE(mm->context.stale) &&
	    mm->context.host_pid == current->thread.host_pid) {
		WRITE_ONCE(mm->context.stale, 0);
		hc2(munmap, 0, TASK_SIZE);
	}
}

/*
 * Make sure the calling host process mirrors current->mm before user code
 * runs: drop stale mappings, or move to a new host process if this one
 * belongs to another mm (the task has just exec'ed).
 */
void xlibos_mm_sync_host(struct pt_regs *regs)
{
	struct task_struct *tsk = current;
	struct mm_struct *mm = tsk->mm;
	long ret;

	if (mm->context.host_pid == tsk->thread.host_pid) {
		xlibos_mm_drop_stale(mm);
		return;
	}
	do {
		ret = xlibos_host_clone_exit(NEW_HOST_PROCESS,
					     (unsigned long)regs & ~15UL,
					     migrated_start, tsk);
	} while (xlibos_spare_make_room(ret));
	/*
	 * No host process for the new program (the host's task limit): past
	 * exec's point of no return, so the task dies, as Linux kills a
	 * process whose exec fails there.
	 */
	xlibos_host_signals_set(0);
	pr_err("xlibos: pid %d (%s) killed: no host process for its program (%ld)\n",
	       task_pid_nr(tsk), tsk->comm, ret);
	local_irq_enable();
	do_exit(SIGKILL);
}
