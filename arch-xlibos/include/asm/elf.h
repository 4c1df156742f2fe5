/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_ELF_H
#define _ASM_XLIBOS_ELF_H

/* Guest programs are x86-64 ELF; the auxiliary vector is x86-64's. */
#include <linux/elf-em.h>
#include <asm/ptrace.h>
#include <asm/auxvec.h>

#define ELF_CLASS	ELFCLASS64
#define ELF_DATA	ELFDATA2LSB
#define ELF_ARCH	EM_X86_64

#define elf_check_arch(x)	((x)->e_machine == EM_X86_64)

struct user_regs_struct {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10;
	unsigned long r9, r8, ax, cx, dx, si, di, orig_ax;
	unsigned long ip, cs, flags, sp, ss;
	unsigned long fs_base, gs_base, ds, es, fs, gs;
};

typedef unsigned long elf_greg_t;
#define ELF_NGREG	(sizeof(struct user_regs_struct) / sizeof(elf_greg_t))
typedef elf_greg_t elf_gregset_t[ELF_NGREG];

/* struct user_i387_struct is the fxsave layout (512 bytes). */
typedef struct { unsigned char bytes[512]; } elf_fpregset_t;


#define ELF_EXEC_PAGESIZE	4096
#define ELF_ET_DYN_BASE		(TASK_SIZE / 3 * 2)
#define ELF_HWCAP		0
#define ELF_PLATFORM		"x86_64"
#define SET_PERSONALITY(ex)	set_personality(PER_LINUX | \
					(current->personality & ~PER_MASK))

/* The guest vDSO (kernel/vdso.c; ARCH_HAS_SETUP_ADDITIONAL_PAGES: Makefile) */
struct linux_binprm;
int arch_setup_additional_pages(struct linux_binprm *bprm, int uses_interp);
#define ARCH_DLINFO							\
	NEW_AUX_ENT(AT_SYSINFO_EHDR,					\
		    (unsigned long __force)current->mm->context.vdso)

/* Core dumps take their notes from the ptrace regsets (ptrace.c). */
#define CORE_DUMP_USE_REGSET

#define ELF_CORE_COPY_REGS(dest, regs)				\
	memcpy(&(dest), (regs), sizeof(struct pt_regs));

#endif /* _ASM_XLIBOS_ELF_H */
