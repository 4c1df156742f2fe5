// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <stdatomic.h>

#include <nettle/sha2.h>

#include "abcom_tables.h"
#include "diag.h"
#include "dir_names.h"
#include "fs_creds.h"
#include "rootfs_image_layers.h"
#include "rootfs_image_walk.h"
#include "safe_open.h"
#include "task_pool.h"

/* As rootfs_pack.c: each level holds a directory descriptor. */
#define MAX_DEPTH 256
#define BLOCK 4096ULL
/* 256-byte inodes; a symlink target this long or longer needs a block. */
#define INODE_BYTES 256ULL
#define FAST_SYMLINK_MAX 59
#define DIGEST_LEN 32
#define WALK_MAX_THREADS 4

/*
 * A directory of the tree: its own digest covers its extended attributes
 * and its entries (a subdirectory's name and metadata, not what it holds).
 * The key hashes every directory's digest in the tree's order (a parent,
 * then each subdirectory's, by name), so it does not depend on which
 * thread walked what.
 */
struct dir_node {
	char *rel;			/* the path from the walk's top ("" for it); freed once walked */
	const char *name;		/* its last component, in rel */
	dev_t dev;			/* as stat'ed in its parent, then as opened */
	ino_t ino;
	uid_t uid;
	mode_t mode;
	uint64_t mnt;			/* its mount id (0: unknown) */
	unsigned int depth;
	int fd;				/* open while it is walked (the top's is the caller's) */
	uint8_t digest[DIGEST_LEN];
	struct dir_node **kids;		/* its subdirectories, by name */
	size_t nkids, cap;
};

/* What every thread of one walk shares. */
struct walk_shared {
	const char *root;
	size_t root_len;
	uid_t owner;
	struct fs_creds creds;
	struct abcom_tables *tables;	/* or NULL; if set, one thread */
	bool by_content;		/* the content key (rootfs_image_content_walk) */
	bool in_layer;			/* walking an overlay's layer */
	int top_fd;			/* the directory being walked from */
	atomic_int first_failed;	/* the thread whose error ends the walk, or -1 */
	struct task_pool pool;
};

/* What the image's size is made from. */
struct walk_counts {
	uint64_t entries, data_blocks, dir_bytes, link_blocks;
};

/* A regular file with other links, for the content key: where they are. */
struct link_seen {
	dev_t dev;
	ino_t ino;
	char *rel;
	const char *group;		/* the first path of its inode (links_hash()) */
};

/* One thread's walk. */
struct walk {
	struct walk_shared *sh;
	int id;
	struct sha256_ctx sha;		/* the directory being walked */
	struct walk_counts n;
	bool has_lost_found;
	FILE *msgs;			/* its messages, printed in its turn */
	char *msgs_text;
	size_t msgs_len;
	char rel[PATH_MAX];
	/* hash_dir_xattrs()'s buffers */
	char xattr_names[XATTR_LIST_MAX], xattr_value[XATTR_SIZE_MAX];
	char *xattr_sorted[XATTR_LIST_MAX / 2];
	/* list_dir()'s buffer */
	char dents[32768] __attribute__((aligned(8)));
	/* hash_file()'s buffer, and the hard links it saw */
	uint8_t data[65536];
	struct link_seen *links;
	size_t nlinks, links_cap;
};

/* The entry's host path for messages, control characters as \ooo (one line). */
static const char *shown(const struct walk *w)
{
	return dir_names_shown(w->sh->root, w->sh->root_len, w->rel);
}

static void report_unreadable(const struct walk *w, const char *what, int err)
{
	if (err == ESTALE)
		diag_error("rootfs: '%s' changed while its image was being made", shown(w));
	else if (w->sh->creds.changed)
		diag_error("rootfs: cannot read %s'%s': %s (read as uid %u, the rootfs's owner)",
			   what, shown(w), strerror(err), (unsigned)w->sh->owner);
	else
		diag_error("rootfs: cannot read %s'%s': %s", what, shown(w), strerror(err));
}

/*
 * One entry of the key: its name, then its metadata in a fixed layout.
 * A regular file's data is not read: its inode number, change time, size
 * and modification time stand for it (the change time cannot be set back).
 * Everything else is in the key whole (a symlink's target, a device's
 * number, a directory's entries), so only their mode and ids are added:
 * their inodes and times are often the container's own (an overlay copies
 * a directory up, podman adds /etc/mtab to each container), and would
 * give every container of one image an image of its own.  The image
 * keeps the times of the tree it was first made from.  The content key
 * (@by_content) has a file's data instead of its inode and change time.
 */
static void hash_entry(struct sha256_ctx *sha, const char *rel, const struct stat *st,
		       const char *target, size_t target_len, bool by_content)
{
	bool reg = S_ISREG(st->st_mode), ident = reg && !by_content;
	uint64_t f[] = {
		st->st_mode, st->st_uid, st->st_gid,
		reg ? st->st_nlink : 0, reg ? (uint64_t)st->st_size : 0,
		reg ? (uint64_t)st->st_mtim.tv_sec : 0, reg ? (uint64_t)st->st_mtim.tv_nsec : 0,
		ident ? (uint64_t)st->st_ctim.tv_sec : 0, ident ? (uint64_t)st->st_ctim.tv_nsec : 0,
		ident ? st->st_ino : 0, st->st_rdev, target_len,
	};

	sha256_update(sha, strlen(rel) + 1, (const uint8_t *)rel);
	sha256_update(sha, sizeof(f), (const uint8_t *)f);
	if (target_len)
		sha256_update(sha, target_len, (const uint8_t *)target);
}

static int name_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * An overlay's own records in a layer that do not change what the merged
 * tree shows: the upper layer's mount id (uuid: every container's mount
 * has its own), where a copied-up entry came from (origin, upper, nlink)
 * and that a directory has such entries (impure).  Opaque directories,
 * redirects, metacopy and whiteouts do change it and stay in the key.
 */
static bool overlay_bookkeeping(const char *name)
{
	static const char *const kept_out[] = { "uuid", "origin", "upper", "nlink", "impure" };
	const char *rest;

	if (!strncmp(name, "trusted.overlay.", 16))
		rest = name + 16;
	else if (!strncmp(name, "user.overlay.", 13))
		rest = name + 13;
	else
		return false;
	for (size_t i = 0; i < sizeof(kept_out) / sizeof(kept_out[0]); i++)
		if (!strcmp(rest, kept_out[i]))
			return true;
	return false;
}

/*
 * A directory's extended attributes, which mke2fs copies: with its change
 * time out of the key, they must be in it (and a regular file's in the
 * content key).  Sorted by name (file systems list them in their own
 * order).  The content key ends the list with an empty name, as its file
 * data follows.  False if they cannot be read.
 */
static bool hash_xattrs(struct walk *w, int fd)
{
	char *names = w->xattr_names, *value = w->xattr_value, **sorted = w->xattr_sorted;
	ssize_t len = flistxattr(fd, names, sizeof(w->xattr_names));
	size_t n = 0;

	if (len < 0)
		return errno == ENOTSUP;
	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(names + i) + 1)
		if (!w->sh->in_layer || !overlay_bookkeeping(names + i))
			sorted[n++] = names + i;
	qsort(sorted, n, sizeof(sorted[0]), name_order);
	for (size_t i = 0; i < n; i++) {
		ssize_t vlen = fgetxattr(fd, sorted[i], value, sizeof(w->xattr_value));
		uint64_t vl = vlen < 0 ? UINT64_MAX : (uint64_t)vlen;

		if (vlen < 0 && errno != ENODATA)
			return false;
		sha256_update(&w->sha, strlen(sorted[i]) + 1, (const uint8_t *)sorted[i]);
		sha256_update(&w->sha, sizeof(vl), (const uint8_t *)&vl);
		if (vlen > 0)
			sha256_update(&w->sha, (size_t)vlen, (const uint8_t *)value);
	}
	if (w->sh->by_content)
		sha256_update(&w->sha, 1, (const uint8_t *)"");
	return true;
}

static uint64_t blocks_of(uint64_t bytes)
{
	return (bytes + BLOCK - 1) / BLOCK;
}

/* mke2fs -d keeps holes: a sparse file costs its allocated blocks. */
static uint64_t data_blocks(const struct stat *st)
{
	uint64_t size = blocks_of((uint64_t)st->st_size);
	uint64_t allocated = blocks_of((uint64_t)st->st_blocks * 512);

	return allocated < size ? allocated : size;
}

/* Same condition as rootfs_pack.c: a link whoever planted it could not have read. */
static bool hard_link_trusted(const struct walk *w, const struct stat *st,
			      const struct dir_node *dir)
{
	return st->st_uid == w->sh->owner && dir->uid == w->sh->owner &&
	       !(dir->mode & (S_IWGRP | S_IWOTH));
}

/*
 * The sorted names in dirfd (the same tree gives the same key); dir_bytes
 * grows.  getdents64 on dirfd itself: a DIR stream would cost a dup, an
 * fcntl, an fstat and a close more per directory.
 */
static bool list_dir(struct walk *w, int dirfd, bool rewind, char ***names_out, size_t *n_out)
{
	size_t n = 0, cap = 0;
	char **names = NULL;
	ssize_t got;

	/* the top directory is walked more than once on the same descriptor */
	if (rewind && lseek(dirfd, 0, SEEK_SET) != 0) {
		report_unreadable(w, "directory ", errno);
		return false;
	}
	while ((got = getdents64(dirfd, w->dents, sizeof(w->dents))) > 0) {
		for (ssize_t off = 0; off < got;) {
			const struct dirent64 *d = (const void *)(w->dents + off);
			size_t len = strlen(d->d_name);

			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			if (n == cap) {
				size_t more_cap = cap ? 2 * cap : 64;
				char **more = realloc(names, sizeof(*names) * more_cap);

				if (!more)
					goto oom;
				names = more;
				cap = more_cap;
			}
			if (!(names[n] = strdup(d->d_name)))
				goto oom;
			n++;
			/* an ext4 directory entry: 8 bytes and the name, 4-byte aligned */
			w->n.dir_bytes += 8 + ((len + 3) & ~3UL);
		}
	}
	if (got < 0) {
		report_unreadable(w, "directory ", errno);
		dir_names_free(names, n);
		return false;
	}
	qsort(names, n, sizeof(*names), dir_names_compare);
	*names_out = names;
	*n_out = n;
	return true;
oom:
	dir_names_free(names, n);
	diag_error("rootfs: '%s': out of memory", shown(w));
	return false;
}

/* The regular file @name in @dirfd, read-only, if it is still what @st says. */
static int open_file(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	int pathfd = open_beneath(dirfd, name, O_PATH), fd = -1;

	if (pathfd >= 0) {
		fd = reopen_regular(pathfd, st, dirfd, name, true);
		close(pathfd);
	} else if (errno == ENOENT || errno == ELOOP || errno == EXDEV) {
		errno = ESTALE;
	}
	if (fd < 0)
		report_unreadable(w, "", errno);
	return fd;
}

/* abcom's table of the regular file name in dirfd: read as the owner, decoded as us. */
static bool add_table(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	int fd = open_file(w, dirfd, name, st);
	bool ok;

	if (fd < 0)
		return false;
	if (!fs_creds_use(&w->sh->creds, false)) {
		diag_error("rootfs: cannot switch credentials: %s", strerror(errno));
		close(fd);
		return false;
	}
	ok = abcom_tables_add_fd(w->sh->tables, fd, shown(w));
	close(fd);
	if (!fs_creds_use(&w->sh->creds, true)) {
		diag_error("rootfs: cannot switch back to the rootfs owner's credentials: %s",
			   strerror(errno));
		return false;
	}
	if (!ok)
		diag_error("out of memory for the site tables");
	return ok;
}

/* A file with other links: where, for the content key's groups of links. */
static bool note_link(struct walk *w, const struct stat *st)
{
	if (w->nlinks == w->links_cap) {
		size_t cap = w->links_cap ? 2 * w->links_cap : 16;
		struct link_seen *more = realloc(w->links, sizeof(*more) * cap);

		if (!more)
			goto oom;
		w->links = more;
		w->links_cap = cap;
	}
	w->links[w->nlinks] = (struct link_seen){ .dev = st->st_dev, .ino = st->st_ino };
	if (!(w->links[w->nlinks].rel = strdup(w->rel)))
		goto oom;
	w->nlinks++;
	return true;
oom:
	diag_error("rootfs: '%s': out of memory", shown(w));
	return false;
}

/*
 * @fd's data from @at to @end, in the key (false, errno set, if it could
 * not all be read).
 */
static bool hash_range(struct walk *w, int fd, uint64_t at, uint64_t end)
{
	uint64_t range[2] = { at, end - at };

	sha256_update(&w->sha, sizeof(range), (const uint8_t *)range);
	while (at < end) {
		size_t want = end - at < sizeof(w->data) ? (size_t)(end - at) : sizeof(w->data);
		ssize_t got = pread(fd, w->data, want, (off_t)at);

		if (got <= 0) {
			if (got == 0)
				errno = ESTALE;	/* it shrank */
			return false;
		}
		sha256_update(&w->sha, (size_t)got, w->data);
		at += (uint64_t)got;
	}
	return true;
}

/*
 * The content key's part of a regular file: its extended attributes and
 * its data where it has some (mke2fs keeps holes: a sparse file of a TiB
 * costs what it holds), each range with its place.
 */
static bool hash_file(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	int fd = open_file(w, dirfd, name, st);
	uint64_t size = (uint64_t)st->st_size, at = 0;
	struct stat now;
	bool ok = true;

	if (fd < 0)
		return false;
	if (!hash_xattrs(w, fd)) {
		report_unreadable(w, "extended attributes of ", errno);
		close(fd);
		return false;
	}
	while (ok && at < size) {
		off_t data = lseek(fd, (off_t)at, SEEK_DATA), hole;

		if ((data < 0 && errno == ENXIO) || (data >= 0 && (uint64_t)data >= size))
			break;		/* a hole to the end (or it grew: seen below) */
		if (data < 0 && errno == EINVAL) {
			ok = hash_range(w, fd, at, size);	/* no SEEK_DATA here */
			break;
		}
		hole = data < 0 ? -1 : lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			ok = false;
		else
			ok = hash_range(w, fd, (uint64_t)data, (uint64_t)hole < size ? (uint64_t)hole : size);
		at = (uint64_t)hole;
	}
	/* the end as the walk saw it: a file that grew is a change */
	if (ok && (fstat(fd, &now) != 0 || (uint64_t)now.st_size != size)) {
		errno = ESTALE;
		ok = false;
	}
	if (!ok)
		report_unreadable(w, "", errno);
	close(fd);
	return ok && (st->st_nlink < 2 || note_link(w, st));
}

/* @fd's mount id, or 0 where statx has none (before Linux 5.8) */
static uint64_t mount_id(int fd)
{
	struct statx x;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &x) != 0 || !(x.stx_mask & STATX_MNT_ID))
		return 0;
	return x.stx_mnt_id;
}

static struct timespec stx_time(struct statx_timestamp t)
{
	return (struct timespec){ .tv_sec = t.tv_sec, .tv_nsec = t.tv_nsec };
}

/*
 * fstatat(@flags) and the mount id (0 if unknown) in one statx: an
 * overlay's walk took three calls per entry.
 */
static int stat_at(int dirfd, const char *name, int flags, struct stat *st, uint64_t *mnt)
{
	struct statx x;

	*mnt = 0;
	if (statx(dirfd, name, flags | AT_NO_AUTOMOUNT, STATX_BASIC_STATS | STATX_MNT_ID, &x) != 0)
		return -1;
	if ((x.stx_mask & STATX_BASIC_STATS) != STATX_BASIC_STATS)
		return fstatat(dirfd, name, st, flags);
	memset(st, 0, sizeof(*st));
	st->st_dev = makedev(x.stx_dev_major, x.stx_dev_minor);
	st->st_ino = x.stx_ino;
	st->st_mode = x.stx_mode;
	st->st_nlink = x.stx_nlink;
	st->st_uid = x.stx_uid;
	st->st_gid = x.stx_gid;
	st->st_rdev = makedev(x.stx_rdev_major, x.stx_rdev_minor);
	st->st_size = (off_t)x.stx_size;
	st->st_blksize = x.stx_blksize;
	st->st_blocks = (blkcnt_t)x.stx_blocks;
	st->st_atim = stx_time(x.stx_atime);
	st->st_mtim = stx_time(x.stx_mtime);
	st->st_ctim = stx_time(x.stx_ctime);
	if (x.stx_mask & STATX_MNT_ID)
		*mnt = x.stx_mnt_id;
	return 0;
}

/* Has another thread's error ended the walk? */
static bool walk_stopped(const struct walk *w)
{
	return atomic_load_explicit(&w->sh->first_failed, memory_order_relaxed) >= 0;
}

/* A subdirectory of @dir, as stat'ed there: walked after @dir's own entries. */
static bool add_kid(struct walk *w, struct dir_node *dir, const char *name, const struct stat *st)
{
	struct dir_node *kid = calloc(1, sizeof(*kid));

	if (kid && dir->nkids == dir->cap) {
		size_t cap = dir->cap ? 2 * dir->cap : 8;
		struct dir_node **more = realloc(dir->kids, sizeof(*more) * cap);

		if (more) {
			dir->kids = more;
			dir->cap = cap;
		}
	}
	if (!kid || dir->nkids == dir->cap || !(kid->rel = strdup(w->rel))) {
		free(kid);
		diag_error("rootfs: '%s': out of memory", shown(w));
		return false;
	}
	kid->name = kid->rel + strlen(kid->rel) - strlen(name);
	kid->dev = st->st_dev;
	kid->ino = st->st_ino;
	kid->depth = dir->depth + 1;
	kid->fd = -1;
	dir->kids[dir->nkids++] = kid;
	return true;
}

/*
 * Is an entry the root of another mount?  A device number other than its
 * directory's is not enough: an overlay whose layers are on different file
 * systems shows its files with their layer's device.  The mount id says
 * (@dir->mnt, 0 if unknown); without it, the device decides.
 */
static bool add_entry(struct walk *w, struct dir_node *dir, const char *name)
{
	char target[PATH_MAX];
	ssize_t len = 0;
	struct stat st;
	uint64_t mnt;

	/* One component, no symlink followed: nothing outside dir is looked at. */
	if (stat_at(dir->fd, name, AT_SYMLINK_NOFOLLOW, &st, &mnt) != 0) {
		report_unreadable(w, "", errno == ENOENT ? ESTALE : errno);
		return false;
	}
	w->n.entries++;
	if (st.st_dev != dir->dev && (!mnt || !dir->mnt || mnt != dir->mnt)) {
		/* the content key reads what it covers: not what a mount hides */
		if (w->sh->by_content) {
			diag_error("rootfs: '%s': another file system is mounted there", shown(w));
			return false;
		}
		/* mke2fs sees the directory under the mount, as the overlay shows it */
		diag_error("warning: rootfs: '%s': another file system is mounted there; its files are not in the image",
			   shown(w));
		sha256_update(&w->sha, strlen(w->rel) + 1, (const uint8_t *)w->rel);
		w->n.dir_bytes += BLOCK;
		return true;
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		if (dir->depth == 0 && strcmp(name, "lost+found") == 0)
			w->has_lost_found = true;
		hash_entry(&w->sha, w->rel, &st, NULL, 0, false);
		w->n.dir_bytes += 24;	/* "." and ".." */
		return add_kid(w, dir, name, &st);
	case S_IFREG:
		if (st.st_nlink > 1 && !hard_link_trusted(w, &st, dir)) {
			diag_error("rootfs: '%s' is a hard link not owned by the rootfs's owner or in a directory others can write; remove it (or use --pack, which skips it)",
				   shown(w));
			return false;
		}
		hash_entry(&w->sha, w->rel, &st, NULL, 0, w->sh->by_content);
		w->n.data_blocks += data_blocks(&st);
		if (w->sh->by_content)
			return hash_file(w, dir->fd, name, &st);
		return !w->sh->tables || add_table(w, dir->fd, name, &st);
	case S_IFLNK:
		len = readlinkat(dir->fd, name, target, sizeof(target));
		if (len < 0) {
			report_unreadable(w, "symlink ", errno == EINVAL ? ESTALE : errno);
			return false;
		}
		if ((size_t)len >= sizeof(target)) {
			diag_error("rootfs: symlink '%s' has a target of %d bytes or more", shown(w),
				   PATH_MAX);
			return false;
		}
		hash_entry(&w->sha, w->rel, &st, target, (size_t)len, false);
		if (len > FAST_SYMLINK_MAX)
			w->n.link_blocks++;
		return true;
	default:
		/* FIFOs, sockets, device nodes: made as such in the image, never opened */
		hash_entry(&w->sha, w->rel, &st, NULL, 0, false);
		return true;
	}
}

static bool walk_node(struct walk *w, struct dir_node *dir);

/*
 * @dir, stat'ed in its parent: opened as @path beneath @at, and checked to
 * be what was stat'ed.
 */
static bool open_dir(struct walk *w, int at, const char *path, struct dir_node *dir)
{
	struct stat now;
	uint64_t mnt;
	int fd = open_beneath_path(at, path, O_RDONLY | O_DIRECTORY | O_NONBLOCK);

	snprintf(w->rel, sizeof(w->rel), "%s", dir->rel);
	if (fd < 0) {
		/* fstatat saw a directory of this file system here a moment ago */
		report_unreadable(w, "directory ", errno == ENOENT || errno == ELOOP ||
				  errno == ENOTDIR || errno == EXDEV ? ESTALE : errno);
		return false;
	}
	/* what was opened is what was looked at; and its mount id for its entries */
	if (stat_at(fd, "", AT_EMPTY_PATH, &now, &mnt) != 0 || now.st_ino != dir->ino ||
	    now.st_dev != dir->dev) {
		report_unreadable(w, "directory ", ESTALE);
		close(fd);
		return false;
	}
	dir->uid = now.st_uid;
	dir->mode = now.st_mode;
	dir->mnt = mnt;
	dir->fd = fd;
	return true;
}

/*
 * @kid of @dir: to another thread, which opens it from the top when it
 * takes it (nothing held while it waits); else opened and walked here.
 */
static bool enter_kid(struct walk *w, struct dir_node *dir, struct dir_node *kid)
{
	bool ok;

	if (kid->depth > MAX_DEPTH) {
		snprintf(w->rel, sizeof(w->rel), "%s", kid->rel);
		diag_error("rootfs: '%s' is nested more than %d directories deep", shown(w), MAX_DEPTH);
		return false;
	}
	if (task_pool_offer(&w->sh->pool, kid))
		return true;
	if (!open_dir(w, dir->fd, kid->name, kid))
		return false;
	ok = walk_node(w, kid);
	close(kid->fd);
	kid->fd = -1;
	return ok;
}

/* @dir's own digest (extended attributes, entries by name), then its subdirectories. */
static bool walk_node(struct walk *w, struct dir_node *dir)
{
	size_t rel_len, n, i;
	char **names;
	bool ok = true;

	snprintf(w->rel, sizeof(w->rel), "%s", dir->rel);
	rel_len = strlen(w->rel);
	sha256_init(&w->sha);
	if (!hash_xattrs(w, dir->fd)) {
		report_unreadable(w, "extended attributes of ", errno);
		return false;
	}
	if (!list_dir(w, dir->fd, dir->depth == 0, &names, &n))
		return false;
	for (i = 0; ok && i < n; i++) {
		size_t len = strlen(names[i]);

		if (rel_len + !!rel_len + len >= sizeof(w->rel)) {
			diag_error("rootfs: a path in '%s' is longer than %d bytes", w->sh->root,
				   PATH_MAX - 1);
			ok = false;
			break;
		}
		if (rel_len)
			w->rel[rel_len] = '/';
		memcpy(w->rel + rel_len + !!rel_len, names[i], len + 1);
		ok = !walk_stopped(w) && add_entry(w, dir, names[i]);
		w->rel[rel_len] = '\0';
	}
	dir_names_free(names, n);
	if (!ok)
		return false;
	sha256_digest(&w->sha, sizeof(dir->digest), dir->digest);
	for (i = 0; ok && i < dir->nkids; i++)
		ok = !walk_stopped(w) && enter_kid(w, dir, dir->kids[i]);
	/* a big tree keeps a node per directory: only what the key needs */
	free(dir->rel);
	dir->rel = NULL;
	dir->name = NULL;
	return ok;
}

/*
 * A task of the pool: a directory, opened here from the walk's top (the
 * top itself is open already).  Messages go to this thread's stream
 * (diag's stream is per thread).
 */
static void walk_task(void *worker, void *task)
{
	struct walk *w = worker;
	struct dir_node *dir = task;
	int none = -1;

	diag_set_stream(w->msgs);
	if (walk_stopped(w) || (dir->fd < 0 && !open_dir(w, w->sh->top_fd, dir->rel, dir)) ||
	    !walk_node(w, dir))
		atomic_compare_exchange_strong(&w->sh->first_failed, &none, w->id);
	if (dir->depth && dir->fd >= 0) {
		close(dir->fd);
		dir->fd = -1;
	}
}

/*
 * Blocks for data, directories (entries packed to ~3/4 of a block, plus a
 * block each), long symlinks and inode tables, 20% and 16 MiB more for
 * ext4's own metadata and extent blocks.  The file is sparse: room not
 * used costs the host nothing.
 */
static void size_image(const struct walk_counts *w, struct rootfs_image_plan *plan)
{
	uint64_t dirs_blocks = w->dir_bytes * 4 / 3 / BLOCK + w->entries / 16 + 1;
	uint64_t inodes = w->entries + w->entries / 8 + 256;
	uint64_t blocks = w->data_blocks + dirs_blocks + w->link_blocks +
			  blocks_of(inodes * INODE_BYTES);

	blocks += blocks / 5 + (16ULL << 20) / BLOCK;
	plan->inodes = inodes;
	/* whole MiB */
	plan->image_bytes = (blocks * BLOCK + (1ULL << 20) - 1) & ~((1ULL << 20) - 1);
}

/* Every thread's walk, and the key they make. */
struct walkers {
	struct walk_shared sh;
	struct walk *w[WALK_MAX_THREADS];
	unsigned int n;
	struct sha256_ctx key;
	bool layered;			/* the key is of an overlay's layers */
};

static void free_nodes(struct dir_node *dir)
{
	for (size_t i = 0; i < dir->nkids; i++)
		free_nodes(dir->kids[i]);
	free(dir->kids);
	free(dir->rel);
	free(dir);
}

/* The directories' digests in the tree's order: a parent, then its subdirectories by name. */
static void hash_digests(struct sha256_ctx *key, const struct dir_node *dir)
{
	sha256_update(key, sizeof(dir->digest), dir->digest);
	for (size_t i = 0; i < dir->nkids; i++)
		hash_digests(key, dir->kids[i]);
}

/*
 * Each thread's messages, in the caller's stream: only the failing
 * thread's if the walk failed (its warnings, then its one error).
 */
static void print_messages(struct walkers *ws, FILE *out, int failed)
{
	for (unsigned int i = 0; i < ws->n; i++) {
		struct walk *w = ws->w[i];

		if (!w->msgs)
			continue;
		fclose(w->msgs);
		w->msgs = NULL;
		if ((failed < 0 || failed == w->id) && w->msgs_len)
			fputs(w->msgs_text, out);
		free(w->msgs_text);
		w->msgs_text = NULL;
		w->msgs_len = 0;
	}
	fflush(out);
}

/*
 * The tree under the directory @fd (the top, or an overlay's layer), on
 * every thread; its directories' digests go into the key.
 */
static bool walk_top(struct walkers *ws, int fd)
{
	struct dir_node *top = calloc(1, sizeof(*top));
	FILE *was = diag_stream();
	struct stat st;
	int failed;

	if (!top || !(top->rel = strdup(""))) {
		free(top);
		diag_error("rootfs: out of memory");
		return false;
	}
	top->name = top->rel;
	top->fd = fd;
	if (fstat(fd, &st) != 0) {
		diag_error("rootfs '%s': %s", ws->sh.root, strerror(errno));
		free_nodes(top);
		return false;
	}
	top->dev = st.st_dev;
	top->ino = st.st_ino;
	top->uid = st.st_uid;
	top->mode = st.st_mode;
	top->mnt = mount_id(fd);
	ws->sh.top_fd = fd;
	for (unsigned int i = 0; i < ws->n; i++) {
		struct walk *w = ws->w[i];

		w->msgs = open_memstream(&w->msgs_text, &w->msgs_len);
		if (!w->msgs) {
			print_messages(ws, was, -1);
			diag_error("rootfs: out of memory");
			free_nodes(top);
			return false;
		}
	}
	atomic_store(&ws->sh.first_failed, -1);
	task_pool_run(&ws->sh.pool, walk_task, (void **)ws->w, ws->n, top);
	diag_set_stream(was);
	failed = atomic_load(&ws->sh.first_failed);
	print_messages(ws, was, failed);
	if (failed < 0)
		hash_digests(&ws->key, top);
	free_nodes(top);
	return failed < 0;
}

/* The key's start, and everything counted, as before any entry. */
static void key_begin(struct walkers *ws, const struct stat *root)
{
	uint64_t header[2] = { ROOTFS_IMAGE_FORMAT, root->st_mode };

	sha256_init(&ws->key);
	for (unsigned int i = 0; i < ws->n; i++) {
		ws->w[i]->n = (struct walk_counts){ 0 };
		ws->w[i]->has_lost_found = false;
	}
	/* the image's own root: mode of the tree's top, owned by 0:0 */
	sha256_update(&ws->key, 20, (const uint8_t *)"xlibos-rootfs-image");
	if (ws->sh.by_content)
		sha256_update(&ws->key, 8, (const uint8_t *)"content");
	sha256_update(&ws->key, sizeof(header), (const uint8_t *)header);
	hash_entry(&ws->key, "", root, NULL, 0, false);
}

/*
 * The overlay's layers instead of its merged tree: whatever the merged
 * tree shows comes from them and the options (a change through the
 * overlay is a change in its upper layer), and their directories are
 * not a new mount's (see rootfs_image_layers.h).  Each layer is walked
 * whole, shadowed entries too; its entries are counted for the image's
 * size (a little more room than the merged tree needs) and read for
 * abcom's tables (records the guest never asks for cost nothing).
 */
static bool walk_layers(struct walkers *ws, const struct rootfs_layers *l)
{
	bool ok = true;

	ws->sh.in_layer = true;
	sha256_update(&ws->key, 8, (const uint8_t *)"overlay");
	sha256_update(&ws->key, strlen(l->options) + 1, (const uint8_t *)l->options);
	for (size_t i = 0; ok && i < l->n; i++) {
		uint64_t mark[2] = { i, i == 0 && l->has_upper };

		sha256_update(&ws->key, sizeof(mark), (const uint8_t *)mark);
		ok = walk_top(ws, l->fds[i]);
	}
	ws->sh.in_layer = false;
	return ok;
}

/*
 * An overlay's layers quietly, as they may not be readable as the
 * tree's owner: if anything fails there, its messages and table records
 * are dropped and the merged tree is walked.
 */
static bool walk_tree(struct walkers *ws, int rootfd, const struct stat *root,
		      const struct rootfs_layers *layers)
{
	struct abcom_tables *tables = ws->sh.tables;
	size_t tables_len = tables ? tables->len : 0;
	FILE *was = diag_stream(), *quiet;
	char *text = NULL;
	size_t text_len;
	bool ok;

	if (layers->n && (quiet = open_memstream(&text, &text_len))) {
		diag_set_stream(quiet);
		ok = walk_layers(ws, layers);
		diag_set_stream(was);
		fclose(quiet);
		free(text);
		if (ok)
			return ws->layered = true;
		if (tables)
			tables->len = tables_len;
		key_begin(ws, root);
	}
	return walk_top(ws, rootfd);
}

static void walkers_free(struct walkers *ws)
{
	if (!ws)
		return;
	for (unsigned int i = 0; i < ws->n; i++) {
		struct walk *w = ws->w[i];

		for (size_t j = 0; w && j < w->nlinks; j++)
			free(w->links[j].rel);
		if (w)
			free(w->links);
		free(w);
	}
	free(ws);
}

static int by_inode_then_path(const void *a, const void *b)
{
	const struct link_seen *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return strcmp(x->rel, y->rel);
}

static int by_group_then_path(const void *a, const void *b)
{
	const struct link_seen *x = a, *y = b;
	int c = strcmp(x->group, y->group);

	return c ? c : strcmp(x->rel, y->rel);
}

/*
 * Which paths of the tree are links of one file (mke2fs keeps them so):
 * each path with the first path of its group, in an order that does not
 * depend on inode numbers (a copy of the tree has new ones).
 */
static bool links_hash(struct walkers *ws)
{
	struct link_seen *all;
	size_t n = 0, k = 0;

	for (unsigned int i = 0; i < ws->n; i++)
		n += ws->w[i]->nlinks;
	all = malloc(sizeof(*all) * (n ? n : 1));
	if (!all) {
		diag_error("rootfs: out of memory");
		return false;
	}
	for (unsigned int i = 0; i < ws->n; i++)
		for (size_t j = 0; j < ws->w[i]->nlinks; j++)
			all[k++] = ws->w[i]->links[j];
	qsort(all, n, sizeof(*all), by_inode_then_path);
	/* a group's first path is its least: it names the group */
	for (size_t i = 0; i < n; i++)
		all[i].group = i && all[i].dev == all[i - 1].dev && all[i].ino == all[i - 1].ino ?
			       all[i - 1].group : all[i].rel;
	qsort(all, n, sizeof(*all), by_group_then_path);
	sha256_update(&ws->key, 6, (const uint8_t *)"links");
	for (size_t i = 0; i < n; i++) {
		sha256_update(&ws->key, strlen(all[i].group) + 1, (const uint8_t *)all[i].group);
		sha256_update(&ws->key, strlen(all[i].rel) + 1, (const uint8_t *)all[i].rel);
	}
	free(all);
	return true;
}

/*
 * Threads for the key's walk: the CPUs we may use, at most four (the
 * walk waits on the dentry cache's locks beyond that); one when abcom's
 * tables are made (their set is not shared).
 */
static struct walkers *walkers_new(const char *dir, struct abcom_tables *tables)
{
	struct walkers *ws = calloc(1, sizeof(*ws));
	unsigned int n = tables ? 1 : task_pool_cpus();

	if (!ws)
		goto oom;
	ws->sh.root = dir;
	ws->sh.root_len = strlen(dir);
	while (ws->sh.root_len > 1 && dir[ws->sh.root_len - 1] == '/')
		ws->sh.root_len--;
	ws->sh.tables = tables;
	for (ws->n = 0; ws->n < n && ws->n < WALK_MAX_THREADS; ws->n++) {
		struct walk *w = calloc(1, sizeof(*w));

		ws->w[ws->n] = w;
		if (!w) {
			ws->n++;
			goto oom;
		}
		w->sh = &ws->sh;
		w->id = (int)ws->n;
	}
	return ws;
oom:
	diag_error("rootfs: out of memory");
	walkers_free(ws);
	return NULL;
}

/* The key (@by_content: the content key, of the merged tree) and the plan. */
static bool walk_all(const char *dir, int rootfd, struct abcom_tables *tables, bool by_content,
		     struct rootfs_image_plan *plan)
{
	struct walkers *ws = walkers_new(dir, tables);
	struct rootfs_layers layers = { .n = 0 };
	struct walk_counts total = { .entries = 1 };	/* the top */
	bool ok = false, lost_found = false;
	struct stat st;

	if (!ws)
		return false;
	ws->sh.by_content = by_content;
	if (fstat(rootfd, &st) != 0) {
		diag_error("rootfs '%s': %s", dir, strerror(errno));
		goto out;
	}
	ws->sh.owner = st.st_uid;
	key_begin(ws, &st);
	/* opened as the caller: the layers' paths are the mount's */
	if (!by_content)
		rootfs_layers_open(rootfd, &layers);
	/* the threads are made after this, and have these credentials too */
	if (!fs_creds_become(st.st_uid, st.st_gid, &ws->sh.creds)) {
		diag_error("rootfs '%s': cannot read it as its owner (uid %u): %s", dir,
			   (unsigned)st.st_uid, strerror(errno));
		goto out;
	}
	ok = walk_tree(ws, rootfd, &st, &layers);
	fs_creds_restore(&ws->sh.creds);
	if (ok && by_content)
		ok = links_hash(ws);
	if (!ok)
		goto out;
	for (unsigned int i = 0; i < ws->n; i++) {
		const struct walk *w = ws->w[i];

		total.entries += w->n.entries;
		total.data_blocks += w->n.data_blocks;
		total.dir_bytes += w->n.dir_bytes;
		total.link_blocks += w->n.link_blocks;
		lost_found |= w->has_lost_found;
	}
	size_image(&total, plan);
	if (plan->image_bytes > ROOTFS_IMAGE_MAX_BYTES) {
		diag_error("rootfs '%s' is too large for an image (%llu GiB, at most %llu GiB)", dir,
			   (unsigned long long)(plan->image_bytes >> 30),
			   (unsigned long long)(ROOTFS_IMAGE_MAX_BYTES >> 30));
		ok = false;
		goto out;
	}
	/* the size is part of what the entry must be */
	sha256_update(&ws->key, sizeof(plan->image_bytes), (const uint8_t *)&plan->image_bytes);
	sha256_digest(&ws->key, ROOTFS_IMAGE_KEY_LEN, plan->key);
	plan->owner = st.st_uid;
	plan->owner_gid = st.st_gid;
	plan->root_mode = st.st_mode & 07777;
	plan->root_atime = st.st_atim;
	plan->root_mtime = st.st_mtim;
	plan->has_lost_found = lost_found;
	plan->layered = ws->layered;
out:
	rootfs_layers_close(&layers);
	walkers_free(ws);
	return ok;
}

bool rootfs_image_walk(const char *dir, int rootfd, struct abcom_tables *tables,
		       struct rootfs_image_plan *plan)
{
	return walk_all(dir, rootfd, tables, false, plan);
}

bool rootfs_image_content_walk(const char *dir, int rootfd, struct rootfs_image_plan *plan)
{
	return walk_all(dir, rootfd, NULL, true, plan);
}
