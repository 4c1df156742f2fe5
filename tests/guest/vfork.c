// SPDX-License-Identifier: GPL-2.0
/*
 * vfork and posix_spawn (CLONE_VM|CLONE_VFORK children that exec): the
 * child shares memory until it execs; after it execs another program
 * (/bin/busybox, present natively and in the rootfs) the parent's memory
 * must be exactly as before: its read-only segments still match its file.
 */
#include "guest_test.h"

#include <elf.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

static char zeros[65536];
static char pattern[8192] = { 1, 2, 3, 4, 5, 6, 7, 8, [8191] = 9 };

/* Bytes of our read-only PT_LOAD segments that differ from /proc/self/exe. */
static long text_diff(void)
{
	static char file[8 << 20];
	int fd = open("/proc/self/exe", O_RDONLY);
	ssize_t n, len = 0;
	Elf64_Ehdr *eh = (void *)file;
	Elf64_Phdr *ph;
	long diff = 0;

	if (fd < 0)
		return -1;
	while ((n = read(fd, file + len, sizeof(file) - len)) > 0)
		len += n;
	close(fd);
	ph = (void *)(file + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || (ph[i].p_flags & PF_W))
			continue;
		for (size_t j = 0; j < ph[i].p_filesz; j++)
			diff += ((volatile char *)ph[i].p_vaddr)[j] != file[ph[i].p_offset + j];
	}
	return diff;
}

static int data_intact(void)
{
	for (size_t i = 0; i < sizeof(zeros); i++)
		if (zeros[i])
			return 0;
	return pattern[0] == 1 && pattern[7] == 8 && pattern[8191] == 9 && pattern[100] == 0;
}

int main(int argc, char **argv)
{
	int status;
	pid_t pid;
	long d;

	if (argc > 1)
		return 7;	/* the posix_spawn'ed copy of ourselves */

	d = text_diff();
	checkf("read-only segments match the file at start", d == 0, "%ld bytes differ", d);

	/* vfork + _exit: shared memory, parent resumes after the child */
	{
		volatile int shared = 0;

		pid = vfork();
		if (pid == 0) {
			shared = 1;
			_exit(3);
		}
		waitpid(pid, &status, 0);
		check("vfork child shares memory and exits 3",
		      shared == 1 && WIFEXITED(status) && WEXITSTATUS(status) == 3);
	}

	/* vfork + exec of ourselves */
	pid = vfork();
	if (pid == 0) {
		char *args[] = { argv[0], "child", NULL };

		execve("/proc/self/exe", args, environ);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	check("vfork + execve of ourselves: status 7", WIFEXITED(status) && WEXITSTATUS(status) == 7);
	d = text_diff();
	checkf("parent's read-only segments intact after vfork + exec of itself", d == 0, "%ld bytes differ", d);

	/* vfork + exec of another program */
	pid = vfork();
	if (pid == 0) {
		execl("/bin/busybox", "busybox", "true", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	check("vfork + execve of /bin/busybox true: status 0", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	d = text_diff();
	checkf("parent's read-only segments intact after vfork + exec of another program", d == 0,
	       "%ld bytes differ", d);
	check("parent's data and bss intact after vfork + exec", data_intact());

	/* posix_spawn (CLONE_VM|CLONE_VFORK in both libcs) of ourselves */
	{
		char *args[] = { argv[0], "child", NULL };

		check("posix_spawn of ourselves", posix_spawn(&pid, "/proc/self/exe", NULL, NULL, args, environ) == 0);
		waitpid(pid, &status, 0);
		checkf("posix_spawn child exits 7", WIFEXITED(status) && WEXITSTATUS(status) == 7,
		       "%s %d", WIFEXITED(status) ? "exit" : "signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		d = text_diff();
		checkf("parent's read-only segments intact after posix_spawn", d == 0, "%ld bytes differ", d);
	}
	{
		char *args[] = { "busybox", "true", NULL };

		check("posix_spawn of /bin/busybox true",
		      posix_spawn(&pid, "/bin/busybox", NULL, NULL, args, environ) == 0);
		waitpid(pid, &status, 0);
		check("posix_spawn of busybox exits 0", WIFEXITED(status) && WEXITSTATUS(status) == 0);
		d = text_diff();
		checkf("parent's read-only segments intact after posix_spawn of another program", d == 0,
		       "%ld bytes differ", d);
	}
	return gt_done();
}
