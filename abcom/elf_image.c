// SPDX-License-Identifier: GPL-2.0
/*
 * The patchable sites of a whole x86-64 ELF file held in memory, in file
 * offsets: every SHF_EXECINSTR PROGBITS section decoded from its start (a
 * known instruction boundary).  One definition for the LibOS, which does
 * it for files nobody handed it tables for, and the loader, which computes
 * those tables: both must agree on what a file's sites are, and both
 * decode files that may be hostile, so the limits live here too: sections
 * inside the file and not overlapping (each byte decoded once), bounded
 * counts and sizes, and one work limit for the whole file.
 * Pure like the rest of the core: no libelf, no libc beyond memcpy.
 */
#include <elf.h>
#include <string.h>
#include "internal.h"

/* Append the patchable ones of found[0..nfound) to *sites. */
static int keep_patchable(struct abcom_site **sites, size_t *n,
			  const struct abcom_site *found, size_t nfound)
{
	size_t keep = 0;
	struct abcom_site *grown;

	for (size_t i = 0; i < nfound; i++)
		keep += found[i].patchable;
	if (!keep)
		return ABCOM_OK;
	grown = abcom_realloc(*sites, (*n + keep) * sizeof(**sites));
	if (!grown)
		return ABCOM_ENOMEM;
	*sites = grown;
	for (size_t i = 0; i < nfound; i++)
		if (found[i].patchable)
			(*sites)[(*n)++] = found[i];
	return ABCOM_OK;
}

/* By offset; at most ABCOM_MAX_EXEC_SECTIONS, so insertion is fine. */
static void sort_ranges(struct abcom_range *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct abcom_range tmp = v[i];
		size_t j = i;

		while (j > 0 && v[j - 1].off > tmp.off) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = tmp;
	}
}

int abcom_elf_exec_ranges(const uint8_t *file, size_t size,
			  struct abcom_range *ranges, size_t *n)
{
	Elf64_Ehdr eh;

	*n = 0;
	if (!file || size < sizeof(eh))
		return ABCOM_EINVAL;
	memcpy(&eh, file, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_machine != EM_X86_64 || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    !eh.e_shnum || eh.e_shoff > size ||
	    (size - eh.e_shoff) / sizeof(Elf64_Shdr) < eh.e_shnum)
		return ABCOM_EINVAL;
	if (eh.e_shnum > ABCOM_MAX_SECTIONS)
		return ABCOM_EREFUSED;
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr sh;

		memcpy(&sh, file + eh.e_shoff + i * sizeof(sh), sizeof(sh));
		if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) ||
		    !sh.sh_size)
			continue;
		if (sh.sh_offset > size || size - sh.sh_offset < sh.sh_size ||
		    sh.sh_size > ABCOM_MAX_SECTION_SIZE ||
		    *n == ABCOM_MAX_EXEC_SECTIONS)
			return ABCOM_EREFUSED;
		ranges[*n].off = sh.sh_offset;
		ranges[*n].len = sh.sh_size;
		(*n)++;
	}
	sort_ranges(ranges, *n);
	for (size_t i = 1; i < *n; i++)
		if (ranges[i].off < ranges[i - 1].off + ranges[i - 1].len)
			return ABCOM_EREFUSED;
	return ABCOM_OK;
}

int abcom_scan_elf_image(const uint8_t *file, size_t size,
			 struct abcom_site **sites, size_t *n)
{
	struct abcom_range ranges[ABCOM_MAX_EXEC_SECTIONS];
	size_t n_ranges, budget;
	int err;

	*sites = NULL;
	*n = 0;
	err = abcom_elf_exec_ranges(file, size, ranges, &n_ranges);
	if (err != ABCOM_OK)
		return err;
	/* one limit for the file: the sections together are at most its size */
	if (size > (SIZE_MAX - ABCOM_WORK_SLACK) / ABCOM_WORK_PER_BYTE)
		return ABCOM_EREFUSED;
	budget = ABCOM_WORK_SLACK + size * ABCOM_WORK_PER_BYTE;
	for (size_t i = 0; i < n_ranges && err == ABCOM_OK; i++) {
		struct region r = {
			file + ranges[i].off, ranges[i].len, ranges[i].off, &budget,
		};
		struct abcom_site *found;
		size_t nfound;

		err = scan_region(&r, NULL, &found, &nfound, NULL);
		if (err == ABCOM_OK) {
			err = keep_patchable(sites, n, found, nfound);
			abcom_free(found);
		}
	}
	if (err != ABCOM_OK) {
		abcom_free(*sites);
		*sites = NULL;
		*n = 0;
		return err;
	}
	/* the ranges are sorted and disjoint, so the sites are already */
	return ABCOM_OK;
}
