// SPDX-License-Identifier: GPL-2.0
/*
 * Fork bomb (bounded): fork children that wait forever until fork fails,
 * then say how far it got.  The container's host task limit must stop it.
 * usage: forkbomb MAX
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long max = argc > 1 ? atol(argv[1]) : 100000, n;

	for (n = 0; n < max; n++) {
		pid_t pid = fork();

		if (pid == 0) {
			for (;;)
				pause();
		}
		if (pid < 0) {
			int err = errno;

			printf("fork refused after %ld children: %s\n", n, strerror(err));
			/* Stay a moment at the limit, for the host to see the peak. */
			fflush(stdout);
			sleep(1);
			return err == EAGAIN ? 0 : 1;
		}
	}
	printf("no limit: %ld children\n", n);
	return 2;
}
