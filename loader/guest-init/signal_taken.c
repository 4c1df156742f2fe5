// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "signal_taken.h"

/* The hexadecimal mask after "\nNAME:" in text, or 0. */
static unsigned long long status_mask(const char *text, const char *name)
{
	char key[16];
	const char *line;

	snprintf(key, sizeof(key), "\n%s:", name);
	line = strstr(text, key);
	return line ? strtoull(line + strlen(key), NULL, 16) : 0;
}

bool signal_taken(pid_t pid, int sig)
{
	char path[32], text[4096];
	unsigned long long bit = 1ULL << (sig - 1);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return false;
	text[n] = '\0';
	return (status_mask(text, "SigBlk") | status_mask(text, "SigIgn") |
		status_mask(text, "SigCgt")) & bit;
}
