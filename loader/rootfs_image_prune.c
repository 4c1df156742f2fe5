// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rootfs_image_prune.h"
#include "rootfs_image_walk.h"

#define LOCK_NAME "lock"

void rootfs_image_mark_used(int entry)
{
	futimens(entry, NULL);
}

bool rootfs_image_entry_name(const char *name)
{
	size_t n;

	for (n = 0; name[n]; n++)
		if (!strchr("0123456789abcdef", name[n]))
			return false;
	return n == 2 * ROOTFS_IMAGE_KEY_LEN;
}

void rootfs_image_remove_entry(int images, const char *name)
{
	int fd = !rootfs_image_entry_name(name) ? -1 :
		 openat(images, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int lock = fd < 0 ? -1 : openat(fd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
					0600);
	struct dirent *e;
	DIR *d;

	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) != 0)
		goto out;	/* being made or checked by another run */
	d = fdopendir(fd);
	if (!d)
		goto out;
	fd = -1;
	while ((e = readdir(d)))
		if (e->d_type == DT_REG && strcmp(e->d_name, LOCK_NAME))
			unlinkat(dirfd(d), e->d_name, 0);
	unlinkat(dirfd(d), LOCK_NAME, 0);
	closedir(d);
	unlinkat(images, name, AT_REMOVEDIR);
out:
	if (lock >= 0)
		close(lock);
	if (fd >= 0)
		close(fd);
}

void rootfs_image_prune(int images)
{
	time_t oldest = time(NULL) - (time_t)ROOTFS_IMAGE_MAX_AGE_DAYS * 24 * 3600;
	int fd = openat(images, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	struct stat st;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (rootfs_image_entry_name(e->d_name) &&
		    fstatat(images, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode) && st.st_mtime < oldest)
			rootfs_image_remove_entry(images, e->d_name);
	closedir(d);
}
