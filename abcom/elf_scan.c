// SPDX-License-Identifier: GPL-2.0
/*
 * ELF front end: executable sections and symbol hints from a file on disk,
 * then abcom_scan() per section.  Hosted code: libc and libelf are fine.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "abcom_elf.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int add_region(struct abcom_elf_file *f, const char *name,
		      uint64_t vaddr, size_t size, const void *data,
		      uint64_t file_off)
{
	struct abcom_elf_region *r;

	if (f->n_regions == ABCOM_MAX_EXEC_SECTIONS || size > ABCOM_MAX_SECTION_SIZE)
		return -1;
	r = realloc(f->regions, (f->n_regions + 1) * sizeof(*r));
	if (!r)
		return -1;
	f->regions = r;
	r = &f->regions[f->n_regions++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->vaddr = vaddr;
	r->size = size;
	r->data = data;
	r->file_off = file_off;
	return 0;
}

static int add_hint(struct abcom_elf_file *f, uint64_t addr)
{
	if (f->n_hints == f->max_hints) {
		size_t max = f->max_hints ? 2 * f->max_hints : 256;
		uint64_t *h = realloc(f->hints, max * sizeof(*h));

		if (!h)
			return -1;
		f->hints = h;
		f->max_hints = max;
	}
	f->hints[f->n_hints++] = addr;
	return 0;
}

static int by_file_off(const void *a, const void *b)
{
	const struct abcom_elf_region *x = a, *y = b;

	return x->file_off < y->file_off ? -1 : x->file_off > y->file_off;
}

/* Each byte of the file decoded once: no two regions share any. */
static int regions_disjoint(const struct abcom_elf_file *f)
{
	struct abcom_elf_region *v = malloc(f->n_regions * sizeof(*v) + 1);
	int ok = 0;

	if (!v)
		return -1;
	memcpy(v, f->regions, f->n_regions * sizeof(*v));
	qsort(v, f->n_regions, sizeof(*v), by_file_off);
	for (size_t i = 1; i < f->n_regions; i++)
		if (v[i].file_off < v[i - 1].file_off + v[i - 1].size)
			ok = -1;
	free(v);
	return ok;
}

/* Executable PROGBITS sections: what objdump -d disassembles. */
static int find_sections(struct abcom_elf_file *f, Elf *elf, size_t shstrndx)
{
	size_t fsize;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (!elf_rawfile(elf, &fsize))
		return -1;
	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_EXECINSTR) || sh.sh_size == 0)
			continue;
		if (sh.sh_offset > fsize || sh.sh_size > fsize - sh.sh_offset)
			return -1;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || d->d_size != sh.sh_size)
			return -1;
		if (add_region(f, elf_strptr(elf, shstrndx, sh.sh_name) ?: "?",
			       sh.sh_addr, sh.sh_size, d->d_buf, sh.sh_offset))
			return -1;
	}
	return 0;
}

/* Without section headers: the file-backed part of executable segments. */
static int find_segments(struct abcom_elf_file *f, Elf *elf)
{
	size_t n, fsize;
	const char *image = elf_rawfile(elf, &fsize);

	if (!image || elf_getphdrnum(elf, &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		char name[32];

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    !(ph.p_flags & PF_X) || ph.p_filesz == 0)
			continue;
		if (ph.p_offset > fsize || ph.p_filesz > fsize - ph.p_offset)
			return -1;
		snprintf(name, sizeof(name), "LOAD[%zu]", i);
		if (add_region(f, name, ph.p_vaddr, ph.p_filesz,
			       image + ph.p_offset, ph.p_offset))
			return -1;
	}
	return 0;
}

/* Function starts from .symtab and .dynsym: known instruction starts. */
static int gather_symbols(struct abcom_elf_file *f, Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    !sh.sh_entsize || !(d = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			int type;

			if (!gelf_getsym(d, (int)i, &sym) ||
			    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
				continue;
			type = GELF_ST_TYPE(sym.st_info);
			if (type != STT_FUNC && type != STT_GNU_IFUNC &&
			    type != STT_NOTYPE)
				continue;
			if (add_hint(f, sym.st_value))
				return -1;
		}
	}
	return 0;
}

int abcom_elf_open(const char *path, struct abcom_elf_file *f,
		   char *err, size_t errlen)
{
	GElf_Ehdr eh;
	Elf *elf;
	size_t shstrndx, shnum;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return fail(err, errlen, "libelf: %s", elf_errmsg(-1));
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	elf = elf_begin(f->fd, ELF_C_READ_MMAP, NULL);
	f->elf = elf;
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		abcom_elf_close(f);
		return fail(err, errlen, "%s: not an ELF file", path);
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)) {
		abcom_elf_close(f);
		return fail(err, errlen, "%s: not an x86-64 executable or shared object",
			    path);
	}
	f->type = eh.e_type;
	f->entry = eh.e_entry;
	if (elf_getshdrnum(elf, &shnum) || elf_getshdrstrndx(elf, &shstrndx))
		shnum = 0;
	if (shnum > ABCOM_MAX_SECTIONS ||
	    (shnum > 1 ? find_sections(f, elf, shstrndx) : find_segments(f, elf)) ||
	    regions_disjoint(f)) {
		abcom_elf_close(f);
		return fail(err, errlen, "%s: %s", path, abcom_strerror(ABCOM_EREFUSED));
	}
	if (gather_symbols(f, elf) || (f->entry && add_hint(f, f->entry))) {
		abcom_elf_close(f);
		return fail(err, errlen, "%s: cannot read: %s", path, elf_errmsg(-1));
	}
	return 0;
}

void abcom_elf_close(struct abcom_elf_file *f)
{
	if (f->elf)
		elf_end(f->elf);
	if (f->fd >= 0)
		close(f->fd);
	free(f->regions);
	free(f->hints);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

static void add_stats(struct abcom_stats *sum, const struct abcom_stats *s)
{
	sum->insns += s->insns;
	sum->length_only += s->length_only;
	sum->bad_bytes += s->bad_bytes;
	sum->hint_cuts += s->hint_cuts;
	sum->branch_targets += s->branch_targets;
	sum->misaligned_targets += s->misaligned_targets;
	sum->hidden_sites += s->hidden_sites;
}

int abcom_elf_scan(struct abcom_elf_file *f, struct abcom_elf_report *rep,
		   char *err, size_t errlen)
{
	struct abcom_hints hints = { f->hints, f->n_hints };

	memset(rep, 0, sizeof(*rep));
	for (size_t i = 0; i < f->n_regions; i++) {
		struct abcom_elf_region *r = &f->regions[i];
		struct abcom_site *sites, *all;
		struct abcom_stats stats;
		size_t n;
		int e = abcom_scan_stats(r->data, r->size, r->vaddr, &hints,
					 &sites, &n, &stats);

		if (e) {
			abcom_elf_report_free(rep);
			return fail(err, errlen, "%s: %s", r->name, abcom_strerror(e));
		}
		all = realloc(rep->sites, (rep->n_sites + n) * sizeof(*all) + 1);
		if (!all) {
			abcom_free(sites);
			abcom_elf_report_free(rep);
			return fail(err, errlen, "out of memory");
		}
		if (n)
			memcpy(all + rep->n_sites, sites, n * sizeof(*all));
		abcom_free(sites);
		rep->sites = all;
		r->first_site = rep->n_sites;
		r->n_sites = n;
		rep->n_sites += n;
		add_stats(&rep->stats, &stats);
	}
	for (size_t i = 0; i < rep->n_sites; i++) {
		const struct abcom_site *s = &rep->sites[i];

		rep->per_class[s->cls]++;
		rep->per_reason[s->reason]++;
		rep->patchable += s->patchable;
		rep->hidden += s->hidden;
	}
	return 0;
}

void abcom_elf_report_free(struct abcom_elf_report *rep)
{
	free(rep->sites);
	memset(rep, 0, sizeof(*rep));
}
