// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <asm/xlibos_boot.h>

#include "cpu_limits.h"
#include "cpu_pin.h"
#include "diag.h"
#include "run_options.h"
#include "supervisor.h"

/* --env KEY=VALUE: the guest init applies it verbatim, so check it here. */
static bool check_env(const char *value)
{
	const char *eq = strchr(value, '=');

	if (!eq) {
		diag_error("invalid --env '%s': expected KEY=VALUE", value);
		return false;
	}
	if (eq == value) {
		diag_error("invalid --env '%s': empty variable name", value);
		return false;
	}
	return true;
}

/* A decimal count in [min, max], digits only (no sign, no suffix). */
static bool parse_count(const char *name, const char *value, unsigned long min,
			unsigned long max, unsigned int *out)
{
	unsigned long n = 0;
	const char *p = value;

	if (!*p)
		goto bad;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		n = n * 10 + (unsigned long)(*p - '0');
		if (n > max)
			goto bad;
	}
	if (n < min)
		goto bad;
	*out = (unsigned int)n;
	return true;
bad:
	diag_error("invalid %s '%s': expected a whole number from %lu to %lu", name, value,
		   min, max);
	return false;
}

/* --stop-timeout and --pids-limit, or their defaults. */
static bool parse_counts(const char *stop_timeout, const char *pids_limit,
			 struct run_options *o)
{
	o->stop_timeout = SUPERVISOR_DEFAULT_STOP_TIMEOUT;
	if (stop_timeout &&
	    !parse_count("--stop-timeout", stop_timeout, 0, RUN_MAX_STOP_TIMEOUT, &o->stop_timeout))
		return false;
	o->pids_limit = 0;
	return !pids_limit || parse_count("--pids-limit", pids_limit, RUN_MIN_PIDS_LIMIT,
					  RUN_MAX_PIDS_LIMIT, &o->pids_limit);
}

/* --cpus and --cpu-shares (cpu_limits.h). */
static bool parse_cpu_limits(const char *cpus, const char *shares, struct run_options *o)
{
	unsigned int n = 0;

	if (!cpu_limits_parse(cpus, &o->cpu_limits) ||
	    (shares && !parse_count("--cpu-shares", shares, CPU_LIMITS_MIN_SHARES,
				    CPU_LIMITS_MAX_SHARES, &n)))
		return false;
	o->cpu_limits.shares = n;
	return true;
}

/* Letters, digits, '-', '_' and '.' (RFC 1123 and what runtimes accept). */
static bool check_hostname(const char *name)
{
	size_t len = strlen(name);
	bool good = len && len <= RUN_MAX_HOSTNAME && name[0] != '-' && name[0] != '.';

	for (size_t i = 0; good && i < len; i++) {
		char c = name[i];

		good = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		       c == '-' || c == '.' || c == '_';
	}
	if (!good)
		diag_error("invalid --hostname '%s': 1 to %d letters, digits, '-', '_' or '.'",
			   name, RUN_MAX_HOSTNAME);
	return good;
}

static bool check_values(const struct run_options *o, const char *image)
{
	char cmdline[XLIBOS_CMDLINE_MAX];

	if (o->workdir && o->workdir[0] != '/') {
		diag_error("--workdir '%s' must be an absolute path", o->workdir);
		return false;
	}
	if (o->rootfs_path && !*o->rootfs_path) {
		diag_error("option '--rootfs' needs a directory name");
		return false;
	}
	if (o->pack && o->rootfs_writeback) {
		diag_error("--rootfs-writeback needs the rootfs as an image; it cannot be used with --pack");
		return false;
	}
	if (o->cgroup_path && !cgroup_path_ok(o->cgroup_path)) {
		diag_error("--cgroup-path '%s': expected /NAME[/NAME...], without . or ..",
			   o->cgroup_path);
		return false;
	}
	if (image && !*image) {
		diag_error("option '--image' needs a file name");
		return false;
	}
	if (o->abcom && strcmp(o->abcom, "off") && strcmp(o->abcom, "online") &&
	    strcmp(o->abcom, "full")) {
		diag_error("invalid --abcom '%s': expected off, online or full", o->abcom);
		return false;
	}
	if (!run_kernel_cmdline(o->abcom, o->extra_cmdline, cmdline, sizeof(cmdline))) {
		diag_error("--cmdline is %zu bytes long (maximum %zu)", strlen(o->extra_cmdline),
			   sizeof(cmdline) - sizeof(RUN_CMDLINE_PREFIX) - 1);
		return false;
	}
	return true;
}

enum options_result options_parse_run(int argc, char **argv, uint64_t host_mem,
				      struct run_options *opts)
{
	const char *mem_arg = NULL, *cmdline = NULL, *image = NULL, *rootfs = NULL,
		   *workdir = NULL, *env = NULL, *abcom = NULL, *cpu = NULL,
		   *stop_timeout = NULL, *pids_limit = NULL, *disk = NULL,
		   *volume = NULL, *net = NULL, *publish = NULL, *start_fifo = NULL,
		   *ready_fd = NULL, *guest_records = NULL, *hostname = NULL,
		   *control_socket = NULL, *cpus = NULL, *cpu_shares = NULL, *cgroup_path = NULL;
	const struct option_spec specs[] = {
		{ "--rootfs", &rootfs },
		{ "--mem", &mem_arg },
		{ "--env", &env },
		{ "--workdir", &workdir },
		{ "--image", &image },
		{ "--cmdline", &cmdline },
		{ "--abcom", &abcom },
		{ "--cpu", &cpu },
		{ "--cpus", &cpus },
		{ "--cpu-shares", &cpu_shares },
		{ "--stop-timeout", &stop_timeout },
		{ "--pids-limit", &pids_limit },
		{ "--disk", &disk },
		{ "--volume", &volume },
		{ "--net", &net },
		{ "--hostname", &hostname },
		{ "--publish", &publish },
		{ "-p", &publish },
		/* Hidden: xlibos-runtime's create/start split (not in usage). */
		{ "--start-fifo", &start_fifo },
		{ "--ready-fd", &ready_fd },
		{ "--guest-records", &guest_records },
		/* Hidden: the supervisor-to-guest channel (virtio-vsock). */
		{ "--control-socket", &control_socket },
		/* Hidden: config.json's linux.cgroupsPath, checked by xlibos-runtime. */
		{ "--cgroup-path", &cgroup_path },
	};
	bool have_separator = false;
	int i;

	*opts = (struct run_options){ 0 };
	/* At most one --env per argument: argc entries always suffice. */
	opts->env = calloc((size_t)argc, sizeof(*opts->env));
	opts->disks = calloc((size_t)argc, sizeof(*opts->disks));
	opts->volumes = calloc((size_t)argc, sizeof(*opts->volumes));
	opts->publish = calloc((size_t)argc, sizeof(*opts->publish));
	if (!opts->env || !opts->disks || !opts->volumes || !opts->publish) {
		diag_error("out of memory");
		return OPTIONS_ERROR;
	}

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const struct option_spec *spec = NULL;
		const char *value = NULL;

		if (strcmp(arg, "--") == 0) {
			have_separator = true;
			i++;
			break;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
			goto help;
		if (strcmp(arg, "--stats") == 0) {
			opts->stats = true;
			continue;
		}
		if (strcmp(arg, "--pack") == 0) {
			opts->pack = true;
			continue;
		}
		if (strcmp(arg, "--rootfs-writeback") == 0) {
			opts->rootfs_writeback = true;
			continue;
		}

		switch (options_match(argc, argv, &i, specs, sizeof(specs) / sizeof(specs[0]),
				      &spec, &value)) {
		case OPTIONS_MATCH_ERROR:
			goto usage;
		case OPTIONS_MATCH_NONE:
			if (arg[0] == '-')
				diag_error("unknown option '%s' for 'run'", arg);
			else
				diag_error("unexpected argument '%s' for 'run' (put the command after '--')",
					   arg);
			goto usage;
		case OPTIONS_MATCH_FOUND:
			break;
		}
		if (spec->slot == &env) {
			if (!check_env(value))
				goto usage;
			opts->env[opts->nenv++] = value;
			env = NULL;
			continue;
		}
		if (spec->slot == &disk) {
			opts->disks[opts->ndisks++] = value;
			disk = NULL;
			continue;
		}
		if (spec->slot == &volume) {
			opts->volumes[opts->nvolumes++] = value;
			volume = NULL;
			continue;
		}
		if (spec->slot == &publish) {
			if (!net_publish_parse(value, &opts->publish[opts->npublish]))
				goto usage;
			opts->npublish++;
			publish = NULL;
			continue;
		}
		/* Repeating an option is almost always a mistake in a script. */
		if (*spec->slot) {
			diag_error("option '%s' given more than once", spec->name);
			goto usage;
		}
		*spec->slot = value;
	}

	if (!have_separator || i >= argc) {
		diag_error(have_separator ? "missing command after '--'"
					  : "missing '-- COMMAND [ARGS...]'");
		goto usage;
	}
	opts->cmd = argv + i;
	opts->ncmd = (size_t)(argc - i);

	if (!image) {
		const char *from_env = getenv("XLIBOS_IMAGE");

		if (from_env && *from_env)
			image = from_env;
	}
	opts->extra_cmdline = cmdline;
	opts->rootfs_path = rootfs;
	opts->workdir = workdir;
	opts->abcom = abcom;
	opts->start_fifo = start_fifo;
	opts->guest_records = guest_records;
	opts->control_socket = control_socket;
	opts->cgroup_path = cgroup_path;
	opts->hostname = hostname;
	opts->ready_fd = -1;
	if (ready_fd) {
		unsigned int fd;

		if (!parse_count("--ready-fd", ready_fd, 3, INT_MAX, &fd))
			goto usage;
		opts->ready_fd = (int)fd;
	}
	if (!check_values(opts, image) || !cpu_pin_parse(cpu, &opts->cpu) ||
	    !parse_cpu_limits(cpus, cpu_shares, opts) ||
	    !parse_counts(stop_timeout, pids_limit, opts) ||
	    !net_spec_parse(net, RUN_DEFAULT_NET_USER, opts->npublish, &opts->net) ||
	    (hostname && !check_hostname(hostname)))
		goto usage;
	opts->image_path = image;

	if (!mem_arg)
		mem_arg = XLIBOS_DEFAULT_MEM_ARG;
	if (!options_check_mem(mem_arg, host_mem, &opts->mem_size))
		goto error;
	opts->mem_arg = mem_arg;
	return OPTIONS_OK;

help:
	run_options_free(opts);
	return OPTIONS_HELP;
usage:
	diag_try_help();
error:
	run_options_free(opts);
	return OPTIONS_ERROR;
}

void run_options_free(struct run_options *opts)
{
	free(opts->env);
	opts->env = NULL;
	opts->nenv = 0;
	free(opts->disks);
	opts->disks = NULL;
	opts->ndisks = 0;
	free(opts->volumes);
	opts->volumes = NULL;
	opts->nvolumes = 0;
	free(opts->publish);
	opts->publish = NULL;
	opts->npublish = 0;
}

bool run_kernel_cmdline(const char *abcom, const char *extra, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s%s%s%s%s", RUN_CMDLINE_PREFIX,
			 abcom ? " xlibos.abcom=" : "", abcom ? abcom : "",
			 extra && *extra ? " " : "", extra && *extra ? extra : "");

	return n >= 0 && (size_t)n < len;
}

/* dir_of(path) + "/" + name; "name" alone if path has no directory. */
static bool beside(const char *path, const char *name, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	int n;

	if (!slash)
		n = snprintf(buf, len, "%s", name);
	else
		n = snprintf(buf, len, "%.*s/%s", (int)(slash - path), path, name);
	return n > 0 && (size_t)n < len;
}

bool run_default_rootfs(const char *image_path, char *buf, size_t len)
{
	return beside(image_path, "rootfs", buf, len);
}

bool run_init_beside(const char *exe_path, char *buf, size_t len)
{
	return strchr(exe_path, '/') && beside(exe_path, "xlibos-init", buf, len);
}

bool run_locate_init(char *buf, size_t len)
{
	const char *from_env = getenv("XLIBOS_INIT");
	char exe[PATH_MAX];
	ssize_t n;

	if (from_env && *from_env) {
		if (snprintf(buf, len, "%s", from_env) < (int)len)
			return true;
		diag_error("XLIBOS_INIT is too long");
		return false;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (run_init_beside(exe, buf, len))
			return true;
	}
	diag_error("cannot locate xlibos-init next to this program; set XLIBOS_INIT");
	return false;
}
