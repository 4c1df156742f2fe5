/* SPDX-License-Identifier: GPL-2.0 */
/* xlibos-runtime's subcommands (runc's command line), one file each. */
#ifndef XLIBOS_OCI_COMMANDS_H
#define XLIBOS_OCI_COMMANDS_H

#include <stdbool.h>

/* Exit status of a failed command, as runc's. */
#define OCI_EXIT_FAILURE 1

struct oci_globals {
	const char *root;	/* --root: the containers' state directories */
	const char *cache_dir;	/* --cache-dir: XLIBOS_CACHE_DIR for "xlibos run", or NULL */
};

/*
 * Options of a subcommand: "--name VALUE", "--name=VALUE" and, for the
 * flags, "--name"; short forms as runc's.  argv[0] is the subcommand.
 */
struct oci_opt {
	const char *name, *short_name;
	bool takes_value;
	const char **value;	/* set to the value, or to "" for a flag */
};

/* Options first, then positional arguments (collected into pos, at most npos_max). */
bool oci_parse(const char *cmd, int argc, char **argv, const struct oci_opt *opts, size_t nopts,
	       char **pos, int *npos, int npos_max);

int cmd_create(const struct oci_globals *g, int argc, char **argv);
int cmd_start(const struct oci_globals *g, int argc, char **argv);
int cmd_state(const struct oci_globals *g, int argc, char **argv);
int cmd_list(const struct oci_globals *g, int argc, char **argv);
int cmd_kill(const struct oci_globals *g, int argc, char **argv);
int cmd_delete(const struct oci_globals *g, int argc, char **argv);
int cmd_features(const struct oci_globals *g, int argc, char **argv);
int cmd_spec(const struct oci_globals *g, int argc, char **argv);

#endif
