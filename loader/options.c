// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <asm/xlibos_boot.h>

#include "diag.h"
#include "options.h"
#include "size.h"

#define MIB (UINT64_C(1) << 20)

bool options_check_mem(const char *arg, uint64_t host_mem, uint64_t *bytes)
{
	char a[SIZE_FORMAT_MAX];
	uint64_t size, limit;

	if (!size_parse(arg, &size) || size == 0 ||
	    size > UINT64_MAX - (XLIBOS_PAGE_SIZE - 1)) {
		diag_error("invalid --mem '%s': expected a size like 128M or 1G", arg);
		return false;
	}
	/* Guest memory is one memfd mapping: whole pages only. */
	size = (size + XLIBOS_PAGE_SIZE - 1) & ~(XLIBOS_PAGE_SIZE - 1);

	if (size < XLIBOS_MIN_MEM) {
		diag_error("--mem %s is too small to boot (minimum %s)", arg,
			   size_format(XLIBOS_MIN_MEM, a, sizeof(a)));
		return false;
	}

	/*
	 * The window at XLIBOS_PHYS_VIRT is fixed by the kernel's layout; twice
	 * the host RAM still allows a sparsely used guest but catches typos.
	 */
	limit = XLIBOS_PHYS_MAX;
	if (host_mem && host_mem <= UINT64_MAX / 2 && host_mem * 2 < limit)
		limit = (host_mem * 2) & ~(MIB - 1);	/* whole MiB: a value people can type */
	if (size > limit) {
		if (limit == XLIBOS_PHYS_MAX)
			diag_error("--mem %s is too large (maximum %s, the size of the xlibos physical memory window)",
				   arg, size_format(limit, a, sizeof(a)));
		else
			diag_error("--mem %s is too large (maximum %s, twice this host's RAM)",
				   arg, size_format(limit, a, sizeof(a)));
		return false;
	}
	*bytes = size;
	return true;
}

bool options_image_beside(const char *exe_path, char *buf, size_t len)
{
	char dir[PATH_MAX];
	char *slash;
	int n;

	/* build/bin/xlibos -> build/bin -> build -> build/xlibos.img */
	if (snprintf(dir, sizeof(dir), "%s", exe_path) >= (int)sizeof(dir))
		return false;
	for (int level = 0; level < 2; level++) {
		slash = strrchr(dir, '/');
		if (!slash)
			return false;
		*slash = '\0';
	}
	n = snprintf(buf, len, "%s/xlibos.img", dir);
	return n > 0 && (size_t)n < len;
}

bool options_default_image(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		if (options_image_beside(exe, buf, len))
			return true;
	}
	diag_error("cannot locate the default image next to this program; use --image FILE");
	return false;
}

enum options_match_result options_match(int argc, char **argv, int *index,
					const struct option_spec *specs, size_t nspecs,
					const struct option_spec **spec, const char **value)
{
	const char *arg = argv[*index];

	/* Hand-rolled: getopt_long accepts abbreviations and prints its own errors. */
	for (size_t s = 0; s < nspecs; s++) {
		size_t len = strlen(specs[s].name);

		if (strncmp(arg, specs[s].name, len) != 0)
			continue;
		if (arg[len] == '=') {
			*value = arg + len + 1;
		} else if (arg[len] == '\0') {
			if (*index + 1 >= argc) {
				diag_error("option '%s' requires an argument", specs[s].name);
				return OPTIONS_MATCH_ERROR;
			}
			*value = argv[++*index];
		} else {
			continue;
		}
		*spec = &specs[s];
		return OPTIONS_MATCH_FOUND;
	}
	return OPTIONS_MATCH_NONE;
}

static enum options_result usage_error(void)
{
	diag_try_help();
	return OPTIONS_ERROR;
}

enum options_result options_parse_boot(int argc, char **argv, uint64_t host_mem,
				       struct boot_options *opts)
{
	const char *mem_arg = NULL, *cmdline = NULL, *initrd = NULL, *image = NULL;
	const struct option_spec specs[] = {
		{ "--mem", &mem_arg },
		{ "--cmdline", &cmdline },
		{ "--initrd", &initrd },
		{ "--image", &image },
	};

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const struct option_spec *spec = NULL;
		const char *value = NULL;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
			return OPTIONS_HELP;

		switch (options_match(argc, argv, &i, specs, sizeof(specs) / sizeof(specs[0]),
				      &spec, &value)) {
		case OPTIONS_MATCH_ERROR:
			return usage_error();
		case OPTIONS_MATCH_NONE:
			if (arg[0] == '-')
				diag_error("unknown option '%s' for 'boot'", arg);
			else
				diag_error("unexpected argument '%s' for 'boot'", arg);
			return usage_error();
		case OPTIONS_MATCH_FOUND:
			break;
		}
		/* Repeating an option is almost always a mistake in a script. */
		if (*spec->slot) {
			diag_error("option '%s' given more than once", spec->name);
			return usage_error();
		}
		*spec->slot = value;
	}

	if (!mem_arg)
		mem_arg = XLIBOS_DEFAULT_MEM_ARG;
	if (!options_check_mem(mem_arg, host_mem, &opts->mem_size))
		return OPTIONS_ERROR;
	opts->mem_arg = mem_arg;

	if (!cmdline)
		cmdline = "";
	if (strlen(cmdline) > XLIBOS_CMDLINE_MAX - 1) {
		diag_error("--cmdline is %zu bytes long (maximum %d)", strlen(cmdline),
			   XLIBOS_CMDLINE_MAX - 1);
		return OPTIONS_ERROR;
	}
	opts->cmdline = cmdline;

	if (initrd && !*initrd) {
		diag_error("option '--initrd' needs a file name");
		return usage_error();
	}
	opts->initrd_path = initrd;

	if (image && !*image) {
		diag_error("option '--image' needs a file name");
		return usage_error();
	}
	if (!image) {
		const char *env = getenv("XLIBOS_IMAGE");

		if (env && *env)
			image = env;
	}
	opts->image_path = image;
	return OPTIONS_OK;
}
