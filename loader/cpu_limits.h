/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --cpus and --cpu-shares of "xlibos run", as docker run takes them: the
 * CPU time and weight of all the container's host threads, applied by its
 * cgroup (cgroup.h).  Set by xlibos-runtime from config.json's
 * linux.resources.cpu.
 */
#ifndef XLIBOS_LOADER_CPU_LIMITS_H
#define XLIBOS_LOADER_CPU_LIMITS_H

#include <stdbool.h>

#include "cgroup.h"

#define CPU_LIMITS_PERIOD_US	100000	/* docker's and the kernel's default */
#define CPU_LIMITS_MIN_QUOTA_US	1000	/* the kernel's smallest */
#define CPU_LIMITS_MIN_SHARES	2
#define CPU_LIMITS_MAX_SHARES	262144

/*
 * @cpus: "N[.DDDDD]" CPUs' worth of time (at most the host's CPUs), or
 * NULL; *@out gets the quota (shares are left 0: --cpu-shares is a plain
 * count, parsed with the other counts).  One "xlibos: ..." line and false
 * on a bad value.
 */
bool cpu_limits_parse(const char *cpus, struct cgroup_cpu *out);

#endif
