/*
 * fsync_append FILE [FIRST [COUNT]]: append numbered 64-byte records to
 * FILE, fsync after each, and print each number on stdout once fsync has
 * returned (the acknowledgement the crash test holds the storage to).
 * Record N is "%08d" N, a space, 54 bytes of a pattern that depends on N,
 * and a newline; records_ok() in crash_fsync.sh checks them.  Runs until
 * killed, or COUNT records.  Exit 1 on any error, with one line on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RECORD_LEN 64

static void record(char *buf, unsigned long n)
{
	int i, len = snprintf(buf, RECORD_LEN + 1, "%08lu ", n % 100000000UL);

	for (i = len; i < RECORD_LEN - 1; i++)
		buf[i] = (char)('a' + (n + (unsigned long)i) % 26);
	buf[RECORD_LEN - 1] = '\n';
}

static int sync_parent(const char *path)
{
	char copy[4096];
	int dfd, rc;

	snprintf(copy, sizeof(copy), "%s", path);
	dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	rc = fsync(dfd);
	close(dfd);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned long n, first = 0, count = 0;
	char buf[RECORD_LEN + 1];
	int fd;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: fsync_append FILE [FIRST [COUNT]]\n");
		return 2;
	}
	if (argc > 2)
		first = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		count = strtoul(argv[3], NULL, 10);
	fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "fsync_append: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	/* the file's creation reaches the disk before the first record */
	if (fsync(fd) || sync_parent(argv[1])) {
		fprintf(stderr, "fsync_append: fsync: %s\n", strerror(errno));
		return 1;
	}
	for (n = first; count == 0 || n < first + count; n++) {
		record(buf, n);
		if (write(fd, buf, RECORD_LEN) != RECORD_LEN) {
			fprintf(stderr, "fsync_append: write: %s\n", strerror(errno));
			return 1;
		}
		if (fsync(fd)) {
			fprintf(stderr, "fsync_append: fsync: %s\n", strerror(errno));
			return 1;
		}
		printf("%lu\n", n);
		fflush(stdout);
	}
	return 0;
}
