// SPDX-License-Identifier: GPL-2.0
/*
 * Host signals that mean "the CPU trapped": SIGSEGV/SIGBUS from a memory
 * access, SIGILL, SIGFPE, SIGTRAP.  In LibOS code a fault is either a
 * vmalloc page not mirrored yet, a user access with a fixup, or a bug.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pfn.h>
#include <linux/pgtable.h>
#include <linux/sched/debug.h>
#include <asm/abcom.h>
#include <asm/hypercall.h>
#include <asm/ucontext.h>
#include <asm/xlibos.h>

/* Host struct kernel_sigaction for rt_sigaction(2) on x86-64. */
struct host_sigaction {
	void *handler;
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

#define HOST_SA_SIGINFO		0x00000004UL
#define HOST_SA_ONSTACK		0x08000000UL
#define HOST_SA_RESTART		0x10000000UL
#define HOST_SA_RESTORER	0x04000000UL
#define HOST_SA_NODEFER		0x40000000UL
#define HOST_SIG_IGN		((void *)1)
#define XLIBOS_HOST_NSIG	64

/* The C handler of each host signal, called by xlibos_host_signal_entry. */
void *xlibos_host_handlers[XLIBOS_HOST_NSIG + 1];
void xlibos_host_signal_entry(int sig, struct siginfo *si, void *uc);

void xlibos_install_host_handler(int sig, void *handler)
{
	xlibos_install_host_handler_flags(sig, handler, 0);
}

/* With host SA_* @flags besides those every handler has. */
void xlibos_install_host_handler_flags(int sig, void *handler,
				       unsigned long flags)
{
	struct host_sigaction sa = {
		.handler = handler == HOST_SIG_IGN ? handler :
			   (void *)xlibos_host_signal_entry,
		/* NODEFER: a fault while handling a fault must be delivered. */
		.flags = HOST_SA_SIGINFO | HOST_SA_ONSTACK | HOST_SA_RESTART |
			 HOST_SA_RESTORER | HOST_SA_NODEFER | flags,
		.restorer = xlibos_host_sigreturn,
		.mask = 0,
	};
	long err = -EINVAL;

	if (sig >= 1 && sig <= XLIBOS_HOST_NSIG) {
		xlibos_host_handlers[sig] = handler;
		err = hc4(rt_sigaction, sig, &sa, NULL, sizeof(sa.mask));
	}

	if (err) {
		static const char msg[] = "xlibos: rt_sigaction failed\n";

		hc3(write, 2, msg, sizeof(msg) - 1);
		xlibos_host_exit_process(2);
	}
}

/* Mirror one page of the kernel's vmalloc area from init_mm's tables. */
static bool map_kernel_page(unsigned long addr)
{
	pte_t *ptep, pte;
	long ret;

	if (addr < VMALLOC_START || addr >= VMALLOC_END)
		return false;
	ptep = xlibos_lookup_pte(&init_mm, addr);
	if (!ptep)
		return false;
	pte = READ_ONCE(*ptep);
	/*
	 * A frame past guest memory would be a host SIGBUS at every access
	 * (a hang, the handler mapping it again): an oops instead.
	 */
	if (!(pte_val(pte) & _PAGE_PRESENT) ||
	    pte_pfn(pte) >= PFN_DOWN(xlibos_boot.phys_size))
		return false;

	ret = hc6(mmap, addr & PAGE_MASK, PAGE_SIZE,
		  PROT_READ | (pte_write(pte) ? PROT_WRITE : 0) |
		  (pte_exec(pte) ? PROT_EXEC : 0),
		  MAP_SHARED | MAP_FIXED, xlibos_boot.phys_fd,
		  pte_pfn(pte) << PAGE_SHIFT);
	return ret == (long)(addr & PAGE_MASK);
}


static const struct {
	const char *insn, *fixup;
} nofault_sites[] = {
	{ xlibos_nofault_insn, xlibos_nofault_fixup },
	{ xlibos_nofault_clear_insn, xlibos_nofault_clear_fixup },
	{ xlibos_probe_fsgsbase_insn, xlibos_probe_fsgsbase_fixup },
};

/*
 * The program running as the vCPU owner wrote its GS base (WRGSBASE):
 * the LibOS keeps its per-task pointer there, so the program's value
 * becomes the task's gsbase, as ARCH_GET_GS and ptrace see it, and the
 * LibOS's goes back.  (Like ARCH_SET_GS, it is not loaded in user mode.)
 * Runs before anything may use %gs.
 */
void notrace xlibos_user_gs_changed(unsigned long gs)
{
	struct task_struct *owner = READ_ONCE(xlibos_vcpu.owner);

	owner->thread.gsbase = gs;
	asm volatile("wrgsbase %0" : : "r" (&owner->thread.self) : "memory");
}

/*
 * A host signal found a GS base other than the vCPU owner's.  Another
 * host thread (a parked task's, a spare) has its own, right one: a task
 * in guest memory's direct map.  Any other value is a program's, and only
 * the owner's host thread runs a program: from user mode, or nested at
 * the very start of a handler entered from there (the host delivers
 * pending signals one on top of the other), or in the fast entry before
 * its own check.
 */
void notrace xlibos_signal_gs_check(unsigned long gs)
{
	if (gs - PAGE_OFFSET >= xlibos_boot.phys_size)
		xlibos_user_gs_changed(gs);
}

static void kernel_fault(int sig, struct siginfo *si, struct ucontext *uc)
{
	unsigned long addr = (unsigned long)si->si_addr;
	struct pt_regs regs = {};
	unsigned int i;

	if ((sig == SIGSEGV || sig == SIGBUS) && map_kernel_page(addr))
		return;
	/*
	 * A program single-stepped (EFLAGS.TF, its own or a tracer's) into
	 * the fast path's entry: no stepping in the LibOS; the user's TF is
	 * put back into its flags there (xlibos_fast_syscall).
	 */
	if (sig == SIGTRAP && si->si_code == TRAP_TRACE) {
		uc->uc_mcontext.flags &= ~0x100UL;
		if (uc->uc_mcontext.ip == (unsigned long)xlibos_fast_entry)
			current->thread.user_tf = 1;
		return;
	}
	/* copy_{to,from}_user on a user page not mirrored (yet) */
	if ((sig == SIGSEGV || sig == SIGBUS) && addr < TASK_SIZE &&
	    xlibos_kernel_user_fault(addr, uc->uc_mcontext.err))
		return;

	/* A faulting user (or nofault) copy returns the bytes left. */
	for (i = 0; i < ARRAY_SIZE(nofault_sites); i++) {
		if (uc->uc_mcontext.ip == (unsigned long)nofault_sites[i].insn) {
			uc->uc_mcontext.ip = (unsigned long)nofault_sites[i].fixup;
			return;
		}
	}

	regs.ip = uc->uc_mcontext.ip;
	regs.sp = uc->uc_mcontext.sp;
	regs.bp = uc->uc_mcontext.bp;
	regs.flags = uc->uc_mcontext.flags;
	regs.ax = uc->uc_mcontext.ax;
	regs.bx = uc->uc_mcontext.bx;
	regs.cx = uc->uc_mcontext.cx;
	regs.dx = uc->uc_mcontext.dx;
	regs.si = uc->uc_mcontext.si;
	regs.di = uc->uc_mcontext.di;
	regs.r8 = uc->uc_mcontext.r8;
	regs.r9 = uc->uc_mcontext.r9;
	regs.r10 = uc->uc_mcontext.r10;
	regs.r11 = uc->uc_mcontext.r11;
	regs.r12 = uc->uc_mcontext.r12;
	regs.r13 = uc->uc_mcontext.r13;
	regs.r14 = uc->uc_mcontext.r14;
	regs.r15 = uc->uc_mcontext.r15;

	pr_emerg("xlibos: kernel %s at %pS, address %016lx\n",
		 sig == SIGSEGV ? "page fault" :
		 sig == SIGBUS ? "bus error" :
		 sig == SIGILL ? "invalid opcode" :
		 sig == SIGFPE ? "divide error" : "trap",
		 (void *)regs.ip, addr);
	show_regs(&regs);
	/* the message reaches the loader even if the console is quiet */
	panic("Fatal exception in LibOS code: host signal %d code %d at %pS, address %016lx",
	      sig, si->si_code, (void *)regs.ip, addr);
}

static void trap_handler(int sig, struct siginfo *si, void *ucv)
{
	if (xlibos_from_user(ucv))
		xlibos_user_entry(sig, si, ucv);
	else
		kernel_fault(sig, si, ucv);
}

/*
 * A host system call from outside the hypercall section.  From user mode
 * it is a guest system call.  In LibOS context only the host vDSO's
 * fallback can do it: run that one call for it.
 */
static void sigsys_handler(int sig, struct siginfo *si, void *ucv)
{
	struct ucontext *uc = ucv;
	struct sigcontext_64 *sc = &uc->uc_mcontext;

	if (xlibos_from_user(uc)) {
		xlibos_user_entry(sig, si, uc);
		return;
	}
	if (sc->ax == __NR_clock_gettime || sc->ax == __NR_gettimeofday ||
	    sc->ax == __NR_time || sc->ax == __NR_getcpu) {
		sc->ax = xlibos_host_syscall(sc->ax, sc->di, sc->si, sc->dx,
					     0, 0, 0);
		return;
	}
	panic("xlibos: LibOS code made host system call %llu at %pS",
	      sc->ax, (void *)sc->ip);
}

void __init xlibos_traps_host_init(void)
{
	xlibos_install_host_handler(SIGSEGV, trap_handler);
	xlibos_install_host_handler(SIGBUS, trap_handler);
	xlibos_install_host_handler(SIGILL, trap_handler);
	xlibos_install_host_handler(SIGFPE, trap_handler);
	xlibos_install_host_handler(SIGTRAP, trap_handler);
	xlibos_install_host_handler(SIGSYS, sigsys_handler);
	/* A closed host stdout must be an EPIPE for the guest, not our death. */
	xlibos_install_host_handler(SIGPIPE, HOST_SIG_IGN);
	/* Host processes of exited guest processes: hostwatch.c */
	xlibos_hostwatch_host_init();
	xlibos_host_fsgsbase = xlibos_probe_fsgsbase();
}

/*
 * Every host process mirrors the vmalloc area on its own, and a flush can
 * only unmap in the calling one: the others keep mapping the freed frames
 * at addresses vmalloc will hand out again, and kernel code running there
 * later would read and write those frames (other owners' memory by then)
 * instead of faulting in the new ones.  So each flush is numbered and
 * logged, and a task brings its host process up to date before it runs
 * kernel code there again (xlibos_kernel_mirror_sync()).  Flushes are rare
 * (vmalloc frees its addresses lazily, in batches of 32 MiB).
 */
#define KFLUSH_LOG	16

static struct {
	unsigned long start, end;
} kflush_log[KFLUSH_LOG];
static unsigned long kflush_gen;

static bool kernel_mirror_synced(const struct thread_struct *t)
{
	return t->kmirror_pid == t->host_pid &&
	       t->kmirror_gen == READ_ONCE(kflush_gen);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	struct thread_struct *t = &current->thread;
	unsigned long flags;
	bool synced;

	start = max(start, VMALLOC_START) & PAGE_MASK;
	end = PAGE_ALIGN(min(end, VMALLOC_END));
	if (start >= end)
		return;
	local_irq_save(flags);
	synced = kernel_mirror_synced(t);
	hc2(munmap, start, end - start);
	kflush_log[(kflush_gen + 1) % KFLUSH_LOG].start = start;
	kflush_log[(kflush_gen + 1) % KFLUSH_LOG].end = end;
	WRITE_ONCE(kflush_gen, kflush_gen + 1);
	if (synced)
		t->kmirror_gen = kflush_gen;
	local_irq_restore(flags);
}

/*
 * Drop from the calling host process what was flushed elsewhere since
 * current last looked: the logged ranges, or the whole vmalloc area if
 * the log has moved on or the task is new to this host process.
 */
void xlibos_kernel_mirror_sync(void)
{
	struct thread_struct *t = &current->thread;
	unsigned long flags, gen, g;

	local_irq_save(flags);
	gen = kflush_gen;
	if (kernel_mirror_synced(t)) {
		local_irq_restore(flags);
		return;
	}
	if (t->kmirror_pid != t->host_pid || gen - t->kmirror_gen >= KFLUSH_LOG) {
		hc2(munmap, VMALLOC_START, VMALLOC_END - VMALLOC_START);
	} else {
		for (g = t->kmirror_gen + 1; g != gen + 1; g++)
			hc2(munmap, kflush_log[g % KFLUSH_LOG].start,
			    kflush_log[g % KFLUSH_LOG].end -
			    kflush_log[g % KFLUSH_LOG].start);
	}
	t->kmirror_pid = t->host_pid;
	t->kmirror_gen = gen;
	local_irq_restore(flags);
}

/*
 * @p is to run in host process @pid, which is the calling one or a copy
 * of it made just now: it mirrors what this one does.
 */
void xlibos_kernel_mirror_inherit(struct task_struct *p, int pid)
{
	const struct thread_struct *t = &current->thread;

	if (t->kmirror_pid == t->host_pid) {
		p->thread.kmirror_gen = t->kmirror_gen;
		p->thread.kmirror_pid = pid;
	}
}
