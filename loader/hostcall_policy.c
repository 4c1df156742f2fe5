// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include <asm/xlibos_hostcalls.h>

#include "diag.h"
#include "hostcall_policy.h"
#include "image.h"

#define XLIBOS_HOSTCALL(name, check0, check1) { #name, __NR_##name, { check0, check1 } },
const struct hostcall_rule hostcall_rules[] = {
#include <asm/xlibos_hostcall_list.h>
};
#undef XLIBOS_HOSTCALL
const size_t hostcall_nrules = sizeof(hostcall_rules) / sizeof(hostcall_rules[0]);

const struct hostcall_rule *hostcall_rule_find(int nr)
{
	for (size_t i = 0; i < hostcall_nrules; i++)
		if (hostcall_rules[i].nr == nr)
			return &hostcall_rules[i];
	return NULL;
}

const char *hostcall_name(int nr, char *buf, size_t len)
{
	/* libseccomp's table knows every x86-64 name; it returns malloc'd text. */
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);

	if (name) {
		snprintf(buf, len, "%s", name);
		free(name);
	} else {
		snprintf(buf, len, "syscall %d", nr);
	}
	return buf;
}

bool hostcall_policy_check(const struct image *img)
{
	char name[64];

	for (uint32_t i = 0; i < img->nhostcalls; i++) {
		int nr = (int)img->hostcalls[i];

		if (!hostcall_rule_find(nr)) {
			diag_error("image '%s' makes host system call %s (%d), which the sandbox does not allow",
				   img->path, hostcall_name(nr, name, sizeof(name)), nr);
			return false;
		}
	}
	return true;
}
