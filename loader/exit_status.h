/* SPDX-License-Identifier: GPL-2.0 */
/* Turn how the LibOS process ended into the loader's exit status. */
#ifndef XLIBOS_LOADER_EXIT_STATUS_H
#define XLIBOS_LOADER_EXIT_STATUS_H

#include <stddef.h>

#include <asm/xlibos_boot.h>

#include "handoff.h"

/*
 * rec: the shared exit record; wstatus: from waitpid(); stage: how far the
 * child got.  Writes the line to print (without "xlibos: "), or "" for a
 * quiet exit, into msg and returns the exit status.
 */
int exit_status_decide(const struct xlibos_exit_record *rec, int wstatus,
		       enum handoff_stage stage, char *msg, size_t len);

/*
 * The same for "xlibos run": a power-off (or halt) exits with the status
 * the guest init reported in rec->status; anything else is a failure of
 * xlibos itself (XLIBOS_RUN_ERROR, 125) with the message as above.
 */
int exit_status_decide_run(const struct xlibos_exit_record *rec, int wstatus,
			   enum handoff_stage stage, char *msg, size_t len);

/*
 * From now on (for "xlibos run" of a packed rootfs, whose archive always
 * holds the guest init) a kernel panic for a missing init means the
 * archive did not fit in guest memory while it was unpacked (the kernel
 * stops at its first write error): exit_status_decide_run() says so,
 * naming --mem as typed (mem_arg, kept, not copied).
 */
void exit_status_run_packed(const char *mem_arg);

#endif
