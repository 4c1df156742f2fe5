// SPDX-License-Identifier: GPL-2.0
/*
 * The patchable sites of a whole x86-64 ELF file held in memory, in file
 * offsets: every SHF_EXECINSTR PROGBITS section decoded from its start (a
 * known instruction boundary).  One definition for the LibOS, which does
 * it for files nobody handed it tables for, and the loader, which computes
 * those tables: both must agree on what a file's sites are.
 * Pure like the rest of the core: no libelf, no libc beyond memcpy.
 */
#include <elf.h>
#include <string.h>
#include "internal.h"

#define MAX_SECTIONS		1024
#define MAX_SECTION_SIZE	(256ULL << 20)

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

/* By syscall address; sections are usually in order already. */
static void sort_by_addr(struct abcom_site *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct abcom_site tmp = v[i];
		size_t j = i;

		while (j > 0 && v[j - 1].addr > tmp.addr) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = tmp;
	}
}

int abcom_scan_elf_image(const uint8_t *file, size_t size,
			 struct abcom_site **sites, size_t *n)
{
	Elf64_Ehdr eh;
	int err = ABCOM_OK;

	*sites = NULL;
	*n = 0;
	if (size < sizeof(eh))
		return ABCOM_EINVAL;
	memcpy(&eh, file, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_machine != EM_X86_64 || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    !eh.e_shnum || eh.e_shnum > MAX_SECTIONS || eh.e_shoff > size ||
	    (size - eh.e_shoff) / sizeof(Elf64_Shdr) < eh.e_shnum)
		return ABCOM_EINVAL;
	for (unsigned i = 0; i < eh.e_shnum && err == ABCOM_OK; i++) {
		struct abcom_site *found;
		size_t nfound;
		Elf64_Shdr sh;

		memcpy(&sh, file + eh.e_shoff + i * sizeof(sh), sizeof(sh));
		if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) ||
		    !sh.sh_size || sh.sh_size > MAX_SECTION_SIZE ||
		    sh.sh_offset > size || size - sh.sh_offset < sh.sh_size)
			continue;
		err = abcom_scan(file + sh.sh_offset, sh.sh_size, sh.sh_offset, NULL,
				 &found, &nfound);
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
	sort_by_addr(*sites, *n);
	return ABCOM_OK;
}
