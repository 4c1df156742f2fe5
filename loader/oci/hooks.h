/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OCI hooks (runtime-spec config.md "POSIX-platform Hooks"), run on the
 * host as runc runs them: path, args (argv, argv[0] included; [path] if
 * none), env (exactly that environment), the bundle as working directory,
 * the container's state (as the state command prints it) on stdin, its
 * output collected for the error message.  They run with the runtime's
 * own privileges: they are the bundle owner's, like the rest of the bundle.
 * A hook past its timeout is killed with its process group; without a
 * timeout, runc waits for ever: here HOOK_DEFAULT_TIMEOUT_S, so that a
 * hung hook cannot hold create (and the caller) for ever.
 */
#ifndef XLIBOS_OCI_HOOKS_H
#define XLIBOS_OCI_HOOKS_H

#include <jansson.h>
#include <stdbool.h>

#define HOOK_TIMEOUT_MAX_S	86400
#define HOOK_DEFAULT_TIMEOUT_S	120

/* hooks.NAME is a non-empty list. */
bool hooks_any(json_t *hooks, const char *name);

/*
 * Run hooks.NAME in order with state on stdin; stop at the first that
 * fails (cannot run, exits non-zero, killed, past its timeout): false,
 * with a message naming it.
 */
bool hooks_run(json_t *hooks, const char *name, json_t *state, const char *cwd);

/* poststart and poststop: a failing hook is a warning; the others still run. */
void hooks_run_warn(json_t *hooks, const char *name, json_t *state, const char *cwd);

#endif
