// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../fd_io.h"
#include "copyup.h"

/* The image is the host's input: a deeper tree is refused, not followed down the stack. */
#define MAX_DEPTH	128

#define DIR_FLAGS	(O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

static bool fail(const char *dir, const char *name, const char *what)
{
	fprintf(stderr, "xlibos: tmpcopyup of %s: cannot %s %s: %s\n", dir, what, name,
		strerror(errno));
	return false;
}

/* Not inlined: its buffer must stay off the recursion's stack frames. */
__attribute__((noinline)) static bool copy_file(int from, int to, const char *name)
{
	char buf[65536];
	int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int out = in < 0 ? -1 : openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				       0600);
	ssize_t n = 0;
	bool ok = in >= 0 && out >= 0;

	while (ok && (n = read(in, buf, sizeof(buf))) > 0)
		ok = fd_write_all(out, buf, (size_t)n);
	ok = ok && n == 0;
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0)
		ok = false;
	return ok;
}

/* Apart from copy_level: its buffer stays off the recursion's stack frames. */
__attribute__((noinline)) static bool copy_link(int from, int to, const char *name)
{
	char target[4096];
	ssize_t n = readlinkat(from, name, target, sizeof(target) - 1);

	if (n < 0)
		return false;
	target[n] = '\0';
	return symlinkat(target, to, name) == 0;
}

static bool copy_level(int from, int to, const char *dir, int depth)
{
	int fd = dup(from);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	bool ok = true;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return fail(dir, "a directory", "read");
	}
	while (ok && (errno = 0, e = readdir(d))) {
		const char *name = e->d_name;
		struct stat st;

		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			ok = fail(dir, name, "look at");
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub_from = -1, sub_to = -1;

			if (depth >= MAX_DEPTH) {
				errno = ELOOP;
				ok = fail(dir, name, "go deeper than 128 directories into");
				break;
			}
			ok = mkdirat(to, name, 0700) == 0 &&
			     (sub_from = openat(from, name, DIR_FLAGS)) >= 0 &&
			     (sub_to = openat(to, name, DIR_FLAGS)) >= 0;
			if (!ok)
				fail(dir, name, "copy the directory");
			else
				ok = copy_level(sub_from, sub_to, dir, depth + 1);
			if (sub_from >= 0)
				close(sub_from);
			if (sub_to >= 0)
				close(sub_to);
		} else if (S_ISREG(st.st_mode)) {
			ok = copy_file(from, to, name) || fail(dir, name, "copy the file");
		} else if (S_ISLNK(st.st_mode)) {
			ok = copy_link(from, to, name) || fail(dir, name, "copy the symlink");
		} else {
			ok = mknodat(to, name, st.st_mode & (S_IFMT | 0600), st.st_rdev) == 0 ||
			     fail(dir, name, "make the node");
		}
		/* The owner first: chown clears set-id bits, the mode puts them back. */
		if (ok && fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0)
			ok = fail(dir, name, "set the owner of");
		if (ok && !S_ISLNK(st.st_mode) && fchmodat(to, name, st.st_mode & 07777, 0) != 0)
			ok = fail(dir, name, "set the mode of");
	}
	if (ok && errno)
		ok = fail(dir, "a directory", "read");
	closedir(d);
	return ok;
}

bool copyup_tree(int from, int to, const char *dir)
{
	return copy_level(from, to, dir, 0);
}
