// SPDX-License-Identifier: GPL-2.0
/* start: release a created container's supervisor, held at exec.fifo. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "hooks.h"
#include "log.h"
#include "state.h"

/* The supervisor is already blocked opening the FIFO: this is only a safety bound. */
#define START_WAIT_MS	10000
#define START_POLL_MS	50

static bool release(struct oci_container *c)
{
	int fd = openat(c->dir_fd, OCI_FIFO_FILE, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	char byte;

	if (fd < 0) {
		oci_error("cannot open %s/%s: %s", c->dir, OCI_FIFO_FILE, strerror(errno));
		return false;
	}
	for (int waited = 0; waited < START_WAIT_MS; waited += START_POLL_MS) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, START_POLL_MS) > 0 && read(fd, &byte, 1) == 1) {
			close(fd);
			unlinkat(c->dir_fd, OCI_FIFO_FILE, 0);
			return true;
		}
		if (state_status(c) == OCI_STOPPED) {
			close(fd);
			oci_error("container '%s' ended before it could start", c->id);
			return false;
		}
	}
	close(fd);
	oci_error("container '%s' did not take the start within %d s", c->id, START_WAIT_MS / 1000);
	return false;
}

int cmd_start(const struct oci_globals *g, int argc, char **argv)
{
	struct oci_container c;
	enum oci_status s;
	char *id[1];
	int nid;
	bool ok;

	if (!oci_parse("start", argc, argv, NULL, 0, id, &nid, 1) || nid != 1) {
		if (nid != 1)
			oci_error("start: usage: start ID");
		return OCI_EXIT_FAILURE;
	}
	if (!state_open(g->root, id[0], &c))
		return OCI_EXIT_FAILURE;
	s = state_status(&c);
	ok = s == OCI_CREATED;
	if (!ok)
		oci_error("cannot start container '%s': it is %s, not created", c.id,
			  state_status_name(s));
	else
		ok = release(&c);
	if (ok)
		oci_info("started container %s", c.id);
	/* After the command was released, as the runtime spec says (runc 1.1 runs them in create). */
	if (ok && c.state && hooks_any(json_object_get(c.state, "hooks"), "poststart")) {
		json_t *st = state_report_as(&c, OCI_RUNNING);

		if (st)
			hooks_run_warn(json_object_get(c.state, "hooks"), "poststart", st,
				       json_string_value(json_object_get(c.state, "bundle")));
		json_decref(st);
	}
	state_close(&c);
	return ok ? 0 : OCI_EXIT_FAILURE;
}
