// SPDX-License-Identifier: GPL-2.0
/*
 * Site tables of a rootfs's executable files, for the LibOS.
 *
 * Each x86-64 ELF file is decoded with abcom_scan_elf_image(), as the LibOS
 * would do it itself, and its patchable sites, in file offsets, become one
 * record.  Decoding a 2 MB program takes a few
 * hundred milliseconds, so records are cached on the host by file size,
 * XXH64 and ABCOM_VERSION in $XLIBOS_CACHE_DIR, else $XDG_CACHE_HOME/xlibos,
 * else ~/.cache/xlibos.  Everything is best effort: a file that cannot be
 * read or decoded, or a cache that cannot be written, only leaves the
 * decoding to the LibOS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include <asm/xlibos_boot.h>
#include <capstone/capstone.h>

#include "abcom.h"
#include "abcom_tables.h"

#define MAX_FILE_SIZE		(512ULL << 20)

static bool append(struct abcom_tables *t, const void *p, size_t n)
{
	if (t->len + n > t->cap) {
		size_t cap = t->cap ? t->cap : 64 * 1024;
		uint8_t *buf;

		while (cap < t->len + n)
			cap *= 2;
		buf = realloc(t->buf, cap);
		if (!buf)
			return false;
		t->buf = buf;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, p, n);
	t->len += n;
	return true;
}

/* abcom never reads Capstone's text, and formatting it costs as much as decoding. */
static int no_text(char *buf, size_t size, const char *fmt, va_list ap)
{
	(void)fmt;
	(void)ap;
	if (size)
		buf[0] = '\0';
	return 0;
}

static bool pick_cache_dir(char *dir, size_t len)
{
	const char *env = getenv("XLIBOS_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char parent[PATH_MAX];
	int n;

	if (env && *env)
		n = snprintf(dir, len, "%s", env);
	else if (xdg && *xdg)
		n = snprintf(dir, len, "%s/xlibos", xdg);
	else if (home && *home)
		n = snprintf(dir, len, "%s/.cache/xlibos", home);
	else
		return false;
	if (n < 0 || (size_t)n >= len)
		return false;
	/* one level of parent (~/.cache) may be missing too */
	snprintf(parent, sizeof(parent), "%s", dir);
	if (strrchr(parent, '/') && strrchr(parent, '/') != parent) {
		*strrchr(parent, '/') = '\0';
		mkdir(parent, 0700);
	}
	return (mkdir(dir, 0700) == 0 || errno == EEXIST) && access(dir, W_OK | X_OK) == 0;
}

void abcom_tables_init(struct abcom_tables *t)
{
	static cs_opt_mem mem = {
		.malloc = malloc, .calloc = calloc, .realloc = realloc,
		.free = free, .vsnprintf = no_text,
	};

	memset(t, 0, sizeof(*t));
	if (!pick_cache_dir(t->cache_dir, sizeof(t->cache_dir)))
		t->cache_dir[0] = '\0';
	cs_option(0, CS_OPT_MEM, (size_t)&mem);
}

void abcom_tables_free(struct abcom_tables *t)
{
	free(t->buf);
	t->buf = NULL;
	t->len = t->cap = 0;
}

/* A cached record for this file, appended to t; false if none usable. */
static bool from_cache(struct abcom_tables *t, const char *cache,
		       const struct xlibos_abcom_table_hdr *want)
{
	struct xlibos_abcom_table_hdr hdr;
	int fd = open(cache, O_RDONLY | O_CLOEXEC);
	size_t bytes;
	void *sites;
	bool ok = false;

	if (fd < 0)
		return false;
	if (read(fd, &hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr) ||
	    hdr.magic != want->magic || hdr.abcom_version != want->abcom_version ||
	    hdr.site_size != want->site_size || hdr.file_size != want->file_size ||
	    hdr.file_xxh64 != want->file_xxh64 || hdr.n_sites > MAX_FILE_SIZE)
		goto out;
	bytes = (size_t)hdr.n_sites * sizeof(struct abcom_site);
	sites = malloc(bytes ? bytes : 1);
	if (sites && read(fd, sites, bytes) == (ssize_t)bytes)
		ok = append(t, &hdr, sizeof(hdr)) && append(t, sites, bytes);
	free(sites);
out:
	close(fd);
	return ok;
}

static void to_cache(const char *cache, const struct xlibos_abcom_table_hdr *hdr,
		     const struct abcom_site *sites)
{
	char tmp[PATH_MAX + 96];
	size_t bytes = (size_t)hdr->n_sites * sizeof(*sites);
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.%d", cache, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	/* a reader may race us: rename makes the record appear whole */
	if (write(fd, hdr, sizeof(*hdr)) == (ssize_t)sizeof(*hdr) &&
	    write(fd, sites, bytes) == (ssize_t)bytes && close(fd) == 0)
		rename(tmp, cache);
	else
		close(fd);
	unlink(tmp);
}

bool abcom_tables_add(struct abcom_tables *t, const char *path, const struct stat *st)
{
	struct xlibos_abcom_table_hdr hdr = {
		.magic = XLIBOS_ABCOM_TABLE_MAGIC,
		.abcom_version = ABCOM_VERSION,
		.site_size = sizeof(struct abcom_site),
	};
	char cache[PATH_MAX + 64];
	struct abcom_site *sites;
	size_t size = (size_t)st->st_size, n;
	const Elf64_Ehdr *eh;
	uint8_t *map;
	bool ok = true;
	int fd;

	if (!S_ISREG(st->st_mode) || size < sizeof(*eh) || size > MAX_FILE_SIZE)
		return true;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return true;
	map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return true;
	eh = (const Elf64_Ehdr *)map;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_machine != EM_X86_64)
		goto out;

	hdr.file_size = size;
	hdr.file_xxh64 = XXH64(map, size, 0);
	cache[0] = '\0';
	if (t->cache_dir[0]) {
		int len = snprintf(cache, sizeof(cache), "%s/abcom-v%d-%016llx-%zu.sites",
				   t->cache_dir, ABCOM_VERSION,
				   (unsigned long long)hdr.file_xxh64, size);

		if (len < 0 || (size_t)len >= sizeof(cache))
			cache[0] = '\0';
		else if (from_cache(t, cache, &hdr))
			goto out;
	}
	if (abcom_scan_elf_image(map, size, &sites, &n) != ABCOM_OK)
		goto out;
	hdr.n_sites = (uint32_t)n;
	if (cache[0])
		to_cache(cache, &hdr, sites);
	/* even with no sites: then the LibOS knows not to decode the file */
	ok = append(t, &hdr, sizeof(hdr)) && append(t, sites, n * sizeof(*sites));
	abcom_free(sites);
out:
	munmap(map, size);
	return ok;
}
