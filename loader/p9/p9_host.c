// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P server's access to the host directory.  Every lookup is openat2
 * with RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS|
 * RESOLVE_NO_XDEV, from a fid's own descriptor (one component) or from the
 * root (a fid's recorded path, checked to be the fid's inode); nothing
 * goes through the host's ordinary path resolution.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "p9_internal.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

#define RESOLVE_ALL (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | \
		     RESOLVE_NO_XDEV)

bool p9_name_ok(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

int p9_open_beneath(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_ALL,
	};
	long fd;

	do {
		fd = syscall(SYS_openat2, dirfd, path[0] ? path : ".", &how, sizeof(how));
	} while (fd < 0 && (errno == EINTR || errno == EAGAIN));
	return fd < 0 ? -errno : (int)fd;
}

char *p9_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p;

	if (dl + 1 + nl >= PATH_MAX)
		return NULL;
	p = malloc(dl + 1 + nl + 1);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (dl)
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

int p9_fstat(int fd, struct stat *st)
{
	return fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) ? -errno : 0;
}

int p9_walk_one(struct p9_server *s, int dirfd, const char *path, const char *name,
		int *newfd, char **newpath)
{
	char *np;
	int fd;

	if (!name[0] || strchr(name, '/'))
		return -EINVAL;
	if (!strcmp(name, "..")) {
		const char *slash = strrchr(path, '/');

		/* The parent by path: at the root, ".." is the root. */
		np = strndup(path, slash ? (size_t)(slash - path) : 0);
		if (!np)
			return -ENOMEM;
		fd = p9_open_beneath(s->root_fd, np, O_PATH | O_DIRECTORY, 0);
	} else {
		np = strcmp(name, ".") ? p9_path_join(path, name) : strdup(path);
		if (!np)
			return -ENAMETOOLONG;
		fd = p9_open_beneath(dirfd, name, O_PATH, 0);
	}
	if (fd < 0) {
		free(np);
		return fd;
	}
	*newfd = fd;
	*newpath = np;
	return 0;
}

int p9_open_parent(struct p9_server *s, const struct p9_fid *f, const char **base)
{
	const char *slash = strrchr(f->path, '/');
	char *dir;
	int fd;

	if (!f->path[0])
		return -EBUSY;		/* the volume's root has no parent here */
	dir = strndup(f->path, slash ? (size_t)(slash - f->path) : 0);
	if (!dir)
		return -ENOMEM;
	fd = p9_open_beneath(s->root_fd, dir, O_PATH | O_DIRECTORY, 0);
	free(dir);
	*base = slash ? slash + 1 : f->path;
	return fd;
}

bool p9_hardlink_ok(const struct p9_server *s, const struct stat *st)
{
	return !s->as_root || S_ISDIR(st->st_mode) || st->st_nlink <= 1 ||
	       st->st_uid == s->root_st.st_uid;
}

int p9_reopen(struct p9_server *s, const struct p9_fid *f, int flags)
{
	struct stat want, got;
	int fd, err;

	err = p9_fstat(f->fd, &want);
	if (err)
		return err;
	if (!S_ISREG(want.st_mode) && !S_ISDIR(want.st_mode))
		return S_ISLNK(want.st_mode) ? -ELOOP : -EACCES;
	if (!p9_hardlink_ok(s, &want))
		return -EACCES;
	/* O_NONBLOCK: should a FIFO have taken its place, the open returns. */
	flags |= O_NOCTTY | O_NONBLOCK;
	if (S_ISDIR(want.st_mode))
		fd = p9_open_beneath(f->fd, ".", flags | O_DIRECTORY, 0);
	else
		fd = p9_open_beneath(s->root_fd, f->path, flags, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &got) != 0 || got.st_dev != want.st_dev || got.st_ino != want.st_ino) {
		close(fd);
		return -ESTALE;
	}
	if (!S_ISREG(got.st_mode) && !S_ISDIR(got.st_mode)) {
		close(fd);
		return -EACCES;
	}
	if (!p9_hardlink_ok(s, &got)) {
		close(fd);
		return -EACCES;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int p9_drop_setid(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || !(st.st_mode & (S_ISUID | S_ISGID)))
		return 0;
	return fchmod(fd, st.st_mode & (07777 & ~(mode_t)(S_ISUID | S_ISGID))) ? -errno : 0;
}

int p9_chmod_fd(int fd, mode_t mode)
{
	char proc[64];
	struct stat st;

	if (syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return -errno;
	/* Older hosts: our own descriptor's /proc link names that inode. */
	if (p9_fstat(fd, &st) == 0 && S_ISLNK(st.st_mode))
		return -EOPNOTSUPP;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return chmod(proc, mode) ? -errno : 0;
}

int p9_set_owner_mode(struct p9_server *s, int fd, uint32_t uid, uint32_t gid, mode_t mode)
{
	struct stat st;
	int err = p9_fstat(fd, &st);

	if (err)
		return err;
	if (s->as_root &&
	    fchownat(fd, "", p9_uid_in(s, uid), p9_gid_in(s, gid),
		     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
		return -errno;
	if (S_ISLNK(st.st_mode))
		return 0;
	/* chown clears set-id bits, and the umask took some: set it exactly. */
	return p9_chmod_fd(fd, mode);
}

uint32_t p9_uid_out(const struct p9_server *s, uid_t uid)
{
	return !s->as_root && uid == s->host_uid ? 0 : uid;
}

uint32_t p9_gid_out(const struct p9_server *s, gid_t gid)
{
	return !s->as_root && gid == s->host_gid ? 0 : gid;
}

uid_t p9_uid_in(const struct p9_server *s, uint32_t uid)
{
	return !s->as_root && uid == 0 ? s->host_uid : uid;
}

gid_t p9_gid_in(const struct p9_server *s, uint32_t gid)
{
	return !s->as_root && gid == 0 ? s->host_gid : gid;
}
