// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "vdso.h"

/*
 * How many bytes of the mapped vDSO libelf may look at: everything the
 * headers point to.  The kernel maps the complete image (it is built with
 * its section headers), so all of it is readable.
 */
static size_t vdso_image_size(const Elf64_Ehdr *eh)
{
	const Elf64_Phdr *ph = (const void *)((const char *)eh + eh->e_phoff);
	uint64_t size = eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize;
	uint64_t sh_end = eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize;

	if (sh_end > size)
		size = sh_end;
	for (unsigned int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset + ph[i].p_filesz > size)
			size = ph[i].p_offset + ph[i].p_filesz;
	return (size_t)size;
}

/* The vDSO is position independent: its load bias is base - first p_vaddr. */
static bool vdso_load_bias(Elf *elf, const void *base, uint64_t *bias)
{
	size_t phnum;

	if (elf_getphdrnum(elf, &phnum) != 0)
		return false;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD) {
			*bias = (uint64_t)(uintptr_t)base - ph.p_vaddr;
			return true;
		}
	}
	return false;
}

static uint64_t find_dynsym(Elf *elf, const char *name)
{
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *sym_name;

			if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC)
				continue;
			sym_name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (sym_name && strcmp(sym_name, name) == 0)
				return sym.st_value;
		}
	}
	return 0;
}

uint64_t vdso_lookup_at(const void *base, const char *name)
{
	const Elf64_Ehdr *eh = base;
	uint64_t value, bias, result = 0;
	size_t size;
	char *copy;
	Elf *elf;

	if (!base || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || elf_version(EV_CURRENT) == EV_NONE)
		return 0;

	/* elf_memory() may write to its buffer; the vDSO is read-only. */
	size = vdso_image_size(eh);
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, base, size);

	elf = elf_memory(copy, size);
	if (elf && (value = find_dynsym(elf, name)) && vdso_load_bias(elf, base, &bias))
		result = value + bias;
	if (elf)
		elf_end(elf);
	free(copy);
	return result;
}

uint64_t vdso_clock_gettime(void)
{
	return vdso_lookup_at((const void *)getauxval(AT_SYSINFO_EHDR),
			      "__vdso_clock_gettime");
}
