// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root_image.h"

/* Where the layers live, in the initramfs; hidden once the root moves. */
#define LAYERS		"/.xlibos/layers"
#define LOWER		LAYERS "/image"
#define RW		LAYERS "/rw"
#define NEWROOT		LAYERS "/root"
#define UPPER		RW "/" ROOT_IMAGE_UPPER_DIR

/* The tmpfs of the upper layer and the image, for writeback.c; -1 if none. */
static int rw_fd = -1, lower_fd = -1;

void root_image_early_dev(void)
{
	mkdir("/dev", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755") != 0)
		fprintf(stderr, "xlibos: cannot mount devtmpfs: %s\n", strerror(errno));
}

static bool fail(const char *what, const char *path)
{
	fprintf(stderr, "xlibos: cannot %s %s: %s\n", what, path, strerror(errno));
	return false;
}

static bool make_dir(const char *path, mode_t mode)
{
	return mkdir(path, mode) == 0 || errno == EEXIST || fail("create", path);
}

bool root_image_enter(const char *device)
{
	const char *opts = "lowerdir=" LOWER ",upperdir=" UPPER ",workdir=" RW "/work";
	struct stat st;

	if (!make_dir(LAYERS, 0700) || !make_dir(LOWER, 0755) || !make_dir(RW, 0755) ||
	    !make_dir(NEWROOT, 0755))
		return false;
	if (mount(device, LOWER, "ext4", MS_RDONLY | MS_NOATIME, "") != 0)
		return fail("mount the image's file system on", device);
	/* Like Docker's container layer: the container's own, gone at its end. */
	if (mount("tmpfs", RW, "tmpfs", 0, "mode=0755") != 0)
		return fail("mount a tmpfs on", RW);
	if (!make_dir(UPPER, 0755) || !make_dir(RW "/work", 0700) ||
	    !make_dir(RW "/" ROOT_IMAGE_HOST_DIR, 0700))
		return false;
	/* Out of the container's sight once the root moves; never inherited. */
	rw_fd = open(RW, O_PATH | O_DIRECTORY | O_CLOEXEC);
	lower_fd = open(LOWER, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* The root directory keeps the image's owner, mode and times. */
	if (stat(LOWER, &st) == 0) {
		struct timespec times[2] = { st.st_atim, st.st_mtim };

		chmod(UPPER, st.st_mode & 07777);
		if (chown(UPPER, st.st_uid, st.st_gid) != 0)
			return fail("set the owner of", UPPER);
		utimensat(AT_FDCWD, UPPER, times, 0);
	}
	if (mount("overlay", NEWROOT, "overlay", 0, opts) != 0)
		return fail("mount the root overlay on", NEWROOT);
	/* switch_root: the overlay moves onto /, and becomes our root. */
	if (chdir(NEWROOT) != 0)
		return fail("enter", NEWROOT);
	if (mount(".", "/", NULL, MS_MOVE, NULL) != 0)
		return fail("move the root overlay to", "/");
	if (chroot(".") != 0 || chdir("/") != 0)
		return fail("change root to", NEWROOT);
	return true;
}

int root_image_layers_fd(void)
{
	return rw_fd;
}

int root_image_lower_fd(void)
{
	return lower_fd;
}

/* Copies above 63 first: either may sit where the other goes. */
void root_image_move_fds(int first)
{
	int rw = rw_fd >= 0 ? fcntl(rw_fd, F_DUPFD_CLOEXEC, 64) : -1;
	int lower = lower_fd >= 0 ? fcntl(lower_fd, F_DUPFD_CLOEXEC, 64) : -1;

	rw_fd = rw >= 0 && dup3(rw, first, O_CLOEXEC) == first ? first : -1;
	lower_fd = lower >= 0 && dup3(lower, first + 1, O_CLOEXEC) == first + 1 ? first + 1 : -1;
	if (rw >= 0)
		close(rw);
	if (lower >= 0)
		close(lower);
}

/* mkdir -p, each new directory 0755 */
static bool make_path(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		bool ok = make_dir(path, 0755);

		*p = '/';
		if (!ok)
			return false;
	}
	return make_dir(path, 0755);
}

/* "ro|rw SOURCE DIR": mount SOURCE (a device or a 9p tag) on DIR. */
static bool mount_record(char *spec, const char *what, const char *fstype, const char *data)
{
	char *mode = spec, *source, *dir;
	unsigned long flags = 0;

	source = strchr(mode, ' ');
	if (!source)
		goto bad;
	*source++ = '\0';
	dir = strchr(source, ' ');
	if (!dir)
		goto bad;
	*dir++ = '\0';
	if (dir[0] != '/' || (strcmp(mode, "ro") && strcmp(mode, "rw")))
		goto bad;
	if (!strcmp(mode, "ro"))
		flags |= MS_RDONLY;
	if (!make_path(dir))
		return false;
	if (mount(source, dir, fstype, flags, data) != 0) {
		int err = errno;

		/* The kernel's own codes (EFSCORRUPTED is EUCLEAN) may lack a text. */
		fprintf(stderr, "xlibos: cannot mount %s %s on %s: %s (errno %d)%s\n", what,
			source, dir, strerror(err), err,
			!strcmp(fstype, "ext4") ? "; is it a healthy ext4 file system? (e2fsck -f)" : "");
		return false;
	}
	return true;
bad:
	fprintf(stderr, "xlibos: bad %s record in the config\n", what);
	return false;
}

bool root_image_mount_disks(char *const *disks, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (!mount_record(disks[i], "disk", "ext4", ""))
			return false;
	return true;
}

/*
 * Live sharing: no guest cache of the host's files (cache=mmap only makes
 * shared writable mappings work, for sqlite's WAL), the client checks access.
 */
#define VOLUME_OPTIONS	"trans=virtio,version=9p2000.L,msize=262144,access=client,cache=mmap"

bool root_image_mount_volumes(char *const *volumes, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (!mount_record(volumes[i], "volume", "9p", VOLUME_OPTIONS))
			return false;
	return true;
}
