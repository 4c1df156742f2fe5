// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <stdarg.h>

#include "diag.h"

static _Thread_local FILE *diag_out;

void diag_set_stream(FILE *stream)
{
	diag_out = stream;
}

FILE *diag_stream(void)
{
	/* stderr is not a constant expression, so resolve it lazily. */
	return diag_out ? diag_out : stderr;
}

void diag_error(const char *fmt, ...)
{
	FILE *out = diag_stream();
	va_list ap;

	/* Build the line first so it reaches the stream in one write. */
	char line[2048];
	int n = snprintf(line, sizeof(line), "xlibos: ");

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(out, "%s\n", line);
	fflush(out);
}

void diag_try_help(void)
{
	FILE *out = diag_stream();

	fprintf(out, "try 'xlibos --help'\n");
	fflush(out);
}
