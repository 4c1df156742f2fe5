// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <string.h>

#include "commands.h"
#include "log.h"

bool oci_parse(const char *cmd, int argc, char **argv, const struct oci_opt *opts, size_t nopts,
	       char **pos, int *npos, int npos_max)
{
	bool options_done = false;

	*npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		size_t k;

		if (!options_done && !strcmp(arg, "--")) {
			options_done = true;
			continue;
		}
		if (options_done || arg[0] != '-' || !arg[1]) {
			if (*npos == npos_max) {
				oci_error("%s: unexpected argument '%s'", cmd, arg);
				return false;
			}
			pos[(*npos)++] = argv[i];
			continue;
		}
		for (k = 0; k < nopts; k++) {
			const struct oci_opt *o = &opts[k];
			size_t len = strlen(o->name);
			/* urfave/cli (runc) takes -name as --name too */
			const char *bare = arg[1] == '-' ? arg + 2 : arg + 1;

			if (o->short_name && !strcmp(arg, o->short_name)) {
				bare = o->name + 2;
			} else if (strncmp(bare, o->name + 2, len - 2) ||
				   (bare[len - 2] && bare[len - 2] != '=')) {
				continue;
			}
			if (!o->takes_value) {
				if (bare[len - 2] == '=') {
					/* --force=true */
					*o->value = strcmp(bare + len - 1, "false") ? "" : NULL;
				} else {
					*o->value = "";
				}
			} else if (bare[len - 2] == '=') {
				*o->value = bare + len - 1;
			} else if (i + 1 < argc) {
				*o->value = argv[++i];
			} else {
				oci_error("%s: option '%s' needs a value", cmd, o->name);
				return false;
			}
			break;
		}
		if (k == nopts) {
			oci_error("%s: unknown option '%s'", cmd, arg);
			return false;
		}
	}
	return true;
}
