// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "diag.h"
#include "run_disks.h"
#include "virtio/devices.h"

#define EXT4_SUPER_OFFSET	1024
#define EXT4_MAGIC_OFFSET	56
#define EXT4_MAGIC		0xEF53

struct disk_spec {
	char *file, *dir;
	bool read_only;
};

/* FILE:GUESTDIR[:ro|:rw]; FILE may hold ':', GUESTDIR may not. */
static bool parse_spec(const char *option, const char *spec, struct disk_spec *d)
{
	char *copy = strdup(spec), *colon;
	size_t len;

	*d = (struct disk_spec){ 0 };
	if (!copy) {
		diag_error("out of memory");
		return false;
	}
	len = strlen(copy);
	if (len > 3 && (!strcmp(copy + len - 3, ":ro") || !strcmp(copy + len - 3, ":rw"))) {
		d->read_only = copy[len - 2] == 'r' && copy[len - 1] == 'o';
		copy[len - 3] = '\0';
	}
	colon = strrchr(copy, ':');
	if (!colon || colon == copy || colon[1] != '/') {
		diag_error("%s '%s': expected %s:GUESTDIR[:ro], GUESTDIR absolute", option, spec,
			   strcmp(option, "--disk") ? "HOSTDIR" : "FILE");
		free(copy);
		return false;
	}
	*colon = '\0';
	d->file = copy;
	d->dir = colon + 1;
	if (!strcmp(d->dir, "/") || strstr(d->dir, "/../") ||
	    (strlen(d->dir) >= 3 && !strcmp(d->dir + strlen(d->dir) - 3, "/.."))) {
		diag_error("%s '%s': GUESTDIR must be a directory below /, without '..'", option, spec);
		free(copy);
		return false;
	}
	return true;
}

/* A clear error now beats a mount failure inside the guest. */
static bool looks_like_ext(int fd, const char *file)
{
	unsigned char magic[2];

	if (pread(fd, magic, sizeof(magic), EXT4_SUPER_OFFSET + EXT4_MAGIC_OFFSET) !=
	    (ssize_t)sizeof(magic) || (magic[0] | magic[1] << 8) != EXT4_MAGIC) {
		diag_error("disk '%s': not an ext4 file system (make one with 'xlibos mkdisk FILE SIZE')",
			   file);
		return false;
	}
	return true;
}

static bool open_disk(const struct disk_spec *d, int *fd_out)
{
	int fd = open(d->file, (d->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		diag_error("disk '%s': %s", d->file, strerror(errno));
		return false;
	}
	/* One writer, or any number of readers: ext4 is no cluster file system. */
	if (flock(fd, (d->read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
		diag_error("disk '%s': %s", d->file, errno == EWOULDBLOCK ?
			   "in use by another container" : strerror(errno));
		close(fd);
		return false;
	}
	if (!looks_like_ext(fd, d->file)) {
		close(fd);
		return false;
	}
	*fd_out = fd;
	return true;
}

void run_disks_device_name(unsigned int index, char *buf, size_t len)
{
	snprintf(buf, len, "/dev/vd%c", 'a' + index);
}

/* A disk: its device, locked file and block device; "ro|rw DEVICE" */
static bool attach_disk(const struct disk_spec *d, size_t i, struct guest_devices *g,
			char *source, size_t len)
{
	int fd;

	(void)i;
	run_disks_device_name(g->n, source, len);
	return open_disk(d, &fd) && guest_devices_add_blk(g, fd, d->file, d->read_only);
}

/* A volume: the caller's path, symlinks and all; nothing inside is followed. */
static bool attach_volume(const struct disk_spec *d, size_t i, struct guest_devices *g,
			  char *source, size_t len)
{
	int fd = open(d->file, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		diag_error("volume '%s': %s", d->file, strerror(errno));
		return false;
	}
	snprintf(source, len, "xlibos-vol%zu", i);
	return guest_devices_add_p9(g, fd, source,
				    d->read_only ? P9_SHARE_READ_ONLY : P9_SHARE_READ_WRITE, d->file);
}

typedef bool attach_fn(const struct disk_spec *d, size_t i, struct guest_devices *g,
		       char *source, size_t len);

/* Each spec attached in order, with the init's "ro|rw SOURCE DIR" record. */
static bool attach_all(const char *option, attach_fn *attach, const char *const *specs,
		       size_t n, struct guest_devices *g, char ***records)
{
	char **out = calloc(n + 1, sizeof(*out));

	*records = out;
	if (!out) {
		diag_error("out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		struct disk_spec d;
		char source[32];
		bool ok;

		if (!parse_spec(option, specs[i], &d))
			return false;
		ok = attach(&d, i, g, source, sizeof(source));
		if (ok && asprintf(&out[i], "%s %s %s", d.read_only ? "ro" : "rw", source, d.dir) < 0) {
			out[i] = NULL;
			diag_error("out of memory");
			ok = false;
		}
		free(d.file);
		if (!ok)
			return false;
	}
	return true;
}

bool run_disks_attach(const char *const *specs, size_t n, struct guest_devices *g,
		      char ***records)
{
	return attach_all("--disk", attach_disk, specs, n, g, records);
}

bool run_volumes_attach(const char *const *specs, size_t n, struct guest_devices *g,
			char ***records)
{
	return attach_all("--volume", attach_volume, specs, n, g, records);
}

void run_disks_free(char **records, size_t n)
{
	if (!records)
		return;
	for (size_t i = 0; i < n; i++)
		free(records[i]);
	free(records);
}
