// SPDX-License-Identifier: GPL-2.0
/*
 * Spare host processes.  Most of a guest fork's cost is the host process
 * behind it: the host fork, then about 90 host page faults that map the
 * LibOS into it again, then the teardown of all of that when it exits.
 * So the host process of a guest process that ends is kept as a spare:
 * its last host thread leaves the dead task's stack for a slot's own,
 * drops every user mapping and waits; the next fork hands its child task
 * to it instead of creating a host process.  A spare that is not used
 * within SPARE_IDLE_NS ends, so no host process outlives the last guest
 * process it served by more than that.  "xlibos.spare_hosts=0" turns
 * this off.
 *
 * Spare host threads, likewise: the host thread of a guest thread that
 * ends while its host process goes on (other threads of the program, or
 * the LibOS's own process for a kernel thread) waits in a slot too, and
 * the next task created in that host process (pthread_create, a kernel
 * thread) is handed to it instead of a new host thread: no host clone,
 * exit, signal stack or GS setup.  It also ends after SPARE_IDLE_NS.
 *
 * Spares count against the host's limit on tasks (a pids cgroup): a host
 * clone that fails with EAGAIN ends every waiting spare and tries again
 * (xlibos_spare_make_room), so they never cost the guest a fork.
 *
 * A spare runs no task: it never owns the vCPU, and until it is handed a
 * task it must not touch current (its %gs still names the dead task) nor
 * any kernel state but its slot.
 */
#include <linux/init.h>
#include <linux/mm_types.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/math64.h>
#include <linux/time64.h>
#include <asm/hypercall.h>
#include <asm/xlibos.h>

#define SPARE_SLOTS		8
#define SPARE_STACK_SIZE	(4 * PAGE_SIZE)
#define SPARE_IDLE_NS		(1 * NSEC_PER_SEC)

/* Slot states; the state is the futex word a spare waits on. */
enum {
	SLOT_EMPTY,		/* no spare */
	SLOT_CLEANING,		/* becoming a spare, or dismissed */
	SLOT_READY,		/* a spare waits */
	SLOT_CLAIMED,		/* a fork is handing it a task */
	SLOT_ASSIGNED,		/* task set: the spare is to run it */
};

struct spare_slot {
	u32 state;
	/* a spare host thread, for a task of its host process, not a process */
	bool thread;
	int host_pid;
	int host_tid;
	struct task_struct *task;
	/* an exec moving in (xlibos_spare_move_here): where it goes on */
	bool resume;
	unsigned long resume_ctx[XLIBOS_HOST_MOVE_CTX_WORDS];
	unsigned long stack[SPARE_STACK_SIZE / sizeof(long)] __aligned(16);
};

static struct spare_slot slots[SPARE_SLOTS];
static bool spare_hosts_on = true;

static int __init spare_hosts_setup(char *s)
{
	spare_hosts_on = strcmp(s, "0") != 0;
	return 1;
}
__setup("xlibos.spare_hosts=", spare_hosts_setup);

static bool slot_move(struct spare_slot *s, u32 from, u32 to)
{
	return __atomic_compare_exchange_n(&s->state, &from, to, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

/*
 * May the host process that mirrors @mm, which @t runs in, become a spare
 * once @mm is gone?  Not the first host process: that is the LibOS's own.
 */
static bool may_retire(const struct thread_struct *t,
		       const struct mm_struct *mm)
{
	return spare_hosts_on && t->host_pid != xlibos_host_pid &&
	       mm->context.host_pid == t->host_pid;
}

/*
 * A free slot for the host thread @t, which is about to become a spare
 * host process, or with @thread a spare host thread.
 */
static struct spare_slot *claim_empty(const struct thread_struct *t,
				      bool thread)
{
	struct spare_slot *s;
	int i;

	for (i = 0; i < SPARE_SLOTS; i++) {
		s = &slots[i];
		if (slot_move(s, SLOT_EMPTY, SLOT_CLEANING)) {
			s->thread = thread;
			s->host_pid = t->host_pid;
			s->host_tid = t->host_tid;
			return s;
		}
	}
	return NULL;
}

static unsigned long slot_stack_top(struct spare_slot *s)
{
	return (unsigned long)(s->stack + ARRAY_SIZE(s->stack));
}

/*
 * exit_mmap() of @mm.  If the exiting task's own host process mirrors it,
 * that process has no other task left: its host thread may become a spare.
 */
void xlibos_spare_exit_mmap(struct mm_struct *mm)
{
	struct thread_struct *t = &current->thread;

	if (!current->mm && may_retire(t, mm))
		t->retire_host = 1;
}

/*
 * exit_mm() of the exiting task @tsk: if other tasks still use @mm, which
 * its host process mirrors, that process goes on, and the task's host
 * thread may become a spare thread there.
 */
void xlibos_spare_exit_mm(struct mm_struct *mm, struct task_struct *tsk)
{
	struct thread_struct *t = &tsk->thread;

	if (tsk == current && (tsk->flags & PF_EXITING) &&
	    mm->context.host_pid == t->host_pid &&
	    atomic_read(&mm->mm_users) > 1)
		t->retire_thread = 1;
}

/* On the spare's own stack, with the task it is given. */
static void __noreturn spare_run_task(void *arg)
{
	struct spare_slot *s = arg;
	struct task_struct *p = s->task;

	/* Off the slot's stack: another host process may take the slot. */
	__atomic_store_n(&s->state, SLOT_EMPTY, __ATOMIC_RELEASE);
	xlibos_host_thread_init(p);
	xlibos_host_signals_set(0);
	if (s->thread)
		xlibos_cloned_task_start(p);
	else
		xlibos_forked_task_start(p);
}

/*
 * Host process @host_pid has no task left: its spare threads end (each
 * frees its slot as it goes), so they neither keep it alive nor wait in
 * a spare host process, which serves another program next.
 */
static void dismiss_threads(int host_pid)
{
	struct spare_slot *s;
	int i;

	for (i = 0; i < SPARE_SLOTS; i++) {
		s = &slots[i];
		if (s->thread && s->host_pid == host_pid &&
		    slot_move(s, SLOT_READY, SLOT_CLEANING))
			xlibos_futex_wake(&s->state, 1);
	}
}

/*
 * Host CLOCK_MONOTONIC by a plain host call: the vDSO's fallback would
 * trap, and a spare has host signals blocked.
 */
static u64 spare_clock_ns(void)
{
	struct __kernel_timespec ts;

	hc2(clock_gettime, CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* A retired host thread, on its slot's stack, host signals blocked. */
static void __noreturn spare_wait(void *arg)
{
	struct spare_slot *s = arg;
	struct __kernel_timespec abs;
	u64 deadline;
	u32 state;
	bool expired;
	struct host_stack off = { .ss_flags = SS_DISABLE };

	/* the dead task's alternate stack is freed; no user memory here */
	hc2(sigaltstack, &off, NULL);
	if (!s->thread) {
		dismiss_threads(s->host_pid);
		hc2(munmap, 0, TASK_SIZE);
	}
	deadline = spare_clock_ns() + SPARE_IDLE_NS;
	abs.tv_sec = div_u64(deadline, NSEC_PER_SEC);
	abs.tv_nsec = deadline - abs.tv_sec * NSEC_PER_SEC;
	__atomic_store_n(&s->state, SLOT_READY, __ATOMIC_RELEASE);
	for (;;) {
		state = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
		if (state == SLOT_ASSIGNED)
			break;
		expired = state == SLOT_READY && spare_clock_ns() >= deadline;
		/*
		 * Dismissed or expired, it ends freeing its slot, off the
		 * slot's stack; a spare process's only thread ends it.
		 */
		if (state == SLOT_CLEANING ||
		    (expired && slot_move(s, SLOT_READY, SLOT_CLEANING)))
			xlibos_host_thread_exit_wake(&s->state, SLOT_EMPTY);
		/* CLAIMED lasts a few stores: no sleep with a past deadline */
		if (state == SLOT_READY)
			xlibos_futex_wait(&s->state, state, &abs);
	}
	if (s->resume)
		xlibos_host_resume(s->resume_ctx, &s->task->thread.self);
	xlibos_call_on_stack(spare_run_task, s,
			     (unsigned long)task_pt_regs(s->task) & ~15UL);
	unreachable();
}

/*
 * __switch_to() from @prev, which is dead: if its host process is to be a
 * spare and a slot is free, hand the vCPU on (@val into @word) and become
 * one; otherwise return, and the host thread ends as usual.
 */
void xlibos_spare_retire(struct task_struct *prev, u32 *word, u32 val)
{
	struct thread_struct *t = &prev->thread;
	struct spare_slot *s;

	if (!spare_hosts_on || (!t->retire_host && !t->retire_thread))
		return;
	s = claim_empty(t, !t->retire_host);
	if (s)
		xlibos_host_thread_retire(word, val, slot_stack_top(s),
					  spare_wait, s);
	if (t->retire_host)
		dismiss_threads(t->host_pid);
}

static bool slot_fits(const struct spare_slot *s, int thread_of)
{
	return READ_ONCE(s->thread) == !!thread_of &&
	       (!thread_of || READ_ONCE(s->host_pid) == thread_of);
}

/*
 * A waiting spare for task @p: a spare host process, or with @thread_of a
 * spare thread of host process @thread_of.  A slot's kind and owner are
 * only certain once it is claimed: between a look and the claim, a host
 * thread retiring on its own may have emptied and refilled it.
 */
static struct spare_slot *claim_spare(struct task_struct *p, bool resume,
				      int thread_of)
{
	struct spare_slot *s;
	int i;

	for (i = 0; i < SPARE_SLOTS; i++) {
		s = &slots[i];
		if (!slot_fits(s, thread_of) ||
		    !slot_move(s, SLOT_READY, SLOT_CLAIMED))
			continue;
		if (!slot_fits(s, thread_of)) {
			__atomic_store_n(&s->state, SLOT_READY,
					 __ATOMIC_RELEASE);
			continue;
		}
		s->task = p;
		s->resume = resume;
		return s;
	}
	return NULL;
}

/* The claimed spare @s is to run @p, as its host thread. */
static void hand_over(struct spare_slot *s, struct task_struct *p)
{
	p->thread.host_pid = s->host_pid;
	p->thread.host_tid = s->host_tid;
	__atomic_store_n(&s->state, SLOT_ASSIGNED, __ATOMIC_RELEASE);
	xlibos_futex_wake(&s->state, 1);
}

/* A fork's child task @p gets a spare host process, if one waits. */
bool xlibos_spare_take(struct task_struct *p)
{
	struct spare_slot *s = claim_spare(p, false, 0);

	if (s) {
		p->mm->context.host_pid = s->host_pid;
		hand_over(s, p);
	}
	return s;
}

/*
 * A task @p created in the calling task's host process (a thread of the
 * same program, a kernel thread) gets a spare thread there, if one waits.
 */
bool xlibos_spare_thread_take(struct task_struct *p)
{
	struct spare_slot *s = claim_spare(p, false, current->thread.host_pid);

	if (s)
		hand_over(s, p);
	return s;
}

/*
 * A host clone returned @err.  If it failed for want of host tasks
 * (EAGAIN: the container's pids limit, most likely), waiting spares count
 * against that limit: end every one of them and wait until they are gone.
 * True if there were any: then the clone is worth one more try.
 */
bool xlibos_spare_make_room(long err)
{
	unsigned long released = 0;
	struct spare_slot *s;
	int i;

	if (err != -EAGAIN)
		return false;
	for (i = 0; i < SPARE_SLOTS; i++) {
		s = &slots[i];
		if (slot_move(s, SLOT_READY, SLOT_CLEANING)) {
			xlibos_futex_wake(&s->state, 1);
			released |= BIT(i);
		}
	}
	for (i = 0; i < SPARE_SLOTS; i++) {
		s = &slots[i];
		while ((released & BIT(i)) &&
		       __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) ==
		       SLOT_CLEANING)
			xlibos_futex_wait(&s->state, SLOT_CLEANING, NULL);
	}
	/* they free the slot just before their host exit: let that run */
	if (released)
		hc0(sched_yield);
	return released;
}

/*
 * exec leaves the host process of @old_mm (activate_mm).  If nothing else
 * runs there, the host thread that stays behind may become a spare: claim
 * a slot for it into @r (the stack and function for
 * xlibos_host_fork_here or xlibos_spare_move_here).
 */
void xlibos_spare_claim_old(struct mm_struct *old_mm,
			    struct xlibos_spare_retire *r)
{
	struct thread_struct *t = &current->thread;
	struct spare_slot *s = NULL;

	if (old_mm && may_retire(t, old_mm) &&
	    atomic_read(&old_mm->mm_users) == 1)
		s = claim_empty(t, false);
	r->stack_top = s ? slot_stack_top(s) : 0;
	r->fn = spare_wait;
	r->arg = s;
}

/* The claim was not used (no new host process). */
void xlibos_spare_unclaim_old(struct xlibos_spare_retire *r)
{
	struct spare_slot *s = r->arg;

	if (r->stack_top)
		__atomic_store_n(&s->state, SLOT_EMPTY, __ATOMIC_RELEASE);
	r->stack_top = 0;
}

/*
 * exec moving the current task out of its host process (activate_mm): if
 * a spare waits, this host thread ends (or retires as @r says) and the
 * call returns in the spare, on the same stack, with host signals blocked
 * (as after xlibos_host_fork_here), giving the spare's host pid and tid.
 */
bool xlibos_spare_move_here(const struct xlibos_spare_retire *r,
			    int *host_pid, int *host_tid)
{
	struct spare_slot *s = claim_spare(current, true, 0);

	if (!s)
		return false;
	xlibos_host_move_here(&s->state, SLOT_ASSIGNED, s->resume_ctx,
			      r->stack_top, r->fn, r->arg);
	/* In the spare's process now; its slot is free again. */
	*host_pid = s->host_pid;
	*host_tid = s->host_tid;
	__atomic_store_n(&s->state, SLOT_EMPTY, __ATOMIC_RELEASE);
	return true;
}

/*
 * Host process @host_pid was killed (hostwatch.c): its spares are gone
 * with it.  Their slots are free again; true if one had been handed a
 * task already, which then has no host thread.
 */
bool xlibos_spare_host_died(int host_pid)
{
	struct spare_slot *s;
	bool lost = false;
	int i;

	for (i = 0; i < SPARE_SLOTS; i++) {
		s = &slots[i];
		if (READ_ONCE(s->host_pid) != host_pid)
			continue;
		if (!slot_move(s, SLOT_READY, SLOT_EMPTY) &&
		    !slot_move(s, SLOT_CLEANING, SLOT_EMPTY))
			lost |= __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) !=
				SLOT_EMPTY;
	}
	return lost;
}
