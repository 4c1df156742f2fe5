// SPDX-License-Identifier: GPL-2.0
/* config.json "linux": namespaces, resources, sysctls and what is refused. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json_get.h"
#include "log.h"
#include "spec.h"
#include "../guest-init/config_format.h"

/* xlibos run's bounds (run_options.h, options.c). */
#define MIN_MEM		(32ull << 20)
#define MAX_PIDS	4194304

static const char *const linux_keys[] = {
	"namespaces", "uidMappings", "gidMappings", "timeOffsets", "devices", "cgroupsPath",
	"rdmaResources", "resources", "intelRdt", "sysctl", "seccomp", "rootfsPropagation",
	"maskedPaths", "readonlyPaths", "mountLabel", "personality", "memoryPolicy", NULL
};
static const char *const resources_keys[] = {
	"devices", "memory", "cpu", "pids", "blockIO", "hugepageLimits", "network", "rdma",
	"unified", NULL
};
static const char *const memory_keys[] = {
	"limit", "reservation", "swap", "kernel", "kernelTCP", "swappiness",
	"disableOOMKiller", "useHierarchy", "checkBeforeUpdate", NULL
};
static const char *const pids_keys[] = { "limit", NULL };
static const char *const cpu_keys[] = {
	"shares", "quota", "burst", "period", "realtimeRuntime", "realtimePeriod", "cpus",
	"mems", "idle", NULL
};
static const char *const ns_keys[] = { "type", "path", NULL };
/* Namespaces xlibos always gives a container (its own kernel has them all). */
static const char *const required_ns[] = { "pid", "network", "ipc", "uts", "mount", NULL };

static bool has_option(const struct oci_plan *plan, const char *name)
{
	return plan_option_value(plan, name) != NULL;
}

/*
 * The runtime's own network namespace, or init's: the host's.  Docker's
 * --network host names it (its /var/run/docker/netns/default); the netns
 * back end would take its interface over and cut the host off.
 */
static bool host_netns(const char *nspath)
{
	static const char *const own[] = { "/proc/self/ns/net", "/proc/1/ns/net" };
	struct stat st, host;

	if (stat(nspath, &st) != 0)
		return false;	/* xlibos run names what is wrong with it */
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (stat(own[i], &host) == 0 && st.st_dev == host.st_dev &&
		    st.st_ino == host.st_ino)
			return true;
	return false;
}

/*
 * A pod's containers join its sandbox's IPC and UTS namespaces (containerd's
 * CRI: /proc/PID/ns/ipc and uts; podman: the same; CRI-O: pinned paths,
 * the sandbox too).  An xlibos guest has its own kernel: it cannot share
 * them, and keeps its own, which takes nothing from its isolation.  Only
 * in that shape, with the pod's network namespace joined as well; any
 * other join is refused.
 */
static bool pod_keeps_own(const struct oci_plan *plan, const char *type)
{
	return (plan->pod_sandbox || plan->pod_member) &&
	       (!strcmp(type, "ipc") || !strcmp(type, "uts"));
}

static bool linux_namespaces(json_t *namespaces, struct oci_plan *plan)
{
	bool seen[5] = { false };
	const char *netns = NULL, *kept = NULL;
	json_t *ns;
	size_t i, k;

	json_array_foreach(namespaces, i, ns) {
		char path[64];
		const char *type = NULL, *nspath = NULL;

		snprintf(path, sizeof(path), "linux.namespaces[%zu]", i);
		if (!json_is_object(ns)) {
			oci_error("config.json: %s: must be an object", path);
			return false;
		}
		if (!jget_known_keys(ns, path, ns_keys) ||
		    !jget_string(ns, "type", path, true, &type) ||
		    !jget_string(ns, "path", path, false, &nspath))
			return false;
		for (k = 0; required_ns[k] && strcmp(required_ns[k], type); k++)
			;
		if (!required_ns[k] && strcmp(type, "cgroup")) {
			oci_error("config.json: %s: a '%s' namespace is not supported", path, type);
			return false;
		}
		if (required_ns[k])
			seen[k] = true;
		if (nspath && *nspath && pod_keeps_own(plan, type)) {
			oci_info("config.json: %s: the pod's %s namespace: the guest keeps its own kernel's",
				 path, type);
			kept = type;
			continue;
		}
		if (nspath && *nspath && strcmp(type, "network")) {
			oci_error("config.json: %s: joining an existing %s namespace is not supported",
				  path, type);
			return false;
		}
		if (nspath && *nspath && host_netns(nspath)) {
			oci_error("config.json: %s.path: '%s' is the host's network namespace: sharing the host's is not supported",
				  path, nspath);
			return false;
		}
		if (nspath && *nspath)
			netns = nspath;
	}
	for (k = 0; required_ns[k]; k++) {
		if (!seen[k]) {
			oci_error("config.json: linux.namespaces: no %s namespace: sharing the host's is not supported",
				  required_ns[k]);
			return false;
		}
	}
	if (kept && !netns) {
		oci_error("config.json: linux.namespaces: joining an existing %s namespace is only supported in a pod, with its network namespace",
			  kept);
		return false;
	}
	/* The --net option follows from it and the hooks (spec_load). */
	plan->netns_path = netns;
	return true;
}

/* Device cgroup rules: type-checked; the guest has only its own kernel's devices. */
static bool device_rules(json_t *devices)
{
	static const char *const keys[] = { "allow", "type", "major", "minor", "access", NULL };
	json_t *d;
	size_t i;

	json_array_foreach(devices, i, d) {
		char path[64];
		const char *str = NULL;
		int64_t num = 0;
		bool allow = false;

		snprintf(path, sizeof(path), "linux.resources.devices[%zu]", i);
		if (!json_is_object(d)) {
			oci_error("config.json: %s: must be an object", path);
			return false;
		}
		if (!jget_known_keys(d, path, keys) || !json_object_get(d, "allow") ||
		    !jget_bool(d, "allow", path, &allow) || !jget_string(d, "type", path, false, &str) ||
		    !jget_int(d, "major", path, false, -1, INT32_MAX, &num) ||
		    !jget_int(d, "minor", path, false, -1, INT32_MAX, &num) ||
		    !jget_string(d, "access", path, false, &str)) {
			if (!json_object_get(d, "allow"))
				oci_error("config.json: %s.allow: missing", path);
			return false;
		}
	}
	return true;
}

/* The first CPU of a cpuset list ("2-3,6": 2), or -1 if it is not one. */
static int first_cpu(const char *list)
{
	char *end;
	long cpu = strtol(list, &end, 10);

	if (list[0] < '0' || list[0] > '9' || cpu >= 4096 || !strchr("-,", *end))
		return -1;
	for (const char *p = list; *p; p++)
		if (!strchr("0123456789-,", *p))
			return -1;
	return (int)cpu;
}

/*
 * linux.resources.cpu: quota/period and shares -> --cpus/--cpu-shares (the
 * container's cgroup); cpus -> --cpu, its first CPU (the LibOS's one vCPU
 * and its device threads share one host CPU, inside the set); mems only
 * as node 0; real-time, burst and idle refused.
 */
static bool linux_cpu(json_t *cpu, struct oci_plan *plan)
{
	const char *path = "linux.resources.cpu", *cpus = NULL, *mems = NULL;
	int64_t shares = 0, quota = 0, period = 0;
	int first;

	if (!jget_known_keys(cpu, path, cpu_keys) ||
	    !jget_int(cpu, "shares", path, false, 0, 262144, &shares) ||
	    !jget_int(cpu, "quota", path, false, -1, INT64_MAX, &quota) ||
	    !jget_int(cpu, "period", path, false, 0, 1000000, &period) ||
	    !jget_string(cpu, "cpus", path, false, &cpus) ||
	    !jget_string(cpu, "mems", path, false, &mems) ||
	    !jget_refuse(cpu, "burst", path, "not supported") ||
	    !jget_refuse(cpu, "realtimeRuntime", path, "real-time scheduling is not supported") ||
	    !jget_refuse(cpu, "realtimePeriod", path, "real-time scheduling is not supported") ||
	    !jget_refuse(cpu, "idle", path, "not supported"))
		return false;
	if (shares && !has_option(plan, "--cpu-shares"))
		plan_option(plan, "--cpu-shares", "%lld", (long long)(shares < 2 ? 2 : shares));
	if (quota > 0 && !has_option(plan, "--cpus")) {
		if (!period)
			period = 100000;
		if (period < 1000 || quota < 1000) {
			oci_error("config.json: %s: quota %lld us per period %lld us: both must be at least 1000",
				  path, (long long)quota, (long long)period);
			return false;
		}
		/* --cpus in millionths of a CPU, the loader's precision (per 100 ms) */
		plan_option(plan, "--cpus", "%lld.%05lld", (long long)(quota / period),
			    (long long)(quota % period * 100000 / period));
	}
	if (cpus && *cpus && !has_option(plan, "--cpu")) {
		first = first_cpu(cpus);
		if (first < 0) {
			oci_error("config.json: %s.cpus: '%s' is not a CPU list", path, cpus);
			return false;
		}
		plan_option(plan, "--cpu", "%d", first);
	}
	if (mems && *mems && strcmp(mems, "0")) {
		oci_error("config.json: %s.mems: '%s': only NUMA node 0 is supported", path, mems);
		return false;
	}
	return true;
}

/*
 * linux.resources.blockIO: Docker always sends {"weight": 0}, which asks for
 * nothing (runc writes no weight of 0); a real weight or throttle is refused.
 */
static bool linux_blockio(json_t *bio)
{
	static const char *const keys[] = {
		"weight", "leafWeight", "weightDevice", "throttleReadBpsDevice",
		"throttleWriteBpsDevice", "throttleReadIOPSDevice", "throttleWriteIOPSDevice", NULL
	};
	const char *path = "linux.resources.blockIO";
	int64_t weight = 0, leaf = 0;

	if (!jget_known_keys(bio, path, keys) ||
	    !jget_int(bio, "weight", path, false, 0, UINT16_MAX, &weight) ||
	    !jget_int(bio, "leafWeight", path, false, 0, UINT16_MAX, &leaf) ||
	    !jget_refuse(bio, "weightDevice", path, "I/O weights are not supported") ||
	    !jget_refuse(bio, "throttleReadBpsDevice", path, "I/O throttling is not supported") ||
	    !jget_refuse(bio, "throttleWriteBpsDevice", path, "I/O throttling is not supported") ||
	    !jget_refuse(bio, "throttleReadIOPSDevice", path, "I/O throttling is not supported") ||
	    !jget_refuse(bio, "throttleWriteIOPSDevice", path, "I/O throttling is not supported"))
		return false;
	if (weight || leaf) {
		oci_error("config.json: %s.%s: I/O weights are not supported", path,
			  weight ? "weight" : "leafWeight");
		return false;
	}
	return true;
}

bool spec_resources(json_t *res, struct oci_plan *plan)
{
	const char *path = "linux.resources";
	json_t *memory = NULL, *pids = NULL, *devices = NULL, *cpu = NULL, *bio = NULL;
	int64_t limit = -1, pids_limit = -1, scratch = 0;
	bool flag = false;

	if (!jget_known_keys(res, path, resources_keys) ||
	    !jget_object(res, "memory", path, false, &memory) ||
	    !jget_object(res, "pids", path, false, &pids) ||
	    /* The guest's devices are its own kernel's: no rule can open a host one. */
	    !jget_array(res, "devices", path, false, &devices) ||
	    !jget_object(res, "cpu", path, false, &cpu) ||
	    !jget_object(res, "blockIO", path, false, &bio) ||
	    !jget_refuse(res, "hugepageLimits", path, "not supported") ||
	    !jget_refuse(res, "network", path, "not supported") ||
	    !jget_refuse(res, "rdma", path, "not supported") ||
	    !jget_refuse(res, "unified", path, "not supported"))
		return false;
	if ((devices && !device_rules(devices)) || (bio && !linux_blockio(bio)))
		return false;
	if (cpu && !linux_cpu(cpu, plan))
		return false;
	if (memory) {
		const char *mpath = "linux.resources.memory";

		if (!jget_known_keys(memory, mpath, memory_keys) ||
		    !jget_int(memory, "limit", mpath, false, -1, INT64_MAX, &limit) ||
		    /* Soft hints, and swap: the guest has none. */
		    !jget_int(memory, "reservation", mpath, false, -1, INT64_MAX, &scratch) ||
		    !jget_int(memory, "swap", mpath, false, -1, INT64_MAX, &scratch) ||
		    !jget_int(memory, "swappiness", mpath, false, 0, 100, &scratch) ||
		    !jget_bool(memory, "useHierarchy", mpath, &flag) ||
		    !jget_bool(memory, "checkBeforeUpdate", mpath, &flag) ||
		    !jget_refuse(memory, "kernel", mpath, "not supported") ||
		    !jget_refuse(memory, "kernelTCP", mpath, "not supported") ||
		    !jget_refuse(memory, "disableOOMKiller", mpath, "not supported"))
			return false;
	}
	if (limit > 0 && !has_option(plan, "--mem")) {
		if ((uint64_t)limit < MIN_MEM) {
			oci_error("config.json: linux.resources.memory.limit: %lld bytes is below xlibos's minimum of 32M",
				  (long long)limit);
			return false;
		}
		/* Guest memory is whole pages. */
		plan_option(plan, "--mem", "%lluK", (unsigned long long)limit >> 12 << 2);
	}
	if (pids && (!jget_known_keys(pids, "linux.resources.pids", pids_keys) ||
		     !jget_int(pids, "limit", "linux.resources.pids", false, INT64_MIN, INT64_MAX,
			       &pids_limit)))
		return false;
	if (pids_limit > 0) {
		if (pids_limit > MAX_PIDS - OCI_PIDS_OVERHEAD) {
			oci_error("config.json: linux.resources.pids.limit: at most %d",
				  MAX_PIDS - OCI_PIDS_OVERHEAD);
			return false;
		}
		plan_option(plan, "--pids-limit", "%lld", (long long)pids_limit + OCI_PIDS_OVERHEAD);
	}
	return true;
}

static bool linux_sysctl(json_t *sysctl, struct oci_plan *plan)
{
	const char *key;
	json_t *value;

	json_object_foreach(sysctl, key, value) {
		if (!json_is_string(value)) {
			oci_error("config.json: linux.sysctl.%s: must be a string", key);
			return false;
		}
		/* The guest's own kernel: its settings are the container's. */
		if (strchr(key, '\n') || strchr(json_string_value(value), '\n') || !*key) {
			oci_error("config.json: linux.sysctl.%s: bad key or value", key);
			return false;
		}
		plan_record(plan, XLIBOS_CONFIG_SYSCTL, "%s\n%s", key, json_string_value(value));
	}
	return true;
}

/* maskedPaths, readonlyPaths: absolute paths inside the guest, made so by its init. */
static bool linux_paths(const char *field, const char **paths, size_t n, const char *tag,
			struct oci_plan *plan)
{
	for (size_t i = 0; i < n; i++) {
		if (paths[i][0] != '/' || strstr(paths[i], "/../") || strlen(paths[i]) >= 4096) {
			oci_error("config.json: linux.%s[%zu]: '%s' must be an absolute path without '..'",
				  field, i, paths[i]);
			return false;
		}
		plan_record(plan, tag, "%s", paths[i]);
	}
	return true;
}

bool spec_linux(json_t *lnx, struct oci_plan *plan)
{
	const char *path = "linux", *str = NULL;
	json_t *namespaces = NULL, *resources = NULL, *sysctl = NULL, *seccomp = NULL,
	       *devices = NULL;
	const char **masked = NULL, **rdonly = NULL, *cgroups_path = NULL;
	size_t nmasked = 0, nrdonly = 0;
	bool ok;

	if (!jget_known_keys(lnx, path, linux_keys) ||
	    !jget_array(lnx, "namespaces", path, true, &namespaces) ||
	    !jget_refuse(lnx, "uidMappings", path, "user namespaces are not supported") ||
	    !jget_refuse(lnx, "gidMappings", path, "user namespaces are not supported") ||
	    !jget_refuse(lnx, "timeOffsets", path, "not supported") ||
	    !jget_array(lnx, "devices", path, false, &devices) ||
	    !jget_refuse(lnx, "devices", path,
			 "host devices are not supported (the guest has its own kernel's)") ||
	    !jget_string(lnx, "cgroupsPath", path, false, &cgroups_path) ||
	    !jget_refuse(lnx, "rdmaResources", path, "not supported") ||
	    !jget_object(lnx, "resources", path, false, &resources) ||
	    !jget_refuse(lnx, "intelRdt", path, "not supported") ||
	    !jget_object(lnx, "sysctl", path, false, &sysctl) ||
	    !jget_object(lnx, "seccomp", path, false, &seccomp) ||
	    !jget_string(lnx, "rootfsPropagation", path, false, &str) ||
	    !jget_strings(lnx, "maskedPaths", path, false, &masked, &nmasked) ||
	    !jget_strings(lnx, "readonlyPaths", path, false, &rdonly, &nrdonly) ||
	    !jget_string(lnx, "mountLabel", path, false, &str) ||
	    !jget_refuse(lnx, "personality", path, "not supported") ||
	    !jget_refuse(lnx, "memoryPolicy", path, "not supported")) {
		free(masked);
		free(rdonly);
		return false;
	}
	ok = spec_cgroup_path(cgroups_path, plan) && linux_namespaces(namespaces, plan) &&
	     (!resources || spec_resources(resources, plan)) &&
	     (!sysctl || linux_sysctl(sysctl, plan)) && (!seccomp || spec_seccomp(seccomp, plan)) &&
	     linux_paths("maskedPaths", masked, nmasked, XLIBOS_CONFIG_MASK, plan) &&
	     linux_paths("readonlyPaths", rdonly, nrdonly, XLIBOS_CONFIG_RDONLY, plan);
	free(masked);
	free(rdonly);
	return ok;
}
