// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_pin.h"
#include "diag.h"

bool cpu_pin_parse(const char *arg, int *choice)
{
	cpu_set_t allowed;
	char *end;
	long cpu;

	if (!arg) {
		*choice = CPU_PIN_START;
		return true;
	}
	if (strcmp(arg, "any") == 0) {
		*choice = CPU_PIN_ANY;
		return true;
	}
	errno = 0;
	cpu = strtol(arg, &end, 10);
	if (!*arg || *end || errno || cpu < 0 || cpu >= CPU_SETSIZE) {
		diag_error("invalid --cpu '%s': expected a CPU number or 'any'", arg);
		return false;
	}
	if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0 &&
	    !CPU_ISSET((int)cpu, &allowed)) {
		diag_error("--cpu %ld: this process may not run on CPU %ld", cpu, cpu);
		return false;
	}
	*choice = (int)cpu;
	return true;
}

void cpu_pin_apply(int choice)
{
	cpu_set_t set;
	int cpu = choice;

	if (choice == CPU_PIN_ANY)
		return;
	if (choice == CPU_PIN_START) {
		cpu = sched_getcpu();
		if (cpu < 0)
			return;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		diag_error("warning: cannot pin the LibOS to CPU %d: %s", cpu, strerror(errno));
}
