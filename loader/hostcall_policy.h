/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host allow-list as the loader sees it: one rule per host system call
 * the LibOS may make (from asm/xlibos_hostcalls.h, shared with the kernel),
 * and the check that an image asks for nothing more.
 */
#ifndef XLIBOS_LOADER_HOSTCALL_POLICY_H
#define XLIBOS_LOADER_HOSTCALL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct image;

struct hostcall_check {
	int kind;		/* XLIBOS_ARGCHK_* */
	int arg;		/* argument index, 0-5 */
	uint64_t values[3];	/* XLIBOS_ARG_PHYS_FD: guest memory's fd */
};

struct hostcall_rule {
	const char *name;
	int nr;
	struct hostcall_check checks[2];
};

extern const struct hostcall_rule hostcall_rules[];
extern const size_t hostcall_nrules;

/* The rule for host system call @nr, or NULL if it is not allowed. */
const struct hostcall_rule *hostcall_rule_find(int nr);

/* "openat", or "syscall 999" (buf is used for the latter). */
const char *hostcall_name(int nr, char *buf, size_t len);

/*
 * True if every host call the image's note names has a rule; otherwise
 * prints which one does not and returns false.
 */
bool hostcall_policy_check(const struct image *img);

#endif
