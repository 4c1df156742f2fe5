// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "std_fds.h"

static const struct {
	const char *path;
	int flags;
} host_fds[] = {
	{ "/dev/xlibos-fd0", O_RDONLY },
	{ "/dev/xlibos-fd1", O_WRONLY },
	{ "/dev/xlibos-fd2", O_WRONLY },
};

/* Open path as fd number target; -1 if it cannot be opened. */
static int open_as(const char *path, int flags, int target)
{
	int fd = open(path, flags | O_NOCTTY);

	if (fd < 0)
		return -1;
	if (fd != target) {
		if (dup2(fd, target) < 0) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	return target;
}

static void bind_host_fds(void)
{
	struct stat st;

	/* All three or none: mixing host and console streams would confuse. */
	for (int i = 0; i < 3; i++)
		if (stat(host_fds[i].path, &st) != 0 || !S_ISCHR(st.st_mode))
			return;
	for (int i = 0; i < 3; i++)
		if (open_as(host_fds[i].path, host_fds[i].flags, i) < 0)
			fprintf(stderr, "xlibos: warning: cannot open %s: %s\n",
				host_fds[i].path, strerror(errno));
}

void std_fds_setup(void)
{
	bind_host_fds();
	for (int i = 0; i < 3; i++) {
		if (fcntl(i, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* No console either: keep output in the kernel log rather than lose it. */
		if (i == 0 || open_as("/dev/kmsg", O_WRONLY, i) < 0)
			open_as("/dev/null", i == 0 ? O_RDONLY : O_WRONLY, i);
	}
}
