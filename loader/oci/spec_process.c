// SPDX-License-Identifier: GPL-2.0
/* config.json "process": the command, its environment, user and limits. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "json_get.h"
#include "log.h"
#include "spec.h"
#include "../guest-init/config_format.h"

static const char *const process_keys[] = {
	"terminal", "consoleSize", "user", "args", "commandLine", "env", "cwd", "capabilities",
	"rlimits", "noNewPrivileges", "apparmorProfile", "oomScoreAdj", "selinuxLabel",
	"ioPriority", "scheduler", "execCPUAffinity", NULL
};
static const char *const user_keys[] = { "uid", "gid", "umask", "additionalGids", "username", NULL };
static const char *const rlimit_keys[] = { "type", "soft", "hard", NULL };
static const char *const caps_keys[] = {
	"bounding", "effective", "inheritable", "permitted", "ambient", NULL
};

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_STACK", RLIMIT_STACK },
	{ "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS }, { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

static bool process_user(json_t *user, struct oci_plan *plan)
{
	const char *path = "process.user";
	int64_t uid = 0, gid = 0, umask_value = -1;
	json_t *gids = NULL, *g;
	char *groups = NULL;
	size_t i, len = 0;
	FILE *out;

	if (!jget_known_keys(user, path, user_keys) ||
	    !jget_refuse(user, "username", path, "Windows only") ||
	    !jget_int(user, "uid", path, true, 0, 0xfffffffe, &uid) ||
	    !jget_int(user, "gid", path, true, 0, 0xfffffffe, &gid) ||
	    !jget_int(user, "umask", path, false, 0, 0777, &umask_value) ||
	    !jget_array(user, "additionalGids", path, false, &gids))
		return false;
	out = open_memstream(&groups, &len);
	if (!out) {
		oci_error("out of memory");
		return false;
	}
	fprintf(out, "%lld %lld", (long long)uid, (long long)gid);
	json_array_foreach(gids, i, g) {
		if (!json_is_integer(g) || json_integer_value(g) < 0 ||
		    json_integer_value(g) > 0xfffffffe) {
			fclose(out);
			free(groups);
			oci_error("config.json: process.user.additionalGids[%zu]: must be an integer from 0 to 4294967294",
				  i);
			return false;
		}
		fprintf(out, " %lld", (long long)json_integer_value(g));
	}
	fclose(out);
	plan_record(plan, XLIBOS_CONFIG_USER, "%s", groups ? groups : "");
	free(groups);
	if (umask_value >= 0)
		plan_record(plan, XLIBOS_CONFIG_UMASK, "%llo", (unsigned long long)umask_value);
	return true;
}

/*
 * The guest kernel's fs.nr_open (Linux's default; nothing in the guest
 * raises it, and a container cannot): RLIMIT_NOFILE above it is refused.
 */
#define GUEST_NR_OPEN	1048576ULL

#define NLIMITS	(sizeof(rlimit_names) / sizeof(rlimit_names[0]))

/*
 * The limits config.json does not name are ours, as runc's container
 * inherits runc's (the caller's: containerd's shim, conmon): without this
 * the command would have the guest kernel's defaults (RLIMIT_NOFILE
 * 1024/4096, RLIMIT_NPROC and RLIMIT_SIGPENDING from guest memory).
 */
static void inherited_rlimits(const bool named[], struct oci_plan *plan)
{
	for (size_t k = 0; k < NLIMITS; k++) {
		struct rlimit rl;
		unsigned long long soft, hard;

		if (named[k] || getrlimit(rlimit_names[k].resource, &rl) != 0)
			continue;
		soft = rl.rlim_cur == RLIM_INFINITY ? ~0ULL : (unsigned long long)rl.rlim_cur;
		hard = rl.rlim_max == RLIM_INFINITY ? ~0ULL : (unsigned long long)rl.rlim_max;
		if (rlimit_names[k].resource == RLIMIT_NOFILE && hard > GUEST_NR_OPEN) {
			oci_info("%s: ours (%llu/%llu) is above the guest's fs.nr_open: the container gets %llu/%llu",
				 rlimit_names[k].name, soft, hard,
				 soft < GUEST_NR_OPEN ? soft : GUEST_NR_OPEN, GUEST_NR_OPEN);
			soft = soft < GUEST_NR_OPEN ? soft : GUEST_NR_OPEN;
			hard = GUEST_NR_OPEN;
		}
		plan_record(plan, XLIBOS_CONFIG_RLIMIT, "%d %llu %llu", rlimit_names[k].resource,
			    soft, hard);
	}
}

static bool process_rlimits(json_t *rlimits, struct oci_plan *plan)
{
	bool named[NLIMITS] = { false };
	json_t *r;
	size_t i;

	json_array_foreach(rlimits, i, r) {
		char path[64];
		const char *type = NULL;
		uint64_t soft = 0, hard = 0;
		size_t k;

		snprintf(path, sizeof(path), "process.rlimits[%zu]", i);
		if (!json_is_object(r)) {
			oci_error("config.json: %s: must be an object", path);
			return false;
		}
		if (!jget_known_keys(r, path, rlimit_keys) ||
		    !jget_string(r, "type", path, true, &type) ||
		    !jget_u64(r, "soft", path, true, &soft) || !jget_u64(r, "hard", path, true, &hard))
			return false;
		for (k = 0; k < NLIMITS; k++)
			if (!strcmp(rlimit_names[k].name, type))
				break;
		if (k == NLIMITS) {
			oci_error("config.json: %s.type: unknown limit '%s'", path, type);
			return false;
		}
		if (soft > hard) {
			oci_error("config.json: %s: soft limit above the hard one", path);
			return false;
		}
		/* Refused here, not by the guest's setrlimit once it runs. */
		if (rlimit_names[k].resource == RLIMIT_NOFILE && hard > GUEST_NR_OPEN) {
			oci_error("config.json: %s.hard: %llu is above the guest's fs.nr_open (%llu)",
				  path, (unsigned long long)hard, GUEST_NR_OPEN);
			return false;
		}
		named[k] = true;
		plan_record(plan, XLIBOS_CONFIG_RLIMIT, "%d %llu %llu", rlimit_names[k].resource,
			    (unsigned long long)soft, (unsigned long long)hard);
	}
	inherited_rlimits(named, plan);
	return true;
}

/* Capability names by number (<linux/capability.h>, up to CAP_CHECKPOINT_RESTORE). */
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

/*
 * The five sets, applied to the command inside the guest (its own kernel's
 * capabilities): a set left out is empty, as runc makes it.
 */
static bool process_capabilities(json_t *caps, struct oci_plan *plan)
{
	const char *path = "process.capabilities";
	unsigned long long mask[5] = { 0 };

	if (!jget_known_keys(caps, path, caps_keys))
		return false;
	for (size_t i = 0; caps_keys[i]; i++) {
		const char **list = NULL;
		size_t n = 0;

		if (!jget_strings(caps, caps_keys[i], path, false, &list, &n))
			return false;
		for (size_t k = 0; k < n; k++) {
			size_t cap;

			for (cap = 0; cap < sizeof(cap_names) / sizeof(cap_names[0]); cap++)
				if (!strcmp(cap_names[cap], list[k]))
					break;
			if (cap == sizeof(cap_names) / sizeof(cap_names[0])) {
				oci_error("config.json: %s.%s[%zu]: unknown capability '%s'", path,
					  caps_keys[i], k, list[k]);
				free(list);
				return false;
			}
			mask[i] |= 1ull << cap;
		}
		free(list);
	}
	/* caps_keys' order: bounding, effective, inheritable, permitted, ambient. */
	plan_record(plan, XLIBOS_CONFIG_CAPS, "%llx %llx %llx %llx %llx", mask[0], mask[1], mask[3],
		    mask[2], mask[4]);
	return true;
}

bool spec_process(json_t *process, struct oci_plan *plan)
{
	const char *path = "process", *cwd = NULL, *label = NULL;
	const char **args = NULL, **env = NULL;
	json_t *user = NULL, *rlimits = NULL, *caps = NULL, *console = NULL;
	size_t nargs = 0, nenv = 0;
	bool terminal = false, nnp = false, ok = false;
	int64_t oom = 0;
	json_t *oom_given;

	if (!jget_known_keys(process, path, process_keys) ||
	    !jget_bool(process, "terminal", path, &terminal) ||
	    !jget_object(process, "consoleSize", path, false, &console) ||
	    !jget_object(process, "user", path, true, &user) ||
	    !jget_strings(process, "args", path, true, &args, &nargs) ||
	    !jget_strings(process, "env", path, false, &env, &nenv) ||
	    !jget_string(process, "cwd", path, true, &cwd) ||
	    !jget_object(process, "capabilities", path, false, &caps) ||
	    !jget_array(process, "rlimits", path, false, &rlimits) ||
	    !jget_bool(process, "noNewPrivileges", path, &nnp) ||
	    !jget_string(process, "apparmorProfile", path, false, &label) ||
	    !jget_string(process, "selinuxLabel", path, false, &label) ||
	    !jget_int(process, "oomScoreAdj", path, false, -1000, 1000, &oom) ||
	    !jget_refuse(process, "commandLine", path, "Windows only") ||
	    !jget_refuse(process, "ioPriority", path, "not supported") ||
	    !jget_refuse(process, "scheduler", path, "not supported") ||
	    !jget_refuse(process, "execCPUAffinity", path, "not supported"))
		goto out;
	if (terminal) {
		int64_t rows = 24, cols = 80;

		if (console && (!jget_int(console, "height", "process.consoleSize", true, 0, 65535, &rows) ||
				!jget_int(console, "width", "process.consoleSize", true, 0, 65535, &cols)))
			goto out;
		plan->terminal = true;
		plan->rows = (unsigned int)rows;
		plan->cols = (unsigned int)cols;
		plan_record(plan, XLIBOS_CONFIG_TTY, "%u %u", plan->rows ? plan->rows : 24,
			    plan->cols ? plan->cols : 80);
	}
	if (!nargs || !*args[0]) {
		oci_error("config.json: process.args: must name a command");
		goto out;
	}
	if (cwd[0] != '/') {
		oci_error("config.json: process.cwd: '%s' is not an absolute path", cwd);
		goto out;
	}
	for (size_t i = 0; i < nenv; i++) {
		const char *eq = strchr(env[i], '=');

		if (!eq || eq == env[i]) {
			oci_error("config.json: process.env[%zu]: '%s' is not KEY=VALUE", i, env[i]);
			goto out;
		}
		plan_option(plan, "--env", "%s", env[i]);
	}
	plan_option(plan, "--workdir", "%s", cwd);
	for (size_t i = 0; i < nargs; i++)
		strv_add(plan, &plan->cmd, "%s", args[i]);
	if (!process_user(user, plan) || !process_rlimits(rlimits, plan) ||
	    (caps && !process_capabilities(caps, plan)))
		goto out;
	if (nnp)
		plan_record(plan, XLIBOS_CONFIG_NNP, "1");
	oom_given = json_object_get(process, "oomScoreAdj");
	if (oom_given && !json_is_null(oom_given)) {
		plan->oom_set = true;
		plan->oom_score_adj = (int)oom;
	}
	ok = true;
out:
	free(args);
	free(env);
	return ok;
}
