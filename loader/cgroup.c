// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "diag.h"
#include "text_file.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

/* The number after "key " in a flat-keyed cgroup file, or 0. */
static uint64_t read_key(const char *dir, const char *file, const char *key)
{
	char path[PATH_MAX + 64], line[256];
	size_t klen = strlen(key);
	uint64_t val = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			val = strtoull(line + klen + 1, NULL, 10);
	fclose(f);
	return val;
}

static bool is_fs(const char *path, long magic)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == magic;
}

/* Our own cgroup in v1 hierarchy @ctrl, from /proc/self/cgroup. */
static bool own_v1_path(const char *ctrl, char *out, size_t len)
{
	char line[PATH_MAX + 64];
	size_t clen = strlen(ctrl);
	bool found = false;
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *ctrls = strchr(line, ':'), *path;

		if (!ctrls || !(path = strchr(++ctrls, ':')))
			continue;
		*path++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		for (char *tok = strtok(ctrls, ","); tok; tok = strtok(NULL, ","))
			if (strlen(tok) == clen && !strncmp(tok, ctrl, clen))
				found = true;
		if (found)
			snprintf(out, len, "%s", strcmp(path, "/") ? path : "");
	}
	fclose(f);
	return found;
}

/* A parent directory, made if missing. */
static bool make_dir(const char *dir)
{
	return mkdir(dir, 0755) == 0 || errno == EEXIST;
}

/*
 * Cgroups of loaders that were killed (SIGKILL leaves no time to remove
 * them) would pile up.  Each is named NSINO-PID (the loader's PID
 * namespace and pid: cgroup_create's @name), so we can tell the ones of
 * dead loaders of our own PID namespace and remove them (rmdir fails on
 * one that still has tasks); other namespaces' are left alone.
 */
static void remove_stale(const char *parent)
{
	struct dirent *e;
	DIR *d = opendir(parent);
	unsigned long long own_ns = cgroup_pidns_inode();

	if (!d || !own_ns) {
		if (d)
			closedir(d);
		return;
	}
	while ((e = readdir(d))) {
		/* v1: xlibos-NSINO-PID beside other cgroups; v2: NSINO-PID in xlibos/ */
		const char *name = strncmp(e->d_name, "xlibos-", 7) ? e->d_name : e->d_name + 7;
		unsigned long long ns;
		long pid;
		char *end;

		if (!isdigit((unsigned char)*name))
			continue;
		ns = strtoull(name, &end, 10);
		if (*end != '-' || ns != own_ns || !isdigit((unsigned char)end[1]))
			continue;
		pid = strtol(end + 1, &end, 10);
		if (*end || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

unsigned long long cgroup_pidns_inode(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* mkdir -p below @root (a hierarchy's mount): @dir's missing directories. */
static bool make_path(const char *root, const char *dir)
{
	char path[PATH_MAX];
	size_t skip = strlen(root);

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return false;
	}
	for (char *p = path + skip + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (!make_dir(path))
			return false;
		*p = '/';
	}
	return make_dir(path);
}

/* Our own cgroup, new (left-overs of dead loaders removed first). */
static bool make_cgroup_dir(const char *dir)
{
	char parent[PATH_MAX];

	snprintf(parent, sizeof(parent), "%s", dir);
	*strrchr(parent, '/') = '\0';
	remove_stale(parent);
	return mkdir(dir, 0755) == 0;
}

/*
 * A hierarchy we may not change (read-only, delegated elsewhere, a v2
 * controller not enabled for us): the container goes without a cgroup,
 * as rootless ones do, bounded by RLIMIT_NPROC only.
 */
static bool not_usable(int err)
{
	return err == EACCES || err == EPERM || err == EROFS || err == ENOENT;
}

static bool cpu_limited(const struct cgroup_cpu *cpu)
{
	return cpu && (cpu->quota_us || cpu->shares);
}

static bool set_cpu_v1(const char *dir, const struct cgroup_cpu *cpu)
{
	char num[32];

	if (cpu->quota_us) {
		snprintf(num, sizeof(num), "%" PRIu64, cpu->period_us);
		if (!text_file_write(dir, "cpu.cfs_period_us", num))
			return false;
		snprintf(num, sizeof(num), "%" PRIu64, cpu->quota_us);
		if (!text_file_write(dir, "cpu.cfs_quota_us", num))
			return false;
	}
	snprintf(num, sizeof(num), "%" PRIu64, cpu->shares);
	return !cpu->shares || text_file_write(dir, "cpu.shares", num);
}

static bool set_cpu_v2(const char *dir, const struct cgroup_cpu *cpu)
{
	char num[48];

	snprintf(num, sizeof(num), "%" PRIu64 " %" PRIu64, cpu->quota_us, cpu->period_us);
	if (cpu->quota_us && !text_file_write(dir, "cpu.max", num))
		return false;
	snprintf(num, sizeof(num), "%" PRIu64, cgroup_weight_of_shares(cpu->shares));
	return !cpu->shares || text_file_write(dir, "cpu.weight", num);
}

/* v1 at the caller's path: pids, memory, and cpu where mounted. */
static bool given_v1(struct cgroup *cg, const char *path)
{
	snprintf(cg->pids_dir, sizeof(cg->pids_dir), CGROUP_ROOT "/pids%s", path);
	snprintf(cg->mem_dir, sizeof(cg->mem_dir), CGROUP_ROOT "/memory%s", path);
	if (is_fs(CGROUP_ROOT "/cpu", CGROUP_SUPER_MAGIC))
		snprintf(cg->cpu_dir, sizeof(cg->cpu_dir), CGROUP_ROOT "/cpu%s", path);
	return make_path(CGROUP_ROOT "/pids", cg->pids_dir) &&
	       make_path(CGROUP_ROOT "/memory", cg->mem_dir) &&
	       (!*cg->cpu_dir || make_path(CGROUP_ROOT "/cpu", cg->cpu_dir));
}

/*
 * At the caller's path the supervisor joins too, as runc's container
 * process is in it: engines read a container's usage from its pid's
 * cgroup (podman stats, cadvisor).  v1: its hierarchies for usage as well.
 */
static bool join_given(const struct cgroup *cg, const char *path)
{
	static const char *const v1[] = CGROUP_V1_GIVEN;
	char pid[32], dir[PATH_MAX], root[64];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (cg->kind == CGROUP_V2)
		return text_file_write(cg->pids_dir, "cgroup.procs", pid);
	/* pids, memory and cpu are made (given_v1); the others are for usage only. */
	for (int i = 0; v1[i]; i++) {
		snprintf(root, sizeof(root), CGROUP_ROOT "/%s", v1[i]);
		snprintf(dir, sizeof(dir), "%s%s", root, path);
		if (is_fs(root, CGROUP_SUPER_MAGIC) &&
		    (!make_path(root, dir) || !text_file_write(dir, "cgroup.procs", pid)))
			return false;
	}
	return true;
}

static bool create_v1(struct cgroup *cg, const char *path, const char *name, uint64_t pids_max,
		      uint64_t mem_max, const struct cgroup_cpu *cpu)
{
	char own[PATH_MAX / 2], num[32];

	if (path) {
		if (!given_v1(cg, path))
			return false;
	} else {
		if (!own_v1_path("pids", own, sizeof(own)))
			return false;
		snprintf(cg->pids_dir, sizeof(cg->pids_dir), CGROUP_ROOT "/pids%s/xlibos-%s", own,
			 name);
		if (!own_v1_path("memory", own, sizeof(own)))
			return false;
		snprintf(cg->mem_dir, sizeof(cg->mem_dir), CGROUP_ROOT "/memory%s/xlibos-%s", own,
			 name);
		if (!make_cgroup_dir(cg->pids_dir) || !make_cgroup_dir(cg->mem_dir))
			return false;
	}
	snprintf(num, sizeof(num), "%" PRIu64, pids_max);
	if (!text_file_write(cg->pids_dir, "pids.max", num))
		return false;
	snprintf(num, sizeof(num), "%" PRIu64, mem_max);
	if (!text_file_write(cg->mem_dir, "memory.limit_in_bytes", num))
		return false;
	/* With swap accounting, swap must not lift the limit either. */
	text_file_write(cg->mem_dir, "memory.memsw.limit_in_bytes", num);
	if (path && *cg->cpu_dir)
		return !cpu_limited(cpu) || set_cpu_v1(cg->cpu_dir, cpu);
	if (!cpu_limited(cpu))
		return true;
	if (path || !is_fs(CGROUP_ROOT "/cpu", CGROUP_SUPER_MAGIC) ||
	    !own_v1_path("cpu", own, sizeof(own))) {
		errno = ENOENT;
		return false;
	}
	snprintf(cg->cpu_dir, sizeof(cg->cpu_dir), CGROUP_ROOT "/cpu%s/xlibos-%s", own, name);
	return make_cgroup_dir(cg->cpu_dir) && set_cpu_v1(cg->cpu_dir, cpu);
}

/* v2 at the caller's path: each parent gives its children the controllers. */
static bool given_v2(struct cgroup *cg, const char *path)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), CGROUP_ROOT "%s", path);
	for (char *p = dir + strlen(CGROUP_ROOT); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (p != dir + strlen(CGROUP_ROOT) && !make_dir(dir))
			return false;
		/* cpu where the host has it: a failure is no error (no limits asked). */
		text_file_write(dir, "cgroup.subtree_control", "+pids +memory");
		text_file_write(dir, "cgroup.subtree_control", "+cpu");
		*p = '/';
	}
	snprintf(cg->pids_dir, sizeof(cg->pids_dir), "%s", dir);
	snprintf(cg->mem_dir, sizeof(cg->mem_dir), "%s", dir);
	return make_dir(dir);
}

static bool create_v2(struct cgroup *cg, const char *path, const char *name, uint64_t pids_max,
		      uint64_t mem_max, const struct cgroup_cpu *cpu)
{
	char base[] = CGROUP_ROOT "/xlibos", num[32];
	const char *ctrls = cpu_limited(cpu) ? "+pids +memory +cpu" : "+pids +memory";

	if (path) {
		if (!given_v2(cg, path))
			return false;
	} else {
		/* Controllers for our children: at the root, then in xlibos/. */
		text_file_write(CGROUP_ROOT, "cgroup.subtree_control", ctrls);
		if (!make_dir(base))
			return false;
		text_file_write(base, "cgroup.subtree_control", ctrls);
		snprintf(cg->pids_dir, sizeof(cg->pids_dir), "%s/%s", base, name);
		snprintf(cg->mem_dir, sizeof(cg->mem_dir), "%s", cg->pids_dir);
		if (!make_cgroup_dir(cg->pids_dir))
			return false;
	}
	snprintf(num, sizeof(num), "%" PRIu64, pids_max);
	if (!text_file_write(cg->pids_dir, "pids.max", num))
		return false;
	snprintf(num, sizeof(num), "%" PRIu64, mem_max);
	if (!text_file_write(cg->mem_dir, "memory.max", num))
		return false;
	text_file_write(cg->mem_dir, "memory.swap.max", "0");
	/* An OOM kill takes the whole container, not one of its processes. */
	text_file_write(cg->mem_dir, "memory.oom.group", "1");
	return !cpu_limited(cpu) || set_cpu_v2(cg->pids_dir, cpu);
}

static bool open_self_join(struct cgroup *cg)
{
	const char *dirs[CGROUP_SELF_JOIN_MAX] = { cg->pids_dir, cg->mem_dir, cg->cpu_dir };
	char path[PATH_MAX + 16];

	for (int i = 0; i < CGROUP_SELF_JOIN_MAX && *dirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/tasks", dirs[i]);
		cg->self_join_fd[i] = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (cg->self_join_fd[i] < 0)
			return false;
	}
	cg->joins_itself = true;
	return true;
}

/* Where CPU limits were asked for and no cgroup can apply them: say so. */
static bool without_cgroup(const struct cgroup_cpu *cpu, const char *why)
{
	if (!cpu_limited(cpu))
		return true;
	diag_error("CPU limits (--cpus, --cpu-shares) need the cpu cgroup controller, %s", why);
	return false;
}

bool cgroup_create(struct cgroup *cg, const char *path, const char *name, uint64_t pids_max,
		   uint64_t mem_max, const struct cgroup_cpu *cpu)
{
	bool ok;

	*cg = (struct cgroup){ .kind = CGROUP_NONE, .mem_max = mem_max, .given = path != NULL,
			       .self_join_fd = { -1, -1, -1 } };
	if (geteuid() != 0)
		return without_cgroup(cpu, "which only root may use here");
	if (is_fs(CGROUP_ROOT, CGROUP2_SUPER_MAGIC)) {
		cg->kind = CGROUP_V2;
		ok = create_v2(cg, path, name, pids_max, mem_max, cpu);
	} else if (is_fs(CGROUP_ROOT "/pids", CGROUP_SUPER_MAGIC) &&
		   is_fs(CGROUP_ROOT "/memory", CGROUP_SUPER_MAGIC)) {
		cg->kind = CGROUP_V1;
		/* At a given path the child is born in the supervisor's cgroup (join_given). */
		ok = create_v1(cg, path, name, pids_max, mem_max, cpu) &&
		     (path || open_self_join(cg));
	} else {
		/* no cgroups with pids and memory here */
		return without_cgroup(cpu, "and this host has no cgroups xlibos can use");
	}
	if (ok && path) {
		ok = join_given(cg, path);
		cg->joins_itself = true;	/* nothing for cgroup_join() to move */
	}
	if (!ok) {
		int err = errno;

		cgroup_destroy(cg);
		if (not_usable(err))
			return without_cgroup(cpu, "which this host does not let xlibos use");
		diag_error("cannot set up the container's cgroup (%s): %s", cg->pids_dir,
			   strerror(err));
	}
	return ok;
}

bool cgroup_join(const struct cgroup *cg, pid_t pid)
{
	char num[32];

	if (cg->kind == CGROUP_NONE || cg->joins_itself)
		return true;
	snprintf(num, sizeof(num), "%d", (int)pid);
	if (text_file_write(cg->pids_dir, "cgroup.procs", num) &&
	    (cg->kind == CGROUP_V2 || text_file_write(cg->mem_dir, "cgroup.procs", num)))
		return true;
	diag_error("cannot move the container into its cgroup: %s", strerror(errno));
	return false;
}

bool cgroup_join_self(struct cgroup *cg)
{
	bool ok = true;

	for (int i = 0; i < CGROUP_SELF_JOIN_MAX; i++) {
		if (cg->self_join_fd[i] < 0)
			continue;
		if (write(cg->self_join_fd[i], "0", 1) != 1)
			ok = false;
		close(cg->self_join_fd[i]);
		cg->self_join_fd[i] = -1;
	}
	return ok;
}

void cgroup_close_self_join(struct cgroup *cg)
{
	for (int i = 0; i < CGROUP_SELF_JOIN_MAX; i++) {
		if (cg->self_join_fd[i] >= 0)
			close(cg->self_join_fd[i]);
		cg->self_join_fd[i] = -1;
	}
}

uint64_t cgroup_oom_kills(const struct cgroup *cg)
{
	switch (cg->kind) {
	case CGROUP_V1:
		return read_key(cg->mem_dir, "memory.oom_control", "oom_kill");
	case CGROUP_V2:
		return read_key(cg->mem_dir, "memory.events", "oom_kill");
	default:
		return 0;
	}
}

uint64_t cgroup_pids_refused(const struct cgroup *cg)
{
	return cg->kind == CGROUP_NONE ? 0 : read_key(cg->pids_dir, "pids.events", "max");
}

/* Kill what is left in @dir and remove it (a few tries: exits are lazy). */
static void remove_dir(const char *dir)
{
	char procs[PATH_MAX + 64];
	struct timespec pause = { 0, 10 * 1000 * 1000 };

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(procs, "re");
		int pid;

		if (!f)
			return;		/* gone, or never made */
		while (fscanf(f, "%d", &pid) == 1)
			kill(pid, SIGKILL);
		fclose(f);
		if (rmdir(dir) == 0 || errno == ENOENT)
			return;
		nanosleep(&pause, NULL);
	}
	diag_error("warning: cannot remove cgroup %s: %s", dir, strerror(errno));
}

void cgroup_destroy(struct cgroup *cg)
{
	cgroup_close_self_join(cg);
	/* We are in it: the caller (xlibos-runtime delete) removes it, as runc's delete. */
	if (cg->given)
		cg->kind = CGROUP_NONE;
	switch (cg->kind) {
	case CGROUP_V1:
		remove_dir(cg->pids_dir);
		remove_dir(cg->mem_dir);
		if (*cg->cpu_dir)
			remove_dir(cg->cpu_dir);
		break;
	case CGROUP_V2:
		text_file_write(cg->pids_dir, "cgroup.kill", "1");
		remove_dir(cg->pids_dir);
		break;
	default:
		break;
	}
	cg->kind = CGROUP_NONE;
}
