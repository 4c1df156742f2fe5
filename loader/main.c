// SPDX-License-Identifier: GPL-2.0
/*
 * xlibos: host-side loader for the xlibos LibOS kernel.
 * Dispatches the sub-command; see usage.c for the interface.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "diag.h"
#include "mkdisk.h"
#include "run.h"
#include "usage.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		diag_error("missing command");
		diag_try_help();
		return LOADER_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage_print(stdout);
		return LOADER_EXIT_OK;
	}
	if (strcmp(argv[1], "boot") == 0)
		return boot_command(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") == 0) {
		int status = run_command(argc - 1, argv + 1);

		/*
		 * The container's parent waits for us: no library destructors
		 * (about 0.5 ms); nothing of ours is left to flush but stdio.
		 */
		fflush(NULL);
		_exit(status);
	}
	if (strcmp(argv[1], "mkdisk") == 0)
		return mkdisk_command(argc - 1, argv + 1);

	if (argv[1][0] == '-')
		diag_error("unknown option '%s'", argv[1]);
	else
		diag_error("unknown command '%s'", argv[1]);
	diag_try_help();
	return LOADER_EXIT_USAGE;
}
