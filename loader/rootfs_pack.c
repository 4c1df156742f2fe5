// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
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
#include "dir_names.h"
#include "fs_creds.h"
#include "guest-init/config_format.h"
#include "rootfs_pack.h"
#include "safe_open.h"

/* Deeper trees are refused: each level holds a directory descriptor. */
#define ROOTFS_MAX_DEPTH 256

/* Past the limit, a directory's entries are counted exactly up to this many archive bytes. */
#define LISTING_COUNT_MAX (UINT64_C(16) << 20)

/* What the walk saw that decides which extra entries are needed. */
struct pack_state {
	struct cpio_writer *w;
	struct abcom_tables *tables;	/* or NULL */
	const char *root;	/* as given, for messages */
	size_t root_len;	/* without trailing slashes */
	uid_t owner;		/* of the root directory */
	struct fs_creds creds;	/* changed: reading with the owner's */
	struct rootfs_mem mem;	/* what the entries so far take in the guest */
	uint64_t stop_at;	/* guest memory past which nothing is stored */
	uint64_t image_end;	/* of its kernel image */
	bool stopped;		/* over the limit: the walk ends early */
	bool have_dev;		/* "dev" exists (any type) */
	bool dev_is_dir;
	bool have_console;	/* "dev/console" exists */
	char rel[PATH_MAX];	/* the entry's name in the archive */
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

/*
 * The host path of the current entry for messages, control characters as
 * \ooo so that every message stays one line.
 */
static const char *shown(const struct pack_state *s)
{
	return dir_names_shown(s->root, s->root_len, s->rel);
}

/* "cannot read" errors say whose credentials were used. */
static void report_unreadable(const struct pack_state *s, const char *what, int err)
{
	if (err == ESTALE) {
		diag_error("rootfs: '%s' changed while it was being packed", shown(s));
	} else if (s->creds.changed) {
		diag_error("rootfs: cannot read %s'%s': %s (read as uid %u, the rootfs's owner)",
			   what, shown(s), strerror(err), (unsigned)s->owner);
	} else {
		diag_error("rootfs: cannot read %s'%s': %s", what, shown(s), strerror(err));
	}
}

static void warn_skipped(const struct pack_state *s, const char *why)
{
	diag_error("warning: rootfs: skipping '%s': %s", shown(s), why);
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

/*
 * A hard link may be one of a host file that whoever planted it could not
 * read.  Trust it only if the file and its directory are the rootfs
 * owner's and nobody else can write in that directory.
 */
static bool hard_link_trusted(const struct pack_state *s, const struct stat *st,
			      const struct stat *dir)
{
	return st->st_uid == s->owner && dir->st_uid == s->owner &&
	       !(dir->st_mode & (S_IWGRP | S_IWOTH));
}

/*
 * Count an entry's cost in the guest.  Once the tree needs more than
 * s->stop_at, nothing more is stored: the writer's limit drops to what it
 * holds, and the rest of the walk only measures, for the "needs at least"
 * message (a lower bound then: the site tables of the files not read are
 * missing from it).
 */
static void tally(struct pack_state *s, mode_t mode, uint64_t size)
{
	struct cpio_writer *w = s->w;

	rootfs_mem_add(&s->mem, mode, size);
	s->mem.archive = w->offset;
	if (w->limit > w->offset && rootfs_mem_needed(&s->mem, s->image_end) > s->stop_at)
		w->limit = w->offset;
}

/* An entry that ends past the limit is only counted: its data is never read. */
static bool count_if_over(struct pack_state *s, const struct cpio_entry *e, bool *counted)
{
	struct cpio_writer *w = s->w;
	uint64_t size = cpio_entry_size(e);

	*counted = size > w->limit || w->offset > w->limit - size;
	if (*counted && !cpio_count_only(w, size)) {
		report_write_error(w);
		return false;
	}
	return true;
}

/*
 * abcom's record of the open file fd.  Its table cache is the loader's:
 * used with the loader's credentials, and only the open file is read.
 */
static bool add_site_table(struct pack_state *s, int fd)
{
	bool ok;

	if (!fs_creds_use(&s->creds, false)) {
		diag_error("rootfs: cannot switch credentials: %s", strerror(errno));
		return false;
	}
	ok = abcom_tables_add_fd(s->tables, fd, shown(s));
	if (!fs_creds_use(&s->creds, true)) {
		diag_error("rootfs: cannot switch back to the rootfs owner's credentials: %s",
			   strerror(errno));
		return false;
	}
	if (!ok)
		diag_error("out of memory for the site tables");
	return ok;
}

/* A regular file: pathfd (O_PATH) is name in dirfd, whose stat is dir. */
static bool add_regular(struct pack_state *s, int dirfd, const struct stat *dir, const char *name,
			int pathfd, const struct stat *st)
{
	struct cpio_entry e = entry_from_stat(s->rel, st);
	bool counted, ok;
	int fd;

	if (st->st_nlink > 1 && !hard_link_trusted(s, st, dir)) {
		warn_skipped(s, "a hard link not owned by the rootfs's owner or in a directory others can write");
		return true;
	}
	e.size = (uint64_t)st->st_size;
	tally(s, S_IFREG, e.size);
	if (!count_if_over(s, &e, &counted))
		return false;
	if (counted)
		return true;
	if (e.size > UINT32_MAX) {
		diag_error("rootfs: '%s' is too large for the archive (4 GiB or more)", shown(s));
		return false;
	}
	fd = reopen_regular(pathfd, st, dirfd, name, true);
	if (fd < 0) {
		report_unreadable(s, "", errno);
		return false;
	}
	ok = cpio_begin_entry(s->w, &e);
	if (!ok)
		report_write_error(s->w);
	else
		ok = copy_contents(s->w, fd, e.size, shown(s));
	if (ok && s->tables)
		ok = add_site_table(s, fd);
	close(fd);
	return ok;
}

/* A symlink is packed as its target text, never followed. */
static bool add_symlink(struct pack_state *s, int pathfd, const struct stat *st)
{
	struct cpio_entry e = entry_from_stat(s->rel, st);
	char target[PATH_MAX];
	ssize_t n = readlinkat(pathfd, "", target, sizeof(target));

	if (n < 0) {
		report_unreadable(s, "symlink ", errno);
		return false;
	}
	if ((size_t)n >= sizeof(target)) {
		diag_error("rootfs: symlink '%s' has a target of %d bytes or more", shown(s), PATH_MAX);
		return false;
	}
	/* The target is the data, without a terminating NUL. */
	e.size = (uint64_t)n;
	tally(s, S_IFLNK, e.size);
	if (!cpio_add(s->w, &e, target)) {
		report_write_error(s->w);
		return false;
	}
	return true;
}

/* Directories: header only. */
static bool add_metadata_only(struct cpio_writer *w, const char *name, const struct stat *st)
{
	struct cpio_entry e = entry_from_stat(name, st);

	if (!cpio_add(w, &e, NULL)) {
		report_write_error(w);
		return false;
	}
	return true;
}

static void note_special_paths(struct pack_state *s, const struct stat *st)
{
	if (strcmp(s->rel, "dev") == 0) {
		s->have_dev = true;
		s->dev_is_dir = S_ISDIR(st->st_mode);
	} else if (strcmp(s->rel, "dev/console") == 0) {
		s->have_console = true;
	}
}

/*
 * The names in the directory dirfd, sorted: the same tree always gives the
 * same archive.  A large listing that alone would overflow the archive is
 * counted and ends the walk (s->stopped) rather than grow without bound;
 * the size reported is then a lower bound.
 */
static bool list_dir(struct pack_state *s, int dirfd, char ***names_out, size_t *n_out)
{
	uint64_t room = s->w->offset < s->w->limit ? s->w->limit - s->w->offset : 0;
	uint64_t cost = 0, seen = 0;
	size_t n = 0, cap = 0;
	char **names = NULL;
	struct dirent *d;
	int fd = dup(dirfd);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);

	if (!dir) {
		if (fd >= 0)
			close(fd);
		report_unreadable(s, "directory ", errno);
		return false;
	}
	for (errno = 0; (d = readdir(dir)); errno = 0) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		cost += CPIO_HEADER_SIZE + strlen(s->rel) + strlen(d->d_name) + 2;
		seen++;
		if (cost > room && cost > LISTING_COUNT_MAX) {
			s->stopped = true;
			break;
		}
		if (n == cap) {
			char **more = realloc(names, sizeof(*names) * (cap = cap ? 2 * cap : 64));

			if (!more)
				goto oom;
			names = more;
		}
		if (!(names[n] = strdup(d->d_name)))
			goto oom;
		n++;
	}
	if (errno) {
		report_unreadable(s, "directory ", errno);
		closedir(dir);
		dir_names_free(names, n);
		return false;
	}
	closedir(dir);
	if (s->stopped) {
		/* At least an inode each in the guest. */
		for (; seen; seen--)
			rootfs_mem_add(&s->mem, S_IFDIR, 0);
		dir_names_free(names, n);
		if (!cpio_count_only(s->w, cost)) {
			report_write_error(s->w);
			return false;
		}
		n = 0;
		names = NULL;
	}
	qsort(names, n, sizeof(*names), dir_names_compare);
	*names_out = names;
	*n_out = n;
	return true;
oom:
	closedir(dir);
	dir_names_free(names, n);
	diag_error("rootfs: '%s': out of memory", shown(s));
	return false;
}

/* The directory pathfd (O_PATH), s->rel, opened to be read; -1 (message printed) if not. */
static int open_dir(struct pack_state *s, int pathfd, const struct stat *st, unsigned int depth)
{
	struct stat now;
	int fd;

	if (depth > ROOTFS_MAX_DEPTH) {
		diag_error("rootfs: '%s' is nested more than %d directories deep", shown(s),
			   ROOTFS_MAX_DEPTH);
		return -1;
	}
	/* "." of the O_PATH descriptor is that same directory. */
	fd = openat(pathfd, ".", O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		report_unreadable(s, "directory ", errno);
		return -1;
	}
	if (fstat(fd, &now) != 0 || now.st_ino != st->st_ino || now.st_dev != st->st_dev) {
		report_unreadable(s, "directory ", ESTALE);
		close(fd);
		return -1;
	}
	return fd;
}

static bool walk_dir(struct pack_state *s, int dirfd, const struct stat *dir, unsigned int depth);

/* The entry name of directory dirfd (whose stat is dir), s->rel naming it. */
static bool add_entry(struct pack_state *s, int dirfd, const struct stat *dir, const char *name,
		      unsigned int depth)
{
	struct stat st;
	bool ok;
	int fd;
	/* O_PATH opens nothing: a FIFO cannot block, a device's driver is not called. */
	int pathfd = open_beneath(dirfd, name, O_PATH);

	if (pathfd < 0 && errno == EXDEV) {
		warn_skipped(s, "another file system is mounted there");
		return true;
	}
	if (pathfd < 0 || fstat(pathfd, &st) != 0) {
		report_unreadable(s, "", errno == ENOENT ? ESTALE : errno);
		if (pathfd >= 0)
			close(pathfd);
		return false;
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		note_special_paths(s, &st);
		fd = open_dir(s, pathfd, &st, depth + 1);
		/* One descriptor per level of the walk, not two. */
		close(pathfd);
		pathfd = -1;
		if (fd >= 0)
			tally(s, S_IFDIR, 0);
		ok = fd >= 0 && add_metadata_only(s->w, s->rel, &st) &&
		     walk_dir(s, fd, &st, depth + 1);
		if (fd >= 0)
			close(fd);
		break;
	case S_IFREG:
		note_special_paths(s, &st);
		ok = add_regular(s, dirfd, dir, name, pathfd, &st);
		break;
	case S_IFLNK:
		note_special_paths(s, &st);
		ok = add_symlink(s, pathfd, &st);
		break;
	default:
		/* The guest mounts its own devtmpfs at /dev. */
		warn_skipped(s, S_ISFIFO(st.st_mode) ? "a FIFO is not packed" :
				S_ISSOCK(st.st_mode) ? "a socket is not packed" :
				"a device node is not packed (the guest has its own /dev)");
		ok = true;
		break;
	}
	if (pathfd >= 0)
		close(pathfd);
	return ok;
}

/* Everything in the directory dirfd (stat dir), which s->rel names. */
static bool walk_dir(struct pack_state *s, int dirfd, const struct stat *dir, unsigned int depth)
{
	size_t rel_len = strlen(s->rel), n, i;
	char **names;
	bool ok = true;

	if (!list_dir(s, dirfd, &names, &n))
		return false;
	for (i = 0; ok && !s->stopped && i < n; i++) {
		size_t len = strlen(names[i]);

		/* Ours: replaced by the loader's copy, never merged. */
		if (depth == 0 && strcmp(names[i], XLIBOS_GUEST_DIR) == 0)
			continue;
		if (rel_len + !!rel_len + len >= sizeof(s->rel)) {
			diag_error("rootfs: a path in '%s' is longer than %d bytes", s->root,
				   PATH_MAX - 1);
			ok = false;
			break;
		}
		if (rel_len)
			s->rel[rel_len] = '/';
		memcpy(s->rel + rel_len + !!rel_len, names[i], len + 1);
		ok = add_entry(s, dirfd, dir, names[i], depth);
		s->rel[rel_len] = '\0';
	}
	dir_names_free(names, n);
	return ok;
}

/*
 * The root as ".": the kernel's unpacker applies its mode and mtime to the
 * guest's "/", which stays root-owned.  Then the tree, read as the root
 * directory's owner if that is not root.
 */
static bool walk_tree(struct pack_state *s)
{
	struct stat st, root;
	bool ok;
	int fd = open(s->root, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0) {
		diag_error("rootfs '%s': %s", s->root, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	root = st;
	root.st_uid = 0;
	root.st_gid = 0;
	if (!add_metadata_only(s->w, ".", &root)) {
		close(fd);
		return false;
	}
	s->owner = st.st_uid;
	if (!fs_creds_become(st.st_uid, st.st_gid, &s->creds)) {
		diag_error("rootfs '%s': cannot read it as its owner (uid %u): %s", s->root,
			   (unsigned)st.st_uid, strerror(errno));
		close(fd);
		return false;
	}
	s->rel[0] = '\0';
	ok = walk_dir(s, fd, &st, 0);
	fs_creds_restore(&s->creds);
	close(fd);
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

/* The guest init, and its site table after those of the tree. */
static bool add_init(struct pack_state *s, const char *init_path)
{
	struct cpio_writer *w = s->w;
	struct stat st;
	struct cpio_entry e;
	int fd = open_regular_file(init_path, &st);
	bool ok;

	if (fd < 0) {
		report_bad_init(init_path, st.st_mode ? 0 : errno);
		return false;
	}
	e = (struct cpio_entry){
		.name = XLIBOS_GUEST_INIT,
		.mode = S_IFREG | 0755,
		.mtime = clamp_mtime(st.st_mtime),
		.size = (uint64_t)st.st_size,
	};
	tally(s, S_IFREG, e.size);
	ok = cpio_begin_entry(w, &e);
	if (!ok)
		report_write_error(w);
	else
		ok = copy_contents(w, fd, e.size, init_path);
	/* Past the limit the archive is refused anyway: no decoding. */
	if (ok && s->tables && !cpio_over_limit(w) && !abcom_tables_add_fd(s->tables, fd, init_path)) {
		diag_error("out of memory for the site tables");
		ok = false;
	}
	close(fd);
	return ok;
}

/* The tables of the tree's programs and of the init, if any have sites. */
static bool add_tables(struct pack_state *s, uint32_t now)
{
	struct cpio_entry e = {
		.name = XLIBOS_GUEST_ABCOM_TABLES, .mode = S_IFREG | 0600, .mtime = now,
	};

	if (!s->tables->len)
		return true;
	e.size = s->tables->len;
	tally(s, S_IFREG, e.size);
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

	bool add_dev = !s->have_dev;
	bool add_console = (!s->have_dev || s->dev_is_dir) && !s->have_console;

	tally(s, S_IFDIR, 0);
	if (!cpio_add(s->w, &dir, NULL))
		goto write_error;
	if (!add_init(s, in->init_path))
		return false;
	tally(s, S_IFREG, config.size);
	if (!cpio_add(s->w, &config, in->config))
		goto write_error;
	if (s->tables && !add_tables(s, now))
		return false;
	if (add_dev)
		tally(s, S_IFDIR, 0);
	if (add_dev && !cpio_add(s->w, &dev, NULL))
		goto write_error;
	if (add_console)
		tally(s, S_IFCHR, 0);
	if (add_console && !cpio_add(s->w, &console, NULL))
		goto write_error;
	return true;
write_error:
	report_write_error(s->w);
	return false;
}

bool rootfs_pack(const struct rootfs_pack_input *in, struct rootfs_archive *out)
{
	struct cpio_writer *w = malloc(sizeof(*w));
	struct pack_state s = { .w = w, .tables = in->tables, .root = in->dir,
				.root_len = strlen(in->dir),
				.image_end = in->image_end };
	int fd = memfd_create("xlibos-rootfs", MFD_CLOEXEC);
	bool ok = false;

	if (!w || fd < 0) {
		diag_error("cannot create the rootfs archive: %s", strerror(errno));
		goto out;
	}
	/* Messages name "dir/x", not "dir//x". */
	while (s.root_len > 1 && in->dir[s.root_len - 1] == '/')
		s.root_len--;

	/*
	 * Everything is stored up to twice the guest's memory, so that a tree
	 * that needs up to that much is measured exactly, site tables
	 * included: the "needs at least" of the refusal is then the minimum.
	 * Beyond, the tree is refused anyway and costs no more host memory.
	 * The archive is never larger than what the tree needs.
	 */
	s.stop_at = in->mem_size > UINT64_MAX / 2 ? UINT64_MAX : 2 * in->mem_size;
	cpio_writer_init(w, fd, s.stop_at);
	if (!walk_tree(&s) || !add_guest_files(&s, in))
		goto out;
	if (!cpio_finish(w)) {
		report_write_error(w);
		goto out;
	}
	s.mem.archive = w->offset;
	out->fd = fd;
	out->mem = s.mem;
	fd = -1;
	ok = true;
out:
	if (fd >= 0)
		close(fd);
	free(w);
	return ok;
}
