/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF front end of abcom (hosted: uses libc and libelf).  Finds the
 * executable sections of an x86-64 ELF file (ET_EXEC or ET_DYN), gathers
 * instruction-start hints from .symtab/.dynsym function symbols and the
 * entry point, and runs abcom_scan() on every section.
 */
#ifndef ABCOM_ELF_H
#define ABCOM_ELF_H

#include "abcom.h"

struct abcom_elf_region {
	char name[32];            /* section name, or "LOAD[i]" without sections */
	uint64_t vaddr;
	size_t size;
	const uint8_t *data;      /* the file's bytes, valid until close */
	uint64_t file_off;        /* where they are in the file */
	size_t first_site;        /* this region's sites in the report */
	size_t n_sites;
};

struct abcom_elf_file {
	int fd;
	void *elf;                /* Elf * */
	uint16_t type;            /* ET_EXEC / ET_DYN */
	uint64_t entry;
	struct abcom_elf_region *regions;
	size_t n_regions;
	uint64_t *hints;          /* symbol starts and entry, unsorted */
	size_t n_hints, max_hints;
};

struct abcom_elf_report {
	struct abcom_site *sites; /* all regions, in region then address order */
	size_t n_sites;
	size_t per_class[ABCOM_NCLASSES];
	size_t per_reason[ABCOM_NREASONS];
	size_t patchable;
	size_t hidden;
	struct abcom_stats stats; /* summed over regions */
};

/*
 * 0 on success; otherwise -1 with a message in err.  A file whose
 * executable sections (or, without sections, segments) overlap in the
 * file, lie outside it, or are more or larger than abcom.h allows is
 * refused, as abcom_scan_elf_image() refuses it.
 */
int abcom_elf_open(const char *path, struct abcom_elf_file *f,
		   char *err, size_t errlen);
void abcom_elf_close(struct abcom_elf_file *f);
int abcom_elf_scan(struct abcom_elf_file *f, struct abcom_elf_report *rep,
		   char *err, size_t errlen);
void abcom_elf_report_free(struct abcom_elf_report *rep);

#endif /* ABCOM_ELF_H */
