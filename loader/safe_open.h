/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening files that someone else may control.  Only a regular file is
 * ever opened for reading: the type is checked on an O_PATH descriptor
 * first, which neither waits on a FIFO nor calls a device's driver, and
 * that very inode is then reopened.  Inside a hostile tree a name is one
 * component resolved relative to a directory descriptor, never through a
 * symlink or into another mount.
 */
#ifndef XLIBOS_LOADER_SAFE_OPEN_H
#define XLIBOS_LOADER_SAFE_OPEN_H

#include <stdbool.h>
#include <sys/stat.h>

/*
 * openat2(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC) with RESOLVE_BENEATH,
 * RESOLVE_NO_SYMLINKS, RESOLVE_NO_MAGICLINKS and RESOLVE_NO_XDEV; a trailing
 * symlink with O_PATH gives a descriptor of the link itself.  Without
 * openat2 (Linux < 5.6): openat with O_NOFOLLOW, EXDEV if the result is on
 * another device than dirfd.  -1 with errno on failure.
 */
int open_beneath(int dirfd, const char *name, int flags);

/* The same for a relative path of several components ("a/b/c"), each beneath the last. */
int open_beneath_path(int dirfd, const char *path, int flags);

/*
 * A read-only descriptor (O_NONBLOCK | O_NOCTTY | O_CLOEXEC) of the regular
 * file that the O_PATH descriptor pathfd, described by st, refers to:
 * through /proc/self/fd, or, where /proc is missing, by resolving name in
 * dirfd again (open_beneath if beneath, else a plain openat).  -1 with
 * errno ESTALE if what was opened is not st's inode.
 */
int reopen_regular(int pathfd, const struct stat *st, int dirfd, const char *name,
		   bool beneath);

/*
 * Open path (symlinks followed: the caller chose it) for reading if it is
 * a regular file.  Returns the descriptor with *st filled in; -1 on
 * failure, with st->st_mode the type found if it is not a regular file
 * (else 0, and errno says why).
 */
int open_regular_file(const char *path, struct stat *st);

#endif
