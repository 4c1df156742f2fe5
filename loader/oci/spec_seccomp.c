// SPDX-License-Identifier: GPL-2.0
/*
 * config.json "linux.seccomp", compiled here with libseccomp into a BPF
 * program for the guest init, which loads it for the command inside the
 * guest (the guest kernel's own seccomp; the host boundary is xlibos's
 * allow-list, whatever the profile says).  As runc: syscall names this
 * libseccomp does not know are skipped; notify (listenerPath) is refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "json_get.h"
#include "log.h"
#include "seccomp_cache.h"
#include "spec.h"
#include "../guest-init/config_format.h"

/* A seccomp program is at most BPF_MAXINSNS (4096) instructions of 8 bytes. */
#define BPF_MAX_BYTES	(4096 * 8)

static const char *const seccomp_keys[] = {
	"defaultAction", "defaultErrnoRet", "architectures", "flags", "listenerPath",
	"listenerMetadata", "syscalls", NULL
};
static const char *const syscall_keys[] = { "names", "action", "errnoRet", "args", NULL };
static const char *const arg_keys[] = { "index", "value", "valueTwo", "op", NULL };

/* "SCMP_ACT_ERRNO" and an errno into a libseccomp action; false if unknown. */
static bool action(const char *name, uint64_t errno_ret, uint32_t *out)
{
	if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*out = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		*out = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_TRAP"))
		*out = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_ERRNO"))
		*out = SCMP_ACT_ERRNO((uint32_t)errno_ret);
	else if (!strcmp(name, "SCMP_ACT_TRACE"))
		*out = SCMP_ACT_TRACE((uint32_t)errno_ret);
	else if (!strcmp(name, "SCMP_ACT_ALLOW"))
		*out = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_LOG"))
		*out = SCMP_ACT_LOG;
	else
		return false;
	return true;
}

static bool compare_op(const char *name, enum scmp_compare *op)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!strcmp(name, ops[i].name)) {
			*op = ops[i].op;
			return true;
		}
	}
	return false;
}

static bool rule_args(json_t *args, const char *path, struct scmp_arg_cmp *cmp, unsigned int *n)
{
	json_t *a;
	size_t i;

	*n = 0;
	json_array_foreach(args, i, a) {
		char p[128];
		const char *op = NULL;
		int64_t index = 0;
		uint64_t value = 0, two = 0;

		snprintf(p, sizeof(p), "%s.args[%zu]", path, i);
		if (i >= 6 || !json_is_object(a)) {
			oci_error("config.json: %s: must be an object (at most 6)", p);
			return false;
		}
		if (!jget_known_keys(a, p, arg_keys) || !jget_int(a, "index", p, true, 0, 5, &index) ||
		    !jget_u64(a, "value", p, true, &value) || !jget_u64(a, "valueTwo", p, false, &two) ||
		    !jget_string(a, "op", p, true, &op))
			return false;
		cmp[i] = (struct scmp_arg_cmp){ .arg = (unsigned int)index, .datum_a = value,
						 .datum_b = two };
		if (!compare_op(op, &cmp[i].op)) {
			oci_error("config.json: %s.op: unknown comparison '%s'", p, op);
			return false;
		}
		*n = (unsigned int)i + 1;
	}
	return true;
}

static bool add_rules(scmp_filter_ctx ctx, json_t *syscalls, uint32_t default_action)
{
	json_t *sc;
	size_t i;

	json_array_foreach(syscalls, i, sc) {
		char path[64];
		const char **names = NULL, *act = NULL;
		json_t *args = NULL;
		uint64_t errno_ret = EPERM;
		struct scmp_arg_cmp cmp[6];
		unsigned int ncmp = 0;
		uint32_t a;
		size_t n = 0;

		snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu]", i);
		if (!json_is_object(sc)) {
			oci_error("config.json: %s: must be an object", path);
			return false;
		}
		if (!jget_known_keys(sc, path, syscall_keys) ||
		    !jget_strings(sc, "names", path, true, &names, &n) ||
		    !jget_string(sc, "action", path, true, &act) ||
		    !jget_u64(sc, "errnoRet", path, false, &errno_ret) ||
		    !jget_array(sc, "args", path, false, &args) ||
		    (args && !rule_args(args, path, cmp, &ncmp))) {
			free(names);
			return false;
		}
		if (!action(act, errno_ret, &a)) {
			oci_error("config.json: %s.action: '%s' is not supported", path, act);
			free(names);
			return false;
		}
		for (size_t k = 0; k < n && a != default_action; k++) {
			int nr = seccomp_syscall_resolve_name(names[k]);
			int rc;

			/* A name this libseccomp does not know: skipped, as runc does. */
			if (nr == __NR_SCMP_ERROR)
				continue;
			rc = seccomp_rule_add_array(ctx, a, nr, ncmp, cmp);
			if (rc != 0) {
				oci_error("config.json: %s: %s: cannot add the rule: %s", path, names[k],
					  strerror(-rc));
				free(names);
				return false;
			}
		}
		free(names);
	}
	return true;
}

/* The filter as BPF, hex-encoded into a "seccomp" record (and the cache). */
static bool export(scmp_filter_ctx ctx, struct oci_plan *plan, const char *cache_name)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char buf[BPF_MAX_BYTES + 1];
	char text[2 * BPF_MAX_BYTES + 1];
	int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	ssize_t n;

	if (fd < 0 || seccomp_export_bpf(ctx, fd) != 0 || lseek(fd, 0, SEEK_SET) != 0 ||
	    (n = read(fd, buf, sizeof(buf))) <= 0 || n > BPF_MAX_BYTES || n % 8) {
		oci_error("config.json: linux.seccomp: cannot compile the filter");
		if (fd >= 0)
			close(fd);
		return false;
	}
	close(fd);
	for (ssize_t i = 0; i < n; i++) {
		text[2 * i] = hex[buf[i] >> 4];
		text[2 * i + 1] = hex[buf[i] & 15];
	}
	text[2 * n] = '\0';
	plan_record(plan, XLIBOS_CONFIG_SECCOMP, "%s", text);
	if (*cache_name)
		seccomp_cache_store(cache_name, text);
	return true;
}

bool spec_seccomp(json_t *seccomp, struct oci_plan *plan)
{
	const char *path = "linux.seccomp", *def = NULL;
	const char **arches = NULL, **flags = NULL;
	json_t *syscalls = NULL;
	uint64_t def_errno = EPERM;
	size_t narch = 0, nflags = 0;
	scmp_filter_ctx ctx = NULL;
	char cache_name[SECCOMP_CACHE_NAME_MAX] = "", *cached;
	uint32_t def_action;
	bool ok = false;

	/* This very profile compiled before: its program, checks and all. */
	if (!seccomp_cache_name(seccomp, cache_name, sizeof(cache_name)))
		cache_name[0] = '\0';
	cached = *cache_name ? seccomp_cache_load(cache_name, 2 * BPF_MAX_BYTES) : NULL;
	if (cached) {
		plan_record(plan, XLIBOS_CONFIG_SECCOMP, "%s", cached);
		free(cached);
		return true;
	}
	if (!jget_known_keys(seccomp, path, seccomp_keys) ||
	    !jget_string(seccomp, "defaultAction", path, true, &def) ||
	    !jget_u64(seccomp, "defaultErrnoRet", path, false, &def_errno) ||
	    !jget_strings(seccomp, "architectures", path, false, &arches, &narch) ||
	    !jget_strings(seccomp, "flags", path, false, &flags, &nflags) ||
	    !jget_refuse(seccomp, "listenerPath", path, "seccomp notify is not supported") ||
	    !jget_refuse(seccomp, "listenerMetadata", path, "seccomp notify is not supported") ||
	    !jget_array(seccomp, "syscalls", path, false, &syscalls))
		goto out;
	if (!action(def, def_errno, &def_action)) {
		oci_error("config.json: linux.seccomp.defaultAction: '%s' is not supported", def);
		goto out;
	}
	for (size_t i = 0; i < nflags; i++) {
		/* TSYNC: one thread when it loads; LOG, SPEC_ALLOW: hints. */
		if (strcmp(flags[i], "SECCOMP_FILTER_FLAG_TSYNC") &&
		    strcmp(flags[i], "SECCOMP_FILTER_FLAG_LOG") &&
		    strcmp(flags[i], "SECCOMP_FILTER_FLAG_SPEC_ALLOW")) {
			oci_error("config.json: linux.seccomp.flags[%zu]: '%s' is not supported", i,
				  flags[i]);
			goto out;
		}
	}
	ctx = seccomp_init(def_action);
	if (!ctx) {
		oci_error("config.json: linux.seccomp: cannot make a filter");
		goto out;
	}
	/* The guest init sets no_new_privs itself when asked to. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (size_t i = 0; i < narch; i++) {
		const char *name = arches[i];
		uint32_t arch;
		int rc;

		if (!strncmp(name, "SCMP_ARCH_", 10))
			name += 10;
		/* libseccomp's names are lower case: x86_64, x86, x32... */
		char lower[32];
		size_t k;

		for (k = 0; name[k] && k + 1 < sizeof(lower); k++)
			lower[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] + 32 : name[k]);
		lower[k] = '\0';
		arch = seccomp_arch_resolve_name(lower);
		if (!arch) {
			oci_error("config.json: linux.seccomp.architectures[%zu]: unknown '%s'", i,
				  arches[i]);
			goto out;
		}
		rc = seccomp_arch_add(ctx, arch);
		if (rc != 0 && rc != -EEXIST) {
			oci_error("config.json: linux.seccomp.architectures[%zu]: %s", i, strerror(-rc));
			goto out;
		}
	}
	ok = (!syscalls || add_rules(ctx, syscalls, def_action)) && export(ctx, plan, cache_name);
out:
	if (ctx)
		seccomp_release(ctx);
	free(arches);
	free(flags);
	return ok;
}
