// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hostmem.h"

bool hostmem_parse_meminfo(const char *text, uint64_t *bytes)
{
	const char *line = text;

	while (line && *line) {
		uint64_t kib;
		char unit[8];

		if (strncmp(line, "MemTotal:", 9) == 0 &&
		    sscanf(line + 9, "%" SCNu64 " %7s", &kib, unit) == 2 &&
		    strcmp(unit, "kB") == 0 && kib <= UINT64_MAX / 1024) {
			*bytes = kib * 1024;
			return true;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

uint64_t hostmem_total(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char text[4096];
	size_t n;
	uint64_t bytes;

	if (!f)
		return 0;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return hostmem_parse_meminfo(text, &bytes) ? bytes : 0;
}
