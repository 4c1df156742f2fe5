/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The container's host sandbox (docs/security.md).  The supervisor clones
 * the first host process into new user, pid, mount, net, ipc and uts
 * namespaces (sandbox_host.c), maps its root to an unprivileged host uid,
 * puts it in the container's cgroup (cgroup.c) and releases it; the child
 * (sandbox_child.c) becomes root of its namespace only, loads guest
 * memory, pivots into an empty root, closes every other descriptor, drops
 * every capability and installs the seccomp filters (sandbox_filter.c),
 * handing the policy filter's notification descriptor to the supervisor
 * (sandbox_watch.c), which kills the container on a forbidden host call.
 */
#ifndef XLIBOS_LOADER_SANDBOX_H
#define XLIBOS_LOADER_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"

#define SANDBOX_DEFAULT_PIDS_LIMIT 4096

/* Host uid and gid a container's root maps to when run as root. */
#define SANDBOX_ROOT_HOST_ID 65534	/* nobody, nogroup */

struct image;

struct sandbox {
	uint64_t pids_limit;		/* host tasks (threads) of the container */
	uint64_t mem_limit;		/* host memory of the container, bytes */
	int sync[2];			/* [0] supervisor's end, [1] the child's */
	uid_t host_uid;			/* what the container's root is on the host */
	gid_t host_gid;
	struct cgroup cgroup;
	struct cgroup_cpu cpu;		/* --cpus, --cpu-shares */
	const struct image *image;
};

/* Supervisor: before the clone (socket pair, cgroup). */
bool sandbox_prepare(struct sandbox *sb, const struct image *img, uint64_t phys_size,
		     uint64_t pids_limit, const struct cgroup_cpu *cpu, const char *cgroup_path);

/* Supervisor: the first host process, in its namespaces; 0 in the child. */
pid_t sandbox_clone(struct sandbox *sb);

/* Supervisor: id maps and cgroup for @child, then let it go on. */
bool sandbox_release(struct sandbox *sb, pid_t child);

/* Supervisor: the policy filter's notification fd from the child, or -1. */
int sandbox_receive_listener(struct sandbox *sb);

/* Supervisor: once the child is reaped. */
void sandbox_cleanup(struct sandbox *sb);

/* Child: wait for the release, become root of the user namespace only. */
bool sandbox_child_start(struct sandbox *sb);

/*
 * Child, last before the LibOS entry: empty root, descriptors, limits,
 * capabilities, filters.  After it, only LibOS code may run.
 */
bool sandbox_child_seal(struct sandbox *sb, int phys_fd);

#endif
