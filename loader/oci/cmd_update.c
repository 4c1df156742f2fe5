// SPDX-License-Identifier: GPL-2.0
/*
 * update: new limits for a running container, as runc's update writes
 * them into its cgroup (podman update, docker update, CRI's
 * UpdateContainerResources).  The resources are checked as create checks
 * linux.resources (spec_resources), then:
 *   cpu.quota, period, shares   the container's cgroup (cgroupsPath, which
 *                               its host processes are in: cgroup.c)
 *   cpu.cpus                    every host thread pinned to its first CPU,
 *                               as create's --cpu does
 *   pids.limit                  pids.max, with create's overhead
 *   memory.limit                only the guest memory it has (guest memory
 *                               cannot change while it runs): else refused
 * Anything create refuses is refused here too, by name.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cgroup_path.h"
#include "../size.h"
#include "../text_file.h"
#include "commands.h"
#include "json_get.h"
#include "log.h"
#include "plan.h"
#include "proc_tree.h"
#include "spec.h"
#include "state.h"

#define CGROUP_ROOT	"/sys/fs/cgroup"
/* A linux.resources object is a few hundred bytes; 1 MiB is plenty. */
#define RESOURCES_MAX	(1 << 20)

static bool cgroup_v2(void)
{
	return access(CGROUP_ROOT "/cgroup.controllers", F_OK) == 0;
}

/* @value into the cgroup file @file of hierarchy @ctrl (NULL: v2's) at @path. */
static bool write_value(const char *ctrl, const char *path, const char *file, const char *value)
{
	char dir[PATH_MAX + 64];

	snprintf(dir, sizeof(dir), CGROUP_ROOT "%s%s%s", ctrl ? "/" : "", ctrl ? ctrl : "", path);
	if (text_file_write(dir, file, value))
		return true;
	oci_error("update: %s/%s: %s", dir, file, strerror(errno));
	return false;
}

static bool update_cpu(const char *path, int64_t quota, int64_t period, int64_t shares)
{
	char v[64];
	bool v2 = cgroup_v2();

	if (!period)
		period = 100000;
	if (quota) {
		if (quota > 0)
			snprintf(v, sizeof(v), "%" PRId64 " %" PRId64, quota, period);
		else
			snprintf(v, sizeof(v), "max %" PRId64, period);
		if (v2 && !write_value(NULL, path, "cpu.max", v))
			return false;
		snprintf(v, sizeof(v), "%" PRId64, period);
		if (!v2 && !write_value("cpu", path, "cpu.cfs_period_us", v))
			return false;
		snprintf(v, sizeof(v), "%" PRId64, quota > 0 ? quota : -1);
		if (!v2 && !write_value("cpu", path, "cpu.cfs_quota_us", v))
			return false;
	}
	if (shares) {
		/* v2's weight for v1's shares, as runc and crun map it */
		snprintf(v, sizeof(v), "%" PRId64,
			 v2 ? (int64_t)cgroup_weight_of_shares((uint64_t)shares) : shares);
		if (!write_value(v2 ? NULL : "cpu", path, v2 ? "cpu.weight" : "cpu.shares", v))
			return false;
	}
	return true;
}

/* Every host thread of the container on @cpu (its LibOS has one vCPU). */
static bool pin_all(pid_t root, int cpu)
{
	cpu_set_t set;
	pid_t *pids;
	size_t n = proc_tree(root, &pids);
	bool ok = n > 0;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	for (size_t i = 0; i < n; i++) {
		char dir[64];
		struct dirent *e;
		DIR *d;

		snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pids[i]);
		d = opendir(dir);
		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.' &&
			    sched_setaffinity(atoi(e->d_name), sizeof(set), &set) != 0 && errno != ESRCH)
				ok = false;
		if (d)
			closedir(d);
	}
	free(pids);
	if (!ok)
		oci_error("update: cannot move the container's threads to CPU %d: %s", cpu,
			  strerror(errno));
	return ok;
}

/* --resources -: a JSON object on stdin (a pipe, as containerd's shim gives it). */
static json_t *read_stdin(void)
{
	static char buf[RESOURCES_MAX + 1];
	size_t len = fread(buf, 1, sizeof(buf), stdin);
	json_error_t err;
	json_t *res;

	if (len > RESOURCES_MAX) {
		oci_error("update: --resources -: more than %d bytes", RESOURCES_MAX);
		return NULL;
	}
	res = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (!res)
		oci_error("update: --resources -: line %d column %d: %s", err.line, err.column,
			  err.text);
	else if (!json_is_object(res)) {
		oci_error("update: --resources -: not a JSON object");
		json_decref(res);
		res = NULL;
	}
	return res;
}

/* runc's flags, as the linux.resources object they stand for. */
static json_t *resources_of_flags(const char *const *flag, const char *const *keys)
{
	json_t *res = json_object(), *cpu = json_object(), *mem = json_object(), *pids = json_object();

	for (int i = 0; keys[i]; i++) {
		char *end;
		long long v;

		if (!flag[i])
			continue;
		if (!strcmp(keys[i], "cpu.cpus") || !strcmp(keys[i], "cpu.mems")) {
			json_object_set_new(cpu, keys[i] + 4, json_string(flag[i]));
			continue;
		}
		errno = 0;
		v = strtoll(flag[i], &end, 10);
		if (!*flag[i] || *end || errno) {
			oci_error("update: '%s' is not a number", flag[i]);
			json_decref(res);
			json_decref(cpu);
			json_decref(mem);
			json_decref(pids);
			return NULL;
		}
		json_object_set_new(!strncmp(keys[i], "cpu.", 4) ? cpu :
				    !strncmp(keys[i], "memory.", 7) ? mem : pids,
				    strchr(keys[i], '.') + 1, json_integer(v));
	}
	json_object_set_new(res, "cpu", cpu);
	json_object_set_new(res, "memory", mem);
	json_object_set_new(res, "pids", pids);
	return res;
}

static bool apply(struct oci_container *c, json_t *res)
{
	const char *path = json_string_value(json_object_get(c->state, "cgroup_path"));
	const char *mem = json_string_value(json_object_get(c->state, "guest_mem"));
	json_t *cpu = json_object_get(res, "cpu"), *memory = json_object_get(res, "memory");
	json_t *pids = json_object_get(res, "pids");
	int64_t quota = 0, period = 0, shares = 0, limit = 0, pids_limit = 0;
	const char *cpus = NULL;
	struct oci_plan plan;
	uint64_t guest = 0;
	char v[32];
	bool ok;

	/* The same checks and refusals as create's; the plan itself is not used. */
	if (!plan_init(&plan))
		return false;
	ok = spec_resources(res, &plan);
	plan_free(&plan);
	if (!ok)
		return false;
	if (cpu) {
		jget_int(cpu, "quota", "cpu", false, -1, INT64_MAX, &quota);
		jget_int(cpu, "period", "cpu", false, 0, 1000000, &period);
		jget_int(cpu, "shares", "cpu", false, 0, 262144, &shares);
		jget_string(cpu, "cpus", "cpu", false, &cpus);
	}
	if (memory)
		jget_int(memory, "limit", "memory", false, -1, INT64_MAX, &limit);
	if (pids)
		jget_int(pids, "limit", "pids", false, INT64_MIN, INT64_MAX, &pids_limit);
	if (limit > 0 && (!mem || !size_parse(mem, &guest) || (uint64_t)limit >> 12 != guest >> 12)) {
		oci_error("update: linux.resources.memory.limit %lld: the container's guest memory is %s and cannot change while it runs",
			  (long long)limit, mem ? mem : "fixed");
		return false;
	}
	if ((quota || shares || pids_limit > 0) && !path) {
		oci_error("update: container '%s' has no cgroup of its own (config.json had no linux.cgroupsPath)",
			  c->id);
		return false;
	}
	if ((quota || shares) && !update_cpu(path, quota, period, shares))
		return false;
	snprintf(v, sizeof(v), "%lld", (long long)pids_limit + OCI_PIDS_OVERHEAD);
	if (pids_limit > 0 && !write_value(cgroup_v2() ? NULL : "pids", path, "pids.max", v))
		return false;
	return !cpus || !*cpus || pin_all(c->pid, atoi(cpus));
}

int cmd_update(const struct oci_globals *g, int argc, char **argv)
{
	static const char *const keys[] = {
		"cpu.period", "cpu.quota", "cpu.shares", "cpu.cpus", "cpu.mems", "memory.limit",
		"memory.reservation", "memory.swap", "pids.limit", NULL
	};
	const char *resources = NULL, *flag[9] = { 0 }, *blkio = NULL;
	const struct oci_opt opts[] = {
		{ "--resources", "-r", true, &resources, NULL },
		{ "--cpu-period", NULL, true, &flag[0], NULL },
		{ "--cpu-quota", NULL, true, &flag[1], NULL },
		{ "--cpu-share", NULL, true, &flag[2], NULL },
		{ "--cpuset-cpus", NULL, true, &flag[3], NULL },
		{ "--cpuset-mems", NULL, true, &flag[4], NULL },
		{ "--memory", NULL, true, &flag[5], NULL },
		{ "--memory-reservation", NULL, true, &flag[6], NULL },
		{ "--memory-swap", NULL, true, &flag[7], NULL },
		{ "--pids-limit", NULL, true, &flag[8], NULL },
		{ "--blkio-weight", NULL, true, &blkio, NULL },
	};
	struct oci_container c;
	json_t *res;
	char *id[1];
	int nid;
	bool ok = false;

	if (!oci_parse("update", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), id, &nid, 1))
		return OCI_EXIT_FAILURE;
	if (nid != 1) {
		oci_error("update: usage: update [--resources FILE|-] [--cpu-quota N] ... ID");
		return OCI_EXIT_FAILURE;
	}
	if (blkio && strcmp(blkio, "0")) {
		oci_error("update: --blkio-weight: I/O weights are not supported");
		return OCI_EXIT_FAILURE;
	}
	if (!resources)
		res = resources_of_flags(flag, keys);
	else if (strcmp(resources, "-"))
		res = spec_read_file(resources);
	else
		res = read_stdin();
	if (!res)
		return OCI_EXIT_FAILURE;
	if (state_open(g->root, id[0], &c)) {
		enum oci_status s = state_status(&c);

		if (s == OCI_RUNNING || s == OCI_PAUSED || s == OCI_CREATED)
			ok = apply(&c, res);
		else
			oci_error("container '%s' is %s (container not running)", c.id,
				  state_status_name(s));
		if (ok)
			oci_info("container %s updated", c.id);
		state_close(&c);
	}
	json_decref(res);
	return ok ? 0 : OCI_EXIT_FAILURE;
}
