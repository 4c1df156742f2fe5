// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mounts.h"

struct mount_spec {
	const char *fstype;
	const char *target;
	const char *parent;	/* to tell whether something is mounted on target */
	unsigned long flags;
	const char *data;
	mode_t dir_mode;	/* for a missing mount point */
	bool optional;		/* no warning if it fails */
	bool not_container;	/* not for a container: its config.json says what it has */
	const char *container_source;	/* for a container, if not fstype */
};

/* Order matters: /dev before what lives under it. */
static const struct mount_spec mounts[] = {
	{ "proc", "/proc", "/", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0555, false, false, NULL },
	{ "sysfs", "/sys", "/", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0555, false, false, NULL },
	{ "devtmpfs", "/dev", "/", MS_NOSUID, "mode=0755", 0755, false, false, NULL },
	/*
	 * xlibos run's convenience, which nothing of the LibOS needs: runc
	 * mounts nothing on a container's /tmp unless config.json says so,
	 * and under a read-only root (docker run --read-only) it stays
	 * read-only, the image's files in it visible.
	 */
	{ "tmpfs", "/tmp", "/", MS_NOSUID | MS_NODEV, "mode=1777", 01777, false, true, NULL },
	{ "devpts", "/dev/pts", "/dev", MS_NOSUID | MS_NOEXEC,
	  "newinstance,ptmxmode=0666,mode=0620,gid=5", 0755, true, false, NULL },
	/* Docker, podman and containerd name theirs "shm" (/proc/mounts shows it). */
	{ "tmpfs", "/dev/shm", "/dev", MS_NOSUID | MS_NODEV, "mode=1777", 01777, true, false, "shm" },
};

/* A mount point sits on another device than its parent directory. */
static bool is_mounted(const struct stat *target, const char *parent)
{
	struct stat st;

	return stat(parent, &st) == 0 && st.st_dev != target->st_dev;
}

static void mount_one(const struct mount_spec *m, bool container)
{
	const char *source = container && m->container_source ? m->container_source : m->fstype;

	struct stat st;

	if (stat(m->target, &st) != 0) {
		/* mkdir applies the umask; chmod sets the mode (sticky bit too) exactly. */
		if (mkdir(m->target, m->dir_mode) != 0 || chmod(m->target, m->dir_mode) != 0 ||
		    stat(m->target, &st) != 0) {
			if (!m->optional)
				fprintf(stderr, "xlibos: warning: cannot create %s: %s\n",
					m->target, strerror(errno));
			return;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		if (!m->optional)
			fprintf(stderr, "xlibos: warning: %s is not a directory, not mounting %s there\n",
				m->target, m->fstype);
		return;
	} else if (is_mounted(&st, m->parent)) {
		return;
	}
	if (mount(source, m->target, m->fstype, m->flags, m->data) != 0 && !m->optional)
		fprintf(stderr, "xlibos: warning: cannot mount %s on %s: %s\n",
			m->fstype, m->target, strerror(errno));
}

/* The /dev links runc and udev provide; bash's <(...) needs /dev/fd. */
static const struct {
	const char *target, *link;
} dev_links[] = {
	{ "/proc/self/fd", "/dev/fd" },
	{ "/proc/self/fd/0", "/dev/stdin" },
	{ "/proc/self/fd/1", "/dev/stdout" },
	{ "/proc/self/fd/2", "/dev/stderr" },
	{ "pts/ptmx", "/dev/ptmx" },
};

static void dev_links_setup(bool container)
{
	struct stat st;

	/*
	 * A container's /dev/ptmx is a link to its devpts's, as runc makes it
	 * (devtmpfs has the device node, which reaches the same instance).
	 */
	if (container && lstat("/dev/ptmx", &st) == 0 && S_ISCHR(st.st_mode))
		unlink("/dev/ptmx");
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++)
		if (symlink(dev_links[i].target, dev_links[i].link) != 0 && errno != EEXIST)
			fprintf(stderr, "xlibos: warning: cannot create %s: %s\n",
				dev_links[i].link, strerror(errno));
}

void mounts_setup(bool container)
{
	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++)
		if (!container || !mounts[i].not_container)
			mount_one(&mounts[i], container);
	dev_links_setup(container);
}
