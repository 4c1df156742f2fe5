/* SPDX-License-Identifier: GPL-2.0 */
/* "xlibos boot": validate, fork, run the LibOS, report how it ended. */
#ifndef XLIBOS_LOADER_BOOT_H
#define XLIBOS_LOADER_BOOT_H

#include <stddef.h>

#include <asm/xlibos_boot.h>

#include "guest.h"
#include "handoff.h"

/* How a sub-command turns the end of the LibOS into its exit status. */
struct boot_exit_policy {
	/* Same contract as exit_status_decide(). */
	int (*decide)(const struct xlibos_exit_record *rec, int wstatus,
		      enum handoff_stage stage, char *msg, size_t len);
	int start_error;	/* the LibOS process could not be started */
	int wait_error;		/* waiting for it failed */
};

/*
 * Fork, run the guest described by gp in the child (gp's exit record,
 * handoff and supervisor are filled in here), supervise it and return
 * the exit status chosen by policy.  Closes gp's image and initrd.
 */
int boot_guest(struct guest_params *gp, const struct boot_exit_policy *policy);

/* argv[0] is "boot".  Returns the loader's exit status. */
int boot_command(int argc, char **argv);

#endif
