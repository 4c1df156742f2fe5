// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abcom_tables.h"
#include "cpio.h"
#include "diag.h"
#include "guest-init/config_format.h"
#include "initrd.h"
#include "physmem.h"
#include "run_initramfs.h"
#include "size.h"

/* The guest init is a small static program: read it whole. */
#define INIT_MAX_SIZE	(64U << 20)

static void *read_init(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	char *buf = NULL;

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size <= 0 || st.st_size > INIT_MAX_SIZE) {
		diag_error("guest init '%s': not a readable program", path);
		goto out;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf || !physmem_read_file(fd, 0, buf, (uint64_t)st.st_size)) {
		diag_error("guest init '%s': cannot read it", path);
		free(buf);
		buf = NULL;
		goto out;
	}
	*len = (size_t)st.st_size;
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

static bool write_archive(int fd, const void *init, size_t init_len, const void *config,
			  size_t config_size, const void *tables, size_t tables_len)
{
	static struct cpio_writer w;	/* 64 KiB buffer: not on the stack */
	const struct cpio_entry entries[] = {
		{ .name = XLIBOS_GUEST_DIR, .mode = S_IFDIR | 0700 },
		{ .name = XLIBOS_GUEST_INIT, .mode = S_IFREG | 0755, .size = init_len },
		{ .name = XLIBOS_GUEST_CONFIG, .mode = S_IFREG | 0600, .size = config_size },
		{ .name = XLIBOS_GUEST_ABCOM_TABLES, .mode = S_IFREG | 0600, .size = tables_len },
	};
	const void *data[] = { NULL, init, config, tables };
	size_t n = tables_len ? 4 : 3;

	cpio_writer_init(&w, fd, UINT64_MAX);
	for (size_t i = 0; i < n; i++)
		if (!cpio_add(&w, &entries[i], data[i]))
			return false;
	return cpio_finish(&w);
}

/*
 * The tree's site tables (if abcom is on: there are some) followed by the
 * guest init's own record, which --pack's archive has too: without it the
 * LibOS decodes the init itself at every start (7 ms of a 50 ms `true`).
 * The record comes from abcom's cache (decoded once per build of the
 * init); the LibOS checks it against the file's bytes as any other.
 * *all is malloc'd, or NULL with the tree's tables used as they are.
 */
static bool with_init_record(const char *init_path, const void *tables, size_t tables_len,
			     void **all, size_t *all_len)
{
	struct abcom_tables t;
	int fd;
	bool ok;

	*all = NULL;
	if (!tables_len)
		return true;
	fd = open(init_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return true;	/* read_init() said why */
	abcom_tables_init(&t);
	ok = abcom_tables_add_fd(&t, fd, init_path);
	close(fd);
	if (ok && t.len) {
		*all = malloc(tables_len + t.len);
		ok = *all != NULL;
		if (ok) {
			memcpy(*all, tables, tables_len);
			memcpy((char *)*all + tables_len, t.buf, t.len);
			*all_len = tables_len + t.len;
		}
	}
	abcom_tables_free(&t);
	if (!ok)
		diag_error("out of memory for the site tables");
	return ok;
}

bool run_initramfs_make(const char *init_path, const void *config, size_t config_size,
			const void *tables, size_t tables_len, uint64_t mem_size,
			const char *mem_arg, uint64_t image_end, struct initrd *rd)
{
	char need[SIZE_FORMAT_MAX];
	size_t init_len = 0, all_len = 0;
	void *init = read_init(init_path, &init_len), *all = NULL;
	int fd;
	struct stat st;

	if (!init || !with_init_record(init_path, tables, tables_len, &all, &all_len)) {
		free(init);
		return false;
	}
	if (all) {
		tables = all;
		tables_len = all_len;
	}
	fd = memfd_create("xlibos-initramfs", MFD_CLOEXEC);
	if (fd < 0 || !write_archive(fd, init, init_len, config, config_size, tables, tables_len) ||
	    fstat(fd, &st) != 0) {
		diag_error("cannot build the initramfs: %s", strerror(errno));
		free(init);
		free(all);
		if (fd >= 0)
			close(fd);
		return false;
	}
	free(init);
	free(all);
	*rd = (struct initrd){ .path = "initramfs", .fd = fd, .size = (uint64_t)st.st_size };
	if (!initrd_place(mem_size, image_end, rd->size, &rd->phys)) {
		diag_error("--mem %s is too small (needs at least %s)", mem_arg,
			   size_format(initrd_min_mem(image_end, rd->size), need, sizeof(need)));
		close(fd);
		return false;
	}
	return true;
}
