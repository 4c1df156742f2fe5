// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rootfs_image_prune.h"
#include "rootfs_image_walk.h"

#define LOCK_NAME "lock"
/* In an entry: the real paths of the trees started from it. */
#define USERS_NAME "users"

/* A directory stream of @images (a descriptor of its own), or NULL. */
static DIR *images_stream(int images)
{
	int fd = openat(images, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	if (!d && fd >= 0)
		close(fd);
	return d;
}

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
	DIR *d = images_stream(images);
	struct dirent *e;
	struct stat st;

	if (!d)
		return;
	while ((e = readdir(d))) {
		/* a record, or one a killed start left half written */
		bool record = !strncmp(e->d_name, CONTENT_PREFIX, strlen(CONTENT_PREFIX));

		if ((!record && !rootfs_image_entry_name(e->d_name)) ||
		    fstatat(images, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    st.st_mtime >= oldest)
			continue;
		if (record && S_ISREG(st.st_mode))
			unlinkat(images, e->d_name, 0);
		else if (!record && S_ISDIR(st.st_mode))
			rootfs_image_remove_entry(images, e->d_name);
	}
	closedir(d);
}

/*
 * The entry's list: its users' paths, one a line.  A list that would pass
 * USERS_MAX stops growing; its last line is then "*" (many).
 */
#define USERS_MAX	4096

/* @entry's list (malloc'd, NUL-terminated), or NULL if it has none. */
static char *read_users(int images, const char *entry)
{
	char path[NAME_MAX + sizeof("/" USERS_NAME)], *buf = malloc(USERS_MAX + 1);
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", entry, USERS_NAME);
	fd = buf ? openat(images, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (fd >= 0) {
		n = read(fd, buf, USERS_MAX);
		close(fd);
	}
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static bool listed(const char *list, const char *line, size_t len)
{
	for (const char *p = list; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (!strncmp(p, line, len) && p[len] == '\n')
			return true;
	return false;
}

void rootfs_image_note_user(int entry, const char *rootfs)
{
	char line[PATH_MAX + 2], list[USERS_MAX + 1];
	size_t len = strlen(rootfs);
	int fd = openat(entry, USERS_NAME, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
			0600);
	ssize_t n = fd < 0 ? -1 : pread(fd, list, USERS_MAX, 0);

	if (n >= 0 && len <= PATH_MAX) {
		list[n] = '\0';
		snprintf(line, sizeof(line), "%s\n", rootfs);
		if (!listed(list, rootfs, len) && !listed(list, "*", 1)) {
			/* Two starts at once may both add it: a line twice is harmless. */
			if ((size_t)n + len + 1 + 2 > USERS_MAX)
				snprintf(line, sizeof(line), "*\n");
			if (write(fd, line, strlen(line)) < 0)
				n = -1;
		}
	}
	if (fd >= 0)
		close(fd);
}

/* Every line of @list is @rootfs. */
static bool only_user(const char *list, const char *rootfs, size_t len)
{
	bool any = false;

	for (const char *p = list; *p;) {
		const char *nl = strchr(p, '\n');

		if (!nl || (size_t)(nl - p) != len || strncmp(p, rootfs, len))
			return false;
		any = true;
		p = nl + 1;
	}
	return any;
}

void rootfs_image_supersede(int images, const char *self, const char *rootfs)
{
	size_t len = strlen(rootfs);
	DIR *d = images_stream(images);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *users;

		if (!rootfs_image_entry_name(e->d_name) || !strcmp(e->d_name, self))
			continue;
		users = read_users(images, e->d_name);
		if (users && only_user(users, rootfs, len))
			rootfs_image_remove_entry(images, e->d_name);
		free(users);
	}
	closedir(d);
}
