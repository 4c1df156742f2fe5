// SPDX-License-Identifier: GPL-2.0
/*
 * kill: SIGKILL of a running container goes to the guest first, which ends
 * the command and writes the container's root back (--rootfs-writeback);
 * a watchdog (kill_grace.c) ends the supervisor ("xlibos run"), and with
 * it every host process of the container, KILL_GRACE_MS later if it has not
 * ended by then: nothing inside can refuse it.  A guest still booting (no
 * agent yet: nothing written) or a created container is ended at once.
 * Every other signal goes to the guest over the control channel (control.c): the
 * guest agent signals the container's command, or with --all every
 * process of the container.  While the guest boots (no agent yet), TERM,
 * INT and HUP go to the supervisor instead, which holds them until the
 * command can take them; other signals wait for the agent (bounded).
 * A created container (nothing runs yet) is ended, as before.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "control.h"
#include "kill_grace.h"
#include "log.h"
#include "signals.h"
#include "state.h"
#include "../guest-init/agent_proto.h"

/* How long a signal waits for the agent of a container that is still booting. */
#define AGENT_WAIT_MS	10000
#define AGENT_RETRY_MS	50

static bool supervisor_relays(int sig)
{
	return sig == SIGTERM || sig == SIGINT || sig == SIGHUP;
}

/* Through the agent; false (with why) if it cannot be reached in time. */
static bool to_guest(struct oci_container *c, int sig, bool all, char *why, size_t len)
{
	const struct timespec tick = { 0, AGENT_RETRY_MS * 1000000L };
	bool booting;

	for (int waited = 0;; waited += AGENT_RETRY_MS) {
		if (control_signal_main(c->dir, sig, all ? AGENT_SIGNAL_ALL : 0, why, len, &booting))
			return true;
		/* Refused, or no supervisor: asking again changes nothing. */
		if (!booting)
			return false;
		/* Booting: the supervisor holds these until the command runs. */
		if (supervisor_relays(sig) || waited >= AGENT_WAIT_MS ||
		    state_status(c) != OCI_RUNNING)
			return false;
		nanosleep(&tick, NULL);
	}
}

/*
 * SIGKILL through the agent, the supervisor's end bounded by the watchdog.
 * An agent that is gone (the guest is ending, perhaps writing back) gets
 * the grace too; one that is not there yet (booting) does not.
 */
static bool kill_through_guest(struct oci_container *c, bool all)
{
	bool booting = false;
	char why[256];

	if (!control_signal_main(c->dir, SIGKILL, all ? AGENT_SIGNAL_ALL : 0, why, sizeof(why),
				 &booting) && booting)
		return false;
	return kill_grace_start(c->pid, c->pid_start);
}

int cmd_kill(const struct oci_globals *g, int argc, char **argv)
{
	const char *all = NULL;
	const struct oci_opt opts[] = { { "--all", "-a", false, &all, NULL } };
	struct oci_container c;
	enum oci_status s;
	char *pos[2], why[256];
	int npos, sig = SIGTERM;
	bool ok = false;

	if (!oci_parse("kill", argc, argv, opts, 1, pos, &npos, 2))
		return OCI_EXIT_FAILURE;
	if (npos < 1) {
		oci_error("kill: usage: kill [--all] ID [SIGNAL]");
		return OCI_EXIT_FAILURE;
	}
	if (npos == 2 && ((sig = signal_parse(pos[1])) < 0 || sig > 64)) {
		oci_error("kill: unknown signal '%s'", pos[1]);
		return OCI_EXIT_FAILURE;
	}
	if (!state_open(g->root, pos[0], &c))
		return OCI_EXIT_FAILURE;
	s = state_status(&c);
	/*
	 * As runc: --all on a stopped container has nothing left to signal;
	 * otherwise an error with runc's words, which containerd's shim
	 * matches ("container not running": the process already finished).
	 */
	if (s == OCI_STOPPED && all) {
		ok = true;
		goto out;
	}
	if (s == OCI_STOPPED) {
		oci_error("container '%s' is not running (container not running)", c.id);
		goto out;
	}
	/* Paused: KILL resumes it first, to end as a running one does; nothing else gets in. */
	if (s == OCI_PAUSED && sig != SIGKILL) {
		oci_error("container '%s' is paused: resume it first (only KILL ends it as it is)",
			  c.id);
		goto out;
	}
	if (s == OCI_PAUSED) {
		if (!pause_undo(&c))
			goto out;
		s = OCI_RUNNING;
	}
	/* Created: nothing runs yet, and the supervisor holds TERM until start: end it. */
	if (s == OCI_CREATED && sig != 0)
		sig = SIGKILL;
	if (sig == SIGKILL && s == OCI_RUNNING && kill_through_guest(&c, all != NULL)) {
		oci_info("signal 9 sent to container %s%s; its supervisor ends within %d s",
			 c.id, all ? " (all)" : "", KILL_GRACE_MS / 1000);
		ok = true;
		goto out;
	}
	if (sig != 0 && sig != SIGKILL) {
		ok = to_guest(&c, sig, all != NULL, why, sizeof(why));
		if (ok) {
			oci_info("signal %d sent to container %s%s", sig, c.id, all ? " (all)" : "");
			goto out;
		}
		if (!supervisor_relays(sig) || state_status(&c) != OCI_RUNNING) {
			oci_error("kill: signal %d (%s) not delivered to container '%s': %s", sig,
				  strsignal(sig), c.id, why);
			goto out;
		}
	}
	if (kill(c.pid, sig) != 0) {
		oci_error("kill %d: %s", (int)c.pid, strerror(errno));
		goto out;
	}
	oci_info("signal %d sent to container %s's supervisor", sig, c.id);
	ok = true;
out:
	state_close(&c);
	return ok ? 0 : OCI_EXIT_FAILURE;
}
