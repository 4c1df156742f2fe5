// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "workdir.h"

/* mkdir -p; errors surface in the chdir that follows. */
static void make_parents(const char *path)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return;
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return;
			*p = saved;
			if (!saved)
				return;
		}
	}
}

bool workdir_enter(const char *path)
{
	if (chdir(path) == 0)
		return true;
	if (errno == ENOENT) {
		make_parents(path);
		if (chdir(path) == 0)
			return true;
	}
	fprintf(stderr, "xlibos: workdir '%s': %s\n", path, strerror(errno));
	return false;
}
