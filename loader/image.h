/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The LibOS image: an x86-64 ET_EXEC vmlinux carrying the XLibOS boot
 * note, linked to run inside the guest physical memory window.
 */
#ifndef XLIBOS_LOADER_IMAGE_H
#define XLIBOS_LOADER_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <asm/xlibos_hostcalls.h>

struct image_segment {
	uint64_t vaddr;		/* host address inside the phys window */
	uint64_t offset;	/* file offset of the first byte */
	uint64_t filesz;	/* bytes to copy; the rest up to memsz is zero */
	uint64_t memsz;
	bool exec;		/* PF_X: needs PROT_EXEC */
};

struct image {
	const char *path;
	int fd;			/* kept open (O_CLOEXEC) so the child can copy */
	uint64_t entry;
	uint64_t end_phys;	/* guest physical end of the highest segment */
	size_t nsegments;
	struct image_segment *segments;
	/* From the host-call note: who may call the host, and what. */
	uint64_t hypercall_start, hypercall_end;
	uint32_t nhostcalls;
	uint32_t hostcalls[XLIBOS_HOSTCALLS_MAX];
};

/*
 * Open and validate the image against a guest of phys_size bytes
 * (mem_arg is --mem as typed, for the message).  Prints a one-line error
 * naming the file and returns false on any problem.
 */
bool image_open(const char *path, uint64_t phys_size, const char *mem_arg,
		struct image *img);

void image_close(struct image *img);

#endif
