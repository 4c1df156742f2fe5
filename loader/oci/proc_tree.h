/* SPDX-License-Identifier: GPL-2.0 */
/* A container's host processes: its supervisor and the supervisor's descendants. */
#ifndef XLIBOS_OCI_PROC_TREE_H
#define XLIBOS_OCI_PROC_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* @root and its descendants (a snapshot of /proc), in *out (malloc'd); their number. */
size_t proc_tree(pid_t root, pid_t **out);

/*
 * SIGSTOP to every process of the tree, sweeping again for what was
 * forked meanwhile, until one sweep finds all of them stopped (true) or
 * 2 s have passed (false).  Nothing in the tree can refuse or catch it.
 */
bool proc_tree_stop(pid_t root);
/* SIGCONT to every process of the tree. */
void proc_tree_continue(pid_t root);

#endif
