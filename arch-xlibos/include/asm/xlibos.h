/* SPDX-License-Identifier: GPL-2.0 */
/* State and helpers shared by the pieces of the xlibos port. */
#ifndef _ASM_XLIBOS_XLIBOS_H
#define _ASM_XLIBOS_XLIBOS_H

#include <linux/types.h>
#include <asm/xlibos_boot.h>
#include <asm/page.h>
#include <asm/unistd.h>

struct task_struct;
struct pt_regs;

/* Copy of what the loader passed; valid for the whole run. */
extern struct xlibos_boot_info xlibos_boot;
/* Host process id of the first host process (where the vCPU lives). */
extern int xlibos_host_pid;

/* x86 page faults as the host reports them: trap number, error code bits */
#define X86_TRAP_PF	14
#define X86_PF_WRITE	0x2
#define X86_PF_USER	0x4
#define X86_PF_INSTR	0x10

/* The one virtual CPU. */
struct xlibos_vcpu {
	struct task_struct *owner;	/* task whose host thread runs */
	struct task_struct *last;	/* prev of the latest switch */
	int owner_pid;			/* host process of owner's thread */
	int owner_tid;			/* host tid of owner's thread */
	u32 idle;			/* owner waits for an interrupt */
	/*
	 * The owner's host GS base (&owner->thread.self) and its fast path
	 * kernel stack: only the owner runs user code, so the fast path and
	 * a host signal from user mode find them here without trusting %gs,
	 * which a program can change (WRGSBASE).
	 */
	unsigned long gs_self;
	unsigned long fast_kstack;
	unsigned long fast_usp;		/* the user's %rsp while switching */
};

extern struct xlibos_vcpu xlibos_vcpu;

/* signal_entry.S: the host lets user code read and write its GS base */
extern u8 xlibos_host_fsgsbase;
void xlibos_vcpu_set_owner(struct task_struct *t);
void xlibos_user_gs_changed(unsigned long gs);

u64 xlibos_host_realtime_ns(void);

/* irq.c */
void xlibos_raise_irq(unsigned int irq);
void xlibos_do_irqs(struct pt_regs *regs);
void xlibos_irq_host_init(void);

/* process.c: per host thread set-up (GS base, alternate signal stack) */
void xlibos_host_thread_init(struct task_struct *t);
void xlibos_host_altstack_arm(struct task_struct *t);

/* uaccess.S: the faulting instructions and where they resume */
extern char xlibos_nofault_insn[], xlibos_nofault_fixup[];
extern char xlibos_nofault_clear_insn[], xlibos_nofault_clear_fixup[];
/* signal_entry.S: RDGSBASE once at boot, to learn whether the host allows it */
extern char xlibos_probe_fsgsbase_insn[], xlibos_probe_fsgsbase_fixup[];
bool xlibos_probe_fsgsbase(void);

/* Host stack_t and the alternate stack each task's host thread uses. */
#define XLIBOS_ALTSTACK_ORDER	3
#define XLIBOS_ALTSTACK_SIZE	(PAGE_SIZE << XLIBOS_ALTSTACK_ORDER)

/* Host stack_t (struct sigaltstack), x86-64 layout */
struct host_stack {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
};

struct ucontext;
struct siginfo;
struct _fpstate_64;
struct mm_struct;

/* entry.c: user mode */
extern const unsigned long xlibos_nr_syscalls;
void xlibos_user_entry(int sig, struct siginfo *si, struct ucontext *uc);
bool xlibos_from_user(const struct ucontext *uc);
void xlibos_prepare_user_return(struct pt_regs *regs);
void xlibos_uc_to_regs(const struct ucontext *uc, struct pt_regs *regs);
void xlibos_regs_to_uc(const struct pt_regs *regs, struct ucontext *uc);
void xlibos_call_on_stack(void (*fn)(void *), void *arg, unsigned long sp);

/* irq.c */
void xlibos_run_pending_irqs(struct pt_regs *regs);

/* fpu.c */
size_t xlibos_fpstate_size(const struct _fpstate_64 *fp);
void xlibos_fpu_fixup(struct ucontext *uc);
bool xlibos_fpstate_saveable(void);
void xlibos_fpu_reset_regs(void);
bool xlibos_fpstate_save(struct _fpstate_64 *fp, size_t size);
void __noreturn xlibos_enter_user(struct pt_regs *regs,
				  const struct _fpstate_64 *fpstate);

/* hostproc.c: one host process per guest mm */
long xlibos_fork_host_process(struct task_struct *p);
/* Spare host processes (hostpool.c) */
void xlibos_spare_exit_mmap(struct mm_struct *mm);
void xlibos_spare_retire(struct task_struct *prev, u32 *word, u32 val);
bool xlibos_spare_take(struct task_struct *p);
bool xlibos_spare_thread_take(struct task_struct *p);
bool xlibos_spare_make_room(long err);
/* A claim for the host thread an exec leaves behind to become a spare */
struct xlibos_spare_retire {
	unsigned long stack_top;	/* 0: no claim, the thread exits */
	void (*fn)(void *arg);
	void *arg;
};

void xlibos_spare_claim_old(struct mm_struct *old_mm,
			    struct xlibos_spare_retire *r);
void xlibos_spare_unclaim_old(struct xlibos_spare_retire *r);
bool xlibos_spare_move_here(const struct xlibos_spare_retire *r,
			    int *host_pid, int *host_tid);
void xlibos_mm_sync_host(struct pt_regs *regs);
void xlibos_mm_drop_stale(struct mm_struct *mm);

/* process.c */
void xlibos_task_first_run(struct task_struct *p);
void __noreturn xlibos_task_start_user(struct task_struct *p);
void __noreturn xlibos_forked_task_start(struct task_struct *p);
void __noreturn xlibos_cloned_task_start(struct task_struct *p);

/* mm/fault.c */
pte_t *xlibos_lookup_pte(struct mm_struct *mm, unsigned long addr);
/* mm/tlb.c */
bool xlibos_mirrored_here(struct mm_struct *mm);
void xlibos_mirror_forked(struct task_struct *p);
void xlibos_prefault_forker(void);
void xlibos_prefault_exec(unsigned long pc);
void xlibos_user_page_fault(struct pt_regs *regs, unsigned long addr,
			    unsigned long err, int sig, int si_code);
bool xlibos_kernel_user_fault(unsigned long addr, unsigned long err);
void xlibos_uaccess_prefault(unsigned long addr, unsigned long err);
void xlibos_exec_name_prefault(const struct pt_regs *regs, long nr);

/* Before system call @nr runs: only an exec's check costs a call. */
static inline void xlibos_syscall_prefault(const struct pt_regs *regs, long nr)
{
	if (unlikely(nr == __NR_execve || nr == __NR_execveat))
		xlibos_exec_name_prefault(regs, nr);
}

/* traps.c */
void xlibos_traps_host_init(void);
void xlibos_install_host_handler(int sig, void *handler);
void xlibos_install_host_handler_flags(int sig, void *handler,
				       unsigned long flags);

/* hostwatch.c: host processes that die without the LibOS asking */
void xlibos_hostwatch_host_init(void);
void xlibos_hostwatch_check_owner(void);
bool xlibos_spare_host_died(int host_pid);
void xlibos_kernel_mirror_sync(void);
void xlibos_kernel_mirror_inherit(struct task_struct *p, int pid);

/* time.c */
void xlibos_request_shutdown(int code);
void xlibos_time_early_init(void);
void xlibos_virtio_reserve(void);

/* reboot.c */
void xlibos_panic_init(void);

/* console.c */
void xlibos_console_init(void);

#endif /* _ASM_XLIBOS_XLIBOS_H */
