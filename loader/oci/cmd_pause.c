// SPDX-License-Identifier: GPL-2.0
/*
 * pause, resume: runc freezes the container's cgroup; here every host
 * process of the container (its supervisor and the supervisor's
 * descendants: the LibOS, its device back ends, every guest process) is
 * stopped with SIGSTOP, and continued with SIGCONT.  Before it stops, the
 * guest writes the container's changes to its root back (control.c's
 * SYNC_ROOT), so that what reads the rootfs of a paused container (docker
 * commit) finds them, as in runc's.  The guest sees time
 * jump, as a VM that was paused does.  While paused, the state says so,
 * exec is refused and kill takes only KILL (which resumes first, so the
 * guest can end as kill -9 ends it, cmd_kill.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "control.h"
#include "log.h"
#include "proc_tree.h"
#include "state.h"

bool pause_undo(struct oci_container *c)
{
	proc_tree_continue(c->pid);
	if (unlinkat(c->dir_fd, OCI_PAUSED_FILE, 0) != 0 && errno != ENOENT) {
		oci_error("resume: %s/%s: %s", c->dir, OCI_PAUSED_FILE, strerror(errno));
		return false;
	}
	return true;
}

static bool pause_container(struct oci_container *c)
{
	char why[256];
	int fd;

	/*
	 * As runc's frozen container's are, its writes are in the rootfs while
	 * it is paused (docker commit pauses): a write-back first, whose
	 * failure only leaves them for the end's.
	 */
	if (!control_sync_root(c->dir, why, sizeof(why)))
		oci_warn("pause: container '%s': its changes to its root were not written back: %s",
			 c->id, why);
	fd = openat(c->dir_fd, OCI_PAUSED_FILE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		oci_error("pause: %s/%s: %s", c->dir, OCI_PAUSED_FILE, strerror(errno));
		return false;
	}
	close(fd);
	if (!proc_tree_stop(c->pid)) {
		pause_undo(c);
		oci_error("pause: container '%s': its processes did not all stop within 2 s", c->id);
		return false;
	}
	return true;
}

static int pause_or_resume(const struct oci_globals *g, int argc, char **argv, bool pause)
{
	const char *name = pause ? "pause" : "resume";
	struct oci_container c;
	enum oci_status s;
	char *id[1];
	int nid;
	bool ok = false;

	if (!oci_parse(name, argc, argv, NULL, 0, id, &nid, 1))
		return OCI_EXIT_FAILURE;
	if (nid != 1) {
		oci_error("%s: usage: %s ID", name, name);
		return OCI_EXIT_FAILURE;
	}
	if (!state_open(g->root, id[0], &c))
		return OCI_EXIT_FAILURE;
	s = state_status(&c);
	if (s != (pause ? OCI_RUNNING : OCI_PAUSED))
		/* runc's words: containerd matches "not running", "not paused". */
		oci_error("container '%s' is %s (container not %s)", c.id, state_status_name(s),
			  pause ? "running" : "paused");
	else
		ok = pause ? pause_container(&c) : pause_undo(&c);
	if (ok)
		oci_info("container %s %s", c.id, pause ? "paused" : "resumed");
	state_close(&c);
	return ok ? 0 : OCI_EXIT_FAILURE;
}

int cmd_pause(const struct oci_globals *g, int argc, char **argv)
{
	return pause_or_resume(g, argc, argv, true);
}

int cmd_resume(const struct oci_globals *g, int argc, char **argv)
{
	return pause_or_resume(g, argc, argv, false);
}
