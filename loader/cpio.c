// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpio.h"

#define CPIO_ALIGN 4

void cpio_writer_init(struct cpio_writer *w, int fd, uint64_t limit)
{
	w->fd = fd;
	w->offset = 0;
	w->limit = limit;
	w->next_ino = 1;	/* 0 confuses some readers; the kernel ignores it */
	w->data_left = 0;
	w->error = 0;
	w->buffered = 0;
}

static bool fail(struct cpio_writer *w, int err)
{
	if (!w->error)
		w->error = err;
	errno = w->error;
	return false;
}

static bool flush(struct cpio_writer *w)
{
	size_t done = 0;

	while (done < w->buffered) {
		ssize_t n = write(w->fd, w->buf + done, w->buffered - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail(w, n < 0 ? errno : EIO);
		done += (size_t)n;
	}
	w->buffered = 0;
	return true;
}

/* Append raw bytes; past the limit they are only counted. */
static bool emit(struct cpio_writer *w, const void *data, size_t len)
{
	const unsigned char *p = data;

	if (w->error)
		return fail(w, w->error);
	w->offset += len;
	if (cpio_over_limit(w))
		return true;
	while (len) {
		size_t room = sizeof(w->buf) - w->buffered;
		size_t n = len < room ? len : room;

		memcpy(w->buf + w->buffered, p, n);
		w->buffered += n;
		p += n;
		len -= n;
		if (w->buffered == sizeof(w->buf) && !flush(w))
			return false;
	}
	return true;
}

static bool pad(struct cpio_writer *w)
{
	static const char zeros[CPIO_ALIGN];
	size_t n = (CPIO_ALIGN - w->offset % CPIO_ALIGN) % CPIO_ALIGN;

	return emit(w, zeros, n);
}

bool cpio_format_header(char out[CPIO_HEADER_SIZE + 1], const struct cpio_entry *e,
			uint32_t ino)
{
	size_t namesize = strlen(e->name) + 1;
	bool is_dir = (e->mode & 0170000) == 0040000;

	/* newc fields are 8 hex digits: 32 bits each. */
	if (e->size > UINT32_MAX || namesize > UINT32_MAX)
		return false;
	/*
	 * Every entry has its own inode and nlink 1 (2 for directories), so
	 * no reader treats two entries as hard links of each other.
	 */
	snprintf(out, CPIO_HEADER_SIZE + 1,
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, e->mode, e->uid, e->gid, is_dir ? 2U : 1U, e->mtime,
		 (uint32_t)e->size, 0U, 0U, e->rdev_major, e->rdev_minor,
		 (uint32_t)namesize, 0U);
	return true;
}

bool cpio_begin_entry(struct cpio_writer *w, const struct cpio_entry *e)
{
	char header[CPIO_HEADER_SIZE + 1];

	if (w->data_left)
		return fail(w, EINVAL);	/* previous entry is short: a caller bug */
	if (!cpio_format_header(header, e, w->next_ino))
		return fail(w, EFBIG);
	w->next_ino++;
	if (!emit(w, header, CPIO_HEADER_SIZE) || !emit(w, e->name, strlen(e->name) + 1) ||
	    !pad(w))
		return false;
	w->data_left = e->size;
	return true;
}

bool cpio_write_data(struct cpio_writer *w, const void *data, size_t len)
{
	if (len > w->data_left)
		return fail(w, EINVAL);
	if (!emit(w, data, len))
		return false;
	w->data_left -= len;
	return w->data_left ? true : pad(w);
}

bool cpio_add(struct cpio_writer *w, const struct cpio_entry *e, const void *data)
{
	return cpio_begin_entry(w, e) && (e->size == 0 || cpio_write_data(w, data, e->size));
}

static uint64_t align_up(uint64_t n)
{
	if (n > UINT64_MAX - (CPIO_ALIGN - 1))
		return UINT64_MAX;
	return (n + CPIO_ALIGN - 1) / CPIO_ALIGN * CPIO_ALIGN;
}

uint64_t cpio_entry_size(const struct cpio_entry *e)
{
	uint64_t head = align_up(CPIO_HEADER_SIZE + (uint64_t)strlen(e->name) + 1);
	uint64_t data = align_up(e->size);

	return data > UINT64_MAX - head ? UINT64_MAX : head + data;
}

bool cpio_count_only(struct cpio_writer *w, uint64_t bytes)
{
	if (w->error)
		return fail(w, w->error);
	if (w->data_left || bytes > UINT64_MAX - w->offset || w->offset + bytes <= w->limit)
		return fail(w, EINVAL);
	w->offset += bytes;
	return true;
}

bool cpio_finish(struct cpio_writer *w)
{
	const struct cpio_entry trailer = { .name = CPIO_TRAILER };

	if (!cpio_add(w, &trailer, NULL))
		return false;
	if (cpio_over_limit(w))
		return true;	/* nothing more is stored; the caller checks the size */
	return flush(w);
}
