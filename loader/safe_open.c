// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "safe_open.h"

#define READ_FLAGS (O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)

/* openat2 refuses a ".." it cannot prove safe with EAGAIN; names here have none. */
#define OPENAT2_RETRIES 8

static int close_with_errno(int fd, int err)
{
	close(fd);
	errno = err;
	return -1;
}

/* Linux < 5.6: one component with O_NOFOLLOW stays beneath; check the mount. */
static int open_beneath_fallback(int dirfd, const char *name, int flags)
{
	struct stat dir, st;
	int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(dirfd, &dir) != 0 || fstat(fd, &st) != 0)
		return close_with_errno(fd, errno);
	if (dir.st_dev != st.st_dev)
		return close_with_errno(fd, EXDEV);
	return fd;
}

static atomic_bool no_openat2;

/* openat2 beneath dirfd; -1 with no_openat2 set where the kernel has none. */
static int try_openat2(int dirfd, const char *name, int flags)
{
	struct open_how how = {
		.flags = (unsigned)(flags | O_NOFOLLOW | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	long fd = -1;

	for (int i = 0; !no_openat2 && i < OPENAT2_RETRIES; i++) {
		fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	if (fd < 0 && !no_openat2 && errno == ENOSYS)
		no_openat2 = true;
	return (int)fd;
}

int open_beneath(int dirfd, const char *name, int flags)
{
	int fd = try_openat2(dirfd, name, flags);

	return fd < 0 && no_openat2 ? open_beneath_fallback(dirfd, name, flags) : fd;
}

int open_beneath_path(int dirfd, const char *path, int flags)
{
	char name[NAME_MAX + 1];
	const char *slash;
	int at = dirfd, fd = try_openat2(dirfd, path, flags);

	if (fd >= 0 || !no_openat2)
		return fd;
	/* Linux < 5.6: one component at a time, never through a symlink */
	while ((slash = strchr(path, '/'))) {
		size_t len = (size_t)(slash - path);
		int next = -1;

		errno = ENAMETOOLONG;
		if (len <= NAME_MAX) {
			memcpy(name, path, len);
			name[len] = '\0';
			next = open_beneath_fallback(at, name, O_RDONLY | O_DIRECTORY | O_NONBLOCK);
		}
		if (at != dirfd)
			close_with_errno(at, errno);
		if (next < 0)
			return -1;
		at = next;
		path = slash + 1;
	}
	fd = open_beneath_fallback(at, path, flags);
	if (at != dirfd)
		close_with_errno(at, errno);
	return fd;
}

int reopen_regular(int pathfd, const struct stat *st, int dirfd, const char *name,
		   bool beneath)
{
	char proc[32];
	struct stat now;
	int fd;

	/* The magic link is the inode itself: nothing to race with. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pathfd);
	fd = open(proc, READ_FLAGS);
	if (fd < 0 && errno == ENOENT)
		fd = beneath ? open_beneath(dirfd, name, READ_FLAGS) : openat(dirfd, name, READ_FLAGS);
	if (fd < 0)
		return -1;
	if (fstat(fd, &now) != 0)
		return close_with_errno(fd, errno);
	if (now.st_dev != st->st_dev || now.st_ino != st->st_ino || !S_ISREG(now.st_mode))
		return close_with_errno(fd, ESTALE);
	return fd;
}

int open_regular_file(const char *path, struct stat *st)
{
	int pathfd = open(path, O_PATH | O_CLOEXEC);
	int fd;

	st->st_mode = 0;
	if (pathfd < 0)
		return -1;
	if (fstat(pathfd, st) != 0) {
		st->st_mode = 0;
		return close_with_errno(pathfd, errno);
	}
	if (!S_ISREG(st->st_mode))
		return close_with_errno(pathfd, EINVAL);
	fd = reopen_regular(pathfd, st, AT_FDCWD, path, false);
	close_with_errno(pathfd, errno);
	if (fd < 0)
		st->st_mode = 0;
	return fd;
}
