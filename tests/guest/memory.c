// SPDX-License-Identifier: GPL-2.0
/*
 * mmap/munmap/mprotect/brk/mremap: anonymous private and shared mappings
 * (across fork), file-backed mappings of a /tmp file, mremap grow/move
 * keeping contents, brk growth and shrink, mprotect to PROT_NONE and back,
 * and faults on unmapped and protected memory.
 */
#include "guest_test.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define PG 4096UL

static sigjmp_buf env;
static volatile void *fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(env, 1);
}

/* 1 if writing (or reading) P faults, with the fault address recorded. */
static int faults(volatile char *p, int write)
{
	fault_addr = NULL;
	fault_code = 0;
	if (sigsetjmp(env, 1) == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
		return 0;
	}
	return 1;
}

static void fill(unsigned char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)((i + seed) * 2654435761u >> 11);
}

static int same(const unsigned char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != (unsigned char)((i + seed) * 2654435761u >> 11))
			return 0;
	return 1;
}

static int is_mapped(void *p)
{
	unsigned char vec;

	return mincore(p, PG, &vec) == 0;
}

static void anon_tests(void)
{
	size_t len = 1 << 20;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int zero = 1, status;
	pid_t pid;

	if (!check("mmap anonymous private 1 MiB", p != MAP_FAILED))
		return;
	check("mmap result page aligned", ((uintptr_t)p & (PG - 1)) == 0);
	for (size_t i = 0; i < len; i += 512)
		zero &= p[i] == 0;
	check("anonymous memory starts zeroed", zero);
	fill(p, len, 1);
	check("anonymous memory keeps a pattern", same(p, len, 1));

	/* private: a child's writes are its own */
	pid = fork();
	if (pid == 0) {
		memset(p, 0xee, len);
		_exit(p[12345] == 0xee ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	check("child wrote its private copy", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	check("parent private mapping unchanged after fork", same(p, len, 1));

	check("munmap", munmap(p, len) == 0);
	check("munmapped address faults", faults((char *)p + 100, 0));
	checkf("fault address is the unmapped byte", fault_addr == p + 100 && fault_code == SEGV_MAPERR,
	       "code=%d", fault_code);

	/* shared anonymous: a child's writes are seen */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!check("mmap anonymous shared 1 MiB", p != MAP_FAILED))
		return;
	p[0] = 1;
	pid = fork();
	if (pid == 0) {
		fill(p, len, 7);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	check("parent sees the child's writes to shared memory", same(p, len, 7));
	munmap(p, len);

	/* a partial munmap leaves a hole */
	p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 5, 3 * PG);
	munmap(p + PG, PG);
	check("partial munmap: hole faults", faults((char *)p + PG, 0));
	check("partial munmap: the rest stays", p[0] == 5 && p[2 * PG] == 5 && !faults((char *)p + 2 * PG, 1));
	munmap(p, 3 * PG);

	/* MAP_FIXED replaces a mapping in place */
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 9, 2 * PG);
	{
		void *q = mmap(p + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

		check("MAP_FIXED at the requested address", q == p + PG);
		check("MAP_FIXED page is fresh, its neighbour kept", p[PG] == 0 && p[0] == 9);
	}
	munmap(p, 2 * PG);

	/* a large sparse mapping is only backed where touched */
	{
		size_t big = 512UL << 20;
		unsigned char *b = mmap(NULL, big, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		int ok = b != MAP_FAILED;

		for (size_t i = 0; ok && i < big; i += 16 << 20)
			b[i] = (unsigned char)(i >> 20);
		for (size_t i = 0; ok && i < big; i += 16 << 20)
			ok = b[i] == (unsigned char)(i >> 20);
		check("sparse 512 MiB mapping touched every 16 MiB", ok);
		if (b != MAP_FAILED)
			munmap(b, big);
	}
}

static void mprotect_tests(void)
{
	unsigned char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	fill(p, 4 * PG, 3);
	check("mprotect PROT_NONE", mprotect(p + PG, 2 * PG, PROT_NONE) == 0);
	check("PROT_NONE page faults on read", faults((char *)p + PG + 10, 0));
	checkf("fault address and SEGV_ACCERR", fault_addr == p + PG + 10 && fault_code == SEGV_ACCERR,
	       "code=%d", fault_code);
	check("PROT_NONE page faults on write", faults((char *)p + 2 * PG + 10, 1));
	check("neighbours stay accessible", !faults((char *)p, 1) && !faults((char *)p + 3 * PG, 1));
	p[0] = (unsigned char)((0 + 3) * 2654435761u >> 11);
	p[3 * PG] = (unsigned char)((3 * PG + 3) * 2654435761u >> 11);
	check("mprotect back to read-write", mprotect(p + PG, 2 * PG, PROT_READ | PROT_WRITE) == 0);
	check("contents intact after PROT_NONE and back", same(p, 4 * PG, 3));
	check("mprotect read-only", mprotect(p, 4 * PG, PROT_READ) == 0);
	check("read-only page readable", !faults((char *)p + 5, 0));
	check("read-only page faults on write", faults((char *)p + 5, 1));
	checkf("write fault is SEGV_ACCERR", fault_code == SEGV_ACCERR, "code=%d", fault_code);
	check("contents intact after the write fault", same(p, 4 * PG, 3));
	errno = 0;
	check("mprotect unaligned fails EINVAL", syscall(SYS_mprotect, p + 1, PG, PROT_READ) < 0 && errno == EINVAL);
	munmap(p, 4 * PG);

	/* code: copy a function returning 42 into an executable page */
	{
		static const unsigned char code[] = { 0xb8, 42, 0, 0, 0, 0xc3 }; /* mov $42,%eax; ret */
		unsigned char *x = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int (*fn)(void) = (int (*)(void))x;

		memcpy(x, code, sizeof(code));
		check("mprotect to read-exec", mprotect(x, PG, PROT_READ | PROT_EXEC) == 0);
		checkf("generated code runs", fn() == 42, "wrong result");
		munmap(x, PG);
	}
}

static void mremap_tests(void)
{
	size_t len = 16 * PG;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *q, *hole, *blocker;

	fill(p, len, 11);
	/* something right after p, so that growing must move */
	blocker = mmap(p + len, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	errno = 0;
	q = mremap(p, len, 4 * len, 0);
	if (blocker == p + len)
		check("mremap grow without MAYMOVE fails ENOMEM", q == MAP_FAILED && errno == ENOMEM);
	else
		check("mremap grow without MAYMOVE fails ENOMEM", 1); /* could not block: same line */
	q = mremap(p, len, 4 * len, MREMAP_MAYMOVE);
	if (!check("mremap grow with MREMAP_MAYMOVE", q != MAP_FAILED))
		return;
	check("grown mapping keeps contents", same(q, len, 11));
	check("grown tail is zero", q[len] == 0 && q[4 * len - 1] == 0);
	if (blocker == p + len)
		check("grown mapping moved, old address unmapped", q != p && !is_mapped(p));
	else
		check("grown mapping moved, old address unmapped", 1);
	if (blocker != MAP_FAILED)
		munmap(blocker, PG);
	q[4 * len - 1] = 0x5a;

	/* shrink in place */
	p = mremap(q, 4 * len, len, 0);
	check("mremap shrink in place", p == q && same(p, len, 11) && !is_mapped(q + 2 * len));

	/* move to a chosen address */
	hole = mmap(NULL, 2 * len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole, 2 * len);
	q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, hole + len);
	check("mremap MREMAP_FIXED moves to the address", q == hole + len);
	check("moved mapping keeps contents", same(q, len, 11));
	check("old address unmapped after the move", !is_mapped(p) && faults((char *)p, 0));
	munmap(q, len);

	/* grow in place when there is room */
	p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + 2 * PG, 6 * PG);
	fill(p, 2 * PG, 4);
	q = mremap(p, 2 * PG, 6 * PG, 0);
	check("mremap grows in place into free space", q == p && same(p, 2 * PG, 4));
	p[6 * PG - 1] = 1;
	munmap(p, 6 * PG);
}

static void file_tests(void)
{
	char path[] = "/tmp/xlibos-mmap.XXXXXX";
	int fd = mkstemp(path);
	size_t len = 3 * PG;
	unsigned char *buf = malloc(len), *p, *q;
	ssize_t n;

	if (!check("create a /tmp file", fd >= 0))
		return;
	fill(buf, len, 21);
	n = write(fd, buf, len);
	checkf("write 3 pages", n == (ssize_t)len, "n=%zd", n);

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!check("mmap the file shared", p != MAP_FAILED))
		return;
	check("file mapping shows the file", same(p, len, 21));
	memcpy(p + 100, "mapped write", 12);
	check("msync", msync(p, len, MS_SYNC) == 0);
	n = pread(fd, buf, 12, 100);
	check("read sees a write through the shared mapping", n == 12 && !memcmp(buf, "mapped write", 12));
	n = pwrite(fd, "file write", 10, PG + 7);
	check("shared mapping sees a write(2)", n == 10 && !memcmp(p + PG + 7, "file write", 10));

	q = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PG);
	check("mmap the file private at offset 1 page", q != MAP_FAILED && !memcmp(q + 7, "file write", 10));
	memcpy(q + 7, "PRIVATE!!!", 10);
	n = pread(fd, buf, 10, PG + 7);
	check("private mapping writes do not reach the file", n == 10 && !memcmp(buf, "file write", 10));
	check("shared mapping unchanged by the private write", !memcmp(p + PG + 7, "file write", 10));
	munmap(q, PG);

	/* extend the file: a mapping beyond EOF faults with SIGBUS */
	munmap(p, len);
	check("ftruncate to 1 page", ftruncate(fd, PG) == 0);
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	{
		struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
		struct sigaction old;
		int bus;

		sigaction(SIGBUS, &sa, &old);
		bus = faults((char *)p + 2 * PG, 0);
		check("access beyond EOF raises SIGBUS", bus && fault_addr == p + 2 * PG);
		sigaction(SIGBUS, &old, NULL);
	}
	check("page within EOF still readable", !faults((char *)p + 10, 0));
	munmap(p, len);

	/* the mapping outlives close and unlink */
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	unlink(path);
	memcpy(p, "still here", 10);
	check("mapping survives close and unlink", !memcmp(p, "still here", 10));
	munmap(p, PG);
	free(buf);
}

static void brk_tests(void)
{
	uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
	uintptr_t want = cur + (4 << 20), got;
	unsigned char *p = (unsigned char *)cur;
	int zero = 1;

	check("brk(0) returns the break", cur != 0);
	got = (uintptr_t)syscall(SYS_brk, want);
	if (!checkf("brk grows by 4 MiB", got == want, "brk did not move"))
		return;
	for (size_t i = 0; i < (4 << 20); i += 4096)
		zero &= p[i] == 0;
	check("new brk memory is zero", zero);
	fill(p, 4 << 20, 31);
	check("brk memory keeps a pattern", same(p, 4 << 20, 31));
	got = (uintptr_t)syscall(SYS_brk, cur + PG);
	check("brk shrinks", got == cur + PG);
	check("memory above a shrunk break faults", faults((char *)cur + 2 * PG, 0));
	check("memory below it stays", same(p, PG, 31));
	got = (uintptr_t)syscall(SYS_brk, cur + 2 * PG);
	check("regrown brk page is zero again", got == cur + 2 * PG && p[PG] == 0 && p[2 * PG - 1] == 0);
	syscall(SYS_brk, cur);
	{
		void *blocks[64];
		int ok = 1;

		for (int i = 0; i < 64; i++) {
			blocks[i] = malloc(100000 + i * 1000);
			if (!blocks[i])
				ok = 0;
			else
				memset(blocks[i], i, 100000 + i * 1000);
		}
		for (int i = 0; i < 64; i++)
			if (blocks[i] && ((unsigned char *)blocks[i])[99999] != i)
				ok = 0;
		for (int i = 0; i < 64; i++)
			free(blocks[i]);
		check("malloc of 64 blocks of ~100 KiB", ok);
	}
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };

	sigaction(SIGSEGV, &sa, NULL);
	anon_tests();
	mprotect_tests();
	mremap_tests();
	file_tests();
	brk_tests();
	return gt_done();
}
