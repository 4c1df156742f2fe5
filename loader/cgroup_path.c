// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_path.h"

bool cgroup_path_ok(const char *path)
{
	size_t len = strlen(path);

	if (path[0] != '/' || len < 2 || len > CGROUP_PATH_MAX)
		return false;
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			return false;
	for (const char *c = path + 1;; c++) {
		const char *end = strchrnul(c, '/');
		size_t n = (size_t)(end - c);

		if (!n || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!*end)
			return true;
		c = end;
	}
}

/*
 * rmdir, again while it is busy (a second at most); true if it is gone.
 * The first tries are 1 ms apart: the supervisor's teardown child
 * (teardown_child.h) is in the cgroup for a few ms after the supervisor.
 */
static bool remove_when_empty(const char *dir)
{
	const struct timespec soon = { 0, 1000 * 1000 }, tick = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 110; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return true;
		if (errno != EBUSY)
			return false;
		nanosleep(i < 10 ? &soon : &tick, NULL);
	}
	return false;
}

bool cgroup_path_remove(const char *path)
{
	static const char *const v1[] = CGROUP_V1_GIVEN;
	char dir[PATH_MAX];
	bool ok = true;

	if (!cgroup_path_ok(path))
		return false;
	for (int i = 0; v1[i]; i++) {
		snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s%s", v1[i], path);
		if (!remove_when_empty(dir))
			ok = false;
	}
	snprintf(dir, sizeof(dir), "/sys/fs/cgroup%s", path);
	/* v2's; on a v1 host the same name under the tmpfs is not a cgroup: left. */
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 && !remove_when_empty(dir))
		ok = false;
	return ok;
}
