// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz abcom_scan_elf_image(): what the loader (abcom_tables.c) runs on
 * every x86-64 ELF file of a rootfs, and the LibOS (abcom_sites.c) on a
 * file nobody handed it a table for.  The input is the whole file.
 *
 * Besides crashes and hangs, a broken promise of abcom.h aborts: every site
 * returned is patchable, lies inside the file with its window's bytes
 * equal to the file's, and abcom_plan() accepts it with a slot from
 * abcom_slot_region_base() (what the LibOS then writes).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "abcom.h"

static void broken(const char *what, size_t i, const struct abcom_site *s)
{
	fprintf(stderr, "fuzz_elf_scan: site %zu (syscall at file offset 0x%llx, window at 0x%llx, %u bytes): %s\n",
		i, (unsigned long long)s->addr, (unsigned long long)s->start,
		s->window_len, what);
	abort();
}

static void check_site(const uint8_t *file, size_t size, size_t i,
		       const struct abcom_site *s)
{
	struct abcom_patch patch;

	if (!s->patchable || s->reason != ABCOM_R_NONE)
		broken("returned but not patchable", i, s);
	if (s->window_len > ABCOM_MAX_WINDOW || s->window_len < ABCOM_JMP_LEN ||
	    s->syscall_off + s->syscall_len + s->post_len != s->window_len ||
	    s->n_bounds > ABCOM_MAX_BOUNDS)
		broken("window fields inconsistent", i, s);
	if (s->start > size || s->window_len > size - s->start ||
	    s->addr != s->start + s->syscall_off)
		broken("window outside the file", i, s);
	if (memcmp(file + s->start, s->bytes, s->window_len))
		broken("window bytes differ from the file's", i, s);
	if (abcom_plan(s, abcom_slot_region_base(0), &patch) != ABCOM_OK)
		broken("abcom_plan refuses it", i, s);
}

/* As the loader does: abcom never reads Capstone's text. */
static int no_text(char *buf, size_t size, const char *fmt, va_list ap)
{
	(void)fmt;
	(void)ap;
	if (size)
		buf[0] = '\0';
	return 0;
}

static void fuzz_setup(void)
{
	static cs_opt_mem mem = {
		.malloc = malloc, .calloc = calloc, .realloc = realloc,
		.free = free, .vsnprintf = no_text,
	};

	cs_option(0, CS_OPT_MEM, (size_t)&mem);
}

static void fuzz_one(const uint8_t *data, size_t size)
{
	struct abcom_site *sites;
	size_t n;

	if (abcom_scan_elf_image(data, size, &sites, &n) != ABCOM_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		check_site(data, size, i, &sites[i]);
		if (i && sites[i - 1].addr > sites[i].addr)
			broken("sites not sorted by address", i, &sites[i]);
	}
	abcom_free(sites);
}

#include "driver.h"
