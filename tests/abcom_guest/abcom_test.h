/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for the abcom guest programs.  Each program is built with
 * musl and with glibc, run natively and inside xlibos with --abcom=full,
 * off (and online for some), and every run must print the same lines and
 * exit with the same status.  Print only deterministic facts ("name: ok"),
 * never pids, addresses, counts of signals or timings.
 *
 * The syscall sites that matter are written as plain
 *	mov $N, %eax
 *	syscall
 * in inline or top-level assembly, the shape abcom rewrites into
 * `jmp *slot` (class "adjacent mov eax").  Labels inside such a window must
 * be local (.L...): a symbol there would keep abcom from rewriting it.
 */
#ifndef ABCOM_TEST_H
#define ABCOM_TEST_H

#include "../guest/guest_test.h"

/* report(NAME, COND): print "NAME: ok" or "NAME: FAIL (errno ...)". */
#define report(name, cond) check(name, cond)
/* The last line: "done", or "FAILED" and exit status 1. */
#define at_done() gt_done()

#endif
