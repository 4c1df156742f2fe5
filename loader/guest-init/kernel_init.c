// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel_init.h"

bool kernel_init(void)
{
	char line[256];
	bool only_one = false;
	FILE *f;

	if (getpid() != 1)
		return false;
	f = fopen("/proc/self/status", "re");
	if (!f)
		return false;
	/* "NSpid:\t1": one PID namespace; a nested one lists more. */
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "NSpid:", 6) == 0) {
			only_one = !strchr(line + 7, '\t') && !strchr(line + 7, ' ');
			break;
		}
	}
	fclose(f);
	return only_one;
}
