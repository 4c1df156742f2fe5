// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the loader's use of its site-table cache: the input is the content
 * of the cache record of a fixed ELF file (tiny_elf.h), planted where the
 * loader looks for it.  As abcom_tables_add_fd() does on a cache hit, it
 * is read with abcom_cache_load() (loader/abcom_cache.c) and checked with
 * abcom_sites_match_file(); the sites of a record that passes are then
 * what the LibOS is handed, so each must be sane, inside the file with the
 * file's bytes, and plannable without reaching outside its window
 * (abcom_plan(), under the sanitizers).  Anything else aborts.
 *
 * Files go to $FUZZ_TMPDIR (reused: AFL kills its persistent children),
 * else to a temporary directory removed at exit.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abcom.h"
#include "abcom_cache.h"
#include "sha256_of.h"
#include "tiny_elf.h"

static char dir[PATH_MAX - 128], cache_dir[PATH_MAX];
static char record_path[PATH_MAX + NAME_MAX + 1];
static uint8_t elf[TINY_ELF_SIZE], sha[ABCOM_SHA256_LEN];
static struct abcom_range ranges[ABCOM_MAX_EXEC_SECTIONS];
static size_t n_ranges;
static int dir_fd = -1;

static _Noreturn void die(const char *what)
{
	perror(what);
	exit(2);
}

static void remove_dir(void)
{
	char cmd[sizeof(dir) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "fuzz_abcom_cache: could not remove %s\n", dir);
}

/* The one record abcom_cache_store() wrote into the empty directory. */
static void find_record(void)
{
	DIR *d = opendir(cache_dir);
	struct dirent *e;

	if (!d)
		die(cache_dir);
	record_path[0] = '\0';
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			snprintf(record_path, sizeof(record_path), "%s/%s", cache_dir, e->d_name);
	closedir(d);
	if (!record_path[0]) {
		fprintf(stderr, "fuzz_abcom_cache: the loader stored no cache record\n");
		exit(2);
	}
}

static void fuzz_setup(void)
{
	const char *tmp = getenv("FUZZ_TMPDIR");
	struct abcom_site *sites;
	size_t n;
	char cmd[sizeof(cache_dir) + 16];

	if (tmp && *tmp) {
		snprintf(dir, sizeof(dir), "%s", tmp);
		mkdir(dir, 0700);
	} else {
		snprintf(dir, sizeof(dir), "%s/xlibos-fuzz-cache.XXXXXX",
			 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		if (!mkdtemp(dir))
			die("mkdtemp");
		atexit(remove_dir);
	}
	snprintf(cache_dir, sizeof(cache_dir), "%s/cache", dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cache_dir);
	if (system(cmd))
		die(cache_dir);
	setenv("XLIBOS_CACHE_DIR", cache_dir, 1);
	dir_fd = abcom_cache_open_dir();
	if (dir_fd < 0)
		die("abcom_cache_open_dir");

	/* what abcom_tables_add_fd() computes for the file, then stores */
	tiny_elf(elf);
	sha256_of(elf, sizeof(elf), sha);
	if (abcom_elf_exec_ranges(elf, sizeof(elf), ranges, &n_ranges) != ABCOM_OK ||
	    abcom_scan_elf_image(elf, sizeof(elf), &sites, &n) != ABCOM_OK || !n)
		die("tiny ELF");
	abcom_cache_store(dir_fd, sha, sizeof(elf), sites, n);
	abcom_free(sites);
	find_record();
}

static void check_site(const struct abcom_site *s)
{
	struct abcom_patch p;

	if (!abcom_site_sane(s) || s->start > sizeof(elf) ||
	    s->window_len > sizeof(elf) - s->start ||
	    memcmp(elf + s->start, s->bytes, s->window_len)) {
		fprintf(stderr, "fuzz_abcom_cache: accepted a site at 0x%llx that does not match the file\n",
			(unsigned long long)s->addr);
		abort();
	}
	abcom_plan(s, abcom_slot_region_base(0), &p);
}

static void fuzz_one(const uint8_t *data, size_t size)
{
	struct abcom_site *sites;
	size_t n;
	int fd = open(record_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd))
		die(record_path);
	if (!abcom_cache_load(dir_fd, sha, sizeof(elf), &sites, &n))
		return;
	if (abcom_sites_match_file(elf, sizeof(elf), ranges, n_ranges, sites, n))
		for (size_t i = 0; i < n; i++)
			check_site(&sites[i]);
	free(sites);
}

#include "driver.h"
