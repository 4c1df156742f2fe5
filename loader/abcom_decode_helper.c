// SPDX-License-Identifier: GPL-2.0
/*
 * The sandboxed decoding helper: one child process per file decoded.
 *
 * The file is already in the loader's memory, so the child inherits it and
 * needs no file access at all.  Before it looks at a byte it closes every
 * descriptor but the reply pipe, drops root (to nobody) where it has it,
 * caps its CPU time, address space, file size and core dumps, maps the
 * arena all its allocations come from, and enters seccomp strict mode (or,
 * under a seccomp filter already, a filter allowing the same four calls):
 * from then on a write to the pipe and exit are all it can do, whatever
 * a hostile file makes Capstone or abcom do.  The parent waits for the
 * reply at most a wall-clock timeout, then kills the child; it trusts
 * nothing of the reply but its framing (the caller checks the sites
 * against the file).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "abcom_decode_helper.h"
#include "capstone_lazy.h"
#include "fd_io.h"
#include "abcom_helper_arena.h"

#define REPLY_MAGIC	0x50524158U	/* "XARP" */
#define REPLY_FD	3
#define NOBODY		65534
/* Beside what the loader already maps: the arena and the stack. */
#define ARENA_BASE	(64UL << 20)
#define ARENA_PER_BYTE	48UL
#define STACK_ROOM	(16UL << 20)

struct reply_hdr {
	uint32_t magic;
	int32_t err;
	uint64_t n_sites;
};

/* The raw exit system call: glibc's _exit is exit_group, which strict mode kills. */
static __attribute__((noreturn)) void strict_exit(int status)
{
	for (;;)
		syscall(SYS_exit, status);
}

/* Pages mapped now, from /proc (before the sandbox, while files open). */
static size_t mapped_bytes(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return pages * (size_t)sysconf(_SC_PAGESIZE);
}

static bool set_limit(int resource, rlim_t value)
{
	struct rlimit rl = { value, value };

	return setrlimit(resource, &rl) == 0;
}

/*
 * Strict mode's four calls as a filter, for a loader that already runs
 * under a seccomp filter (in a Docker container, say), where strict mode
 * cannot be entered; filters stack, so this one still holds.
 */
static bool enter_strict_filter(void)
{
	static struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_read, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_write, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rt_sigreturn, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(insns) / sizeof(insns[0]), insns };

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

/* Everything between fork and the first byte of the file. */
static bool enter_sandbox(pid_t parent, int reply_fd, size_t size,
			  unsigned int cpu_seconds)
{
	size_t arena = ARENA_BASE + ARENA_PER_BYTE * size;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		return false;
	if (dup2(reply_fd, REPLY_FD) != REPLY_FD ||
	    close_range(REPLY_FD + 1, ~0U, 0) || close_range(0, REPLY_FD - 1, 0))
		return false;
	if (!helper_arena_setup(arena))
		return false;
	if (!set_limit(RLIMIT_CORE, 0) || !set_limit(RLIMIT_FSIZE, 0) ||
	    !set_limit(RLIMIT_CPU, cpu_seconds) ||
	    !set_limit(RLIMIT_AS, mapped_bytes() + STACK_ROOM))
		return false;
	if (geteuid() == 0 &&
	    (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	     setresuid(NOBODY, NOBODY, NOBODY)))
		return false;
	if (prctl(PR_SET_DUMPABLE, 0) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return false;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) == 0 ||
	       (errno == EINVAL && enter_strict_filter());
}

static __attribute__((noreturn)) void helper_main(pid_t parent, int reply_fd,
						  const uint8_t *file, size_t size,
						  unsigned int cpu_seconds)
{
	struct reply_hdr hdr = { .magic = REPLY_MAGIC };
	struct abcom_site *sites = NULL;
	size_t n = 0;

	if (!enter_sandbox(parent, reply_fd, size, cpu_seconds))
		strict_exit(2);
	/* sandboxed from here on: read, write, exit */
	hdr.err = abcom_scan_elf_image(file, size, &sites, &n);
	hdr.n_sites = hdr.err == ABCOM_OK ? n : 0;
	if (!fd_write_all(REPLY_FD, &hdr, sizeof(hdr)) ||
	    !fd_write_all(REPLY_FD, sites, hdr.n_sites * sizeof(*sites)))
		strict_exit(3);
	strict_exit(0);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* One read() once fd is readable, before the deadline: its result, or -2 at the deadline. */
static ssize_t read_some(int fd, void *p, size_t len, long long deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return -2;
		if (poll(&pfd, 1, (int)(left > 60000 ? 60000 : left)) < 0 && errno != EINTR)
			return -1;
		if (!pfd.revents)
			continue;
		n = read(fd, p, len);
		if (n >= 0 || errno != EINTR)
			return n;
	}
}

/* Exactly len bytes before the deadline. */
static enum helper_outcome read_by(int fd, void *p, size_t len, long long deadline)
{
	while (len) {
		ssize_t n = read_some(fd, p, len, deadline);

		if (n == -2)
			return HELPER_TIMEOUT;
		if (n <= 0)
			return HELPER_FAILED;
		p = (uint8_t *)p + n;
		len -= (size_t)n;
	}
	return HELPER_DECODED;
}

/* The reply: a header, its sites, then nothing (EOF). */
static enum helper_outcome read_reply(int fd, size_t size, long long deadline,
				      int *err, struct abcom_site **sites, size_t *n)
{
	struct reply_hdr hdr;
	enum helper_outcome o = read_by(fd, &hdr, sizeof(hdr), deadline);
	uint8_t extra;

	if (o != HELPER_DECODED)
		return o;
	/* each site is a different syscall of at least 2 bytes of the file */
	if (hdr.magic != REPLY_MAGIC || hdr.err > 0 || hdr.err < ABCOM_ELIMIT ||
	    (hdr.err != ABCOM_OK && hdr.n_sites) || hdr.n_sites > size / 2)
		return HELPER_FAILED;
	if (hdr.n_sites) {
		*sites = malloc(hdr.n_sites * sizeof(**sites));
		if (!*sites)
			return HELPER_FAILED;
		o = read_by(fd, *sites, hdr.n_sites * sizeof(**sites), deadline);
		if (o != HELPER_DECODED)
			return o;
	}
	switch (read_some(fd, &extra, 1, deadline)) {
	case 0:
		break;		/* EOF: all it said */
	case -2:
		return HELPER_TIMEOUT;
	default:
		return HELPER_FAILED;	/* more than it announced */
	}
	*err = hdr.err;
	*n = hdr.n_sites;
	return HELPER_DECODED;
}

static int compare_longs(const void *a, const void *b)
{
	return (*(const long *)a > *(const long *)b) - (*(const long *)a < *(const long *)b);
}

/*
 * Capstone sorts some of its tables with qsort() on first use, and
 * glibc's qsort asks sysinfo() for the machine's memory once (cached in a
 * static) when it sorts more than 1 KiB: strict mode would kill the
 * helper for it (seen on most glibc static programs).  Ask here, in the
 * loader, so the forked helper inherits the answer.
 */
static void prime_qsort(void)
{
	static bool primed;
	long v[256];

	if (primed)
		return;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		v[i] = (long)(i * 7919 % 256);
	qsort(v, sizeof(v) / sizeof(v[0]), sizeof(v[0]), compare_longs);
	primed = true;
}

enum helper_outcome abcom_decode_in_helper(const uint8_t *file, size_t size,
					   unsigned int timeout_ms, int *err,
					   struct abcom_site **sites, size_t *n)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	long long deadline = now_ms() + timeout_ms;
	pid_t parent = getpid(), pid, w;
	enum helper_outcome o;
	int pipefd[2], status;

	*sites = NULL;
	*n = 0;
	*err = ABCOM_EINVAL;
	/* the child cannot open a library once sandboxed: it inherits this */
	if (!capstone_load())
		return HELPER_FAILED;
	prime_qsort();
	if (pipe2(pipefd, O_CLOEXEC))
		return HELPER_FAILED;
	/* an inherited SIG_IGN would reap the child before we see its status */
	sigaction(SIGCHLD, &dfl, &old);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		helper_main(parent, pipefd[1], file, size, timeout_ms / 1000 + 1);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		sigaction(SIGCHLD, &old, NULL);
		return HELPER_FAILED;
	}
	o = read_reply(pipefd[0], size, deadline, err, sites, n);
	close(pipefd[0]);
	if (o != HELPER_DECODED)
		kill(pid, SIGKILL);
	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	sigaction(SIGCHLD, &old, NULL);
	/* a reply is only good from a child that finished it and exited 0 */
	if (o == HELPER_DECODED &&
	    (w != pid || !WIFEXITED(status) || WEXITSTATUS(status)))
		o = HELPER_FAILED;
	if (o != HELPER_DECODED) {
		free(*sites);
		*sites = NULL;
		*n = 0;
	}
	return o;
}
