// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF front end over real Debian binaries: counts per class against
 * expected-counts.txt, the set of syscall addresses against objdump -d,
 * and every patchable site's plan applied step by step.
 */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "abcom_elf.h"
#include "tap.h"
#include "tests.h"

struct expected {
	char path[PATH_MAX];
	size_t sites, per_class[ABCOM_NCLASSES], patchable;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Addresses of every `syscall` objdump -d finds (it disassembles exactly
 * the executable sections, restarting at every symbol). */
static uint64_t *objdump_syscalls(const char *path, size_t *n)
{
	char cmd[PATH_MAX + 64], line[512];
	uint64_t *v = NULL;
	size_t cap = 0;
	FILE *f;

	*n = 0;
	snprintf(cmd, sizeof(cmd), "objdump -d --no-show-raw-insn '%s'", path);
	f = popen(cmd, "r");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t'), *hit;
		uint64_t addr;

		if (!tab || sscanf(line, " %" SCNx64 ":", &addr) != 1)
			continue;
		hit = strstr(tab, "syscall");
		/* the mnemonic, possibly after prefixes; not a symbol name */
		if (!hit || strchr(tab, '<') || (hit[7] && !isspace((unsigned char)hit[7])))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				break;
		}
		v[(*n)++] = addr;
	}
	if (pclose(f) != 0 || !v) {
		free(v);
		*n = 0;
		return NULL;
	}
	qsort(v, *n, sizeof(*v), cmp_u64);
	return v;
}

static void compare_with_objdump(const char *path, const struct abcom_elf_report *rep)
{
	size_t n_obj, n_ours = 0, i = 0, j = 0, diffs = 0;
	uint64_t *obj = objdump_syscalls(path, &n_obj);
	uint64_t *ours = malloc((rep->n_sites + 1) * sizeof(*ours));

	for (size_t k = 0; ours && k < rep->n_sites; k++)
		if (!rep->sites[k].hidden)   /* objdump never sees those */
			ours[n_ours++] = rep->sites[k].addr;
	if (!obj || !ours) {
		check(false, "%s: objdump -d ran", path);
		free(obj);
		free(ours);
		return;
	}
	qsort(ours, n_ours, sizeof(*ours), cmp_u64);
	while (i < n_obj || j < n_ours) {
		if (j == n_ours || (i < n_obj && obj[i] < ours[j])) {
			if (diffs++ < 20)
				diag("objdump only: %#" PRIx64, obj[i]);
			i++;
		} else if (i == n_obj || ours[j] < obj[i]) {
			if (diffs++ < 20)
				diag("abcom only:   %#" PRIx64, ours[j]);
			j++;
		} else {
			i++;
			j++;
		}
	}
	check(diffs == 0, "%s: the same %zu syscall addresses as objdump -d (%zu differ)",
	      path, n_obj, diffs);
	free(obj);
	free(ours);
}

static void check_plans(const char *path, struct abcom_elf_file *f,
			const struct abcom_elf_report *rep)
{
	size_t planned = 0, bad = 0;
	uint32_t slot = abcom_slot_region_base(0);

	for (size_t r = 0; r < f->n_regions; r++) {
		struct abcom_elf_region *reg = &f->regions[r];
		uint8_t *copy = malloc(reg->size);

		if (!copy) {
			bad++;
			continue;
		}
		memcpy(copy, reg->data, reg->size);
		for (size_t i = 0; i < reg->n_sites; i++) {
			const struct abcom_site *s = &rep->sites[reg->first_site + i];
			struct abcom_patch p;
			const char *err;
			int e;

			if (!s->patchable)
				continue;
			e = abcom_plan(s, slot, &p);
			err = e ? abcom_strerror(e) :
			      verify_patch(s, &p, copy, reg->size, reg->vaddr);
			slot += 8;
			planned++;
			if (err && bad++ < 10)
				diag("site %#" PRIx64 ": %s", s->addr, err);
		}
		if (memcmp(copy, reg->data, reg->size) != 0) {
			diag("%s: the code copy was not restored", reg->name);
			bad++;
		}
		free(copy);
	}
	check(bad == 0 && planned == rep->patchable,
	      "%s: %zu patchable sites planned; every write step leaves a valid "
	      "program and touches only the site's 7 bytes", path, planned);
}

static void check_counts(const struct expected *e, const struct abcom_elf_report *rep)
{
	bool same = rep->n_sites == e->sites && rep->patchable == e->patchable;
	char line[512];
	int n;

	for (int c = 0; c < ABCOM_NCLASSES; c++)
		same &= rep->per_class[c] == e->per_class[c];
	if (check(same, "%s: %zu sites, per-class and patchable counts as expected",
		  e->path, e->sites))
		return;
	n = snprintf(line, sizeof(line), "measured: %zu", rep->n_sites);
	for (int c = 0; c < ABCOM_NCLASSES; c++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %zu", rep->per_class[c]);
	snprintf(line + n, sizeof(line) - (size_t)n, " %zu", rep->patchable);
	diag("%s", line);
}

static void test_one(const struct expected *e)
{
	struct abcom_elf_file f;
	struct abcom_elf_report rep;
	char real[PATH_MAX], err[256];

	if (!realpath(e->path, real)) {
		check(false, "%s exists (apt-get install -y busybox-static musl-tools)",
		      e->path);
		return;
	}
	if (abcom_elf_open(real, &f, err, sizeof(err))) {
		check(false, "%s: opened: %s", real, err);
		return;
	}
	if (abcom_elf_scan(&f, &rep, err, sizeof(err))) {
		check(false, "%s: scanned: %s", real, err);
		abcom_elf_close(&f);
		return;
	}
	check_counts(e, &rep);
	compare_with_objdump(real, &rep);
	check_plans(real, &f, &rep);
	abcom_elf_report_free(&rep);
	abcom_elf_close(&f);
}

void test_binaries(const char *expected_file)
{
	FILE *in = fopen(expected_file, "r");
	char line[1024];
	unsigned n = 0;

	if (!check(in != NULL, "read %s", expected_file))
		return;
	while (fgets(line, sizeof(line), in)) {
		struct expected e;
		size_t *c = e.per_class;

		if (line[0] == '#' || line[strspn(line, " \t\n")] == '\0')
			continue;
		if (sscanf(line, "%4095s %zu %zu %zu %zu %zu %zu %zu %zu", e.path,
			   &e.sites, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5],
			   &e.patchable) != 9) {
			check(false, "parse expected-counts line: %s", line);
			continue;
		}
		test_one(&e);
		n++;
	}
	fclose(in);
	check(n > 0, "%u binaries listed in %s", n, expected_file);
}
