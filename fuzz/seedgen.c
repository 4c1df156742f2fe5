// SPDX-License-Identifier: GPL-2.0
/*
 * Seeds that need the code under test to make them (make-seeds.sh):
 *   seedgen tiny OUT            the ELF file of tiny_elf.h
 *   seedgen cache DIR           the loader's cache record of that file,
 *                               stored into DIR (abcom_cache_store())
 *   seedgen handed ELF [ELF...] fuzz_handed_tables's input on stdout: the
 *                               first file, then the records the loader
 *                               hands the LibOS for each file
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <asm/xlibos_boot.h>

#include "abcom.h"
#include "abcom_sample.h"
#include "sha256_of.h"
#include "tiny_elf.h"
/* older trees (before the loader's SHA-256 cache) have no cache seed */
#if __has_include("abcom_cache.h")
#include "abcom_cache.h"
#define HAVE_ABCOM_CACHE 1
#endif

static int write_tiny(const char *path)
{
	uint8_t elf[TINY_ELF_SIZE];
	FILE *f = fopen(path, "wb");

	tiny_elf(elf);
	if (!f || fwrite(elf, 1, sizeof(elf), f) != sizeof(elf) || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

#ifdef HAVE_ABCOM_CACHE
static int store_tiny(const char *dir)
{
	uint8_t elf[TINY_ELF_SIZE], sha[ABCOM_SHA256_LEN];
	struct abcom_site *sites;
	size_t n;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	tiny_elf(elf);
	sha256_of(elf, sizeof(elf), sha);
	if (fd < 0 || abcom_scan_elf_image(elf, sizeof(elf), &sites, &n) != ABCOM_OK) {
		perror(dir);
		return 1;
	}
	abcom_cache_store(fd, sha, sizeof(elf), sites, n);
	abcom_free(sites);
	close(fd);
	return 0;
}
#else
static int store_tiny(const char *dir)
{
	fprintf(stderr, "seedgen: no abcom_cache.h in this tree, no record in %s\n", dir);
	return 0;
}
#endif

static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len + 1)) &&
	    fread(buf, 1, (size_t)len, f) == (size_t)len) {
		*size = (size_t)len;
	} else {
		perror(path);
		free(buf);
		buf = NULL;
	}
	if (f)
		fclose(f);
	return buf;
}

/* What add_record() in loader/abcom_tables.c appends for one file. */
static int write_record(const uint8_t *file, size_t size)
{
	struct abcom_site *sites;
	size_t n;
	struct xlibos_abcom_table_hdr hdr = {
		.magic = XLIBOS_ABCOM_TABLE_MAGIC,
		.abcom_version = ABCOM_VERSION,
		.site_size = sizeof(struct abcom_site),
		.file_size = size,
		.file_sample = abcom_sample_hash(file, size),
	};

	if (abcom_scan_elf_image(file, size, &sites, &n) != ABCOM_OK)
		return 1;
	hdr.n_sites = (uint32_t)n;
	fwrite(&hdr, sizeof(hdr), 1, stdout);
	if (n)
		fwrite(sites, sizeof(*sites), n, stdout);
	abcom_free(sites);
	return 0;
}

static int write_handed(char **paths, int count)
{
	size_t size;
	uint8_t *file = slurp(paths[0], &size);
	uint32_t len = (uint32_t)size;
	int rc = 0;

	if (!file)
		return 1;
	fwrite(&len, sizeof(len), 1, stdout);
	fwrite(file, 1, size, stdout);
	free(file);
	for (int i = 0; i < count; i++) {
		file = slurp(paths[i], &size);
		if (!file || write_record(file, size))
			rc = 1;
		free(file);
	}
	return fflush(stdout) ? 1 : rc;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "tiny") == 0)
		return write_tiny(argv[2]);
	if (argc == 3 && strcmp(argv[1], "cache") == 0)
		return store_tiny(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "handed") == 0)
		return write_handed(argv + 2, argc - 2);
	fprintf(stderr, "usage: seedgen tiny OUT | seedgen cache DIR | seedgen handed ELF [ELF...] >OUT\n");
	return 2;
}
