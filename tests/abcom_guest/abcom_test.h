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

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int at_failures;

/* Unbuffered stdout: nothing is lost when a test crashes, and output from
 * children and threads stays in program order. */
__attribute__((constructor)) static void at_init(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
}

/* report(NAME, COND): print "NAME: ok" or "NAME: FAIL". */
__attribute__((unused)) static int report(const char *name, int cond)
{
	printf("%s: %s\n", name, cond ? "ok" : "FAIL");
	if (!cond)
		at_failures++;
	return cond;
}

/* The last line: "done", or "FAILED" and exit status 1. */
__attribute__((unused)) static int at_done(void)
{
	printf("%s\n", at_failures ? "FAILED" : "done");
	return at_failures ? 1 : 0;
}

#endif
