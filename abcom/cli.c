// SPDX-License-Identifier: GPL-2.0
/*
 * abcom-scan [-v] FILE...: syscall sites of ELF files, counted per class.
 * One summary line per file; with -v also one line per site.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "abcom_elf.h"

static void usage(FILE *to)
{
	fprintf(to, "usage: abcom-scan [-v] FILE...\n"
		"Count the syscall instructions of x86-64 ELF files per class;\n"
		"-v also lists every site (address, class, number, patchable).\n");
}

static void print_site(const struct abcom_site *s, const char *section)
{
	char nr[32];

	switch (s->nr_kind) {
	case ABCOM_NR_IMM:
		snprintf(nr, sizeof(nr), "%" PRId64, s->nr);
		break;
	case ABCOM_NR_STACK8:
		snprintf(nr, sizeof(nr), "[rsp+8]");
		break;
	case ABCOM_NR_REG:
		snprintf(nr, sizeof(nr), "reg");
		break;
	default:
		snprintf(nr, sizeof(nr), "?");
		break;
	}
	printf("  %#" PRIx64 " %-8s %-11s nr=%-8s patch=%#" PRIx64 "+%u %s%s%s\n",
	       s->addr, section, abcom_class_name(s->cls), nr, s->start, s->patch_len,
	       s->patchable ? "patchable" : "unpatchable: ",
	       s->patchable ? "" : abcom_reason_text(s->reason),
	       s->hidden ? " (hidden)" : "");
}

static int scan_file(const char *path, bool verbose)
{
	struct abcom_elf_file f;
	struct abcom_elf_report rep;
	char err[256];

	if (abcom_elf_open(path, &f, err, sizeof(err)) ||
	    (abcom_elf_scan(&f, &rep, err, sizeof(err)) &&
	     (abcom_elf_close(&f), 1))) {
		fprintf(stderr, "abcom-scan: %s\n", err);
		return 1;
	}
	printf("%s: sites=%zu", path, rep.n_sites);
	for (int c = 0; c < ABCOM_NCLASSES; c++)
		printf(" %s=%zu", abcom_class_name(c), rep.per_class[c]);
	printf(" patchable=%zu hidden=%zu\n", rep.patchable, rep.hidden);
	if (verbose) {
		printf("  # %zu instructions (%zu by length only), "
		       "%zu undecodable bytes, %zu cut at symbols, "
		       "%zu branch targets (%zu inside instructions)\n",
		       rep.stats.insns, rep.stats.length_only,
		       rep.stats.bad_bytes, rep.stats.hint_cuts,
		       rep.stats.branch_targets, rep.stats.misaligned_targets);
		printf("  # not patchable:");
		for (int r = 1; r < ABCOM_NREASONS; r++)
			if (rep.per_reason[r])
				printf(" %zu %s;", rep.per_reason[r],
				       abcom_reason_text(r));
		printf("\n");
		for (size_t r = 0; r < f.n_regions; r++)
			for (size_t i = 0; i < f.regions[r].n_sites; i++)
				print_site(&rep.sites[f.regions[r].first_site + i],
					   f.regions[r].name);
	}
	abcom_elf_report_free(&rep);
	abcom_elf_close(&f);
	return 0;
}

int main(int argc, char **argv)
{
	bool verbose = false;
	int opt, rc = 0;

	while ((opt = getopt(argc, argv, "vh")) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++)
		rc |= scan_file(argv[i], verbose);
	return rc;
}
