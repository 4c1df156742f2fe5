// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <stdint.h>
#include <unistd.h>

#include "cpu_limits.h"
#include "diag.h"

/* "N[.DDDDD]" in millionths of a CPU's time per period; false if not that shape. */
static bool parse_cpus(const char *s, uint64_t max_cpus, uint64_t *quota_us)
{
	uint64_t whole = 0, frac = 0, scale = CPU_LIMITS_PERIOD_US;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > max_cpus)
			return false;
	}
	if (*p == '.') {
		if (!*++p)
			return false;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (scale == 1)
				return false;	/* finer than a microsecond */
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		}
	}
	*quota_us = whole * CPU_LIMITS_PERIOD_US + frac;
	return !*p && *quota_us <= max_cpus * CPU_LIMITS_PERIOD_US;
}

bool cpu_limits_parse(const char *cpus, struct cgroup_cpu *out)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t max_cpus = online > 0 ? (uint64_t)online : 1;

	*out = (struct cgroup_cpu){ 0 };
	if (!cpus)
		return true;
	if (!parse_cpus(cpus, max_cpus, &out->quota_us) ||
	    out->quota_us < CPU_LIMITS_MIN_QUOTA_US) {
		diag_error("invalid --cpus '%s': expected a number of CPUs from 0.01 to %llu (this host's), e.g. 0.5",
			   cpus, (unsigned long long)max_cpus);
		return false;
	}
	out->period_us = CPU_LIMITS_PERIOD_US;
	return true;
}
