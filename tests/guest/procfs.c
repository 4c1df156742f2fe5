// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/self: maps is readable and has [stack] and the program's own path
 * (or at least an r-xp line), status has a Name: line; plus exe, cmdline,
 * fd and stat.  Only facts are printed, never the contents.
 */
#include "guest_test.h"

#include <fcntl.h>
#include <limits.h>

static char buf[1 << 20];

static ssize_t slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + total, sizeof(buf) - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = 0;
	return n < 0 ? -1 : total;
}

int main(int argc, char **argv)
{
	char exe[PATH_MAX];
	ssize_t n, len;
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	(void)argc;
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	check("readlink /proc/self/exe", len > 0);
	exe[len > 0 ? len : 0] = 0;
	check("/proc/self/exe ends with the program's name",
	      len > 0 && strrchr(exe, '/') && !strcmp(strrchr(exe, '/') + 1, base));

	n = slurp("/proc/self/maps");
	check("/proc/self/maps readable", n > 0);
	check("maps has a [stack] line", strstr(buf, "[stack]") != NULL);
	check("maps has the program's path or an r-xp line",
	      (len > 0 && strstr(buf, exe)) || strstr(buf, " r-xp "));
	check("maps has an r-xp line", strstr(buf, " r-xp ") != NULL);
	check("maps lines end with a newline", n > 0 && buf[n - 1] == '\n');
	{
		void *heap = malloc(1 << 20);	/* mmap'd by both libcs */
		char addr[32];

		snprintf(addr, sizeof(addr), "\n%lx-", (unsigned long)heap & ~4095UL);
		n = slurp("/proc/self/maps");
		check("a new mapping shows up in maps", n > 0 && strstr(buf, addr) != NULL);
		free(heap);
	}

	n = slurp("/proc/self/status");
	check("/proc/self/status readable", n > 0);
	check("status has a Name: line", !strncmp(buf, "Name:", 5) || strstr(buf, "\nName:"));
	{
		char want[64];

		snprintf(want, sizeof(want), "Name:\t%.15s\n", base);
		check("status Name: is the program's name", strstr(buf, want) != NULL);
	}
	{
		char want[64];

		snprintf(want, sizeof(want), "\nPid:\t%d\n", getpid());
		check("status Pid: is getpid()", strstr(buf, want) != NULL);
	}

	n = slurp("/proc/self/cmdline");
	check("/proc/self/cmdline is argv[0] NUL", n == (ssize_t)strlen(argv[0]) + 1 && !strcmp(buf, argv[0]));

	n = slurp("/proc/self/stat");
	{
		char want[64];

		snprintf(want, sizeof(want), "%d (%.15s) R ", getpid(), base);
		check("/proc/self/stat starts with pid (comm) R", n > 0 && !strncmp(buf, want, strlen(want)));
	}

	{
		int fd = open("/proc/self/maps", O_RDONLY);
		char link[64], target[PATH_MAX];

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n >= 0)
			target[n] = 0;
		check("/proc/self/fd/N names the open file", n > 0 && strstr(target, "/maps"));
		close(fd);
	}
	n = slurp("/proc/meminfo");
	check("/proc/meminfo has MemTotal:", n > 0 && !strncmp(buf, "MemTotal:", 9));
	n = slurp("/proc/cpuinfo");
	check("/proc/cpuinfo readable", n >= 0);
	return gt_done();
}
