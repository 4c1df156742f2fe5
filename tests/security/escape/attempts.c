// SPDX-License-Identifier: GPL-2.0
/*
 * Attempts on the host.  Host system call numbers and structures are
 * spelled out here (x86-64 ABI): the program must not depend on the
 * libc's or the kernel headers' idea of them.  Every argument a host call
 * reads lives in touched, writable guest memory, so that it is mapped in
 * the host process when the host kernel reads it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "attempts.h"

enum {
	NR_read = 0, NR_write = 1, NR_pwrite64 = 18, NR_socket = 41,
	NR_connect = 42, NR_clone = 56, NR_execve = 59, NR_kill = 62,
	NR_ptrace = 101, NR_mount = 165, NR_openat = 257, NR_unshare = 272,
	NR_perf_event_open = 298, NR_setns = 308, NR_process_vm_writev = 311,
	NR_memfd_create = 319, NR_bpf = 321, NR_execveat = 322,
	NR_userfaultfd = 323, NR_io_uring_setup = 425, NR_exit_group = 231,
};

#define AT_FDCWD_	(-100L)
#define O_WRONLY_	01L
#define O_RDWR_		02L
#define O_CREAT_	0100L
#define O_EXCL_		0200L
#define O_CLOEXEC_	02000000L
#define AT_EMPTY_PATH_	0x1000L
#define SIGKILL_	9L
#define SIGURG_		23L
#define SIGCHLD_	17L
#define PTRACE_ATTACH_	16L
#define CLONE_NEWNS_	0x00020000L
#define CLONE_NEWUTS_	0x04000000L
#define CLONE_NEWIPC_	0x08000000L
#define CLONE_NEWUSER_	0x10000000L
#define CLONE_NEWNET_	0x40000000L

struct iovec_ {
	unsigned long base, len;
};

/* Everything a host call reads or writes. */
static struct {
	char path[512], path2[512], text[512], buf[512];
	char *argv[8];
	unsigned char attr[256];
	unsigned char sa[16];
	struct iovec_ local, remote;
	unsigned long child_stack[2048] __attribute__((aligned(16)));
} s;

static const struct door *door;
static const struct bait *bait;

static long hc(const char *name, long nr, long a1, long a2, long a3, long a4,
	       long a5, long a6)
{
	long r = door_call(door, nr, a1, a2, a3, a4, a5, a6);

	if (door_fault_signal)
		printf("host %s = %ld (came back by signal %d)\n", name, r,
		       door_fault_signal);
	else
		printf("host %s = %ld\n", name, r);
	return r;
}

#define HC(name, ...) hc(#name, NR_##name, __VA_ARGS__)

static int ok(long r)
{
	return r >= 0 || r < -4095;
}

/* A string argument, copied into touched memory. */
static long str(char *dst, const char *fmt, const char *arg)
{
	snprintf(dst, sizeof(s.path), fmt, arg);
	return (long)dst;
}

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static int try_read(void)
{
	long fd = HC(openat, AT_FDCWD_, str(s.path, "%s/secret", bait->dir), 0, 0, 0, 0);
	long n;

	if (!ok(fd))
		return REFUSED;
	n = HC(read, fd, (long)s.buf, sizeof(s.buf) - 1, 0, 0, 0);
	if (n > 0 && n < (long)sizeof(s.buf))
		printf("read from the host: %.*s\n", (int)n, s.buf);
	return ESCAPED;
}

static int try_create(void)
{
	long fd;

	snprintf(s.path, sizeof(s.path), "%s/created-%s", bait->dir, bait->tag);
	fd = HC(openat, AT_FDCWD_, (long)s.path, O_WRONLY_ | O_CREAT_ | O_EXCL_, 0644, 0, 0);
	if (!ok(fd))
		return REFUSED;
	strcpy(s.text, "escaped\n");
	HC(write, fd, (long)s.text, 8, 0, 0, 0);
	return ESCAPED;
}

static int try_execve(void)
{
	str(s.text, "echo escaped > %s/exec-marker", bait->dir);
	s.argv[0] = strcpy(s.path, "/bin/sh");
	s.argv[1] = strcpy(s.path2, "-c");
	s.argv[2] = s.text;
	s.argv[3] = NULL;
	/* Returns only if refused. */
	HC(execve, (long)s.path, (long)s.argv, 0, 0, 0, 0);
	return REFUSED;
}

static int try_connect(void)
{
	long fd = HC(socket, 2 /* AF_INET */, 1 /* SOCK_STREAM */, 0, 0, 0, 0);

	if (!ok(fd))
		return REFUSED;
	s.sa[0] = 2;				/* sin_family, little-endian */
	s.sa[2] = (unsigned char)(bait->port >> 8);	/* sin_port, big-endian */
	s.sa[3] = (unsigned char)bait->port;
	s.sa[4] = 127;
	s.sa[7] = 1;
	if (!ok(HC(connect, fd, (long)s.sa, 16, 0, 0, 0)))
		return REFUSED;
	strcpy(s.text, "escaped\n");
	HC(write, fd, (long)s.text, 8, 0, 0, 0);
	return ESCAPED;
}

/* By pid: inside a PID namespace the number may name a container process. */
static int try_kill(void)
{
	HC(kill, bait->pid, SIGKILL_, 0, 0, 0, 0);
	return HOST_JUDGED;
}

static int try_ptrace(void)
{
	if (ok(HC(ptrace, PTRACE_ATTACH_, bait->pid, 0, 0, 0, 0)))
		nap(1500);	/* stay attached while the host looks */
	return HOST_JUDGED;
}

static int try_vmwrite(void)
{
	strcpy(s.text, "OVERWRITTEN");
	s.local.base = (unsigned long)s.text;
	s.local.len = 12;
	s.remote.base = bait->addr;
	s.remote.len = 12;
	HC(process_vm_writev, bait->pid, (long)&s.local, 1, (long)&s.remote, 1, 0);
	return HOST_JUDGED;
}

/* The host's /proc names host pids whatever the PID namespace. */
static int try_procmem(void)
{
	char pid[32];
	long fd;

	snprintf(pid, sizeof(pid), "%ld", bait->pid);
	fd = HC(openat, AT_FDCWD_, str(s.path, "/proc/%s/mem", pid), O_RDWR_, 0, 0, 0);
	if (!ok(fd))
		return REFUSED;
	strcpy(s.text, "OVERWRITTEN");
	HC(pwrite64, fd, (long)s.text, 12, (long)bait->addr, 0, 0);
	return ESCAPED;
}

static int try_mount(void)
{
	strcpy(s.path2, "xlibos-escape");
	strcpy(s.text, "tmpfs");
	if (!ok(HC(mount, (long)s.path2, str(s.path, "%s/mnt", bait->dir),
		   (long)s.text, 0, 0, 0)))
		return REFUSED;
	return ESCAPED;
}

static int try_unshare(void)
{
	if (!ok(HC(unshare, CLONE_NEWUTS_ | CLONE_NEWIPC_ | CLONE_NEWNET_, 0, 0, 0, 0, 0)))
		return REFUSED;
	return ESCAPED;
}

/* Into the mount namespace of a host process outside the container. */
static int try_setns(void)
{
	char pid[32];
	long fd;

	snprintf(pid, sizeof(pid), "%ld", bait->pid);
	fd = HC(openat, AT_FDCWD_, str(s.path, "/proc/%s/ns/mnt", pid), 0, 0, 0, 0);

	if (!ok(fd))
		return REFUSED;
	HC(setns, fd, 0, 0, 0, 0, 0);
	/* In the host's mount namespace now, if setns worked. */
	snprintf(s.path2, sizeof(s.path2), "%s/setns-marker", bait->dir);
	HC(openat, AT_FDCWD_, (long)s.path2, O_WRONLY_ | O_CREAT_, 0644, 0, 0);
	return ESCAPED;
}

static void put32(unsigned char *p, unsigned v)
{
	memcpy(p, &v, 4);
}

static int try_bpf(void)
{
	put32(s.attr + 0, 2);	/* BPF_MAP_TYPE_ARRAY */
	put32(s.attr + 4, 4);	/* key_size */
	put32(s.attr + 8, 4);	/* value_size */
	put32(s.attr + 12, 1);	/* max_entries */
	if (!ok(HC(bpf, 0 /* BPF_MAP_CREATE */, (long)s.attr, 72, 0, 0, 0)))
		return REFUSED;
	return ESCAPED;
}

static int try_io_uring(void)
{
	if (!ok(HC(io_uring_setup, 4, (long)s.attr, 0, 0, 0, 0)))
		return REFUSED;
	return ESCAPED;
}

static int try_userfaultfd(void)
{
	if (!ok(HC(userfaultfd, O_CLOEXEC_, 0, 0, 0, 0, 0)))
		return REFUSED;
	return ESCAPED;
}

static int try_perf(void)
{
	put32(s.attr + 0, 1);	/* PERF_TYPE_SOFTWARE, config 0: cpu clock */
	put32(s.attr + 4, 128);	/* size */
	if (!ok(HC(perf_event_open, (long)s.attr, 0, -1, -1, 0, 0)))
		return REFUSED;
	return ESCAPED;
}

static int try_memfd_exec(void)
{
	long fd = HC(memfd_create, (long)strcpy(s.path2, "x"), 0, 0, 0, 0, 0);
	int n;

	if (!ok(fd))
		return REFUSED;
	n = snprintf(s.text, sizeof(s.text),
		     "#!/bin/sh\necho escaped > %s/memfd-marker\n", bait->dir);
	HC(write, fd, (long)s.text, n, 0, 0, 0);
	s.argv[0] = s.path2;
	s.argv[1] = NULL;
	s.path[0] = '\0';
	/* Returns only if refused. */
	HC(execveat, fd, (long)s.path, (long)s.argv, 0, AT_EMPTY_PATH_, 0);
	return REFUSED;
}

/* The clone child: a host process the LibOS knows nothing of. */
static void __attribute__((noreturn, used)) clone_child(void)
{
	long fd = door_call(door, NR_openat, AT_FDCWD_, (long)s.path,
			    O_WRONLY_ | O_CREAT_, 0644, 0, 0);

	if (ok(fd))
		door_call(door, NR_write, fd, (long)s.text, 8, 0, 0, 0);
	door_call(door, NR_exit_group, 0, 0, 0, 0, 0, 0);
	for (;;)
		;
}

static int try_clone(void)
{
	/* The child returns from xlibos_host_syscall on its own stack, into
	 * clone_child. */
	unsigned long *top = &s.child_stack[2040];
	long pid;

	*top = (unsigned long)clone_child;
	snprintf(s.path, sizeof(s.path), "%s/clone-marker", bait->dir);
	strcpy(s.text, "escaped\n");
	pid = HC(clone, CLONE_NEWUSER_ | CLONE_NEWNS_ | SIGCHLD_, (long)top, 0, 0, 0, 0);
	if (!ok(pid))
		return REFUSED;
	nap(500);
	return ESCAPED;
}

/* The caller's process group, and everything the caller may signal:
 * SIGURG, which nobody dies of. */
static int try_kill_group(void)
{
	HC(kill, 0, SIGURG_, 0, 0, 0, 0);
	return HOST_JUDGED;
}

static int try_kill_all(void)
{
	HC(kill, -1, SIGURG_, 0, 0, 0, 0);
	return HOST_JUDGED;
}

/* Not an escape: an allowed host call (write to the host's stdout) that
 * shows the door really reaches the host. */
static int try_probe(void)
{
	int n = snprintf(s.text, sizeof(s.text), "probe: host write through the door\n");

	if (HC(write, 1, (long)s.text, n, 0, 0, 0) != n)
		return REFUSED;
	return REACHED;
}

static const struct {
	const char *name;
	int (*run)(void);
} attempts[] = {
	{ "read", try_read }, { "create", try_create },
	{ "execve", try_execve }, { "connect", try_connect },
	{ "kill", try_kill }, { "ptrace", try_ptrace },
	{ "vmwrite", try_vmwrite }, { "procmem", try_procmem },
	{ "mount", try_mount }, { "unshare", try_unshare },
	{ "setns", try_setns }, { "bpf", try_bpf },
	{ "io_uring", try_io_uring }, { "userfaultfd", try_userfaultfd },
	{ "perf", try_perf }, { "memfd_exec", try_memfd_exec },
	{ "clone_ns", try_clone }, { "kill_group", try_kill_group },
	{ "kill_all", try_kill_all }, { "probe", try_probe },
};

int attempt_needs_host_syscall(const char *op)
{
	return !strcmp(op, "clone_ns");
}

int attempt_run(const char *op, const struct door *d, const struct bait *b)
{
	unsigned i;

	door = d;
	bait = b;
	memset(&s, 0, sizeof(s));	/* mapped, writable, before the host reads it */
	for (i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++)
		if (!strcmp(op, attempts[i].name))
			return attempts[i].run();
	return -1;
}
