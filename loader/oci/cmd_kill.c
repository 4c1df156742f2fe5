// SPDX-License-Identifier: GPL-2.0
/*
 * kill: signals go to the supervisor ("xlibos run"), which relays SIGTERM,
 * SIGINT and SIGHUP to the guest's command (PID 1 of the container under
 * runc); SIGKILL ends the supervisor and with it every host process of the
 * container.  Other signals cannot reach the guest yet: refused, never
 * turned into something else.  --all is the same: the container's
 * processes all end with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "commands.h"
#include "log.h"
#include "signals.h"
#include "state.h"

int cmd_kill(const struct oci_globals *g, int argc, char **argv)
{
	const char *all = NULL;
	const struct oci_opt opts[] = { { "--all", "-a", false, &all } };
	struct oci_container c;
	enum oci_status s;
	char *pos[2];
	int npos, sig = SIGTERM;
	bool ok = false;

	if (!oci_parse("kill", argc, argv, opts, 1, pos, &npos, 2))
		return OCI_EXIT_FAILURE;
	if (npos < 1) {
		oci_error("kill: usage: kill [--all] ID [SIGNAL]");
		return OCI_EXIT_FAILURE;
	}
	if (npos == 2 && (sig = signal_parse(pos[1])) < 0) {
		oci_error("kill: unknown signal '%s'", pos[1]);
		return OCI_EXIT_FAILURE;
	}
	if (sig != 0 && sig != SIGTERM && sig != SIGINT && sig != SIGHUP && sig != SIGKILL) {
		oci_error("kill: signal %d (%s) cannot be delivered to an xlibos container yet (TERM, INT, HUP and KILL can)",
			  sig, strsignal(sig));
		return OCI_EXIT_FAILURE;
	}
	if (!state_open(g->root, pos[0], &c))
		return OCI_EXIT_FAILURE;
	s = state_status(&c);
	if (s == OCI_STOPPED) {
		oci_error("container '%s' is not running", c.id);
		goto out;
	}
	/* Created: nothing runs yet, and the supervisor holds TERM until start: end it. */
	if (s == OCI_CREATED && sig != 0)
		sig = SIGKILL;
	if (kill(c.pid, sig) != 0) {
		oci_error("kill %d: %s", (int)c.pid, strerror(errno));
		goto out;
	}
	oci_info("signal %d sent to container %s", sig, c.id);
	ok = true;
out:
	state_close(&c);
	return ok ? 0 : OCI_EXIT_FAILURE;
}
