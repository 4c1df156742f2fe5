/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host vDSO's clock_gettime, handed to the kernel so its clocksource
 * can read host time without a system call.
 */
#ifndef XLIBOS_LOADER_VDSO_H
#define XLIBOS_LOADER_VDSO_H

#include <stdint.h>

/* Address of a dynamic symbol in the vDSO mapped at base, or 0. */
uint64_t vdso_lookup_at(const void *base, const char *name);

/* Address of __vdso_clock_gettime in this process, or 0 if unavailable. */
uint64_t vdso_clock_gettime(void);

#endif
