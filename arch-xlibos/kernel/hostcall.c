// SPDX-License-Identifier: GPL-2.0
/*
 * Typed helpers over the raw hypercall entry.  They may run on host
 * threads that do not hold the vCPU, so they touch only their arguments.
 */
#include <linux/futex.h>
#include <linux/time64.h>
#include <linux/time.h>
#include <linux/compiler.h>
#include <linux/elf.h>
#include <linux/mman.h>
#include <asm/hypercall.h>
#include <asm/prctl.h>
#include <asm/xlibos_boot.h>
#include <asm/xlibos_hostcalls.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <asm/xlibos.h>

/*
 * Every host system call the hypercall layer makes, from the allow-list
 * in asm/xlibos_hostcall_list.h.  The loader reads it from the image's note
 * below and refuses an image that names a call its filter does not allow.
 */
#define XLIBOS_HOSTCALL(name, check0, check1)	__NR_##name,
const int xlibos_hypercall_list[] __used = {
#include <asm/xlibos_hostcall_list.h>
	-1
};
#undef XLIBOS_HOSTCALL

#define NR_HOSTCALLS	(ARRAY_SIZE(xlibos_hypercall_list) - 1)

/* The note: the hypercall section's bounds and the calls (hostcalls.h). */
struct hostcalls_desc {
	u32 version;
	u32 count;
	u64 start;
	u64 end;
	u32 nrs[NR_HOSTCALLS];
} __packed;

static const struct {
	struct elf64_note nhdr;
	char name[8];
	struct hostcalls_desc desc;
} xlibos_hostcalls_note __used __section(".note.xlibos") __aligned(4) = {
	.nhdr = {
		.n_namesz = sizeof(XLIBOS_NOTE_NAME),
		.n_descsz = sizeof(struct hostcalls_desc),
		.n_type = XLIBOS_NOTE_HOSTCALLS,
	},
	.name = XLIBOS_NOTE_NAME,
	.desc = {
		.version = XLIBOS_HOSTCALLS_NOTE_VERSION,
		.count = NR_HOSTCALLS,
		.start = (u64)__hypercall_text_start,
		.end = (u64)__hypercall_text_end,
		.nrs = {
#define XLIBOS_HOSTCALL(name, check0, check1)	__NR_##name,
#include <asm/xlibos_hostcall_list.h>
#undef XLIBOS_HOSTCALL
		},
	},
};

/* The allow-list spells its values as numbers: keep them honest. */
static void __maybe_unused hostcall_values_check(void)
{
	BUILD_BUG_ON(XLIBOS_HC_MAP_SHARED_FIXED != (MAP_SHARED | MAP_FIXED));
	BUILD_BUG_ON(XLIBOS_HC_FUTEX_WAKE != FUTEX_WAKE);
	BUILD_BUG_ON(XLIBOS_HC_FUTEX_WAIT_BITSET != FUTEX_WAIT_BITSET);
	BUILD_BUG_ON(XLIBOS_HC_ARCH_SET_GS != ARCH_SET_GS);
	BUILD_BUG_ON(XLIBOS_HC_ARCH_SET_FS != ARCH_SET_FS);
	BUILD_BUG_ON(XLIBOS_HC_CLONE_THREAD != XLIBOS_HOST_THREAD_FLAGS);
	BUILD_BUG_ON(NR_HOSTCALLS > XLIBOS_HOSTCALLS_MAX);
	BUILD_BUG_ON(sizeof(struct hostcalls_desc) != sizeof(u32) *
		     (XLIBOS_HOSTCALLS_NOTE_HEADER + NR_HOSTCALLS));
}

long xlibos_futex_wait(u32 *word, u32 val, const struct __kernel_timespec *abs)
{
	/* Shared (not PRIVATE): words live in memory shared across processes. */
	return hc6(futex, word, FUTEX_WAIT_BITSET, val, abs, NULL,
		   FUTEX_BITSET_MATCH_ANY);
}

long xlibos_futex_wake(u32 *word, int nr)
{
	return hc3(futex, word, FUTEX_WAKE, nr);
}

u64 xlibos_host_signals_block(void)
{
	static const u64 all = ~0ULL;
	u64 old = 0;

	hc4(rt_sigprocmask, XLIBOS_HOST_SIG_BLOCK, &all, &old, sizeof(old));
	return old;
}

void xlibos_host_signals_set(u64 mask)
{
	hc4(rt_sigprocmask, XLIBOS_HOST_SIG_SETMASK, &mask, NULL, sizeof(mask));
}

typedef long (*vdso_clock_gettime_t)(long clk, struct __kernel_timespec *ts);

static u64 host_clock_ns(long clk)
{
	struct __kernel_timespec ts;
	vdso_clock_gettime_t vdso;

	vdso = (vdso_clock_gettime_t)xlibos_boot.vdso_clock_gettime;
	if (!vdso || vdso(clk, &ts))
		hc2(clock_gettime, clk, &ts);
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

u64 xlibos_host_monotonic_ns(void)
{
	return host_clock_ns(CLOCK_MONOTONIC);
}

u64 xlibos_host_realtime_ns(void)
{
	return host_clock_ns(CLOCK_REALTIME);
}

void __noreturn xlibos_host_exit_process(int code)
{
	for (;;)
		hc1(exit_group, code);
}
