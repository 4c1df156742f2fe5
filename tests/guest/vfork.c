// SPDX-License-Identifier: GPL-2.0
/*
 * vfork and posix_spawn (CLONE_VM|CLONE_VFORK children that exec): the
 * child shares memory until it execs; after it execs another program
 * (/bin/busybox, present natively and in the rootfs) the parent's memory
 * must be exactly as before: its read-only segments are as they were at
 * start and its writable segment (data and bss) is unchanged.
 * usage: vfork [OTHER]: OTHER (default /bin/busybox) is exec'ed as
 * "OTHER true" and must exit 0; natively any "true" will do.
 */
#include "guest_test.h"

#include <elf.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>

extern char **environ;

static char zeros[65536];
static char pattern[8192] = { 1, 2, 3, 4, 5, 6, 7, 8, [8191] = 9 };

/*
 * Our read-only PT_LOAD segments, and a copy taken at start.  Not the
 * file: under xlibos, abcom may rewrite system call sites in our private
 * copy of the code, at load time or when one first traps.  A rewritten
 * site starts with `ff 24 25` (jmp *abs32) and is 7 bytes long; changes
 * of that shape are abcom's and not counted, anything else is.
 */
static struct { unsigned char *addr, *copy; size_t len; } ro[8];
static int n_ro;

/* Our program headers, from /proc/self/exe (*n of them), or NULL. */
static const Elf64_Phdr *program_headers(int *n)
{
	static char hdr[4096];
	int fd = open("/proc/self/exe", O_RDONLY);
	const Elf64_Ehdr *eh = (void *)hdr;
	ssize_t got = fd < 0 ? -1 : read(fd, hdr, sizeof(hdr));

	if (fd >= 0)
		close(fd);
	if (got != sizeof(hdr))
		return NULL;
	*n = eh->e_phnum;
	return (const void *)(hdr + eh->e_phoff);
}

static void find_ro(void)
{
	int n;
	const Elf64_Phdr *ph = program_headers(&n);

	for (int i = 0; ph && i < n && n_ro < 8; i++) {
		if (ph[i].p_type != PT_LOAD || (ph[i].p_flags & PF_W))
			continue;
		ro[n_ro].addr = (unsigned char *)ph[i].p_vaddr;
		ro[n_ro].len = ph[i].p_filesz;
		ro[n_ro].copy = mmap(NULL, ph[i].p_filesz, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memcpy(ro[n_ro].copy, ro[n_ro].addr, ro[n_ro].len);
		n_ro++;
	}
}

/* Bytes of the read-only segments that changed, other than rewritten sites. */
static long text_diff(void)
{
	long diff = 0;

	for (int i = 0; i < n_ro; i++) {
		const volatile unsigned char *now = ro[i].addr;
		const unsigned char *was = ro[i].copy;

		for (size_t j = 0; j < ro[i].len; j++) {
			if (now[j] == was[j])
				continue;
			if (j + 7 <= ro[i].len && now[j] == 0xff &&
			    now[j + 1] == 0x24 && now[j + 2] == 0x25) {
				j += 6;		/* a site rewritten since */
				continue;
			}
			diff++;
		}
	}
	return diff;
}

/* The writable PT_LOAD segment (data + bss), and a snapshot of it. */
static unsigned char *rw_start, *rw_copy;
static size_t rw_len;

static void find_rw(void)
{
	int n;
	const Elf64_Phdr *ph = program_headers(&n);

	if (!ph)
		return;
	for (int i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_W)) {
			rw_start = (unsigned char *)ph[i].p_vaddr;
			rw_len = ph[i].p_memsz;
		}
	rw_copy = mmap(NULL, rw_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void snapshot(void)
{
	memcpy(rw_copy, rw_start, rw_len);
}

/* Pages of the writable segment that differ from the snapshot. */
static long rw_pages_changed(void)
{
	long pages = 0;

	for (size_t off = 0; off < rw_len; off += 4096) {
		size_t len = rw_len - off < 4096 ? rw_len - off : 4096;

		pages += memcmp(rw_start + off, rw_copy + off, len) != 0;
	}
	return pages;
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

	const char *other = argc > 1 ? argv[1] : "/bin/busybox";

	if (argc > 1 && !strcmp(argv[1], "child"))
		return 7;	/* the exec'ed copy of ourselves */

	find_ro();
	check("found the read-only segments", n_ro > 0);
	find_rw();
	check("found the writable segment", rw_start && rw_len && rw_copy != MAP_FAILED);

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
	snapshot();
	pid = vfork();
	if (pid == 0) {
		char *args[] = { argv[0], "child", NULL };

		execve("/proc/self/exe", args, environ);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	d = rw_pages_changed();
	check("vfork + execve of ourselves: status 7", WIFEXITED(status) && WEXITSTATUS(status) == 7);
	checkf("parent's data and bss unchanged by vfork + exec of itself", d == 0, "%ld pages changed", d);
	d = text_diff();
	checkf("parent's read-only segments intact after vfork + exec of itself", d == 0, "%ld bytes differ", d);

	/* vfork + exec of another program */
	snapshot();
	pid = vfork();
	if (pid == 0) {
		execl(other, other, "true", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	d = rw_pages_changed();
	check("vfork + execve of another program (busybox true): status 0",
	      WIFEXITED(status) && WEXITSTATUS(status) == 0);
	checkf("parent's data and bss unchanged by vfork + exec of another program", d == 0,
	       "%ld pages changed", d);
	d = text_diff();
	checkf("parent's read-only segments intact after vfork + exec of another program", d == 0,
	       "%ld bytes differ", d);
	check("parent's data and bss intact after vfork + exec", data_intact());

	/* posix_spawn (CLONE_VM|CLONE_VFORK in both libcs) of ourselves */
	{
		char *args[] = { argv[0], "child", NULL };

		int rc;

		snapshot();
		rc = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, args, environ);
		waitpid(pid, &status, 0);
		d = rw_pages_changed();
		check("posix_spawn of ourselves", rc == 0);
		checkf("parent's data and bss unchanged by posix_spawn", d == 0, "%ld pages changed", d);
		checkf("posix_spawn child exits 7", WIFEXITED(status) && WEXITSTATUS(status) == 7,
		       "%s %d", WIFEXITED(status) ? "exit" : "signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		d = text_diff();
		checkf("parent's read-only segments intact after posix_spawn", d == 0, "%ld bytes differ", d);
	}
	{
		char *args[] = { (char *)other, "true", NULL };

		int rc;

		snapshot();
		rc = posix_spawn(&pid, other, NULL, NULL, args, environ);
		waitpid(pid, &status, 0);
		d = rw_pages_changed();
		check("posix_spawn of another program (busybox true)", rc == 0);
		checkf("parent's data and bss unchanged by posix_spawn of another program", d == 0,
		       "%ld pages changed", d);
		check("posix_spawn of busybox exits 0", WIFEXITED(status) && WEXITSTATUS(status) == 0);
		d = text_diff();
		checkf("parent's read-only segments intact after posix_spawn of another program", d == 0,
		       "%ld bytes differ", d);
	}
	return gt_done();
}
