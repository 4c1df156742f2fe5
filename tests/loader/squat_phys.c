// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD helper for fake_boot.sh: occupies one page inside the guest
 * physical window so the loader's MAP_FIXED_NOREPLACE must fail cleanly.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include <asm/xlibos_boot.h>

__attribute__((constructor)) static void squat_phys_window(void)
{
	mmap((void *)(XLIBOS_PHYS_VIRT + 0x100000), 4096, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
}
