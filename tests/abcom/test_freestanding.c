// SPDX-License-Identifier: GPL-2.0
/*
 * The core objects (scan/plan) may only call Capstone, each other and the
 * memory/string helpers, so that the LibOS can link them freestanding.
 * Checked with nm on the object files the Makefile passes in.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "tests.h"

#define MAX_SYMS 512

/* Symbol names printed by `nm OPTIONS OBJS...`, one per line. */
static size_t read_syms(const char *opts, int n_objs, char **objs,
			char syms[][64], size_t max)
{
	char cmd[4096], line[256];
	size_t n = 0, len;
	FILE *f;

	len = (size_t)snprintf(cmd, sizeof(cmd), "nm %s", opts);
	for (int i = 0; i < n_objs && len < sizeof(cmd); i++)
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " '%s'", objs[i]);
	if (len >= sizeof(cmd) || !(f = popen(cmd, "r")))
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		/* skip the "file.o:" headers and blank lines */
		if (line[0] && line[strlen(line) - 1] != ':')
			snprintf(syms[n++], 64, "%.63s", line);
	}
	pclose(f);
	return n;
}

static bool allowed(const char *s, char defined[][64], size_t n_def)
{
	/* abcom_default_allocator: defined by alloc_libc.c when hosted, by
	 * the LibOS when freestanding */
	static const char *const ok[] = { "memcpy", "memset", "memmove", "memcmp",
					   "abcom_default_allocator" };

	if (strncmp(s, "cs_", 3) == 0)
		return true;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(s, ok[i]) == 0)
			return true;
	for (size_t i = 0; i < n_def; i++)
		if (strcmp(s, defined[i]) == 0)
			return true;
	return false;
}

void test_freestanding(int n_objs, char **objs)
{
	static char undef[MAX_SYMS][64], defined[MAX_SYMS][64];
	size_t n_undef, n_def, bad = 0;

	if (n_objs == 0)
		return;
	n_undef = read_syms("-u -j", n_objs, objs, undef, MAX_SYMS);
	n_def = read_syms("-g -j --defined-only", n_objs, objs, defined, MAX_SYMS);
	for (size_t i = 0; i < n_undef; i++)
		if (!allowed(undef[i], defined, n_def) && bad++ < 10)
			diag("core object calls %s", undef[i]);
	check(n_def > 0 && bad == 0,
	      "core objects call only Capstone, each other and mem* (%zu objects)",
	      (size_t)n_objs);
}
