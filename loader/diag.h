/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-line diagnostics on stderr, always prefixed "xlibos: ".
 * The stream is switchable so unit tests can capture messages.
 */
#ifndef XLIBOS_LOADER_DIAG_H
#define XLIBOS_LOADER_DIAG_H

#include <stdio.h>

/* Process exit statuses of the loader (documented in --help). */
enum loader_exit {
	LOADER_EXIT_OK = 0,		/* guest powered off or halted */
	LOADER_EXIT_FAILURE = 1,	/* guest panicked or died */
	LOADER_EXIT_USAGE = 2,		/* bad arguments/image, could not boot */
	LOADER_EXIT_RESTART = 3,	/* guest asked for a restart */
};

/* Where this thread's messages go (stderr unless set): each thread has its own. */
void diag_set_stream(FILE *stream);
FILE *diag_stream(void);

/* "xlibos: <message>\n" */
void diag_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The second line after a usage error. */
void diag_try_help(void);

#endif
