// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "text_file.h"

bool text_file_write(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	ssize_t len = (ssize_t)strlen(text);
	int fd, err;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	ok = write(fd, text, (size_t)len) == len;
	err = errno;
	close(fd);
	errno = err;
	return ok;
}
