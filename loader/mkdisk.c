// SPDX-License-Identifier: GPL-2.0
/*
 * xlibos mkdisk FILE SIZE: create FILE (never an existing one), sparse, of
 * SIZE bytes, and format it as ext4 with a journal (a writable volume).
 * The root directory of the new file system is uid 0, gid 0, mode 0755:
 * the guest sees the image's ids as they are, and a container's processes
 * run as its root (uid 0) by default, as they would on a fresh docker
 * volume.  mke2fs is given /proc/self/fd/N, the file we created, so a
 * rename of FILE meanwhile cannot make it format another file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "e2fs_tool.h"
#include "mkdisk.h"
#include "size.h"

#define MKDISK_EXIT_OK 0
#define MKDISK_EXIT_FAIL 125

static void usage_error(const char *what)
{
	diag_error("mkdisk: %s (usage: xlibos mkdisk FILE SIZE, e.g. xlibos mkdisk data.img 1G)", what);
}

static bool parse_size(const char *text, uint64_t *bytes)
{
	char min[SIZE_FORMAT_MAX], max[SIZE_FORMAT_MAX];

	if (!size_parse(text, bytes)) {
		diag_error("mkdisk: invalid size '%s' (examples: 64M, 1G, 1073741824)", text);
		return false;
	}
	if (*bytes < MKDISK_MIN_SIZE || *bytes > MKDISK_MAX_SIZE) {
		diag_error("mkdisk: size %s is out of range (%s to %s)", text,
			   size_format(MKDISK_MIN_SIZE, min, sizeof(min)),
			   size_format(MKDISK_MAX_SIZE, max, sizeof(max)));
		return false;
	}
	return true;
}

/* Only the file we made, if FILE still names it. */
static void remove_ours(const char *path, int fd)
{
	struct stat ours, now;

	if (fstat(fd, &ours) == 0 && lstat(path, &now) == 0 && ours.st_dev == now.st_dev &&
	    ours.st_ino == now.st_ino)
		unlink(path);
}

/* In the child: mke2fs opens /proc/self/fd/N, so N must survive the exec. */
static bool keep_fd(void *arg)
{
	int fd = *(int *)arg;

	if (fcntl(fd, F_SETFD, 0) != 0) {
		perror("fcntl");
		return false;
	}
	return true;
}

static bool format(const char *path, int fd)
{
	char mke2fs[64], dev[32], err[1024];
	char *argv[] = { mke2fs, "-q", "-F", "-t", "ext4", "-b", "4096", "-E",
			 "root_owner=0:0,nodiscard", dev, NULL };
	extern char **environ;
	int rc;

	if (!e2fs_tool_find("mke2fs", mke2fs, sizeof(mke2fs))) {
		diag_error("mkdisk: mke2fs not found (install e2fsprogs)");
		return false;
	}
	snprintf(dev, sizeof(dev), "/proc/self/fd/%d", fd);
	rc = e2fs_tool_run(argv, environ, NULL, keep_fd, &fd, err, sizeof(err));
	if (rc < 0) {
		diag_error("mkdisk: cannot run %s: %s", mke2fs, strerror(errno));
		return false;
	}
	if (rc != 0) {
		diag_error("mkdisk: mke2fs failed on '%s' (status %d): %s", path, rc,
			   err[0] ? err : "no message");
		return false;
	}
	return true;
}

int mkdisk_command(int argc, char **argv)
{
	uint64_t size;
	int fd;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: xlibos mkdisk FILE SIZE\n"
		       "Create FILE (it must not exist), sparse, of SIZE bytes (e.g. 64M, 1G;\n"
		       "at least 8M), formatted as ext4 for 'xlibos run --disk FILE:DIR'.\n");
		return MKDISK_EXIT_OK;
	}
	if (argc != 3) {
		usage_error(argc < 3 ? "missing FILE or SIZE" : "too many arguments");
		return MKDISK_EXIT_FAIL;
	}
	if (argv[1][0] == '-' || argv[1][0] == '\0') {
		usage_error(argv[1][0] ? "unknown option" : "empty FILE");
		return MKDISK_EXIT_FAIL;
	}
	if (!parse_size(argv[2], &size))
		return MKDISK_EXIT_FAIL;
	fd = open(argv[1], O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			diag_error("mkdisk: '%s' already exists (mkdisk never overwrites a file)", argv[1]);
		else
			diag_error("mkdisk: cannot create '%s': %s", argv[1], strerror(errno));
		return MKDISK_EXIT_FAIL;
	}
	if (ftruncate(fd, (off_t)size) != 0) {
		diag_error("mkdisk: cannot make '%s' %" PRIu64 " bytes long: %s", argv[1], size,
			   strerror(errno));
		goto fail;
	}
	if (!format(argv[1], fd))
		goto fail;
	if (fsync(fd) != 0) {
		diag_error("mkdisk: cannot write '%s': %s", argv[1], strerror(errno));
		goto fail;
	}
	close(fd);
	return MKDISK_EXIT_OK;
fail:
	remove_ours(argv[1], fd);
	close(fd);
	return MKDISK_EXIT_FAIL;
}
