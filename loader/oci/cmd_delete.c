// SPDX-License-Identifier: GPL-2.0
/*
 * delete: remove a stopped container's state.  As runc: a created one (its
 * process never started) is ended and removed; a running one only with --force.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "../cgroup_path.h"
#include "commands.h"
#include "hooks.h"
#include "image_cache.h"
#include "log.h"
#include "state.h"

/* How long --force waits for a killed supervisor to go (it has no say in it). */
#define DELETE_WAIT_MS	5000

static bool kill_and_wait(struct oci_container *c)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };

	if (kill(c->pid, SIGKILL) != 0 && errno != ESRCH) {
		oci_error("kill %d: %s", (int)c->pid, strerror(errno));
		return false;
	}
	for (int waited = 0; waited < DELETE_WAIT_MS; waited += 10) {
		if (state_status(c) == OCI_STOPPED)
			return true;
		nanosleep(&tick, NULL);
	}
	oci_error("container '%s' (pid %d) did not end after SIGKILL", c->id, (int)c->pid);
	return false;
}

int cmd_delete(const struct oci_globals *g, int argc, char **argv)
{
	const char *force = NULL;
	const struct oci_opt opts[] = { { "--force", "-f", false, &force, NULL } };
	struct oci_container c;
	enum oci_status s;
	char *id[1];
	int nid;
	bool ok = false;

	if (!oci_parse("delete", argc, argv, opts, 1, id, &nid, 1))
		return OCI_EXIT_FAILURE;
	if (nid != 1) {
		oci_error("delete: usage: delete [--force] ID");
		return OCI_EXIT_FAILURE;
	}
	/* As runc: forcing the removal of what is not there is no failure (podman's clean-up). */
	if (force && state_valid_id(id[0]) && !state_exists(g->root, id[0]))
		return 0;
	if (!state_open(g->root, id[0], &c))
		return OCI_EXIT_FAILURE;
	s = state_status(&c);
	if ((s == OCI_RUNNING || s == OCI_PAUSED) && !force) {
		oci_error("cannot delete container '%s': it is %s (stop it, or use --force)", c.id,
			  state_status_name(s));
		goto out;
	}
	/* Stopped processes would wait for a SIGCONT to die. */
	if (s == OCI_PAUSED)
		pause_undo(&c);
	if (s != OCI_STOPPED && !kill_and_wait(&c))
		goto out;
	/* Its cgroup (config.json's cgroupsPath), which its supervisor was in, as runc's delete. */
	if (c.state && json_is_string(json_object_get(c.state, "cgroup_path")) &&
	    !cgroup_path_remove(json_string_value(json_object_get(c.state, "cgroup_path"))))
		oci_warn("delete: cannot remove the cgroup %s of container '%s': %s",
			 json_string_value(json_object_get(c.state, "cgroup_path")), c.id,
			 strerror(errno));
	/* The image made for this container's own tree: no other container has it. */
	if (c.state && json_is_string(json_object_get(c.state, "image_cache")))
		image_cache_remove(json_string_value(json_object_get(c.state, "image_cache")));
	/* As runc: after the container is gone, before its state; a failure is a warning. */
	if (c.state && hooks_any(json_object_get(c.state, "hooks"), "poststop")) {
		json_t *st = state_report_as(&c, OCI_STOPPED);

		/* In delete's own directory, as runc's (its create ran them in the bundle). */
		if (st)
			hooks_run_warn(json_object_get(c.state, "hooks"), "poststop", st, NULL);
		json_decref(st);
	}
	ok = state_remove(&c);
	if (ok)
		oci_info("deleted container %s", c.id);
out:
	state_close(&c);
	return ok ? 0 : OCI_EXIT_FAILURE;
}
