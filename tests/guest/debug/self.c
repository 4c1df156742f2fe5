/* SPDX-License-Identifier: GPL-2.0 */
/* Dies of signal argv[1] (default action); with argv[2], RLIMIT_CORE unlimited. */
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };
	int sig = argc > 1 ? atoi(argv[1]) : SIGQUIT;

	if (argc > 2)
		setrlimit(RLIMIT_CORE, &r);
	signal(sig, SIG_DFL);
	raise(sig);
	return 7;
}
