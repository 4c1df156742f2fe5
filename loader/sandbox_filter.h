/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The container's two host seccomp filters (docs/security.md):
 *  - the policy filter: a host system call made from the LibOS's hypercall
 *    section is allowed if hostcall_policy.h has a rule for it whose
 *    argument checks hold, and otherwise goes to the supervisor as a user
 *    notification (which kills the container); calls from elsewhere pass
 *    this filter and meet the trap filter;
 *  - the trap filter: every system call from outside the hypercall
 *    section (and every non-x86-64 one) is SECCOMP_RET_TRAP, the LibOS's
 *    syscall slow path.
 * Seccomp runs every filter and keeps the strictest answer, so together
 * they hold whatever the instruction pointer.
 */
#ifndef XLIBOS_LOADER_SANDBOX_FILTER_H
#define XLIBOS_LOADER_SANDBOX_FILTER_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

#define SANDBOX_FILTER_MAX 512

struct sandbox_filter {
	struct sock_filter insns[SANDBOX_FILTER_MAX];
	unsigned short len;
};

struct image;

/* Build them for @img, with guest memory's descriptor @phys_fd. */
bool sandbox_filter_policy(const struct image *img, int phys_fd, struct sandbox_filter *f);
bool sandbox_filter_trap(const struct image *img, struct sandbox_filter *f);

#endif
