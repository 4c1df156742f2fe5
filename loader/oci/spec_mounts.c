// SPDX-License-Identifier: GPL-2.0
/*
 * config.json "mounts".  Bind mounts of host directories become volumes
 * (9P, served outside the sandbox); of regular files, a copy taken at
 * start; proc, sysfs, tmpfs, devpts, mqueue and cgroup are made inside the
 * guest by its own kernel.  Host device nodes are refused: the guest has
 * its own kernel's devices only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "json_get.h"
#include "log.h"
#include "spec.h"
#include "../guest-init/config_format.h"
#include "../guest-init/mount_options.h"

static const char *const mount_keys[] = {
	"destination", "type", "source", "options", "uidMappings", "gidMappings", NULL
};

/* Options that are mount flags (set or cleared). */
static const struct {
	const char *name;
	unsigned long set, clear;
} flag_options[] = {
	{ "ro", MS_RDONLY, 0 }, { "rw", 0, MS_RDONLY },
	{ "nosuid", MS_NOSUID, 0 }, { "suid", 0, MS_NOSUID },
	{ "nodev", MS_NODEV, 0 }, { "dev", 0, MS_NODEV },
	{ "noexec", MS_NOEXEC, 0 }, { "exec", 0, MS_NOEXEC },
	{ "noatime", MS_NOATIME, 0 }, { "atime", 0, MS_NOATIME },
	{ "nodiratime", MS_NODIRATIME, 0 }, { "diratime", 0, MS_NODIRATIME },
	{ "relatime", MS_RELATIME, 0 }, { "norelatime", 0, MS_RELATIME },
	{ "strictatime", MS_STRICTATIME, 0 }, { "nostrictatime", 0, MS_STRICTATIME },
	{ "sync", MS_SYNCHRONOUS, 0 }, { "async", 0, MS_SYNCHRONOUS },
	{ "dirsync", MS_DIRSYNC, 0 }, { "mand", 0, 0 }, { "nomand", 0, 0 },
};

/*
 * Options with nothing to do here: bind and propagation (each guest mount
 * is private to the guest), SELinux relabelling (z, Z).  tmpcopyup is
 * kept apart (a tmpfs that starts with the image's files).
 */
static const char *const ignored_options[] = {
	"bind", "rbind", "private", "rprivate", "slave", "rslave", "shared", "rshared",
	"unbindable", "runbindable", "z", "Z", "defaults", NULL
};

/* Data options the guest's file systems understand (KEY=VALUE or a word). */
static const char *const data_options[] = {
	"mode=", "size=", "nr_inodes=", "nr_blocks=", "uid=", "gid=", "ptmxmode=",
	"newinstance", "max=", "hidepid=", "subset=", "huge=", "nsdelegate",
	"memory_recursiveprot", NULL
};

struct mount_req {
	char path[48];		/* "mounts[i]" */
	const char *dest, *type, *source;
	unsigned long flags;
	bool bind, copyup;
	char data[512];
};

static bool check_option(struct mount_req *m, const char *opt, size_t k)
{
	size_t len = strlen(m->data);

	for (size_t i = 0; i < sizeof(flag_options) / sizeof(flag_options[0]); i++) {
		if (!strcmp(opt, flag_options[i].name)) {
			m->flags = (m->flags | flag_options[i].set) & ~flag_options[i].clear;
			return true;
		}
	}
	if (!strcmp(opt, XLIBOS_MOUNT_COPYUP) || !strcmp(opt, "notmpcopyup")) {
		m->copyup = opt[0] == 't';
		return true;
	}
	for (size_t i = 0; ignored_options[i]; i++) {
		if (!strcmp(opt, ignored_options[i])) {
			m->bind |= !strcmp(opt, "bind") || !strcmp(opt, "rbind");
			return true;
		}
	}
	for (size_t i = 0; data_options[i]; i++) {
		size_t plen = strlen(data_options[i]);
		bool word = data_options[i][plen - 1] != '=';

		if (word ? strcmp(opt, data_options[i]) : strncmp(opt, data_options[i], plen))
			continue;
		if (strpbrk(opt, ",\n") ||
		    snprintf(m->data + len, sizeof(m->data) - len, "%s%s", len ? "," : "",
			     opt) >= (int)(sizeof(m->data) - len)) {
			oci_error("config.json: %s.options[%zu]: bad value '%s'", m->path, k, opt);
			return false;
		}
		return true;
	}
	oci_error("config.json: %s.options[%zu]: '%s' is not supported", m->path, k, opt);
	return false;
}

/* Absolute, no "..", no newline, not "/": a place the guest init can make. */
static bool check_dest(const struct mount_req *m)
{
	const char *d = m->dest;
	size_t len = strlen(d);

	if (d[0] != '/' || !strcmp(d, "/") || strstr(d, "/../") || strchr(d, '\n') ||
	    strchr(d, ':') || (len >= 3 && !strcmp(d + len - 3, "/..")) || len >= 1024) {
		oci_error("config.json: %s.destination: '%s' must be an absolute path below / without '..', ':' or newlines",
			  m->path, d);
		return false;
	}
	return true;
}

/* What a bind mount's remount sets, as runc's (ro, nosuid, nodev, noexec, atime). */
#define BIND_FLAGS	(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | \
			 MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

/* A file's contents as a "file" record: mode, flags, destination, hex. */
static bool copy_file(const struct mount_req *m, const struct stat *st, struct oci_plan *plan)
{
	static const char hex[] = "0123456789abcdef";
	int fd = open(m->source, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	unsigned char *buf = NULL;
	char *text = NULL;
	struct stat fst;
	ssize_t n = 0;
	bool ok = false;

	if (fd < 0 || fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode) ||
	    fst.st_dev != st->st_dev || fst.st_ino != st->st_ino) {
		oci_error("config.json: %s.source '%s': %s", m->path, m->source,
			  fd < 0 ? strerror(errno) : "changed while being read");
		goto out;
	}
	if (fst.st_size > OCI_FILE_BIND_MAX) {
		oci_error("config.json: %s.source '%s': a file bind mount is copied in at start, at most 1 MiB",
			  m->path, m->source);
		goto out;
	}
	buf = malloc((size_t)fst.st_size + 1);
	text = malloc((size_t)fst.st_size * 2 + 1);
	if (!buf || !text || (n = read(fd, buf, (size_t)fst.st_size + 1)) < 0 ||
	    n > fst.st_size) {
		oci_error("config.json: %s.source '%s': cannot read it", m->path, m->source);
		goto out;
	}
	for (ssize_t i = 0; i < n; i++) {
		text[2 * i] = hex[buf[i] >> 4];
		text[2 * i + 1] = hex[buf[i] & 15];
	}
	text[2 * n] = '\0';
	plan_record(plan, XLIBOS_CONFIG_FILE, "%o\n%lx\n%s\n%s", (unsigned int)(fst.st_mode & 07777),
		    m->flags & BIND_FLAGS, m->dest, text);
	ok = true;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(text);
	return ok;
}

static bool bind_mount(const struct mount_req *m, struct oci_plan *plan)
{
	struct stat st;

	if (m->source[0] != '/') {
		oci_error("config.json: %s.source: '%s' must be an absolute path", m->path, m->source);
		return false;
	}
	if (stat(m->source, &st) != 0) {
		oci_error("config.json: %s.source '%s': %s", m->path, m->source, strerror(errno));
		return false;
	}
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || !strncmp(m->source, "/dev/", 5) ||
	    !strcmp(m->source, "/dev")) {
		oci_error("config.json: %s: '%s' is a host device: host devices are not supported",
			  m->path, m->source);
		return false;
	}
	if (S_ISREG(st.st_mode))
		return copy_file(m, &st, plan);
	if (!S_ISDIR(st.st_mode)) {
		oci_error("config.json: %s.source '%s': only directories and regular files can be bind-mounted",
			  m->path, m->source);
		return false;
	}
	/*
	 * /dev/shm (podman's, a tmpfs of the host): the guest's own tmpfs,
	 * where its POSIX shared memory lives, with the bind's flags and the
	 * host tmpfs's size, as runc's container sees podman's.
	 */
	if (!strcmp(m->dest, "/dev/shm")) {
		struct statfs sfs;
		char size[48] = "";

		if (statfs(m->source, &sfs) == 0 && sfs.f_type == 0x01021994 /* TMPFS_MAGIC */)
			snprintf(size, sizeof(size), "size=%llu",
				 (unsigned long long)sfs.f_blocks * (unsigned long long)sfs.f_bsize);
		plan_record(plan, XLIBOS_CONFIG_MOUNT, "tmpfs\n%lx\n%s\n%s", m->flags & BIND_FLAGS,
			    size, m->dest);
		return true;
	}
	if (strchr(m->source, '\n')) {
		oci_error("config.json: %s.source: newline in the path", m->path);
		return false;
	}
	plan_option(plan, "--volume", "%s:%s%s", m->source, m->dest,
		    m->flags & MS_RDONLY ? ":ro" : "");
	return true;
}

/* A file system of the guest's own kernel, mounted (or remounted) by the guest init. */
static bool kernel_mount(const struct mount_req *m, struct oci_plan *plan)
{
	static const char *const types[] = { "proc", "sysfs", "tmpfs", "devpts", "mqueue",
					     "cgroup", "cgroup2", NULL };
	const char *type = m->type;
	bool copyup;
	size_t i;

	for (i = 0; types[i] && strcmp(types[i], type); i++)
		;
	if (!types[i]) {
		oci_error("config.json: %s.type: '%s' mounts are not supported", m->path, type);
		return false;
	}
	/* /dev: the guest init's devtmpfs, its own kernel's devices (as runc's default set). */
	if (!strcmp(m->dest, "/dev") && !strcmp(type, "tmpfs"))
		return true;
	if (!strcmp(type, "cgroup"))
		type = "cgroup2";
	/* Each option for this type (runc hands them to the kernel, which refuses what it lacks). */
	for (const char *d = m->data; *d;) {
		size_t len = strcspn(d, ",");

		if (!mount_data_option_ok(type, d, len)) {
			oci_error("config.json: %s.options: '%.*s' is not an option of %s mounts",
				  m->path, (int)len, d, m->type);
			return false;
		}
		d += len + (d[len] == ',');
	}
	/* runc copies up into a tmpfs only; elsewhere the option does nothing. */
	copyup = m->copyup && !strcmp(type, "tmpfs");
	plan_record(plan, XLIBOS_CONFIG_MOUNT, "%s\n%lx\n%s%s%s\n%s", type, m->flags,
		    copyup ? XLIBOS_MOUNT_COPYUP : "", copyup && *m->data ? "," : "", m->data,
		    m->dest);
	return true;
}

bool spec_mounts(json_t *mounts, struct oci_plan *plan)
{
	json_t *mount;
	size_t i;

	json_array_foreach(mounts, i, mount) {
		struct mount_req m = { 0 };
		const char **options = NULL;
		size_t nopt = 0;
		bool ok;

		snprintf(m.path, sizeof(m.path), "mounts[%zu]", i);
		if (!json_is_object(mount)) {
			oci_error("config.json: %s: must be an object", m.path);
			return false;
		}
		if (!jget_known_keys(mount, m.path, mount_keys) ||
		    !jget_string(mount, "destination", m.path, true, &m.dest) ||
		    !jget_string(mount, "type", m.path, false, &m.type) ||
		    !jget_string(mount, "source", m.path, false, &m.source) ||
		    !jget_refuse(mount, "uidMappings", m.path, "id-mapped mounts are not supported") ||
		    !jget_refuse(mount, "gidMappings", m.path, "id-mapped mounts are not supported") ||
		    !jget_strings(mount, "options", m.path, false, &options, &nopt))
			return false;
		ok = check_dest(&m);
		for (size_t k = 0; ok && k < nopt; k++)
			ok = check_option(&m, options[k], k);
		free(options);
		if (!ok)
			return false;
		if (!m.type)
			m.type = m.bind ? "bind" : "";
		m.bind |= !strcmp(m.type, "bind");
		if (m.bind && !m.source) {
			oci_error("config.json: %s.source: missing", m.path);
			return false;
		}
		if (m.bind ? !bind_mount(&m, plan) : !kernel_mount(&m, plan))
			return false;
	}
	return true;
}
