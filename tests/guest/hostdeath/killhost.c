// SPDX-License-Identifier: GPL-2.0
/*
 * killhost ADDR HOW: ends a host process of its own container through
 * the LibOS's host system call function at ADDR (xlibos_host_syscall, from
 * the image's symbols), as a host OOM kill or a crash would:
 *   self-kill    SIGKILL to its own host process (it holds the vCPU)
 *   self-exit    a host exit_group of its own host process
 *   child-kill   SIGKILL to the host process of a child that sleeps
 * The container must end at once with an error, never hang.  Natively
 * there is no such function: it says so and exits 2.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

typedef long (*host_call)(long nr, long a1, long a2, long a3, long a4,
			  long a5, long a6);

int main(int argc, char **argv)
{
	host_call hc;
	int fds[2];
	long pid;

	if (argc != 3) {
		fprintf(stderr, "usage: killhost ADDR self-kill|self-exit|child-kill\n");
		return 2;
	}
	hc = (host_call)strtoul(argv[1], NULL, 0);
	if (access("/proc/xlibos", F_OK) != 0) {
		fprintf(stderr, "killhost: not in xlibos\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(argv[2], "self-kill") == 0) {
		printf("killing my host process\n");
		pid = hc(SYS_getpid, 0, 0, 0, 0, 0, 0);
		hc(SYS_kill, pid, SIGKILL, 0, 0, 0, 0);
	} else if (strcmp(argv[2], "self-exit") == 0) {
		printf("ending my host process\n");
		hc(SYS_exit_group, 0, 0, 0, 0, 0, 0);
	} else if (strcmp(argv[2], "child-kill") == 0) {
		if (pipe(fds))
			return 2;
		if (fork() == 0) {
			pid = hc(SYS_getpid, 0, 0, 0, 0, 0, 0);
			write(fds[1], &pid, sizeof(pid));
			for (;;)
				pause();
		}
		if (read(fds[0], &pid, sizeof(pid)) != sizeof(pid))
			return 2;
		printf("killing my child's host process\n");
		hc(SYS_kill, pid, SIGKILL, 0, 0, 0, 0);
		wait(NULL);
	} else {
		return 2;
	}
	printf("still running\n");
	return 0;
}
