// SPDX-License-Identifier: GPL-2.0
/*
 * The container's changes to its root, written back into the host's rootfs
 * at its end ("writeback" record): under runc a container writes straight
 * into its rootfs (podman's and Docker's upper layer), and `podman diff`,
 * `commit`, `cp` and a restart see it.  Here the root is an overlay whose
 * upper layer is a guest tmpfs, so once every process has ended, init
 * walks that layer and applies it to the rootfs, shared read-write through
 * virtio-9p (the server keeps every operation beneath the rootfs):
 *
 *   whiteout (character device 0:0)   the host's entry is removed
 *   opaque directory                   the host's directory is emptied first
 *   directory                          made if missing, then its entries
 *   file, symlink, FIFO, socket        replace the host's entry
 *
 * with owners, modes and times.  What 9P cannot carry (device nodes,
 * extended attributes) is named on stderr and counts as not written back.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <signal.h>
#include <unistd.h>

#include "../fd_io.h"
#include "root_image.h"
#include "writeback.h"

/* Two descriptors a level: deeper trees are refused, not half copied. */
#define MAX_DEPTH	400
#define COPY_CHUNK	(256 * 1024)
#define OPAQUE_XATTR	"trusted.overlay.opaque"
#define OVERLAY_XATTRS	"trusted.overlay."
#define SHARE_OPTIONS	"trans=virtio,version=9p2000.L,msize=262144,access=client,cache=none"
/* In the layers' tmpfs: what the last sync wrote, NUL-separated paths. */
#define WRITTEN_LIST	"written"

/* A file with more than one link: where its first name went on the host. */
struct link_seen {
	ino_t ino;
	char *path;
};

struct writeback {
	int host_root;
	char path[PATH_MAX];	/* of the entry at hand, from the root */
	struct link_seen *links;
	size_t nlinks, cap;
	unsigned long failures;
	char *buf;
	FILE *manifest;		/* a sync's list of what it wrote, or NULL */
};

static void failed(struct writeback *w, const char *what, int err)
{
	if (w->failures++ < 20)
		fprintf(stderr, "xlibos: writeback: %s: %s%s%s\n", w->path, what,
			err ? ": " : "", err ? strerror(err) : "");
	else if (w->failures == 21)
		fprintf(stderr, "xlibos: writeback: more failures follow, not shown\n");
}

/* Append /name to w->path; the old length, to restore. */
static size_t path_push(struct writeback *w, const char *name)
{
	size_t len = strlen(w->path);

	snprintf(w->path + len, sizeof(w->path) - len, "%s%s", len > 1 ? "/" : "",
		 name);
	return len;
}

static void path_pop(struct writeback *w, size_t len)
{
	w->path[len] = '\0';
}

/* w->path may have been cut at PATH_MAX: then it names nothing to act on. */
static bool path_whole(const struct writeback *w)
{
	return strlen(w->path) < sizeof(w->path) - 1;
}

/* Every name in @dirfd but . and .., in one malloc'd NULL-terminated array. */
static char **read_names(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *d;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (n + 2 > cap) {
			char **more = realloc(names, (cap = cap * 2 + 16) * sizeof(*names));

			if (!more)
				goto fail;
			names = more;
		}
		if (!(names[n] = strdup(d->d_name)))
			goto fail;
		names[++n] = NULL;
	}
	closedir(dir);
	if (!names)
		names = calloc(1, sizeof(*names));
	return names;
fail:
	while (n)
		free(names[--n]);
	free(names);
	closedir(dir);
	errno = ENOMEM;
	return NULL;
}

static void free_names(char **names)
{
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}

/* rm -r of @name in @dirfd, on the host's side; errno-style result. */
static int remove_entry(int dirfd, const char *name, int depth)
{
	struct stat st;
	char **names;
	int fd, err = 0;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) == 0 ? 0 : errno;
	if (depth >= MAX_DEPTH)
		return ELOOP;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	names = read_names(fd);
	if (!names)
		err = errno;
	for (char **p = names; p && *p && !err; p++)
		err = remove_entry(fd, *p, depth + 1);
	if (names)
		free_names(names);
	close(fd);
	if (!err && unlinkat(dirfd, name, AT_REMOVEDIR) != 0)
		err = errno;
	return err;
}

/*
 * Owner, then mode (chown clears set-id bits), then times, as the upper
 * layer has them, on an open descriptor: one 9P request each, no walk.
 * @made: this write-back created it, with its permission bits, owned by
 * the guest's root (what the 9P server gives a file root makes).
 */
static void copy_meta_fd(struct writeback *w, int fd, const struct stat *st, bool made)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };

	if ((!made || st->st_uid || st->st_gid) && fchown(fd, st->st_uid, st->st_gid) != 0)
		failed(w, "cannot set the owner", errno);
	if (!(made && !(st->st_mode & 07000)) && fchmod(fd, st->st_mode & 07777) != 0)
		failed(w, "cannot set the mode", errno);
	if (futimens(fd, times) != 0)
		failed(w, "cannot set the times", errno);
}

/* The same by name: for symlinks, FIFOs and sockets, which are not opened. */
static void copy_meta(struct writeback *w, int dirfd, const char *name, const struct stat *st)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };
	int at = S_ISLNK(st->st_mode) ? AT_SYMLINK_NOFOLLOW : 0;

	if (fchownat(dirfd, name, st->st_uid, st->st_gid, at) != 0)
		failed(w, "cannot set the owner", errno);
	if (!S_ISLNK(st->st_mode) && fchmodat(dirfd, name, st->st_mode & 07777, 0) != 0)
		failed(w, "cannot set the mode", errno);
	if (utimensat(dirfd, name, times, at) != 0)
		failed(w, "cannot set the times", errno);
}

/*
 * Extended attributes other than overlayfs's own: 9P here carries none.
 * No *at() form of the xattr calls: from inside the directory.
 */
static void check_xattrs(struct writeback *w, int dirfd, const char *name)
{
	char list[4096];
	ssize_t len = fchdir(dirfd) == 0 ? llistxattr(name, list, sizeof(list)) : -1;

	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(list + i) + 1) {
		if (strncmp(list + i, OVERLAY_XATTRS, strlen(OVERLAY_XATTRS))) {
			failed(w, "extended attributes are not written back", 0);
			return;
		}
	}
}

static bool is_opaque(int dirfd, const char *name)
{
	char value[2];

	return fchdir(dirfd) == 0 && lgetxattr(name, OPAQUE_XATTR, value, sizeof(value)) == 1 &&
	       value[0] == 'y';
}

/* A second name of a file already written: a link to the first. */
static bool linked(struct writeback *w, int hdir, const char *name, const struct stat *st)
{
	if (st->st_nlink < 2 || !path_whole(w))
		return false;
	for (size_t i = 0; i < w->nlinks; i++)
		if (w->links[i].ino == st->st_ino)
			return linkat(w->host_root, w->links[i].path, hdir, name, 0) == 0;
	if (w->nlinks == w->cap) {
		struct link_seen *more = realloc(w->links, (w->cap * 2 + 16) * sizeof(*more));

		if (!more)
			return false;
		w->links = more;
		w->cap = w->cap * 2 + 16;
	}
	/* Relative to the host's root: w->path without its leading '/'. */
	w->links[w->nlinks].ino = st->st_ino;
	w->links[w->nlinks].path = strdup(w->path + 1);
	if (w->links[w->nlinks].path)
		w->nlinks++;
	return false;
}

static void copy_file(struct writeback *w, int udir, int hdir, const char *name,
		      const struct stat *st)
{
	int in = openat(udir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int out = openat(hdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			 st->st_mode & 0777);
	ssize_t n = 0;

	if (in < 0 || out < 0) {
		failed(w, in < 0 ? "cannot read it" : "cannot create it", errno);
		goto out;
	}
	while ((n = read(in, w->buf, COPY_CHUNK)) > 0)
		if (!fd_write_all(out, w->buf, (size_t)n)) {
			failed(w, "cannot write it", errno);
			goto out;
		}
	if (n < 0)
		failed(w, "cannot read it", errno);
	copy_meta_fd(w, out, st, true);
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
}

static void apply_dir(struct writeback *w, int udir, int hdir, int depth, bool fresh);

static void apply_subdir(struct writeback *w, int udir, int hdir, const char *name,
			 const struct stat *st, int depth, bool fresh)
{
	struct stat hst;
	bool exists = !fresh && fstatat(hdir, name, &hst, AT_SYMLINK_NOFOLLOW) == 0;
	int err, cu, ch;

	/* Opaque: nothing of the image's directory shows; start it empty. */
	if (exists && (!S_ISDIR(hst.st_mode) || is_opaque(udir, name))) {
		if ((err = remove_entry(hdir, name, depth))) {
			failed(w, "cannot remove what it replaces", err);
			return;
		}
		exists = false;
	}
	if (!exists && mkdirat(hdir, name, 0700) != 0) {
		failed(w, "cannot create it", errno);
		return;
	}
	if (depth + 1 >= MAX_DEPTH) {
		failed(w, "too deep", 0);
		return;
	}
	cu = openat(udir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	ch = openat(hdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cu >= 0 && ch >= 0)
		apply_dir(w, cu, ch, depth + 1, !exists);
	else
		failed(w, "cannot open it", errno);
	check_xattrs(w, udir, name);
	if (ch >= 0)
		copy_meta_fd(w, ch, st, false);
	if (cu >= 0)
		close(cu);
	if (ch >= 0)
		close(ch);
}

/* @fresh: hdir was made by this write-back, so it holds nothing to replace. */
static void apply_entry(struct writeback *w, int udir, int hdir, const char *name, int depth,
			bool fresh)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t len;
	int err;

	if (fstatat(udir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		failed(w, "cannot read it", errno);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		apply_subdir(w, udir, hdir, name, &st, depth, fresh);
		return;
	}
	/* Anything else replaces the host's entry, a whiteout just removes it. */
	if (!fresh && (err = remove_entry(hdir, name, depth))) {
		failed(w, "cannot remove what it replaces", err);
		return;
	}
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0))
		return;
	check_xattrs(w, udir, name);
	switch (st.st_mode & S_IFMT) {
	case S_IFREG:
		if (!linked(w, hdir, name, &st))
			copy_file(w, udir, hdir, name, &st);
		return;
	case S_IFLNK:
		len = readlinkat(udir, name, target, sizeof(target) - 1);
		if (len < 0) {
			failed(w, "cannot read the link", errno);
			return;
		}
		target[len] = '\0';
		if (symlinkat(target, hdir, name) != 0) {
			failed(w, "cannot create the link", errno);
			return;
		}
		break;
	case S_IFIFO:
	case S_IFSOCK:
		if (mknodat(hdir, name, st.st_mode & (S_IFMT | 0600), 0) != 0) {
			failed(w, "cannot create it", errno);
			return;
		}
		break;
	default:
		failed(w, "a device node: the host's rootfs takes none through 9P", 0);
		return;
	}
	copy_meta(w, hdir, name, &st);
}

static void apply_dir(struct writeback *w, int udir, int hdir, int depth, bool fresh)
{
	char **names = read_names(udir);

	if (!names) {
		failed(w, "cannot list it", errno);
		return;
	}
	for (char **p = names; *p; p++) {
		size_t len = path_push(w, *p);

		/* Relative to the root: w->path without its leading '/'. */
		if (w->manifest && path_whole(w))
			fwrite(w->path + 1, 1, strlen(w->path), w->manifest);
		apply_entry(w, udir, hdir, *p, depth, fresh);
		path_pop(w, len);
	}
	free_names(names);
}

/* Every process but init ends, so nothing changes the layer while it is copied. */
static void end_all_processes(void)
{
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

/* @rel ("a/b/c") removed from the host, its parents reached one name at a time. */
static void remove_host_path(struct writeback *w, char *rel)
{
	char *name = rel, *slash;
	int dir = dup(w->host_root), next, err;

	while (dir >= 0 && (slash = strchr(name, '/'))) {
		*slash = '\0';
		next = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		*slash = '/';
		close(dir);
		dir = next;
		name = slash + 1;
	}
	/* A parent that is gone or no directory: nothing of it left to remove. */
	if (dir < 0)
		return;
	if ((err = remove_entry(dir, name, 0)))
		failed(w, "cannot remove it", err);
	close(dir);
}

/*
 * What an earlier sync (pause) wrote and the layer no longer has: made and
 * removed since.  Unless the image has it (then the layer would hold its
 * whiteout, applied above), the host's copy goes too.
 */
static void prune_gone(struct writeback *w, int layers, int upper)
{
	int fd = openat(layers, WRITTEN_LIST, O_RDONLY | O_CLOEXEC);
	int lower = root_image_lower_fd();
	FILE *in = fd >= 0 ? fdopen(fd, "r") : NULL;
	char *line = NULL;
	size_t cap = 0;
	struct stat st;

	if (!in) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while (getdelim(&line, &cap, '\0', in) > 0) {
		if (!*line || fstatat(upper, line, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
		    errno != ENOENT || lower < 0 ||
		    fstatat(lower, line, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
			continue;
		snprintf(w->path, sizeof(w->path), "/%s", line);
		remove_host_path(w, line);
	}
	free(line);
	fclose(in);
}

static bool apply_layer(struct writeback *w, int layers)
{
	int upper = openat(layers, ROOT_IMAGE_UPPER_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	if (upper < 0 || fstat(upper, &st) != 0) {
		failed(w, "cannot open the container's layer", errno);
		return false;
	}
	apply_dir(w, upper, w->host_root, 0, false);
	prune_gone(w, layers, upper);
	snprintf(w->path, sizeof(w->path), "/");
	check_xattrs(w, upper, ".");
	copy_meta_fd(w, w->host_root, &st, false);
	close(upper);
	return true;
}

/* A sync's list, complete, replaces the last one; else the last one stays. */
static void finish_list(struct writeback *w, int layers)
{
	bool ok = w->manifest && fflush(w->manifest) == 0 && !ferror(w->manifest);

	if (w->manifest)
		fclose(w->manifest);
	if (!ok || renameat(layers, WRITTEN_LIST ".new", layers, WRITTEN_LIST) != 0)
		unlinkat(layers, WRITTEN_LIST ".new", 0);
}

static bool write_back(const char *tag, bool sync)
{
	struct writeback w = { .host_root = -1, .path = "/" };
	int layers = root_image_layers_fd(), fd;

	/* Files are made with the layer's permission bits. */
	umask(0);
	if (layers >= 0 && fchdir(layers) == 0)
		/* A sync that was killed midway may have left its mount. */
		umount2(ROOT_IMAGE_HOST_DIR, MNT_DETACH);
	if (layers < 0 || fchdir(layers) != 0 ||
	    mount(tag, ROOT_IMAGE_HOST_DIR, "9p", MS_NOSUID | MS_NODEV, SHARE_OPTIONS) != 0) {
		fprintf(stderr, "xlibos: writeback: cannot reach the rootfs: %s\n", strerror(errno));
		return false;
	}
	w.host_root = openat(layers, ROOT_IMAGE_HOST_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	w.buf = malloc(COPY_CHUNK);
	if (sync) {
		fd = openat(layers, WRITTEN_LIST ".new", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		w.manifest = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!w.manifest && fd >= 0)
			close(fd);
	}
	if (w.host_root < 0 || !w.buf || (sync && !w.manifest))
		failed(&w, "cannot open the rootfs", w.buf ? errno : ENOMEM);
	else
		apply_layer(&w, layers);
	if (sync)
		finish_list(&w, layers);
	if (w.failures)
		fprintf(stderr, "xlibos: writeback: %lu of the container's changes to its root were not written back to the rootfs\n",
			w.failures);
	for (size_t i = 0; i < w.nlinks; i++)
		free(w.links[i].path);
	free(w.links);
	free(w.buf);
	if (w.host_root >= 0)
		close(w.host_root);
	umount2(ROOT_IMAGE_HOST_DIR, MNT_DETACH);
	return w.failures == 0;
}

bool writeback_root(const char *tag)
{
	end_all_processes();
	return write_back(tag, false);
}

bool writeback_sync(const char *tag)
{
	return write_back(tag, true);
}
