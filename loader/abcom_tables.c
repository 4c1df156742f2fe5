// SPDX-License-Identifier: GPL-2.0
/*
 * Site tables of a rootfs's executable files, for the LibOS.
 *
 * Each x86-64 ELF file is decoded with abcom_scan_elf_image(), as the LibOS
 * would do it itself, and its patchable sites, in file offsets, become one
 * record.  The files come from a rootfs that may be hostile, so decoding
 * happens in a sandboxed helper process with a time limit
 * (abcom_decode_helper.c), and what it returns, like what the cache holds
 * (abcom_cache.c, keyed by SHA-256 of the content), is used only once every
 * site is checked against the file's bytes (abcom_sites_match_file()).
 * The LibOS checks the sites again, decoding them, before it patches.
 * Everything is best effort: a file that cannot be read or decoded, or a
 * cache that cannot be used, only leaves the decoding to the LibOS.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <asm/xlibos_boot.h>

#include "abcom.h"
#include "abcom_cache.h"
#include "abcom_decode_helper.h"
#include "abcom_sample.h"
#include "abcom_tables.h"
#include "diag.h"
#include "sha256_of.h"

/* Larger programs are left to the LibOS. */
#define MAX_FILE_SIZE		(256ULL << 20)
/* Decoding time: per file 2 s plus 2 ms per KiB; per rootfs at most this. */
#define FILE_BASE_MS		2000
#define PACK_DECODE_MS		60000

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

void abcom_tables_init(struct abcom_tables *t)
{
	memset(t, 0, sizeof(*t));
	t->ready = true;
	t->cache_fd = abcom_cache_open_dir();
	t->decode_ms_left = PACK_DECODE_MS;
}

void abcom_tables_free(struct abcom_tables *t)
{
	free(t->buf);
	t->buf = NULL;
	t->len = t->cap = 0;
	if (t->ready && t->cache_fd >= 0)
		close(t->cache_fd);
	t->cache_fd = -1;
	t->ready = false;
}

/* The handed record: the LibOS finds it by size and sample hash. */
static bool add_record(struct abcom_tables *t, const uint8_t *file, size_t size,
		       const struct abcom_site *sites, size_t n)
{
	struct xlibos_abcom_table_hdr hdr = {
		.magic = XLIBOS_ABCOM_TABLE_MAGIC,
		.abcom_version = ABCOM_VERSION,
		.site_size = sizeof(struct abcom_site),
		.n_sites = (uint32_t)n,
		.file_size = size,
		.file_sample = abcom_sample_hash(file, size),
	};

	return append(t, &hdr, sizeof(hdr)) && append(t, sites, n * sizeof(*sites));
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void warn_once(struct abcom_tables *t, const char *name, const char *what)
{
	if (t->warned)
		return;
	t->warned = true;
	diag_error("warning: abcom: %s %s; the LibOS decodes it when it runs", name, what);
}

/*
 * The sites of the file from the sandboxed helper, checked: true with
 * the sites (maybe none) when they can be used and cached; false when the
 * file is to have no table from us.
 */
static bool decode(struct abcom_tables *t, const char *name, const uint8_t *file,
		   size_t size, const struct abcom_range *ranges, size_t n_ranges,
		   struct abcom_site **sites, size_t *n)
{
	long long budget = FILE_BASE_MS + (long long)(size >> 9), start = now_ms();
	enum helper_outcome o;
	int err;

	if (t->decode_ms_left <= 0)
		return false;	/* the LibOS decodes it when it runs */
	if (budget > t->decode_ms_left)
		budget = t->decode_ms_left;
	o = abcom_decode_in_helper(file, size, (unsigned int)budget, &err, sites, n);
	t->decode_ms_left -= now_ms() - start;
	if (t->decode_ms_left <= 0)
		diag_error("warning: abcom: decoding time for this rootfs used up; the LibOS decodes the rest");
	if (o == HELPER_TIMEOUT) {
		warn_once(t, name, "took too long to decode");
		return false;
	}
	if (o != HELPER_DECODED || (err != ABCOM_OK && err != ABCOM_ELIMIT)) {
		warn_once(t, name, "could not be decoded");
		return false;
	}
	if (err == ABCOM_OK &&
	    !abcom_sites_match_file(file, size, ranges, n_ranges, *sites, *n)) {
		warn_once(t, name, "got a site table that does not match it");
		free(*sites);
		*sites = NULL;
		*n = 0;
		return false;
	}
	return true;	/* ABCOM_ELIMIT: no sites, and that is the answer */
}

/* The whole file, read (not mapped: the rootfs's owner may truncate it). */
static uint8_t *read_file(int fd, size_t size)
{
	uint8_t *buf = malloc(size);
	size_t got = 0;

	while (buf && got < size) {
		ssize_t n = pread(fd, buf + got, size - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return NULL;
		}
		got += (size_t)n;
	}
	return buf;
}

static bool x86_64_elf(int fd)
{
	Elf64_Ehdr eh;

	return pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) &&
	       !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	       eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_machine == EM_X86_64;
}

bool abcom_tables_add_fd(struct abcom_tables *t, int fd, const char *name)
{
	struct abcom_range ranges[ABCOM_MAX_EXEC_SECTIONS];
	uint8_t sha[ABCOM_SHA256_LEN];
	struct abcom_site *sites = NULL;
	size_t size, n_ranges, n = 0;
	struct stat st;
	uint8_t *file;
	bool ok = true;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr) ||
	    (uint64_t)st.st_size > MAX_FILE_SIZE || !x86_64_elf(fd))
		return true;
	size = (size_t)st.st_size;
	file = read_file(fd, size);
	if (!file)
		return true;
	/* what abcom refuses (also in the LibOS) needs no helper */
	if (abcom_elf_exec_ranges(file, size, ranges, &n_ranges) != ABCOM_OK)
		goto out;
	sha256_of(file, size, sha);
	if (t->cache_fd >= 0 && abcom_cache_load(t->cache_fd, sha, size, &sites, &n)) {
		if (abcom_sites_match_file(file, size, ranges, n_ranges, sites, n)) {
			ok = add_record(t, file, size, sites, n);
			goto out;
		}
		free(sites);	/* forged or stale: decoded again and replaced */
		sites = NULL;
		n = 0;
	}
	if (decode(t, name, file, size, ranges, n_ranges, &sites, &n)) {
		if (t->cache_fd >= 0)
			abcom_cache_store(t->cache_fd, sha, size, sites, n);
		/* even with no sites: then the LibOS knows not to decode the file */
		ok = add_record(t, file, size, sites, n);
	}
	/*
	 * Not decoded here (the helper ran out of time on a loaded host, or
	 * failed): no record, so the LibOS decodes it with the same limits,
	 * on the container's own time, rather than every call trapping.
	 */
out:
	free(sites);
	free(file);
	return ok;
}
