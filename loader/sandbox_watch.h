/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The supervisor's watch over a running container: a thread that takes
 * the policy filter's notifications (a host call the allow-list refuses)
 * and polls the cgroup's OOM counter; either kills the container (SIGKILL
 * to its first host process, init of its PID namespace, takes them all).
 */
#ifndef XLIBOS_LOADER_SANDBOX_WATCH_H
#define XLIBOS_LOADER_SANDBOX_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"

/* Exit statuses of a container the watch killed. */
#define SANDBOX_EXIT_FORBIDDEN	159	/* 128 + SIGSYS */
#define SANDBOX_EXIT_OOM	137	/* 128 + SIGKILL */

/* Start watching @child; takes @listener (may be -1: cgroup only). */
bool sandbox_watch_start(int listener, pid_t child, const struct cgroup *cg);

/* Once the child is reaped: stop; its verdict, if it killed it. */
void sandbox_watch_stop(void);

/* The exit status and message if the watch killed the container, else -1. */
int sandbox_watch_verdict(char *msg, size_t len);

#endif
