/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The supervisor's address space torn down after it has exited: a child
 * shares it (CLONE_VM), closes every descriptor, and ends once the
 * supervisor is gone.  Guest memory is a memfd whose last reference at
 * the end is the device back ends' mapping; freeing its pages (2-4 ms)
 * and the rest of the address space then happens after the supervisor's
 * parent has the exit status, not before.
 */
#ifndef XLIBOS_LOADER_TEARDOWN_CHILD_H
#define XLIBOS_LOADER_TEARDOWN_CHILD_H

#include <stdbool.h>

/*
 * Start the child; call once, when nothing is left to do but exit.  After
 * true, the caller must not unmap guest memory (that would free it here,
 * the child sharing the mappings); false (too old a host kernel, no task
 * left in the pids cgroup): nothing changed.
 */
bool teardown_child_start(void);

#endif
