// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlbfs: 2 MiB pages with MAP_HUGETLB and on a hugetlbfs mount,
 * private (copy-on-write across fork) and shared, mprotect, madvise,
 * mincore, munmap, /proc/PID/mem, and the pool's counters.  Runs as root
 * (natively too): it raises vm.nr_hugepages by what it needs and puts the
 * old value back before it exits.
 */
#include "guest_test.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif
#ifndef MADV_DONTNEED
#define MADV_DONTNEED 4
#endif

#define HPAGE		(2UL << 20)
#define NR_PAGES	4
#define NR_HUGEPAGES	"/proc/sys/vm/nr_hugepages"

static long orig_pages = -1;

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

static int write_long(const char *path, long v)
{
	char buf[32];
	int fd = open(path, O_WRONLY), n, ok;

	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%ld\n", v);
	ok = write(fd, buf, n) == n;
	close(fd);
	return ok ? 0 : -1;
}

/* A "Name:   N" line of /proc/meminfo */
static long meminfo(const char *name)
{
	char line[256];
	size_t len = strlen(name);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static void restore_pool(void)
{
	if (orig_pages >= 0)
		write_long(NR_HUGEPAGES, orig_pages);
}

/* Fill every 4 KiB page of [p, p + len) with its index plus @salt. */
static void fill(char *p, size_t len, unsigned int salt)
{
	for (size_t off = 0; off < len; off += 4096)
		*(uint32_t *)(p + off) = (uint32_t)(off / 4096) + salt;
}

static int holds(const char *p, size_t len, unsigned int salt)
{
	for (size_t off = 0; off < len; off += 4096)
		if (*(const uint32_t *)(p + off) != (uint32_t)(off / 4096) + salt)
			return 0;
	return 1;
}

/* Run @fn in a child; its wait status. */
static int in_child(int (*fn)(void *), void *arg)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(arg));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static int child_cow(void *arg)
{
	char *p = arg;

	if (!holds(p, 2 * HPAGE, 1))
		return 1;
	fill(p, 2 * HPAGE, 7);		/* copy-on-write: the parent keeps 1 */
	return holds(p, 2 * HPAGE, 7) ? 0 : 2;
}

static int child_shared_write(void *arg)
{
	fill(arg, HPAGE, 3);
	return 0;
}

static int child_write(void *arg)
{
	*(volatile char *)arg = 1;
	return 0;
}

static int child_read(void *arg)
{
	return *(volatile char *)arg;
}

static void private_mapping(void)
{
	long free_before = meminfo("HugePages_Free");
	unsigned char vec[2 * HPAGE / 4096];
	char *p = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	int status, fd, resident = 1;
	uint32_t word = 0;

	if (!check("private MAP_HUGETLB mmap of 2 huge pages", p != MAP_FAILED))
		return;
	check("the mapping is 2 MiB aligned", ((uintptr_t)p & (HPAGE - 1)) == 0);
	fill(p, 2 * HPAGE, 1);
	check("every 4 KiB of it holds what was written", holds(p, 2 * HPAGE, 1));
	checkf("HugePages_Free fell by 2", meminfo("HugePages_Free") == free_before - 2,
	       "before %ld after %ld", free_before, meminfo("HugePages_Free"));
	check("mincore: all resident", mincore(p, 2 * HPAGE, vec) == 0);
	for (size_t i = 0; i < sizeof(vec); i++)
		resident &= vec[i] & 1;
	check("mincore: every page's bit set", resident);

	fd = open("/proc/self/mem", O_RDONLY);
	check("/proc/self/mem reads the second huge page",
	      fd >= 0 && pread(fd, &word, 4, (off_t)(uintptr_t)(p + HPAGE + 8192)) == 4 &&
	      word == HPAGE / 4096 + 2 + 1);
	if (fd >= 0)
		close(fd);

	status = in_child(child_cow, p);
	check("fork: the child sees the data and writes its own copy",
	      WIFEXITED(status) && WEXITSTATUS(status) == 0);
	check("the parent still holds its data", holds(p, 2 * HPAGE, 1));
	fill(p, 2 * HPAGE, 5);
	check("the parent writes after the child is gone", holds(p, 2 * HPAGE, 5));

	check("mprotect PROT_READ", mprotect(p, 2 * HPAGE, PROT_READ) == 0);
	status = in_child(child_write, p + HPAGE);
	check("a write to the read-only huge page is SIGSEGV",
	      WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	check("it is still readable", holds(p, 2 * HPAGE, 5));
	check("mprotect back to read-write", mprotect(p, 2 * HPAGE, PROT_READ | PROT_WRITE) == 0);
	fill(p, HPAGE, 9);
	check("and writable again", holds(p, HPAGE, 9));

	check("madvise MADV_DONTNEED of the first huge page",
	      madvise(p, HPAGE, MADV_DONTNEED) == 0);
	check("it reads back as zeroes", *(volatile uint32_t *)(p + 4096) == 0);
	check("the second keeps its data", holds(p + HPAGE, HPAGE, 5 + HPAGE / 4096));

	check("munmap", munmap(p, 2 * HPAGE) == 0);
	status = in_child(child_read, p);
	check("a read after munmap is SIGSEGV",
	      WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	checkf("HugePages_Free is back", meminfo("HugePages_Free") == free_before,
	       "before %ld after %ld", free_before, meminfo("HugePages_Free"));
}

static void shared_mapping(void)
{
	char *p = mmap(NULL, HPAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	int status;

	if (!check("shared MAP_HUGETLB mmap", p != MAP_FAILED))
		return;
	fill(p, HPAGE, 2);
	status = in_child(child_shared_write, p);
	check("a child's writes to the shared huge page reach the parent",
	      WIFEXITED(status) && WEXITSTATUS(status) == 0 && holds(p, HPAGE, 3));
	check("munmap of the shared page", munmap(p, HPAGE) == 0);
}

/* A hugetlbfs mount in a mount namespace of its own (natively too). */
static int hugetlbfs_file(void *unused)
{
	const char *dir = "/tmp/xlibos-hugetlbfs-test";
	char path[128], buf[16];
	int fd, ok = 1;
	char *p;

	(void)unused;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 10;
	mkdir(dir, 0700);
	if (mount("none", dir, "hugetlbfs", 0, "pagesize=2M"))
		return 11;
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_CREAT | O_RDWR, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)HPAGE))
		return 12;
	p = mmap(NULL, HPAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 13;
	memcpy(p + 4096, "hugetlbfs file", 15);
	munmap(p, HPAGE);
	p = mmap(NULL, HPAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || memcmp(p + 4096, "hugetlbfs file", 15))
		ok = 0;
	if (pread(fd, buf, 15, 4096) != 15 || memcmp(buf, "hugetlbfs file", 15))
		ok = 0;
	close(fd);
	unlink(path);
	umount(dir);
	rmdir(dir);
	return ok ? 0 : 14;
}

int main(void)
{
	int status;

	if (getuid() != 0) {
		printf("SKIP: needs root (vm.nr_hugepages)\n");
		return 0;
	}
	orig_pages = read_long(NR_HUGEPAGES);
	if (orig_pages < 0 || write_long(NR_HUGEPAGES, orig_pages + NR_PAGES) ||
	    read_long(NR_HUGEPAGES) != orig_pages + NR_PAGES) {
		restore_pool();
		printf("SKIP: cannot add %d huge pages to the pool\n", NR_PAGES);
		return 0;
	}
	atexit(restore_pool);
	check("Hugepagesize is 2048 kB", meminfo("Hugepagesize") == 2048);

	private_mapping();
	shared_mapping();
	status = in_child(hugetlbfs_file, NULL);
	checkf("a file on a hugetlbfs mount: written through a mapping, read back by mmap and pread",
	       WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);

	restore_pool();
	orig_pages = -1;
	return gt_failures ? 1 : 0;
}
