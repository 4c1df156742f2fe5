// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../rootfs_image_prune.h"
#include "image_cache.h"
#include "log.h"

#define IMAGE_FILE	"/rootfs.ext4"

/* ".../images/<64 hex>": the only shape of directory this file removes. */
static bool entry_dir(const char *dir)
{
	const char *key = strrchr(dir, '/');

	return key && key - dir >= 7 && !strncmp(key - 7, "/images", 7) &&
	       rootfs_image_entry_name(key + 1);
}

bool image_cache_shared(const char *rootfs)
{
	struct statfs fs;

	return statfs(rootfs, &fs) == 0 && fs.f_type == OVERLAYFS_SUPER_MAGIC;
}

/* Does the entry @dir hold the mark @name, made at @since or later? */
static bool marked(const char *dir, const char *name, time_t since)
{
	char path[PATH_MAX];
	struct stat st;

	return snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path) &&
	       lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime >= since;
}

bool image_cache_made_for(pid_t pid, time_t since, char *dir, size_t len)
{
	char fds[64], link[PATH_MAX + 64], target[PATH_MAX];
	struct dirent *e;
	DIR *d;
	bool found = false;

	snprintf(fds, sizeof(fds), "/proc/%d/fd", (int)pid);
	d = opendir(fds);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		struct stat st;
		ssize_t n;
		size_t tlen;

		snprintf(link, sizeof(link), "%s/%s", fds, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		tlen = (size_t)n;
		if (tlen <= strlen(IMAGE_FILE) || strcmp(target + tlen - strlen(IMAGE_FILE), IMAGE_FILE))
			continue;
		target[tlen - strlen(IMAGE_FILE)] = '\0';
		/*
		 * Made by this create (a miss, or another's image linked in), not
		 * a hit on an older entry; and not one that copies of its tree use.
		 */
		if (!entry_dir(target) || tlen >= len || marked(target, ROOTFS_IMAGE_BY_CONTENT, 0) ||
		    stat(link, &st) != 0 ||
		    (st.st_mtime < since && !marked(target, ROOTFS_IMAGE_LINKED, since)))
			continue;
		snprintf(dir, len, "%s", target);
		found = true;
	}
	closedir(d);
	return found;
}

void image_cache_remove(const char *dir)
{
	char images[PATH_MAX];
	const char *key = strrchr(dir, '/');
	int fd;

	if (!entry_dir(dir) || (size_t)(key - dir) >= sizeof(images))
		return;
	snprintf(images, sizeof(images), "%.*s", (int)(key - dir), dir);
	fd = open(images, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	rootfs_image_remove_entry(fd, key + 1);
	if (faccessat(fd, key + 1, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		oci_info("could not remove the image cache entry %s", dir);
	close(fd);
}
