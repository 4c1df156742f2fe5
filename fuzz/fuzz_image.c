// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz image_open() (loader/image.c): the LibOS image's ELF validation
 * with libelf, on a file given with --image.  The input is the file; it is
 * put in a memfd and opened by its /proc/self/fd path, as a path the user
 * typed would be.  An accepted image must describe segments inside the
 * file and an entry point inside an executable one (what the loader then
 * copies and jumps to); anything else aborts.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diag.h"
#include "image.h"

#define PHYS_SIZE	(256ULL << 20)

static int memfd = -1;
static char path[64];

static void fuzz_setup(void)
{
	FILE *quiet = fopen("/dev/null", "w");

	memfd = memfd_create("fuzz-image", 0);
	if (memfd < 0 || !quiet) {
		perror("fuzz_image: setup");
		exit(2);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	/* the one-line errors are expected; only crashes matter */
	if (!getenv("FUZZ_VERBOSE"))
		diag_set_stream(quiet);
}

static void check_accepted(const struct image *img, size_t size)
{
	bool entry_ok = false;

	for (size_t i = 0; i < img->nsegments; i++) {
		const struct image_segment *s = &img->segments[i];

		if (s->offset > size || s->filesz > size - s->offset || s->filesz > s->memsz) {
			fprintf(stderr, "fuzz_image: accepted segment %zu outside the file\n", i);
			abort();
		}
		entry_ok |= s->exec && img->entry - s->vaddr < s->filesz &&
			    img->entry >= s->vaddr;
	}
	if (!entry_ok) {
		fprintf(stderr, "fuzz_image: accepted entry 0x%llx outside executable bytes\n",
			(unsigned long long)img->entry);
		abort();
	}
}

static void fuzz_one(const uint8_t *data, size_t size)
{
	struct image img;

	if (ftruncate(memfd, 0) || pwrite(memfd, data, size, 0) != (ssize_t)size) {
		perror("fuzz_image: memfd");
		exit(2);
	}
	if (image_open(path, PHYS_SIZE, "256M", &img)) {
		check_accepted(&img, size);
		image_close(&img);
	}
}

#include "driver.h"
