/* SPDX-License-Identifier: GPL-2.0 */
/* xlibos-runtime's subcommands (runc's command line), one file each. */
#ifndef XLIBOS_OCI_COMMANDS_H
#define XLIBOS_OCI_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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
/* A repeated option's values (--env A --env B), in order; malloc'd. */
struct oci_list {
	const char **v;
	size_t n;
};

struct oci_opt {
	const char *name, *short_name;
	bool takes_value;
	const char **value;	/* set to the value, or to "" for a flag */
	struct oci_list *list;	/* or: every value appended here */
};

/* Options first, then positional arguments (collected into pos, at most npos_max). */
bool oci_parse(const char *cmd, int argc, char **argv, const struct oci_opt *opts, size_t nopts,
	       char **pos, int *npos, int npos_max);
/*
 * Options up to the first positional argument, whose index goes to *first
 * (argc if none): what follows is a command line of its own (exec ID CMD...).
 */
bool oci_parse_head(const char *cmd, int argc, char **argv, const struct oci_opt *opts,
		    size_t nopts, int *first);
void oci_list_free(struct oci_list *l);

/* runc's way: through a temporary file renamed over path (create, exec). */
bool write_pid_file(const char *path, pid_t pid);

int cmd_create(const struct oci_globals *g, int argc, char **argv);
int cmd_start(const struct oci_globals *g, int argc, char **argv);
int cmd_state(const struct oci_globals *g, int argc, char **argv);
int cmd_list(const struct oci_globals *g, int argc, char **argv);
int cmd_kill(const struct oci_globals *g, int argc, char **argv);
int cmd_delete(const struct oci_globals *g, int argc, char **argv);
int cmd_features(const struct oci_globals *g, int argc, char **argv);
int cmd_spec(const struct oci_globals *g, int argc, char **argv);
int cmd_exec(const struct oci_globals *g, int argc, char **argv);
int cmd_ps(const struct oci_globals *g, int argc, char **argv);
int cmd_pause(const struct oci_globals *g, int argc, char **argv);
int cmd_resume(const struct oci_globals *g, int argc, char **argv);
int cmd_update(const struct oci_globals *g, int argc, char **argv);

struct oci_container;
/* Continue a paused container's processes and drop its mark (cmd_pause.c). */
bool pause_undo(struct oci_container *c);

#endif
