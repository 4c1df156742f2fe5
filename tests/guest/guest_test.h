/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for the guest test programs.  Each program is built with
 * musl and with glibc, run natively and inside xlibos, and the two outputs
 * must be byte-identical: print only deterministic facts ("name: ok"),
 * never pids, addresses or timings.  A failed check prints the errno name
 * so that a diff explains itself.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int gt_failures;

/* Unbuffered stdout: nothing is lost when a test crashes, and output from
 * forked children and signal handlers stays in program order. */
__attribute__((constructor)) static void gt_init(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
}

__attribute__((unused)) static const char *gt_errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case EPIPE: return "EPIPE";
	case ERANGE: return "ERANGE";
	case ENOSYS: return "ENOSYS";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECHILD: return "ECHILD";
	case EADDRINUSE: return "EADDRINUSE";
	case ECONNREFUSED: return "ECONNREFUSED";
	default: return "E?";
	}
}

/* check(NAME, COND): print "NAME: ok" or "NAME: FAIL (errno ...)". */
#define check(name, cond) gt_check((name), !!(cond), errno)

__attribute__((unused)) static int gt_check(const char *name, int cond, int err)
{
	if (cond) {
		printf("%s: ok\n", name);
	} else {
		gt_failures++;
		printf("%s: FAIL (errno %s)\n", name, gt_errname(err));
	}
	return cond;
}

/* checkf(NAME, COND, FMT, ...): like check, with details on failure. */
__attribute__((format(printf, 3, 4)))
__attribute__((unused)) static int checkf(const char *name, int cond, const char *fmt, ...)
{
	va_list ap;

	if (cond) {
		printf("%s: ok\n", name);
		return 1;
	}
	gt_failures++;
	printf("%s: FAIL (", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(")\n");
	return 0;
}

/* Print a line that must match between the runs (values, not ok/FAIL). */
__attribute__((format(printf, 1, 2)))
__attribute__((unused)) static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

__attribute__((unused)) static int gt_done(void)
{
	printf("%s\n", gt_failures ? "FAILED" : "done");
	return gt_failures ? 1 : 0;
}

#endif
