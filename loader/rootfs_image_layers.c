// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs_image_layers.h"

/* mountinfo's octal escapes (\040 for a space ...) undone in place; false if malformed. */
static bool unescape(char *s)
{
	char *out = s;

	while (*s) {
		if (*s != '\\') {
			*out++ = *s++;
			continue;
		}
		if (s[1] < '0' || s[1] > '3' || s[2] < '0' || s[2] > '7' ||
		    s[3] < '0' || s[3] > '7')
			return false;
		*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
		s += 4;
	}
	*out = '\0';
	return true;
}

/* The line of mount @id in /proc/self/mountinfo (malloc'd), or NULL. */
static char *mount_line(unsigned long long id)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	unsigned long long got;

	if (!f)
		return NULL;
	while (getline(&line, &cap, f) > 0)
		if (sscanf(line, "%llu ", &got) == 1 && got == id) {
			fclose(f);
			line[strcspn(line, "\n")] = '\0';
			return line;
		}
	fclose(f);
	free(line);
	return NULL;
}

static bool add_layer(struct rootfs_layers *l, const char *path)
{
	struct stat st;
	int fd;

	if (path[0] != '/' || l->n > ROOTFS_LAYERS_MAX)
		return false;
	/* the mount's own paths, chosen by whoever could mount it: symlinks followed */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return false;
	}
	l->fds[l->n++] = fd;
	return true;
}

/* lowerdir's value: absolute paths separated by ':' (no data-only "::" layers). */
static bool add_lowers(struct rootfs_layers *l, char *value)
{
	char *save = NULL, *p;

	if (!*value || strstr(value, "::") || value[strlen(value) - 1] == ':')
		return false;
	for (p = strtok_r(value, ":", &save); p; p = strtok_r(NULL, ":", &save))
		if (!add_layer(l, p))
			return false;
	return true;
}

/*
 * The super options: the layers out of them, the rest kept for the key
 * (they decide what the layers show).  Anything escaped or new (a path
 * with a ':' or a ',', lowerdir+, datadir+): false.
 */
static bool parse_options(struct rootfs_layers *l, char *opts, char **upper, char **lower)
{
	size_t len = strlen(opts) + 2;	/* each option kept is followed by a ',' */
	char *save = NULL, *o;

	if (strchr(opts, '\\') || !(l->options = calloc(1, len)))
		return false;
	for (o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');
		size_t key = eq ? (size_t)(eq - o) : strlen(o);

		if (key == 8 && !strncmp(o, "lowerdir", 8)) {
			*lower = eq + 1;
		} else if (key == 8 && !strncmp(o, "upperdir", 8)) {
			*upper = eq + 1;
		} else if (key == 7 && !strncmp(o, "workdir", 7)) {
			continue;
		} else if (strchr(o, '+')) {
			return false;
		} else {
			strcat(l->options, o);
			strcat(l->options, ",");
		}
	}
	return *lower != NULL;
}

bool rootfs_layers_open(int rootfd, struct rootfs_layers *out)
{
	char *line, *f[6], *save = NULL, *sep, *upper = NULL, *lower = NULL;
	struct statx x;
	struct stat root, top;
	bool ok = false;
	int i;

	*out = (struct rootfs_layers){ .n = 0 };
	if (statx(rootfd, "", AT_EMPTY_PATH, STATX_MNT_ID, &x) != 0 ||
	    !(x.stx_mask & STATX_MNT_ID) || !(line = mount_line(x.stx_mnt_id)))
		return false;
	/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER */
	sep = strstr(line, " - ");
	if (!sep)
		goto out;
	*sep = '\0';
	for (i = 0; i < 6; i++)
		if (!(f[i] = strtok_r(i ? NULL : line, " ", &save)))
			goto out;
	if (strcmp(f[3], "/") || !unescape(f[4]) || strncmp(sep + 3, "overlay ", 8))
		goto out;
	/* @rootfd is the mount's top, not a directory inside it */
	if (fstat(rootfd, &root) != 0 || stat(f[4], &top) != 0 || root.st_dev != top.st_dev ||
	    root.st_ino != top.st_ino)
		goto out;
	sep = strrchr(sep + 3, ' ');
	if (!sep || !parse_options(out, sep + 1, &upper, &lower))
		goto out;
	out->has_upper = upper != NULL;
	ok = (!upper || add_layer(out, upper)) && add_lowers(out, lower);
out:
	free(line);
	if (!ok)
		rootfs_layers_close(out);
	return ok;
}

void rootfs_layers_close(struct rootfs_layers *layers)
{
	for (size_t i = 0; i < layers->n; i++)
		close(layers->fds[i]);
	free(layers->options);
	*layers = (struct rootfs_layers){ .n = 0 };
}
