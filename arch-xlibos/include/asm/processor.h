/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_PROCESSOR_H
#define _ASM_XLIBOS_PROCESSOR_H

#include <asm/page.h>
#include <asm/ptrace.h>

/*
 * Guest user space ends below the LibOS region; everything from
 * PAGE_OFFSET up belongs to the LibOS (physical memory, vmalloc).
 */
#define TASK_SIZE		(PAGE_OFFSET - PAGE_SIZE)
#define TASK_SIZE_MAX		TASK_SIZE
#define DEFAULT_MAP_WINDOW	TASK_SIZE
#define STACK_TOP		TASK_SIZE
#define STACK_TOP_MAX		TASK_SIZE
#define TASK_UNMAPPED_BASE	PAGE_ALIGN(TASK_SIZE / 3)

#ifndef __ASSEMBLY__

struct task_struct;

/*
 * Per-task state of the host thread that backs the task.  The host
 * thread's GS base points at @self, so %gs:0 is always "current".
 */
struct ucontext;

struct thread_struct {
	struct task_struct *self;
	/*
	 * abcom fast path (fast_entry.S reads these at %gs:offset): where
	 * pt_regs end on the kernel stack, and where the return jumps to.
	 */
	unsigned long fast_kstack;
	unsigned long fast_ret;
	unsigned long fast_usp;		/* the user's %rsp while switching */
	/* XLIBOS_FAST_DEFER_*: what the slow path finishes for the fast one */
	u8 fast_defer;
	/* Futex word: non-zero when this task owns the vCPU. */
	u32 run_token;
	/* Host process and thread that back this task. */
	int host_pid;
	int host_tid;
	/* Kernel thread entry (copy_thread) */
	int (*kfn)(void *arg);
	void *kfn_arg;
	/* Host alternate signal stack of this task's host thread. */
	void *altstack;
	/* Host signal frame of the entry from user mode being handled. */
	struct ucontext *host_uc;
	/* FPU state for a new user thread (in its altstack), or none. */
	void *fpstate_copy;
	/* Return to user mode with the initial FPU state. */
	u8 fpu_reset;
	/* Dead with its host process's last mm: that process may be a spare. */
	u8 retire_host;
	/* Dead while its host process goes on: its host thread may be a spare. */
	u8 retire_thread;
	/* A flush of fault_page was left to the fault handler (mm/fault.c). */
	u8 flush_skipped;
	/* The page of the user write fault being handled, or 0. */
	unsigned long fault_page;
	/* x86-64 fault details for signal frames */
	unsigned long trap_nr;
	unsigned long error_code;
	unsigned long cr2;
	unsigned long fsbase;
	unsigned long gsbase;
	/* A tracer changed fsbase: the task's host thread loads it. */
	u8 fsbase_load;
	/* ptrace set EFLAGS.TF for a single step (ptrace.c) */
	u8 forced_tf;
	/* The user's TF was on when it entered the fast path (traps.c). */
	u8 user_tf;
	/* Debug registers as ptrace sees them; never in the host CPU. */
	unsigned long debugreg[4];
	unsigned long dr6;
	unsigned long dr7;
	/*
	 * The host process whose vmalloc mirror this task last brought up
	 * to date, and with which kernel flush (traps.c).
	 */
	int kmirror_pid;
	unsigned long kmirror_gen;
};

#define INIT_THREAD { .self = &init_task }

#include <asm/vdso/processor.h>

#define task_pt_regs(task) \
	((struct pt_regs *)(task_stack_page(task) + THREAD_SIZE) - 1)

#define KSTK_EIP(tsk)	(task_pt_regs(tsk)->ip)
#define KSTK_ESP(tsk)	(task_pt_regs(tsk)->sp)

unsigned long __get_wchan(struct task_struct *p);

void start_thread(struct pt_regs *regs, unsigned long pc, unsigned long sp);

/* Entry work runs on the task's kernel stack (or its host signal stack). */
static __always_inline bool on_thread_stack(void)
{
	return true;
}

/* prctl(PR_GET_TSC/PR_SET_TSC): RDTSC stays enabled (sys_x86_64.c) */
int xlibos_get_tsc_mode(unsigned long adr);
int xlibos_set_tsc_mode(unsigned int val);
#define GET_TSC_CTL(adr)	xlibos_get_tsc_mode((adr))
#define SET_TSC_CTL(val)	xlibos_set_tsc_mode((val))

static inline void prefetch(const void *x) { }
static inline void prefetchw(const void *x) { }

#endif /* __ASSEMBLY__ */
#endif /* _ASM_XLIBOS_PROCESSOR_H */
