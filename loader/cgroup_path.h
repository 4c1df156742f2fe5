/* SPDX-License-Identifier: GPL-2.0 */
/* A container's cgroup path as the loader takes it (--cgroup-path). */
#ifndef XLIBOS_LOADER_CGROUP_PATH_H
#define XLIBOS_LOADER_CGROUP_PATH_H

#include <stdbool.h>
#include <stdint.h>

/* Longest --cgroup-path (config.json's linux.cgroupsPath, as converted). */
#define CGROUP_PATH_MAX	1024

/*
 * Absolute, at most CGROUP_PATH_MAX bytes of printable characters, no
 * empty, "." or ".." component: a path below each hierarchy's root.
 */
bool cgroup_path_ok(const char *path);

/*
 * The v1 hierarchies a container at a given path is in (cgroup.c makes
 * and joins them where mounted; the limits are in the first three).
 */
#define CGROUP_V1_GIVEN	{ "pids", "memory", "cpu", "cpuacct", "blkio", NULL }

/*
 * Remove the container's cgroup at @path once it is empty (its processes
 * end lazily, the supervisor's teardown child a few ms after it: a second
 * at most), as runc's delete; false with errno if a directory stays.
 */
bool cgroup_path_remove(const char *path);

/* v2's cpu.weight (1-10000) for v1's cpu.shares (2-262144), as runc and crun map it. */
static inline uint64_t cgroup_weight_of_shares(uint64_t shares)
{
	return 1 + ((shares - 2) * 9999) / 262142;
}

#endif
