/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parent side of "boot" and "run": hold and relay termination
 * signals to the LibOS process, stop it as "docker stop" does, wait for it.
 *
 * SIGTERM, SIGINT and SIGHUP sent to the loader are held (blocked) from
 * supervisor_start() on, so one sent while the container is being prepared
 * is not lost, and relayed to the LibOS's first host process only once
 * the LibOS handles that signal (before, its default action would kill
 * the LibOS, or an ignored signal would be dropped).  The first SIGTERM
 * also starts the stop timeout: a container still running when it ends
 * is killed (SIGKILL to the first host process, init of the container's
 * host PID namespace, ends all of them).  A second SIGINT kills at once.
 */
#ifndef XLIBOS_LOADER_SUPERVISOR_H
#define XLIBOS_LOADER_SUPERVISOR_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* As "docker stop": seconds between SIGTERM and SIGKILL. */
#define SUPERVISOR_DEFAULT_STOP_TIMEOUT 10

/* Exit status of a container killed at the end of its stop timeout. */
#define SUPERVISOR_EXIT_STOP_KILLED (128 + SIGKILL)

/*
 * Call as early as possible (before the rootfs is packed): holds the
 * relayed signals from now on and sets the stop timeout in seconds.
 * Optional: supervisor_block_signals() holds them too, with the default
 * timeout.  Signals the loader inherited as ignored (nohup) stay ignored.
 */
void supervisor_start(unsigned int stop_timeout);

/*
 * Call before fork(): holds the relayed signals and SIGCHLD.  *saved
 * receives the mask the loader had before supervisor_start() or this
 * first call, for the child.
 */
void supervisor_block_signals(sigset_t *saved);

/*
 * Child side, before entering the LibOS: back to the loader's original
 * mask, and the relayed signals ignored until the LibOS installs its own
 * handlers (a terminal's ^C reaches the whole process group; the
 * supervisor relays it once the LibOS can take it).
 */
void supervisor_child_restore(const sigset_t *saved);

/*
 * Parent side: relay held signals, enforce the stop timeout, wait for
 * child to end.  Returns false (with a message) only if waitpid itself
 * fails.  The relayed signals stay blocked afterwards (saved is not
 * restored): a late one must not change the loader's exit status.
 */
bool supervisor_wait(pid_t child, const sigset_t *saved, int *wstatus);

/*
 * After supervisor_wait(): SUPERVISOR_EXIT_STOP_KILLED and the message
 * "container did not stop within N s of SIGTERM: killed" if the
 * supervisor killed the container at the end of its stop timeout, else -1.
 */
int supervisor_verdict(char *msg, size_t len);

#endif
