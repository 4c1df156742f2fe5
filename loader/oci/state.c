// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "log.h"
#include "state.h"

bool state_valid_id(const char *id)
{
	size_t len = strlen(id);

	if (!len || len > 255 || !strcmp(id, ".") || !strcmp(id, ".."))
		return false;
	for (const char *p = id; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("_+.-", *p))
			return false;
	return true;
}

static bool dir_path(const char *root, const char *id, struct oci_container *c)
{
	*c = (struct oci_container){ .dir_fd = -1 };
	if (!state_valid_id(id)) {
		oci_error("invalid container id '%s'", id);
		return false;
	}
	snprintf(c->id, sizeof(c->id), "%s", id);
	if (snprintf(c->dir, sizeof(c->dir), "%s/%s", root, id) >= (int)sizeof(c->dir)) {
		oci_error("--root path too long");
		return false;
	}
	return true;
}

static bool lock_dir(struct oci_container *c)
{
	c->dir_fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (c->dir_fd < 0)
		return false;
	if (flock(c->dir_fd, LOCK_EX) != 0) {
		oci_error("cannot lock %s: %s", c->dir, strerror(errno));
		close(c->dir_fd);
		c->dir_fd = -1;
		return false;
	}
	return true;
}

/*
 * The state root and its missing parents, as runc's MkdirAll: containerd's
 * shim and Docker pass /run/containerd/runc/NAMESPACE and
 * /run/docker/runtime-runc/moby, which nothing makes before a first container.
 */
static int mkdir_parents(const char *root)
{
	char path[PATH_MAX];
	size_t len = strlen(root);

	if (len >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, root, len + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

bool state_create(const char *root, const char *id, struct oci_container *c)
{
	if (!dir_path(root, id, c))
		return false;
	if (mkdir_parents(root) != 0) {
		oci_error("cannot create the state root %s: %s", root, strerror(errno));
		return false;
	}
	if (mkdir(c->dir, 0700) != 0) {
		oci_error(errno == EEXIST ? "container '%s' already exists" : "cannot create %s: %s",
			  errno == EEXIST ? id : c->dir, strerror(errno));
		return false;
	}
	if (!lock_dir(c)) {
		oci_error("cannot open %s: %s", c->dir, strerror(errno));
		rmdir(c->dir);
		return false;
	}
	return true;
}

bool state_exists(const char *root, const char *id)
{
	char path[PATH_MAX];
	struct stat st;

	return snprintf(path, sizeof(path), "%s/%s", root, id) < (int)sizeof(path) &&
	       lstat(path, &st) == 0;
}

bool state_open(const char *root, const char *id, struct oci_container *c)
{
	json_error_t err;
	int fd;
	FILE *f;

	if (!dir_path(root, id, c))
		return false;
	if (!lock_dir(c)) {
		if (errno == ENOENT)
			oci_error("container '%s' does not exist", id);
		else
			oci_error("cannot open %s: %s", c->dir, strerror(errno));
		return false;
	}
	fd = openat(c->dir_fd, OCI_STATE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		/* create died before it finished: only delete can do anything with it. */
		return true;
	}
	c->state = json_loadf(f, JSON_REJECT_DUPLICATES, &err);
	fclose(f);
	if (!c->state || !json_is_object(c->state)) {
		oci_error("%s/%s: %s", c->dir, OCI_STATE_FILE, c->state ? "not an object" : err.text);
		json_decref(c->state);
		c->state = NULL;
		return true;
	}
	c->pid = (pid_t)json_integer_value(json_object_get(c->state, "pid"));
	c->pid_start = (uint64_t)json_integer_value(json_object_get(c->state, "pid_start"));
	return true;
}

void state_close(struct oci_container *c)
{
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	json_decref(c->state);
	c->dir_fd = -1;
	c->state = NULL;
}

bool state_remove(struct oci_container *c)
{
	static const char *const files[] = { OCI_STATE_FILE, OCI_STATE_FILE ".tmp",
					     OCI_FIFO_FILE, OCI_RECORDS_FILE,
					     OCI_CONTROL_FILE, OCI_PAUSED_FILE, NULL };

	for (size_t i = 0; files[i]; i++)
		if (unlinkat(c->dir_fd, files[i], 0) != 0 && errno != ENOENT) {
			oci_error("cannot remove %s/%s: %s", c->dir, files[i], strerror(errno));
			return false;
		}
	if (rmdir(c->dir) != 0) {
		oci_error("cannot remove %s: %s", c->dir, strerror(errno));
		return false;
	}
	return true;
}

bool state_save(struct oci_container *c)
{
	char *text = json_dumps(c->state, JSON_COMPACT);
	int fd = openat(c->dir_fd, OCI_STATE_FILE ".tmp",
			O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	bool ok = text && fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) &&
		  fsync(fd) == 0;

	if (fd >= 0)
		close(fd);
	free(text);
	if (!ok || renameat(c->dir_fd, OCI_STATE_FILE ".tmp", c->dir_fd, OCI_STATE_FILE) != 0) {
		oci_error("cannot write %s/%s: %s", c->dir, OCI_STATE_FILE, strerror(errno));
		return false;
	}
	return true;
}

/* /proc/PID/stat: the state letter and field 22, after the last ')' of the name. */
bool state_proc_stat(pid_t pid, char *state, uint64_t *start)
{
	char path[64], buf[1024], *p;
	unsigned long long st = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* ") S ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime prio nice threads itreal starttime" */
	if (!p || sscanf(p + 2, "%c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
			 state, &st) != 2)
		return false;
	*start = st;
	return true;
}

uint64_t state_proc_start(pid_t pid)
{
	uint64_t start;
	char st;

	return state_proc_stat(pid, &st, &start) ? start : 0;
}

enum oci_status state_status(const struct oci_container *c)
{
	uint64_t start;
	char st;

	if (!c->state || c->pid <= 0)
		return OCI_STOPPED;
	/* Gone, a zombie waiting for conmon, or another process with its pid. */
	if (!state_proc_stat(c->pid, &st, &start) || st == 'Z' || st == 'X' || start != c->pid_start)
		return OCI_STOPPED;
	if (faccessat(c->dir_fd, OCI_FIFO_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return OCI_CREATED;
	if (faccessat(c->dir_fd, OCI_PAUSED_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return OCI_PAUSED;
	return OCI_RUNNING;
}

const char *state_status_name(enum oci_status s)
{
	switch (s) {
	case OCI_CREATING:
		return "creating";
	case OCI_CREATED:
		return "created";
	case OCI_RUNNING:
		return "running";
	case OCI_PAUSED:
		return "paused";
	default:
		return "stopped";
	}
}

json_t *state_report(const struct oci_container *c)
{
	return state_report_as(c, state_status(c));
}

json_t *state_report_as(const struct oci_container *c, enum oci_status s)
{
	json_t *st = c->state, *ann = st ? json_object_get(st, "annotations") : NULL;

	return json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:O}", "ociVersion", "1.0.2",
			 "id", c->id, "pid", (json_int_t)(s == OCI_STOPPED ? 0 : c->pid), "status",
			 state_status_name(s), "bundle",
			 st ? json_string_value(json_object_get(st, "bundle")) ?: "" : "",
			 "rootfs", st ? json_string_value(json_object_get(st, "rootfs")) ?: "" : "",
			 "created", st ? json_string_value(json_object_get(st, "created")) ?: "" : "",
			 "owner", "", "annotations", ann ? ann : json_object());
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **state_list(const char *root)
{
	DIR *d = opendir(root);
	char **names = calloc(1, sizeof(*names));
	size_t n = 0;
	struct dirent *e;

	if (!names || !d) {
		if (d)
			closedir(d);
		return names;	/* no root yet: no containers */
	}
	while ((e = readdir(d))) {
		char **grown;

		if (!state_valid_id(e->d_name) || e->d_type != DT_DIR)
			continue;
		grown = realloc(names, (n + 2) * sizeof(*names));
		if (!grown)
			break;
		names = grown;
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
		names[n] = NULL;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), compare);
	return names;
}
