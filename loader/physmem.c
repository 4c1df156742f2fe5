// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diag.h"
#include "physmem.h"
#include "size.h"

/* Added in Linux 6.3; older kernels reject it with EINVAL. */
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define PAGE_MASK_4K (UINT64_C(4096) - 1)

static int create_memfd(void)
{
	/*
	 * No MFD_CLOEXEC: the kernel keeps using the fd.  Ask for MFD_EXEC so
	 * kernel text may be mapped executable even with vm.memfd_noexec=1,
	 * falling back to plain flags on kernels that predate it.
	 */
	int fd = memfd_create("xlibos-phys", MFD_EXEC | MFD_ALLOW_SEALING);

	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("xlibos-phys", MFD_ALLOW_SEALING);
	return fd;
}

static void report_alloc_failure(uint64_t size, const char *what)
{
	char buf[SIZE_FORMAT_MAX];

	if (errno == ENOMEM || errno == ENOSPC || errno == EFBIG)
		diag_error("cannot allocate %" PRIu64 " bytes (%s) of guest memory",
			   size, size_format(size, buf, sizeof(buf)));
	else
		diag_error("%s guest memory: %s", what, strerror(errno));
}

/* The host gives shared memory huge pages only to mappings that ask (set by physmem_create). */
static bool huge_on_request;

/* Is "[advise]" the host's choice for shared memory's huge pages? */
static bool shmem_huge_advise(void)
{
	char buf[128] = "";
	int fd = open("/sys/kernel/mm/transparent_hugepage/shmem_enabled", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 && strstr(buf, "[advise]");
}

bool physmem_create(uint64_t size, int *fd_out)
{
	int fd = create_memfd();

	if (fd < 0) {
		report_alloc_failure(size, "cannot create");
		return false;
	}
	if (ftruncate(fd, (off_t)size) != 0) {
		report_alloc_failure(size, "cannot size");
		close(fd);
		return false;
	}
	/*
	 * Guest memory never changes size: sealed, no host process of the
	 * container can grow the memfd into host memory it was not given.
	 */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) != 0) {
		report_alloc_failure(size, "cannot seal");
		close(fd);
		return false;
	}
	*fd_out = fd;
	/* before the clone: the child, which loads the image, cannot read sysfs */
	huge_on_request = shmem_huge_advise();
	return true;
}

bool physmem_map(int fd, uint64_t size)
{
	void *want = (void *)(uintptr_t)XLIBOS_PHYS_VIRT;

	/* NOREPLACE: silently clobbering a host mapping would be far worse. */
	void *p = mmap(want, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);

	if (p == MAP_FAILED || p != want) {
		if (p == MAP_FAILED && errno == EEXIST)
			diag_error("cannot map guest memory at 0x%" PRIx64 "-0x%" PRIx64
				   ": address range already in use on this host",
				   (uint64_t)XLIBOS_PHYS_VIRT, (uint64_t)XLIBOS_PHYS_VIRT + size);
		else if (p == MAP_FAILED)
			report_alloc_failure(size, "cannot map");
		else	/* pre-4.17 kernels treat the flag as a hint */
			diag_error("cannot map guest memory at 0x%" PRIx64
				   ": host kernel placed it at %p (needs Linux 4.17+)",
				   (uint64_t)XLIBOS_PHYS_VIRT, p);
		if (p != MAP_FAILED)
			munmap(p, size);
		return false;
	}
	physmem_advise_huge(p, size);
	return true;
}

void physmem_advise_huge(void *p, uint64_t size)
{
	/*
	 * Where the host lets shared memory have huge pages on request
	 * (shmem_enabled "advise"), guest memory is made and mapped 2 MiB at
	 * a time: a fault per 2 MiB instead of per 4 KiB.  Elsewhere a no-op.
	 */
	madvise(p, size, MADV_HUGEPAGE);
}

bool physmem_read_file(int fd, uint64_t offset, void *dst, uint64_t len)
{
	char *out = dst;

	while (len) {
		/* pread returns at most ~2 GiB per call on Linux. */
		size_t chunk = len > (UINT64_C(1) << 30) ? (size_t)1 << 30 : (size_t)len;
		ssize_t n = pread(fd, out, chunk, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENODATA;	/* file shrank under us */
			return false;
		}
		out += n;
		offset += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return true;
}

/*
 * A segment written into guest memory's memfd from a private mapping of
 * the image: the memfd's pages are made by the write, where a read into
 * the fresh shared mapping takes a host fault for each (9.3 MB: 8.2 ->
 * 4.6 ms).  False (errno set) if the file cannot be mapped: then read.
 */
static bool write_segment(int phys_fd, int fd, uint64_t offset, uint64_t phys, uint64_t len)
{
	uint64_t skip = offset & PAGE_MASK_4K;
	const char *src = mmap(NULL, len + skip, PROT_READ, MAP_PRIVATE, fd, (off_t)(offset - skip));
	const char *p = src == MAP_FAILED ? NULL : src + skip;
	uint64_t done = 0;

	if (!p)
		return false;
	while (done < len) {
		ssize_t n = pwrite(phys_fd, p + done, len - done, (off_t)(phys + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (uint64_t)n;
	}
	munmap((void *)src, len + skip);
	return done == len;
}

bool physmem_load_image(const struct image *img, int phys_fd)
{
	for (size_t i = 0; i < img->nsegments; i++) {
		const struct image_segment *s = &img->segments[i];
		void *dst = (void *)(uintptr_t)s->vaddr;

		/*
		 * A write to the memfd makes small pages unless the host makes
		 * huge ones for every write: where only a mapping that asks gets
		 * them, the mapping makes them first (a fault per 2 MiB).
		 */
		if (s->filesz && huge_on_request)
			madvise(dst, s->filesz, MADV_POPULATE_WRITE);
		/* Bytes past filesz are already zero: the memfd is fresh. */
		if (s->filesz &&
		    !write_segment(phys_fd, img->fd, s->offset, s->vaddr - XLIBOS_PHYS_VIRT, s->filesz) &&
		    !physmem_read_file(img->fd, s->offset, dst, s->filesz)) {
			diag_error("image '%s': cannot load segment at 0x%" PRIx64 ": %s",
				   img->path, s->vaddr,
				   errno == ENODATA ? "file changed while loading" : strerror(errno));
			return false;
		}
		if (!s->exec)
			continue;

		uint64_t start = s->vaddr & ~PAGE_MASK_4K;
		uint64_t end = (s->vaddr + s->memsz + PAGE_MASK_4K) & ~PAGE_MASK_4K;

		/* Stay writable: the kernel patches its own text (alternatives, jump labels). */
		if (mprotect((void *)(uintptr_t)start, end - start,
			     PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
			diag_error("cannot make kernel text executable at 0x%" PRIx64 ": %s%s",
				   start, strerror(errno),
				   errno == EACCES || errno == EPERM ?
				   " (memfd exec disallowed? check vm.memfd_noexec)" : "");
			return false;
		}
	}
	return true;
}
