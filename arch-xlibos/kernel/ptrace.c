// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace and core dump register sets, in x86-64's layouts.
 *
 * A stopped tracee is always inside the LibOS on the slow path (a traced
 * task's system calls leave the abcom fast path, abcom_fast.c), so its
 * general registers are in pt_regs and its FPU state is in the host
 * signal frame it entered through (thread.host_uc), which lives in its
 * alternate stack, in guest memory every host process maps.
 *
 * Debug registers: a host process can neither program its own nor ask
 * the host to (perf_event_open is not a call the sandbox allows), so
 * DR0-DR3 and DR6 are stored and read back, DR7 may be written with every
 * breakpoint disabled, and enabling one fails with ENOSPC, what x86 says
 * when no debug register is left for it.  Single-stepping is the host's
 * own: EFLAGS.TF in the frame the host resumes, its SIGTRAP coming back as
 * the guest's.
 */
#include <linux/elf.h>
#include <linux/ptrace.h>
#include <linux/regset.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/elfcore.h>
#include <linux/entry-common.h>
#include <linux/uaccess.h>
#include <asm/ucontext.h>
#include <asm/xlibos.h>

#define EFLAGS_TF	0x100
/* What ptrace may change in EFLAGS, as x86-64's FLAG_MASK. */
#define EFLAGS_USER	(0x1UL | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | \
			 0x800 | 0x10000 | 0x40000)
#define FXSAVE_SIZE	512
#define FX_SW_BYTES	464	/* software bytes in the fxsave area */
#define XSAVE_HDR	512
#define XSAVE_HDR_SIZE	64
#define DR7_ENABLES	0xffUL	/* L0 G0 ... L3 G3 */
/* x86-64's struct user (asm/user_64.h): its size, where u_debugreg is */
#define USER_SIZE	912
#define U_DEBUGREG	848

/* user_regs_struct fields after pt_regs' */
enum { R_FS_BASE = 21, R_GS_BASE, R_DS, R_ES, R_FS, R_GS, R_COUNT };

static unsigned long get_reg(struct task_struct *t, unsigned int i)
{
	struct pt_regs *regs = task_pt_regs(t);

	switch (i) {
	case R_FS_BASE:
		return t->thread.fsbase;
	case R_GS_BASE:
		return t->thread.gsbase;
	case R_DS: case R_ES: case R_FS: case R_GS:
		return 0;
	default:
		return ((unsigned long *)regs)[i];
	}
}

static int put_reg(struct task_struct *t, unsigned int i, unsigned long v)
{
	struct pt_regs *regs = task_pt_regs(t);

	switch (i) {
	case offsetof(struct pt_regs, cs) / sizeof(long):
		return v == XLIBOS_USER_CS ? 0 : -EIO;
	case offsetof(struct pt_regs, ss) / sizeof(long):
		return v == XLIBOS_USER_DS ? 0 : -EIO;
	case offsetof(struct pt_regs, flags) / sizeof(long):
		regs->flags = (regs->flags & ~EFLAGS_USER) | (v & EFLAGS_USER);
		if (!(v & EFLAGS_TF))
			t->thread.forced_tf = 0;
		return 0;
	case R_FS_BASE:
		if (v >= TASK_SIZE)
			return -EIO;
		if (v != t->thread.fsbase) {
			t->thread.fsbase = v;
			/* the tracee's own host thread loads it (entry.c) */
			t->thread.fsbase_load = 1;
		}
		return 0;
	case R_GS_BASE:
		if (v >= TASK_SIZE)
			return -EIO;
		t->thread.gsbase = v;
		return 0;
	case R_DS: case R_ES: case R_FS: case R_GS:
		return v ? -EIO : 0;
	default:
		((unsigned long *)regs)[i] = v;
		return 0;
	}
}

static int gpr_get(struct task_struct *t, const struct user_regset *rs,
		   struct membuf to)
{
	unsigned int i;

	for (i = 0; i < R_COUNT; i++)
		membuf_store(&to, get_reg(t, i));
	return 0;
}

static int gpr_set(struct task_struct *t, const struct user_regset *rs,
		   unsigned int pos, unsigned int count,
		   const void *kbuf, const void __user *ubuf)
{
	unsigned long regs[R_COUNT];
	unsigned int i;
	int err;

	for (i = 0; i < R_COUNT; i++)
		regs[i] = get_reg(t, i);
	err = user_regset_copyin(&pos, &count, &kbuf, &ubuf, regs, 0,
				 sizeof(regs));
	for (i = 0; !err && i < R_COUNT; i++)
		if (regs[i] != get_reg(t, i))
			err = put_reg(t, i, regs[i]);
	return err;
}

/* The tracee's FPU state: its host frame's, or none outside one. */
static struct _fpstate_64 *task_fpstate(struct task_struct *t)
{
	struct ucontext *uc = t->thread.host_uc;

	return uc ? (struct _fpstate_64 *)uc->uc_mcontext.fpstate : NULL;
}

/* What a task with no saved state has: x86-64's initial FPU state. */
static void fp_init_state(struct _fpstate_64 *fp)
{
	memset(fp, 0, sizeof(*fp));
	fp->cwd = 0x037f;
	fp->mxcsr = 0x1f80;
	fp->mxcsr_mask = 0xffff;
}

static int fp_active(struct task_struct *t, const struct user_regset *rs)
{
	return rs->n;
}

static int fpregs_get(struct task_struct *t, const struct user_regset *rs,
		      struct membuf to)
{
	struct _fpstate_64 *fp = task_fpstate(t);
	struct _fpstate_64 init;

	if (!fp) {
		fp_init_state(&init);
		fp = &init;
	}
	membuf_write(&to, fp, FX_SW_BYTES);
	return membuf_zero(&to, FXSAVE_SIZE - FX_SW_BYTES);
}

/* MXCSR bits the host would refuse (x86 checks the same). */
static bool bad_mxcsr(const struct _fpstate_64 *cur, u32 mxcsr)
{
	u32 mask = cur->mxcsr_mask ?: 0xffbf;

	return mxcsr & ~mask;
}

static int fpregs_set(struct task_struct *t, const struct user_regset *rs,
		      unsigned int pos, unsigned int count,
		      const void *kbuf, const void __user *ubuf)
{
	struct _fpstate_64 *fp = task_fpstate(t);
	struct _fpstate_64 new;
	int err;

	if (!fp)
		return -EIO;
	memcpy(&new, fp, sizeof(new));
	err = user_regset_copyin(&pos, &count, &kbuf, &ubuf, &new, 0,
				 FXSAVE_SIZE);
	if (err)
		return err;
	if (bad_mxcsr(fp, new.mxcsr))
		return -EINVAL;
	new.mxcsr_mask = fp->mxcsr_mask;
	/* the host's software bytes stay */
	memcpy(fp, &new, FX_SW_BYTES);
	/* with XSAVE, the legacy state now counts as in use */
	if (xlibos_fpstate_size(fp) > XSAVE_HDR + sizeof(u64))
		*(u64 *)((u8 *)fp + XSAVE_HDR) |= 3;	/* x87, SSE */
	return 0;
}

static int xstate_get(struct task_struct *t, const struct user_regset *rs,
		      struct membuf to)
{
	struct _fpstate_64 *fp = task_fpstate(t);
	size_t size = min_t(size_t, xlibos_fpstate_size(fp),
			    rs->n * sizeof(u64));
	struct _fpstate_64 init;

	if (!fp || size < XSAVE_HDR + XSAVE_HDR_SIZE) {
		/* an all-initial state: legacy area and a zero header */
		fp_init_state(&init);
		membuf_write(&to, &init, FX_SW_BYTES);
		membuf_store(&to, (u64)3);	/* XCR0: x87 and SSE */
		return membuf_zero(&to, to.left);
	}
	/*
	 * x86's user_xstateregs: the software bytes of the fxsave area hold
	 * XCR0 (the features the layout has), not the signal frame's magic.
	 */
	membuf_write(&to, fp, FX_SW_BYTES);
	membuf_store(&to, (u64)fp->sw_reserved.xfeatures);
	membuf_zero(&to, FXSAVE_SIZE - FX_SW_BYTES - sizeof(u64));
	membuf_write(&to, (u8 *)fp + FXSAVE_SIZE, size - FXSAVE_SIZE);
	return membuf_zero(&to, to.left);
}

static int xstate_set(struct task_struct *t, const struct user_regset *rs,
		      unsigned int pos, unsigned int count,
		      const void *kbuf, const void __user *ubuf)
{
	struct _fpstate_64 *fp = task_fpstate(t);
	size_t size = min_t(size_t, xlibos_fpstate_size(fp),
			    rs->n * sizeof(u64));
	u64 *hdr;
	u8 *buf;
	int err;

	if (!fp || size < XSAVE_HDR + XSAVE_HDR_SIZE)
		return -EIO;
	buf = kmemdup(fp, size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = user_regset_copyin(&pos, &count, &kbuf, &ubuf, buf, 0, size);
	hdr = (u64 *)(buf + XSAVE_HDR);
	/* x86's checks: known features only, no compaction, MXCSR */
	if (!err && ((hdr[0] & ~fp->sw_reserved.xfeatures) ||
		     memchr_inv(hdr + 1, 0, XSAVE_HDR_SIZE - sizeof(u64)) ||
		     bad_mxcsr(fp, ((struct _fpstate_64 *)buf)->mxcsr)))
		err = -EINVAL;
	if (!err) {
		((struct _fpstate_64 *)buf)->mxcsr_mask = fp->mxcsr_mask;
		memcpy(fp, buf, FX_SW_BYTES);
		memcpy((u8 *)fp + FXSAVE_SIZE, buf + FXSAVE_SIZE,
		       size - FXSAVE_SIZE);
	}
	kfree(buf);
	return err;
}

enum { REGSET_GENERAL, REGSET_FP, REGSET_XSTATE };

static struct user_regset xlibos_regsets[] __ro_after_init = {
	[REGSET_GENERAL] = {
		.core_note_type = NT_PRSTATUS,
		.n = R_COUNT,
		.size = sizeof(long),
		.align = sizeof(long),
		.regset_get = gpr_get,
		.set = gpr_set,
	},
	[REGSET_FP] = {
		.core_note_type = NT_PRFPREG,
		.n = FXSAVE_SIZE / sizeof(long),
		.size = sizeof(long),
		.align = sizeof(long),
		.active = fp_active,
		.regset_get = fpregs_get,
		.set = fpregs_set,
	},
	[REGSET_XSTATE] = {
		.core_note_type = NT_X86_XSTATE,
		.size = sizeof(u64),
		.align = sizeof(u64),
		.active = fp_active,
		.regset_get = xstate_get,
		.set = xstate_set,
	},
};

static const struct user_regset_view xlibos_view = {
	.name = "x86_64",
	.e_machine = EM_X86_64,
	.regsets = xlibos_regsets,
	.n = ARRAY_SIZE(xlibos_regsets),
};

const struct user_regset_view *task_user_regset_view(struct task_struct *t)
{
	return &xlibos_view;
}

/* The user-format XSAVE size for the features the host enabled. */
static int __init xlibos_xstate_regset_init(void)
{
	unsigned int eax = 0xd, ebx, ecx = 0, edx;

	asm volatile("cpuid" : "+a" (eax), "=b" (ebx), "+c" (ecx), "=d" (edx));
	if (ebx < XSAVE_HDR + XSAVE_HDR_SIZE)
		ebx = XSAVE_HDR + XSAVE_HDR_SIZE;
	xlibos_regsets[REGSET_XSTATE].n = ebx / sizeof(u64);
	return 0;
}
early_initcall(xlibos_xstate_regset_init);

void user_enable_single_step(struct task_struct *child)
{
	struct pt_regs *regs = task_pt_regs(child);

	if (!(regs->flags & EFLAGS_TF)) {
		regs->flags |= EFLAGS_TF;
		child->thread.forced_tf = 1;
	}
	set_tsk_thread_flag(child, TIF_SINGLESTEP);
	set_task_syscall_work(child, SYSCALL_EXIT_TRAP);
}

void user_disable_single_step(struct task_struct *child)
{
	if (child->thread.forced_tf)
		task_pt_regs(child)->flags &= ~EFLAGS_TF;
	child->thread.forced_tf = 0;
	clear_tsk_thread_flag(child, TIF_SINGLESTEP);
	clear_task_syscall_work(child, SYSCALL_EXIT_TRAP);
}

void ptrace_disable(struct task_struct *child)
{
	user_disable_single_step(child);
}

static unsigned long get_debugreg(struct task_struct *t, unsigned int n)
{
	struct thread_struct *th = &t->thread;

	if (n < 4)
		return th->debugreg[n];
	if (n == 6)
		return th->dr6;
	if (n == 7)
		return th->dr7;
	return 0;
}

static int put_debugreg(struct task_struct *t, unsigned int n,
			unsigned long v)
{
	struct thread_struct *th = &t->thread;

	if (n < 4) {
		if (v > TASK_SIZE - 8)
			return -EIO;
		th->debugreg[n] = v;
		return 0;
	}
	if (n == 6) {
		th->dr6 = v;
		return 0;
	}
	if (n == 7) {
		/* no breakpoint can fire here: refuse to enable one */
		if (v & DR7_ENABLES)
			return -ENOSPC;
		th->dr7 = v;
		return 0;
	}
	return -EIO;	/* DR4, DR5 */
}

static int peek_user(struct task_struct *child, unsigned long addr,
		     unsigned long __user *datap)
{
	unsigned long v = 0;

	if ((addr & (sizeof(long) - 1)) || addr >= USER_SIZE)
		return -EIO;
	if (addr < sizeof(struct user_regs_struct))
		v = get_reg(child, addr / sizeof(long));
	else if (addr >= U_DEBUGREG && addr < U_DEBUGREG + 8 * sizeof(long))
		v = get_debugreg(child, (addr - U_DEBUGREG) / sizeof(long));
	return put_user(v, datap);
}

static int poke_user(struct task_struct *child, unsigned long addr,
		     unsigned long data)
{
	if ((addr & (sizeof(long) - 1)) || addr >= USER_SIZE)
		return -EIO;
	if (addr < sizeof(struct user_regs_struct))
		return put_reg(child, addr / sizeof(long), data);
	if (addr >= U_DEBUGREG && addr < U_DEBUGREG + 8 * sizeof(long))
		return put_debugreg(child, (addr - U_DEBUGREG) / sizeof(long),
				    data);
	return 0;	/* the rest of struct user is ignored, as on x86 */
}

long arch_ptrace(struct task_struct *child, long request,
		 unsigned long addr, unsigned long data)
{
	unsigned long __user *datap = (unsigned long __user *)data;

	switch (request) {
	case PTRACE_PEEKUSR:
		return peek_user(child, addr, datap);
	case PTRACE_POKEUSR:
		return poke_user(child, addr, data);
	case PTRACE_GETREGS:
		return copy_regset_to_user(child, &xlibos_view, REGSET_GENERAL,
					   0, sizeof(struct user_regs_struct),
					   datap);
	case PTRACE_SETREGS:
		return copy_regset_from_user(child, &xlibos_view,
					     REGSET_GENERAL, 0,
					     sizeof(struct user_regs_struct),
					     datap);
	case PTRACE_GETFPREGS:
		return copy_regset_to_user(child, &xlibos_view, REGSET_FP,
					   0, FXSAVE_SIZE, datap);
	case PTRACE_SETFPREGS:
		return copy_regset_from_user(child, &xlibos_view, REGSET_FP,
					     0, FXSAVE_SIZE, datap);
	default:
		return ptrace_request(child, request, addr, data);
	}
}

int dump_fpu(struct pt_regs *regs, elf_fpregset_t *fpu)
{
	return 0;
}
