/* SPDX-License-Identifier: GPL-2.0 */
/* What a guest program tries once it has a door to the host. */
#ifndef ESCAPE_ATTEMPTS_H
#define ESCAPE_ATTEMPTS_H

#include "hostcall.h"

/* Where the host's bait is; the runner passes it in. */
struct bait {
	const char *dir;	/* host directory holding "secret" and "mnt/" */
	const char *tag;	/* names the file "create" makes */
	int port;		/* TCP listener on the host's 127.0.0.1 */
	long pid;		/* a host process outside the container */
	unsigned long addr;	/* a flag in that process's memory */
};

enum outcome {
	REFUSED,	/* every host call failed */
	ESCAPED,	/* a host call did what it must not */
	HOST_JUDGED,	/* success or failure says nothing: the host checks */
	REACHED,	/* an allowed host call went through (the probe) */
};

/* Run attempt op; -1 outcome if op is unknown. */
int attempt_run(const char *op, const struct door *d, const struct bait *b);

/* Attempts that need door_call to come back through a "ret" (clone). */
int attempt_needs_host_syscall(const char *op);

#endif
