// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "run_status.h"
#include "shutdown.h"

static void report_status(int status)
{
	char text[16];
	int len = snprintf(text, sizeof(text), "%d\n", status);
	int fd = open(XLIBOS_EXIT_STATUS_FILE, O_WRONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno != ENOENT)
			fprintf(stderr, "xlibos: warning: cannot report the exit status: %s: %s\n",
				XLIBOS_EXIT_STATUS_FILE, strerror(errno));
		return;
	}
	if (write(fd, text, (size_t)len) != len)
		fprintf(stderr, "xlibos: warning: cannot report the exit status: %s: %s\n",
			XLIBOS_EXIT_STATUS_FILE, strerror(errno));
	close(fd);
}

noreturn void shutdown_with_status(int status)
{
	report_status(status);
	/*
	 * Only PID 1 powers off.  Run by hand as root in the host's own PID
	 * namespace, reboot() would switch off the host.
	 */
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	_exit(status);
}
