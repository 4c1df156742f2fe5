// SPDX-License-Identifier: GPL-2.0
/*
 * Plants a forged abcom cache record for FILE in CACHEDIR, well-formed and
 * under FILE's own key (SHA-256 of its content), the way someone who can
 * write the cache would:
 *   shift   every site one byte later (offsets that do not match the file)
 *   bounds  every window with two or more instructions before its syscall
 *           loses the start of the second: fields consistent, bytes the file's, so the
 *           loader's checks (no decoding) pass it; the LibOS decodes the
 *           window and drops the site
 * usage: abcom_forge shift|bounds FILE CACHEDIR
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abcom.h"
#include "abcom_cache.h"
#include "sha256_of.h"

int main(int argc, char **argv)
{
	uint8_t sha[ABCOM_SHA256_LEN];
	struct abcom_site *sites;
	size_t n, forged = 0;
	struct stat st;
	uint8_t *f;
	int fd, dir;

	if (argc != 4 || (strcmp(argv[1], "shift") && strcmp(argv[1], "bounds"))) {
		fprintf(stderr, "usage: %s shift|bounds FILE CACHEDIR\n", argv[0]);
		return 2;
	}
	fd = open(argv[2], O_RDONLY);
	dir = open(argv[3], O_RDONLY | O_DIRECTORY);
	if (fd < 0 || dir < 0 || fstat(fd, &st)) {
		perror("abcom_forge");
		return 1;
	}
	f = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (f == MAP_FAILED || abcom_scan_elf_image(f, st.st_size, &sites, &n)) {
		fprintf(stderr, "abcom_forge: cannot decode %s\n", argv[2]);
		return 1;
	}
	sha256_of(f, st.st_size, sha);
	for (size_t i = 0; i < n; i++) {
		struct abcom_site *s = &sites[i];

		if (!strcmp(argv[1], "shift")) {
			s->addr++;
			s->start++;
			forged++;
		} else if (s->n_bounds >= 3 && s->bounds[1] < s->syscall_off) {
			/* a displaced instruction's start, not the syscall's */
			memmove(&s->bounds[1], &s->bounds[2], s->n_bounds - 2);
			s->n_bounds--;
			forged++;
		}
	}
	abcom_cache_store(dir, sha, st.st_size, sites, n);
	printf("%zu of %zu sites forged\n", forged, n);
	return 0;
}
