// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "log.h"

void oci_list_free(struct oci_list *l)
{
	free(l->v);
	*l = (struct oci_list){ 0 };
}

static bool set_value(const char *cmd, const struct oci_opt *o, const char *value)
{
	const char **grown;

	if (!o->list) {
		*o->value = value;
		return true;
	}
	grown = realloc(o->list->v, (o->list->n + 1) * sizeof(*grown));
	if (!grown) {
		oci_error("%s: out of memory", cmd);
		return false;
	}
	o->list->v = grown;
	o->list->v[o->list->n++] = value;
	return true;
}

static bool parse(const char *cmd, int argc, char **argv, const struct oci_opt *opts, size_t nopts,
		  char **pos, int *npos, int npos_max, int *first)
{
	bool options_done = false;

	*npos = 0;
	if (first)
		*first = argc;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		size_t k;

		if (!options_done && !strcmp(arg, "--")) {
			options_done = true;
			continue;
		}
		if (first && (options_done || arg[0] != '-' || !arg[1])) {
			*first = i;
			return true;
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
				if (!set_value(cmd, o, bare + len - 1))
					return false;
			} else if (i + 1 < argc) {
				if (!set_value(cmd, o, argv[++i]))
					return false;
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

bool oci_parse(const char *cmd, int argc, char **argv, const struct oci_opt *opts, size_t nopts,
	       char **pos, int *npos, int npos_max)
{
	return parse(cmd, argc, argv, opts, nopts, pos, npos, npos_max, NULL);
}

bool oci_parse_head(const char *cmd, int argc, char **argv, const struct oci_opt *opts,
		    size_t nopts, int *first)
{
	int npos;

	return parse(cmd, argc, argv, opts, nopts, NULL, &npos, 0, first);
}
