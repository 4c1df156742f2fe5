/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writer for the "newc" cpio format (070701), the one the Linux initramfs
 * unpacker reads.  Knows nothing about file systems: callers describe each
 * entry and supply its data.
 */
#ifndef XLIBOS_LOADER_CPIO_H
#define XLIBOS_LOADER_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPIO_HEADER_SIZE 110
#define CPIO_TRAILER "TRAILER!!!"

struct cpio_entry {
	const char *name;	/* relative path, no leading "/" or "./" */
	uint32_t mode;		/* file type and permission bits (st_mode) */
	uint32_t uid, gid;
	uint32_t mtime;
	uint64_t size;		/* bytes of data that follow (must fit 32 bits) */
	uint32_t rdev_major, rdev_minor;	/* devices only */
};

struct cpio_writer {
	int fd;			/* output, written sequentially */
	uint64_t offset;	/* bytes of archive so far, written or not */
	uint64_t limit;		/* past this, stop storing and only count */
	uint32_t next_ino;
	uint64_t data_left;	/* of the current entry */
	int error;		/* first errno, 0 if none */
	size_t buffered;
	unsigned char buf[64 * 1024];
};

/*
 * Start an archive on fd.  Once it grows past limit bytes the writer
 * stops storing data but keeps counting, so the caller can report the
 * full size of an archive that is too big (UINT64_MAX: no limit).
 */
void cpio_writer_init(struct cpio_writer *w, int fd, uint64_t limit);

/* The 110-byte header of e as inode ino, plus name length; for tests. */
bool cpio_format_header(char out[CPIO_HEADER_SIZE + 1], const struct cpio_entry *e,
			uint32_t ino);

/*
 * Header and name of one entry; exactly e->size bytes of data must
 * follow through cpio_write_data() before the next entry.  False (with
 * errno, or EFBIG for a size over 4 GiB - 1) on failure.
 */
bool cpio_begin_entry(struct cpio_writer *w, const struct cpio_entry *e);
bool cpio_write_data(struct cpio_writer *w, const void *data, size_t len);

/* An entry whose data is all in memory (may be NULL when e->size is 0). */
bool cpio_add(struct cpio_writer *w, const struct cpio_entry *e, const void *data);

/* Bytes that e and its data add to the archive, padding included. */
uint64_t cpio_entry_size(const struct cpio_entry *e);

/*
 * Count bytes the archive would hold without storing them, when they end
 * past the limit anyway: data that cannot fit is never even read.  False
 * (EINVAL) if they would end within the limit, or between an entry's
 * header and its data.
 */
bool cpio_count_only(struct cpio_writer *w, uint64_t bytes);

/* Trailer, padding, flush.  True if everything was written. */
bool cpio_finish(struct cpio_writer *w);

/* True once the archive has grown past the limit. */
static inline bool cpio_over_limit(const struct cpio_writer *w)
{
	return w->offset > w->limit;
}

#endif
