// SPDX-License-Identifier: GPL-2.0
/*
 * File I/O on /tmp (tmpfs in the guest): create, write, read, lseek,
 * pread/pwrite, ftruncate, rename, unlink, readdir, stat sizes, O_APPEND,
 * dup/dup2, readv/writev, a 1 MiB file.
 */
#include "guest_test.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>

static char dir[64];

static char *path(const char *name)
{
	static char buf[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static long size_of(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in DIR (without . and ..), sorted, joined by spaces; and d_type letters. */
static void list_dir(const char *d, char *out, size_t len)
{
	char *names[64];
	int n = 0, dots = 0;
	struct dirent *e;
	DIR *dp = opendir(d);

	out[0] = 0;
	if (!dp) {
		snprintf(out, len, "opendir failed: %s", gt_errname(errno));
		return;
	}
	while ((e = readdir(dp)) && n < 64) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
			dots++;
			continue;
		}
		names[n] = malloc(strlen(e->d_name) + 3);
		sprintf(names[n], "%s%s", e->d_name,
			e->d_type == DT_DIR ? "/" : e->d_type == DT_REG ? "" : "?");
		n++;
	}
	closedir(dp);
	qsort(names, n, sizeof(names[0]), cmp_str);
	snprintf(out, len, "dots=%d", dots);
	for (int i = 0; i < n; i++) {
		strncat(out, " ", len - strlen(out) - 1);
		strncat(out, names[i], len - strlen(out) - 1);
		free(names[i]);
	}
}

int main(void)
{
	char buf[256], listing[512];
	struct stat st;
	int fd, fd2, fd3;
	ssize_t n;
	off_t off;

	umask(022);
	strcpy(dir, "/tmp/xlibos-fileio.XXXXXX");
	if (!check("mkdtemp in /tmp", mkdtemp(dir)))
		return gt_done();

	/* create + write + stat */
	fd = open(path("a"), O_RDWR | O_CREAT | O_EXCL, 0644);
	check("create", fd >= 0);
	n = write(fd, "hello, world\n", 13);
	checkf("write 13 bytes", n == 13, "n=%zd", n);
	checkf("fstat size 13", fstat(fd, &st) == 0 && st.st_size == 13, "size=%ld", (long)st.st_size);
	check("fstat regular file", S_ISREG(st.st_mode));
	checkf("mode 0644", (st.st_mode & 07777) == 0644, "mode=%o", st.st_mode & 07777);
	errno = 0;
	check("O_EXCL on existing file fails EEXIST",
	      open(path("a"), O_RDWR | O_CREAT | O_EXCL, 0644) < 0 && errno == EEXIST);

	/* lseek + read */
	off = lseek(fd, 0, SEEK_CUR);
	checkf("lseek SEEK_CUR after write", off == 13, "off=%ld", (long)off);
	off = lseek(fd, 0, SEEK_SET);
	memset(buf, 0, sizeof(buf));
	n = read(fd, buf, sizeof(buf));
	checkf("read back", n == 13 && !memcmp(buf, "hello, world\n", 13), "n=%zd", n);
	n = read(fd, buf, sizeof(buf));
	checkf("read at EOF returns 0", n == 0, "n=%zd", n);
	off = lseek(fd, -6, SEEK_END);
	n = read(fd, buf, 5);
	checkf("lseek SEEK_END -6", off == 7 && n == 5 && !memcmp(buf, "world", 5), "off=%ld n=%zd", (long)off, n);
	errno = 0;
	check("lseek to negative offset fails EINVAL", lseek(fd, -100, SEEK_SET) < 0 && errno == EINVAL);

	/* a hole past the end reads as zeros */
	off = lseek(fd, 4096, SEEK_SET);
	n = write(fd, "X", 1);
	checkf("write after a hole", off == 4096 && n == 1, "off=%ld n=%zd", (long)off, n);
	checkf("size with hole 4097", size_of(path("a")) == 4097, "size=%ld", size_of(path("a")));
	n = pread(fd, buf, 16, 100);
	{
		int zero = n == 16;

		for (int i = 0; i < 16 && zero; i++)
			zero = buf[i] == 0;
		checkf("hole reads as zeros", zero, "n=%zd", n);
	}

	/* pread/pwrite do not move the offset */
	lseek(fd, 2, SEEK_SET);
	n = pwrite(fd, "HELLO", 5, 0);
	checkf("pwrite 5 at 0", n == 5, "n=%zd", n);
	n = pread(fd, buf, 12, 0);
	checkf("pread sees pwrite", n == 12 && !memcmp(buf, "HELLO, world", 12), "n=%zd", n);
	off = lseek(fd, 0, SEEK_CUR);
	checkf("pread/pwrite keep the offset", off == 2, "off=%ld", (long)off);
	n = pread(fd, buf, 10, 5000);
	checkf("pread past EOF returns 0", n == 0, "n=%zd", n);

	/* ftruncate shrink and grow */
	check("ftruncate to 5", ftruncate(fd, 5) == 0);
	checkf("size after shrink 5", size_of(path("a")) == 5, "size=%ld", size_of(path("a")));
	check("ftruncate to 10000", ftruncate(fd, 10000) == 0);
	checkf("size after grow 10000", size_of(path("a")) == 10000, "size=%ld", size_of(path("a")));
	n = pread(fd, buf, 10, 0);
	checkf("grown tail is zero", n == 10 && !memcmp(buf, "HELLO\0\0\0\0\0", 10), "n=%zd", n);
	check("truncate by path to 3", truncate(path("a"), 3) == 0 && size_of(path("a")) == 3);

	/* dup / dup2 share the file offset */
	lseek(fd, 0, SEEK_SET);
	fd2 = dup(fd);
	check("dup", fd2 >= 0 && fd2 != fd);
	n = read(fd, buf, 1);
	off = lseek(fd2, 0, SEEK_CUR);
	checkf("dup shares the offset", n == 1 && off == 1, "n=%zd off=%ld", n, (long)off);
	fd3 = dup2(fd, 42);
	checkf("dup2 to 42", fd3 == 42, "fd=%d", fd3);
	check("dup2 onto itself", dup2(42, 42) == 42);
	close(fd);
	close(fd2);
	n = pread(42, buf, 3, 0);
	checkf("dup2 copy works after closing the original", n == 3 && !memcmp(buf, "HEL", 3), "n=%zd", n);
	errno = 0;
	check("read on a closed fd fails EBADF", read(fd, buf, 1) < 0 && errno == EBADF);
	{
		int flags = fcntl(42, F_GETFD);

		checkf("dup2 clears FD_CLOEXEC", flags == 0, "flags=%d", flags);
		fd2 = fcntl(42, F_DUPFD_CLOEXEC, 50);
		flags = fcntl(fd2, F_GETFD);
		checkf("F_DUPFD_CLOEXEC >= 50", fd2 >= 50 && flags == FD_CLOEXEC, "fd=%d flags=%d", fd2, flags);
		close(fd2);
	}
	close(42);

	/* O_APPEND writes at the end whatever the offset */
	fd = open(path("a"), O_WRONLY | O_APPEND);
	check("open O_APPEND", fd >= 0);
	lseek(fd, 0, SEEK_SET);
	n = write(fd, "abc", 3);
	off = lseek(fd, 0, SEEK_CUR);
	checkf("O_APPEND write goes to the end", n == 3 && off == 6, "n=%zd off=%ld", n, (long)off);
	close(fd);
	fd = open(path("a"), O_RDONLY);
	n = read(fd, buf, sizeof(buf));
	checkf("content after append", n == 6 && !memcmp(buf, "HELabc", 6), "n=%zd", n);
	errno = 0;
	check("write on O_RDONLY fails EBADF", write(fd, "x", 1) < 0 && errno == EBADF);
	close(fd);

	/* writev / readv */
	{
		struct iovec iov[3] = {
			{ "one ", 4 }, { "two ", 4 }, { "three\n", 6 },
		};
		char a[5] = {0}, b[9] = {0};
		struct iovec riov[2] = { { a, 4 }, { b, 8 } };

		fd = open(path("v"), O_RDWR | O_CREAT | O_TRUNC, 0600);
		n = writev(fd, iov, 3);
		checkf("writev 14 bytes", n == 14, "n=%zd", n);
		lseek(fd, 0, SEEK_SET);
		n = readv(fd, riov, 2);
		checkf("readv", n == 12 && !strcmp(a, "one ") && !strcmp(b, "two thre"), "n=%zd", n);
		close(fd);
	}

	/* a 1 MiB file written in odd-sized chunks, read back in others */
	{
		static unsigned char big[1 << 20], back[1 << 20];
		size_t done = 0;
		int same;

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (unsigned char)(i * 2654435761u >> 13);
		fd = open(path("big"), O_RDWR | O_CREAT | O_TRUNC, 0600);
		while (done < sizeof(big)) {
			size_t chunk = sizeof(big) - done < 7777 ? sizeof(big) - done : 7777;

			n = write(fd, big + done, chunk);
			if (n <= 0)
				break;
			done += n;
		}
		checkf("write 1 MiB", done == sizeof(big), "done=%zu", done);
		checkf("size 1 MiB", size_of(path("big")) == 1 << 20, "size=%ld", size_of(path("big")));
		lseek(fd, 0, SEEK_SET);
		done = 0;
		while (done < sizeof(back)) {
			n = read(fd, back + done, 65536 + 3);
			if (n <= 0)
				break;
			done += n;
		}
		same = done == sizeof(back) && !memcmp(big, back, sizeof(big));
		checkf("read 1 MiB back intact", same, "done=%zu", done);
		close(fd);
	}

	/* rename */
	check("rename a -> b", rename(path("a"), path("b")) == 0);
	errno = 0;
	check("old name gone (ENOENT)", stat(path("a"), &st) < 0 && errno == ENOENT);
	checkf("new name has the data", size_of(path("b")) == 6, "size=%ld", size_of(path("b")));
	check("rename over an existing file", rename(path("v"), path("b")) == 0 && size_of(path("b")) == 14);

	/* directories and readdir */
	check("mkdir sub", mkdir(path("sub"), 0755) == 0);
	errno = 0;
	check("mkdir again fails EEXIST", mkdir(path("sub"), 0755) < 0 && errno == EEXIST);
	fd = open(path("sub/inner"), O_WRONLY | O_CREAT, 0600);
	close(fd);
	for (int i = 0; i < 20; i++) {
		char name[32];

		snprintf(name, sizeof(name), "f%02d", i);
		fd = open(path(name), O_WRONLY | O_CREAT, 0600);
		if (i % 3 == 0)
			n = write(fd, name, 3);
		close(fd);
	}
	list_dir(dir, listing, sizeof(listing));
	say("readdir: %s", listing);
	check("stat sub is a directory", stat(path("sub"), &st) == 0 && S_ISDIR(st.st_mode));
	errno = 0;
	check("rmdir non-empty fails ENOTEMPTY", rmdir(path("sub")) < 0 && errno == ENOTEMPTY);
	errno = 0;
	check("unlink a directory fails EISDIR", unlink(path("sub")) < 0 && errno == EISDIR);
	errno = 0;
	check("open a file as a directory fails ENOTDIR",
	      open(path("b/x"), O_RDONLY) < 0 && errno == ENOTDIR);
	{
		long total = 0;

		for (int i = 0; i < 20; i++) {
			char name[32];

			snprintf(name, sizeof(name), "f%02d", i);
			total += size_of(path(name));
		}
		say("sum of f* sizes: %ld", total);
	}

	/* unlink: an open file lives on until closed */
	fd = open(path("b"), O_RDONLY);
	check("unlink b", unlink(path("b")) == 0);
	errno = 0;
	check("unlinked name gone", stat(path("b"), &st) < 0 && errno == ENOENT);
	n = read(fd, buf, 14);
	checkf("unlinked file still readable through its fd", n == 14 && !memcmp(buf, "one two three\n", 14), "n=%zd", n);
	check("fstat of unlinked file: nlink 0", fstat(fd, &st) == 0 && st.st_nlink == 0);
	close(fd);
	for (int i = 0; i < 20; i++) {
		char name[32];

		snprintf(name, sizeof(name), "f%02d", i);
		unlink(path(name));
	}
	unlink(path("big"));
	unlink(path("sub/inner"));
	check("rmdir sub", rmdir(path("sub")) == 0);
	list_dir(dir, listing, sizeof(listing));
	say("readdir after cleanup: %s", listing);
	check("rmdir the test directory", rmdir(dir) == 0);
	return gt_done();
}
