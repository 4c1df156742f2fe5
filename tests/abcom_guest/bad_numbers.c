// SPDX-License-Identifier: GPL-2.0
/*
 * Invalid system call numbers through rewritten sites: each site runs
 * 1000 times and must return -ENOSYS (-38) every time.  rax = -1 is set
 * with `mov $-1,%rax` (sign-extended); the others with `mov $N,%eax`.
 * Not 335: unused in the guest's Linux 6.1, but uretprobe since 6.11, which
 * natively raises SIGILL when called from anywhere but its trampoline;
 * 511, the last number below the x32 range, is unused in both.
 */
#include "abcom_test.h"

#define ROUNDS 1000

#define SITE_FN(name, insn)						\
	__attribute__((noinline)) static long name(void)		\
	{								\
		long r;							\
		__asm__ volatile(insn "\n\tsyscall"			\
				 : "=a"(r) : : "rcx", "r11", "memory");	\
		return r;						\
	}

SITE_FN(nr_minus1, "mov $-1, %%rax")
SITE_FN(nr_eax_ffffffff, "mov $0xffffffff, %%eax")
SITE_FN(nr_512, "mov $512, %%eax")
SITE_FN(nr_x32_0, "mov $0x40000000, %%eax")
SITE_FN(nr_x32_getpid, "mov $0x40000027, %%eax")
SITE_FN(nr_1000, "mov $1000, %%eax")
SITE_FN(nr_511, "mov $511, %%eax")

static void try(const char *name, long (*site)(void))
{
	char desc[80];
	int bad = 0;

	for (int i = 0; i < ROUNDS; i++)
		if (site() != -ENOSYS)
			bad++;
	snprintf(desc, sizeof(desc), "%s x1000: -ENOSYS", name);
	report(desc, bad == 0);
}

int main(void)
{
	try("nr -1 (mov $-1,%rax)", nr_minus1);
	try("nr 0xffffffff (mov to eax)", nr_eax_ffffffff);
	try("nr 512", nr_512);
	try("nr 0x40000000", nr_x32_0);
	try("nr 0x40000027 (x32 getpid)", nr_x32_getpid);
	try("nr 1000", nr_1000);
	try("nr 511", nr_511);
	report("getpid still works", getpid() > 0);
	return at_done();
}
