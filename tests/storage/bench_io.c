/*
 * bench_io MODE FILE N: one storage measurement, the same static program
 * natively, in runc and in xlibos (make bench-storage).  Prints one line
 * "RESULT MODE VALUE UNIT [note]" on stdout; timing is CLOCK_MONOTONIC
 * around the I/O only (not the program's or the container's start).
 *   seqwrite  FILE MB    write MB MiB in 1 MiB writes, then fsync   -> MB/s
 *   seqread   FILE -     read FILE in 1 MiB reads (O_DIRECT if it
 *                        can, so neither page cache serves it)     -> MB/s
 *   randread  FILE OPS   OPS 4 KiB reads at random aligned offsets
 *                        of FILE, O_DIRECT if it can               -> IOPS
 *   randwrite FILE OPS   OPS 4 KiB writes likewise, then fsync      -> IOPS
 *   fsyncwrite FILE OPS  OPS 4 KiB appends, each followed by fsync  -> ops/s
 * "buffered" follows the value when O_DIRECT was refused (EINVAL).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIB	(1024 * 1024)
#define BLOCK	4096

static void die(const char *what)
{
	fprintf(stderr, "bench_io: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: the same offsets in every run and environment */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next_random(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static void *aligned_buffer(size_t size)
{
	void *buf;

	if (posix_memalign(&buf, BLOCK, size))
		die("posix_memalign");
	memset(buf, 0x5a, size);
	return buf;
}

/* O_DIRECT where the file system allows it, else buffered (*direct = 0) */
static int open_maybe_direct(const char *path, int flags, int *direct)
{
	int fd = open(path, flags | O_DIRECT | O_CLOEXEC);

	*direct = 1;
	if (fd < 0 && errno == EINVAL) {
		*direct = 0;
		fd = open(path, flags | O_CLOEXEC);
	}
	if (fd < 0)
		die(path);
	return fd;
}

static void full_write(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			die("write");
		buf += n;
		len -= (size_t)n;
	}
}

static off_t file_blocks(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		die("fstat");
	if (st.st_size < BLOCK) {
		errno = EINVAL;
		die("file smaller than one block");
	}
	return st.st_size / BLOCK;
}

static void result(const char *mode, double value, const char *unit, int direct)
{
	printf("RESULT %s %.1f %s%s\n", mode, value, unit, direct ? "" : " buffered");
}

int main(int argc, char **argv)
{
	const char *mode, *path;
	long n, i;
	int fd, direct = 1;
	double t0, t;
	char *buf;

	if (argc != 4) {
		fprintf(stderr, "usage: bench_io seqwrite|seqread|randread|randwrite|fsyncwrite FILE N\n");
		return 2;
	}
	mode = argv[1];
	path = argv[2];
	n = strtol(argv[3], NULL, 10);
	buf = aligned_buffer(MIB);

	if (!strcmp(mode, "seqwrite")) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			die(path);
		t0 = now();
		for (i = 0; i < n; i++)
			full_write(fd, buf, MIB);
		if (fsync(fd))
			die("fsync");
		t = now() - t0;
		result(mode, (double)n / t, "MB/s", 1);
	} else if (!strcmp(mode, "seqread")) {
		ssize_t got;
		double bytes = 0;

		fd = open_maybe_direct(path, O_RDONLY, &direct);
		t0 = now();
		while ((got = read(fd, buf, MIB)) > 0)
			bytes += (double)got;
		if (got < 0)
			die("read");
		t = now() - t0;
		result(mode, bytes / MIB / t, "MB/s", direct);
	} else if (!strcmp(mode, "randread") || !strcmp(mode, "randwrite")) {
		int writing = mode[4] == 'w';
		off_t blocks;

		fd = open_maybe_direct(path, writing ? O_WRONLY : O_RDONLY, &direct);
		blocks = file_blocks(fd);
		t0 = now();
		for (i = 0; i < n; i++) {
			off_t off = (off_t)(next_random() % (uint64_t)blocks) * BLOCK;
			ssize_t done = writing ? pwrite(fd, buf, BLOCK, off)
					       : pread(fd, buf, BLOCK, off);

			if (done != BLOCK)
				die(writing ? "pwrite" : "pread");
		}
		if (writing && fsync(fd))
			die("fsync");
		t = now() - t0;
		result(mode, (double)n / t, "IOPS", direct);
	} else if (!strcmp(mode, "fsyncwrite")) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0)
			die(path);
		t0 = now();
		for (i = 0; i < n; i++) {
			full_write(fd, buf, BLOCK);
			if (fsync(fd))
				die("fsync");
		}
		t = now() - t0;
		result(mode, (double)n / t, "ops/s", 1);
	} else {
		fprintf(stderr, "bench_io: unknown mode %s\n", mode);
		return 2;
	}
	close(fd);
	return 0;
}
