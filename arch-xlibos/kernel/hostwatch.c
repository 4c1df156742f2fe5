// SPDX-License-Identifier: GPL-2.0
/*
 * Host processes that die without the LibOS asking.  The LibOS ends its
 * host processes itself, with a plain exit.  One killed by a host signal
 * (a fault the LibOS could not take, the host's OOM killer, a program
 * signalling its own host process through the hypercall code) took the
 * host threads of its tasks with it: those tasks can never run again, and
 * if one of them held the vCPU nothing runs any more.  Linux has no state
 * to put such a task in, so the container ends at once with a message
 * naming the host process, the guest task and the signal, never a hang.
 *
 * The host's SIGCHLD brings the news (SA_NOCLDWAIT: the host still reaps
 * the child).  If the dead process held the vCPU, its parent's handler
 * ends the container; otherwise it queues the death for an interrupt, in
 * which the vCPU owner looks for tasks and spares the process carried.
 * A SIGCHLD can be lost (its parent a spare with host signals blocked,
 * that then ends), and a program can end its own host process with a
 * plain exit: so the timer thread also checks, while an interrupt waits
 * unserved, that the host thread of the vCPU owner still exists.
 */
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <asm/hypercall.h>
#include <asm/irq.h>
#include <asm/xlibos.h>

#define HOST_SA_NOCLDWAIT	0x00000002UL
#define DEATH_QUEUE		16

/* Deaths waiting for the interrupt: (host pid << 8) | host signal, or 0. */
static u64 death_queue[DEATH_QUEUE];

static const char *sig_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGILL: return "SIGILL";
	case SIGFPE: return "SIGFPE";
	case SIGTRAP: return "SIGTRAP";
	case SIGABRT: return "SIGABRT";
	case SIGKILL: return "SIGKILL";
	case SIGSYS: return "SIGSYS";
	case SIGTERM: return "SIGTERM";
	default: return NULL;
	}
}

/*
 * End the container: the exit record says why (unless the LibOS is
 * already ending), and the first host process exits, which ends every
 * other one (it is init of their host PID namespace).  Any host thread.
 */
static void container_lost(int host_pid, int sig, struct task_struct *t,
			   const char *what)
{
	struct xlibos_exit_record *rec =
		(struct xlibos_exit_record *)xlibos_boot.exit_record;
	const char *name = sig_name(sig);
	char signame[16];

	if (!rec || __atomic_load_n(&rec->magic, __ATOMIC_ACQUIRE) ==
		    XLIBOS_EXIT_MAGIC)
		return;
	if (!sig)
		signame[0] = '\0';
	else if (name)
		snprintf(signame, sizeof(signame), " %s", name);
	else
		snprintf(signame, sizeof(signame), " signal %d", sig);
	if (t)
		snprintf(rec->message, sizeof(rec->message),
			 "host process %d %s%s while it carried guest pid %d (%.16s): the container cannot go on",
			 host_pid, what, signame, task_pid_nr(t), t->comm);
	else
		snprintf(rec->message, sizeof(rec->message),
			 "host process %d %s%s: the container cannot go on",
			 host_pid, what, signame);
	rec->reason = XLIBOS_EXIT_HOST_DIED;
	__atomic_store_n(&rec->magic, XLIBOS_EXIT_MAGIC, __ATOMIC_RELEASE);
	if (hc0(getpid) == xlibos_host_pid)
		xlibos_host_exit_process(2);
	xlibos_request_shutdown(2);
}

/* In the dead process's parent host process, on any of its threads. */
static void sigchld_handler(int sig, struct siginfo *si, void *uc)
{
	int pid = si->si_pid;
	u64 entry;
	int i;

	if (si->si_code != CLD_KILLED && si->si_code != CLD_DUMPED)
		return;
	if (pid == READ_ONCE(xlibos_vcpu.owner_pid)) {
		container_lost(pid, si->si_status,
			       READ_ONCE(xlibos_vcpu.owner),
			       "was killed by");
		return;
	}
	entry = ((u64)pid << 8) | (si->si_status & 0xff);
	for (i = 0; i < DEATH_QUEUE; i++) {
		u64 free = 0;

		if (__atomic_compare_exchange_n(&death_queue[i], &free, entry,
						false, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED)) {
			xlibos_raise_irq(XLIBOS_HOSTDEATH_IRQ);
			return;
		}
	}
	container_lost(pid, si->si_status, NULL,
		       "was killed (one of too many at once) by");
}

/* A live task that ran in host process @pid, or NULL; RCU held. */
static struct task_struct *task_of_host(int pid)
{
	struct task_struct *g, *t;

	for_each_process_thread(g, t)
		if (READ_ONCE(t->thread.host_pid) == pid && !t->exit_state)
			return t;
	return NULL;
}

static irqreturn_t hostdeath_interrupt(int irq, void *dev)
{
	struct task_struct *t;
	u64 entry;
	int i, pid;

	for (i = 0; i < DEATH_QUEUE; i++) {
		entry = __atomic_exchange_n(&death_queue[i], 0,
					    __ATOMIC_ACQ_REL);
		if (!entry)
			continue;
		pid = entry >> 8;
		rcu_read_lock();
		t = task_of_host(pid);
		if (t || xlibos_spare_host_died(pid))
			container_lost(pid, entry & 0xff, t,
				       "was killed by");
		rcu_read_unlock();
	}
	return IRQ_HANDLED;
}

/* From xlibos_traps_host_init(): before any host process is made. */
void __init xlibos_hostwatch_host_init(void)
{
	xlibos_install_host_handler_flags(SIGCHLD, sigchld_handler,
					  HOST_SA_NOCLDWAIT);
}

static int __init hostwatch_init(void)
{
	return request_irq(XLIBOS_HOSTDEATH_IRQ, hostdeath_interrupt, 0,
			   "hostdeath", NULL);
}
arch_initcall(hostwatch_init);

/*
 * Timer thread, while an interrupt waits unserved (every WATCH_NS): does
 * the vCPU owner's host thread still exist?  It must be gone at four
 * looks in a row with the same owner: a hand-off, or an exec's move to a
 * new host process, changes the owner's ids in steps.
 */
void xlibos_hostwatch_check_owner(void)
{
	static struct task_struct *gone_owner;
	static int gone_pid, gone_tid, gone_looks;
	struct task_struct *owner = READ_ONCE(xlibos_vcpu.owner);
	int pid = READ_ONCE(xlibos_vcpu.owner_pid);
	int tid = READ_ONCE(xlibos_vcpu.owner_tid);

	if (__atomic_load_n(&xlibos_vcpu.idle, __ATOMIC_SEQ_CST) ||
	    hc3(tgkill, pid, tid, 0) != -ESRCH ||
	    owner != READ_ONCE(xlibos_vcpu.owner) ||
	    pid != READ_ONCE(xlibos_vcpu.owner_pid) ||
	    tid != READ_ONCE(xlibos_vcpu.owner_tid)) {
		gone_owner = NULL;
		return;
	}
	if (gone_owner != owner || gone_pid != pid || gone_tid != tid)
		gone_looks = 0;
	if (++gone_looks >= 4)
		container_lost(pid, 0, owner,
			       "ended without the LibOS asking");
	gone_owner = owner;
	gone_pid = pid;
	gone_tid = tid;
}
