// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "abcom_tables.h"
#include "cpio.h"
#include "diag.h"
#include "guest-init/config_format.h"
#include "rootfs_pack.h"

/* What the walk saw that decides which extra entries are needed. */
struct pack_state {
	struct cpio_writer *w;
	struct abcom_tables *tables;	/* or NULL */
	const char *root;	/* as given, for messages */
	size_t root_len;	/* prefix of fts_path to strip */
	bool have_dev;		/* "dev" exists (any type) */
	bool dev_is_dir;
	bool have_console;	/* "dev/console" exists */
};

bool rootfs_check_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			diag_error("rootfs '%s' not found", dir);
		else
			diag_error("rootfs '%s': %s", dir, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		diag_error("rootfs '%s' is not a directory", dir);
		return false;
	}
	return true;
}

/* newc stores 32-bit seconds; clamp what does not fit rather than fail. */
static uint32_t clamp_mtime(time_t t)
{
	if (t < 0)
		return 0;
	if ((uint64_t)t > UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)t;
}

static struct cpio_entry entry_from_stat(const char *name, const struct stat *st)
{
	return (struct cpio_entry){
		.name = name,
		.mode = st->st_mode,
		.uid = st->st_uid,
		.gid = st->st_gid,
		.mtime = clamp_mtime(st->st_mtime),
		.rdev_major = major(st->st_rdev),
		.rdev_minor = minor(st->st_rdev),
	};
}

static void report_write_error(const struct cpio_writer *w)
{
	diag_error("cannot build the rootfs archive: %s", strerror(w->error ? w->error : errno));
}

/* Copy exactly e->size bytes of the open file fd into the archive. */
static bool copy_contents(struct cpio_writer *w, int fd, uint64_t size, const char *path)
{
	static char buf[64 * 1024];

	while (size) {
		ssize_t n = read(fd, buf, size < sizeof(buf) ? (size_t)size : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_error("rootfs: cannot read '%s': %s", path, strerror(errno));
			return false;
		}
		if (n == 0) {
			diag_error("rootfs: '%s' shrank while it was being packed", path);
			return false;
		}
		if (!cpio_write_data(w, buf, (size_t)n)) {
			report_write_error(w);
			return false;
		}
		size -= (uint64_t)n;
	}
	return true;
}

static bool add_regular(struct cpio_writer *w, const char *name, const char *path,
			const struct stat *st)
{
	struct cpio_entry e = entry_from_stat(name, st);
	/* NOFOLLOW: the walk saw a regular file; never pack a swapped-in link. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	bool ok;

	if (fd < 0) {
		diag_error("rootfs: cannot read '%s': %s", path, strerror(errno));
		return false;
	}
	if ((uint64_t)st->st_size > UINT32_MAX) {
		diag_error("rootfs: '%s' is too large for the archive (4 GiB or more)", path);
		close(fd);
		return false;
	}
	e.size = (uint64_t)st->st_size;
	ok = cpio_begin_entry(w, &e);
	if (!ok)
		report_write_error(w);
	else
		ok = copy_contents(w, fd, e.size, path);
	close(fd);
	return ok;
}

static bool add_symlink(struct cpio_writer *w, const char *name, const char *path,
			const struct stat *st)
{
	struct cpio_entry e = entry_from_stat(name, st);
	/* st_size is the target's length; one more byte detects a change. */
	size_t cap = (size_t)st->st_size + 1;
	char *target = malloc(cap);
	ssize_t n;
	bool ok;

	if (!target) {
		diag_error("rootfs: '%s': out of memory", path);
		return false;
	}
	n = readlink(path, target, cap);
	if (n < 0 || (size_t)n >= cap) {
		diag_error("rootfs: cannot read symlink '%s': %s", path,
			   n < 0 ? strerror(errno) : "changed while it was being packed");
		free(target);
		return false;
	}
	/* The target is the data, without a terminating NUL. */
	e.size = (uint64_t)n;
	ok = cpio_add(w, &e, target);
	if (!ok)
		report_write_error(w);
	free(target);
	return ok;
}

/* Directories, fifos, sockets and devices: header only. */
static bool add_metadata_only(struct cpio_writer *w, const char *name, const struct stat *st)
{
	struct cpio_entry e = entry_from_stat(name, st);

	if (!cpio_add(w, &e, NULL)) {
		report_write_error(w);
		return false;
	}
	return true;
}

static void note_special_paths(struct pack_state *s, const char *name, const struct stat *st)
{
	if (strcmp(name, "dev") == 0) {
		s->have_dev = true;
		s->dev_is_dir = S_ISDIR(st->st_mode);
	} else if (strcmp(name, "dev/console") == 0) {
		s->have_console = true;
	}
}

static bool add_walked(struct pack_state *s, FTS *fts, FTSENT *ent)
{
	const char *name = ent->fts_path + s->root_len;

	while (*name == '/')
		name++;

	switch (ent->fts_info) {
	case FTS_DP:
		return true;	/* post-order visit of a directory */
	case FTS_DNR:
		diag_error("rootfs: cannot read directory '%s': %s", ent->fts_path,
			   strerror(ent->fts_errno));
		return false;
	case FTS_NS:
	case FTS_ERR:
		diag_error("rootfs: cannot read '%s': %s", ent->fts_path, strerror(ent->fts_errno));
		return false;
	default:
		break;
	}

	if (ent->fts_level == 0) {
		/*
		 * The root itself, as ".": the kernel's unpacker applies its mode
		 * and mtime to the guest's "/", which stays root-owned.
		 */
		struct stat root = *ent->fts_statp;

		root.st_uid = 0;
		root.st_gid = 0;
		return add_metadata_only(s->w, ".", &root);
	}
	if (ent->fts_level == 1 && strcmp(ent->fts_name, XLIBOS_GUEST_DIR) == 0) {
		/* Ours: replaced by the loader's copy, never merged. */
		fts_set(fts, ent, FTS_SKIP);
		return true;
	}
	note_special_paths(s, name, ent->fts_statp);

	switch (ent->fts_info) {
	case FTS_F:
		if (!add_regular(s->w, name, ent->fts_accpath, ent->fts_statp))
			return false;
		if (s->tables && !abcom_tables_add(s->tables, ent->fts_accpath, ent->fts_statp)) {
			diag_error("out of memory for the site tables");
			return false;
		}
		return true;
	case FTS_SL:
	case FTS_SLNONE:
		return add_symlink(s->w, name, ent->fts_accpath, ent->fts_statp);
	default:	/* FTS_D, FTS_DEFAULT (fifo, socket, device) */
		return add_metadata_only(s->w, name, ent->fts_statp);
	}
}

/* Sorted walk: the same tree always gives the same archive. */
static int compare_names(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

static bool walk_tree(struct pack_state *s)
{
	char *paths[] = { (char *)s->root, NULL };
	/* PHYSICAL: symlinks are packed as links, never followed (COMFOLLOW: but the root is). */
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_COMFOLLOW | FTS_NOCHDIR, compare_names);
	FTSENT *ent;
	bool ok = true;

	if (!fts) {
		diag_error("rootfs '%s': %s", s->root, strerror(errno));
		return false;
	}
	while (ok) {
		errno = 0;
		ent = fts_read(fts);
		if (!ent) {
			/* NULL and errno 0: the end of the walk. */
			if (errno) {
				diag_error("rootfs '%s': %s", s->root, strerror(errno));
				ok = false;
			}
			break;
		}
		ok = add_walked(s, fts, ent);
	}
	fts_close(fts);
	return ok;
}

static void report_bad_init(const char *init_path, int err)
{
	if (err == ENOENT || err == ENOTDIR)
		diag_error("guest init '%s' not found (build it with 'make -C loader', or set XLIBOS_INIT)",
			   init_path);
	else if (err == 0)
		diag_error("guest init '%s' is not a regular file", init_path);
	else
		diag_error("guest init '%s': %s", init_path, strerror(err));
}

bool rootfs_check_init(const char *init_path)
{
	struct stat st;

	if (stat(init_path, &st) != 0) {
		report_bad_init(init_path, errno);
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		report_bad_init(init_path, 0);
		return false;
	}
	return true;
}

static bool add_init(struct cpio_writer *w, const char *init_path)
{
	struct stat st;
	struct cpio_entry e;
	int fd = open(init_path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		report_bad_init(init_path, fd < 0 ? errno : 0);
		if (fd >= 0)
			close(fd);
		return false;
	}
	e = (struct cpio_entry){
		.name = XLIBOS_GUEST_INIT,
		.mode = S_IFREG | 0755,
		.mtime = clamp_mtime(st.st_mtime),
		.size = (uint64_t)st.st_size,
	};
	ok = cpio_begin_entry(w, &e);
	if (!ok)
		report_write_error(w);
	else
		ok = copy_contents(w, fd, e.size, init_path);
	close(fd);
	return ok;
}

/* The tables of the tree's programs and of the init, if any have sites. */
static bool add_tables(struct pack_state *s, const char *init_path, uint32_t now)
{
	struct cpio_entry e = {
		.name = XLIBOS_GUEST_ABCOM_TABLES, .mode = S_IFREG | 0600, .mtime = now,
	};
	struct stat st;

	if (stat(init_path, &st) == 0 && !abcom_tables_add(s->tables, init_path, &st)) {
		diag_error("out of memory for the site tables");
		return false;
	}
	if (!s->tables->len)
		return true;
	e.size = s->tables->len;
	if (!cpio_add(s->w, &e, s->tables->buf)) {
		report_write_error(s->w);
		return false;
	}
	return true;
}

/* /.xlibos and what goes in it, plus /dev/console if the tree lacks it. */
static bool add_guest_files(struct pack_state *s, const struct rootfs_pack_input *in)
{
	uint32_t now = clamp_mtime(time(NULL));
	const struct cpio_entry dir = { .name = XLIBOS_GUEST_DIR, .mode = S_IFDIR | 0755, .mtime = now };
	const struct cpio_entry config = {
		.name = XLIBOS_GUEST_CONFIG, .mode = S_IFREG | 0644, .mtime = now,
		.size = in->config_size,
	};
	/* The kernel opens it for init's first stdio, before /dev is mounted. */
	const struct cpio_entry dev = { .name = "dev", .mode = S_IFDIR | 0755, .mtime = now };
	const struct cpio_entry console = {
		.name = "dev/console", .mode = S_IFCHR | 0600, .mtime = now,
		.rdev_major = 5, .rdev_minor = 1,
	};

	if (!cpio_add(s->w, &dir, NULL))
		goto write_error;
	if (!add_init(s->w, in->init_path))
		return false;
	if (!cpio_add(s->w, &config, in->config))
		goto write_error;
	if (s->tables && !add_tables(s, in->init_path, now))
		return false;
	if (!s->have_dev && !cpio_add(s->w, &dev, NULL))
		goto write_error;
	if ((!s->have_dev || s->dev_is_dir) && !s->have_console && !cpio_add(s->w, &console, NULL))
		goto write_error;
	return true;
write_error:
	report_write_error(s->w);
	return false;
}

bool rootfs_pack(const struct rootfs_pack_input *in, int *fd_out, uint64_t *size)
{
	struct cpio_writer *w = malloc(sizeof(*w));
	struct pack_state s = { .w = w, .tables = in->tables, .root = in->dir,
				.root_len = strlen(in->dir) };
	int fd = memfd_create("xlibos-rootfs", MFD_CLOEXEC);
	bool ok = false;

	if (!w || fd < 0) {
		diag_error("cannot create the rootfs archive: %s", strerror(errno));
		goto out;
	}
	/* fts drops trailing slashes from the root's children ("dir/" + "x" = "dir/x"). */
	while (s.root_len > 1 && in->dir[s.root_len - 1] == '/')
		s.root_len--;

	cpio_writer_init(w, fd, in->limit);
	if (!walk_tree(&s) || !add_guest_files(&s, in))
		goto out;
	if (!cpio_finish(w)) {
		report_write_error(w);
		goto out;
	}
	*fd_out = fd;
	*size = w->offset;
	fd = -1;
	ok = true;
out:
	if (fd >= 0)
		close(fd);
	free(w);
	return ok;
}
