/* SPDX-License-Identifier: GPL-2.0 */
/* Capturing the loader's diagnostics in the unit tests. */
#ifndef XLIBOS_TEST_CAPTURE_H
#define XLIBOS_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "diag.h"

static char *captured;
static size_t captured_len;
static FILE *capture_stream;

static inline void capture_start(void)
{
	free(captured);
	captured = NULL;
	capture_stream = open_memstream(&captured, &captured_len);
	diag_set_stream(capture_stream);
}

static inline const char *capture_end(void)
{
	fclose(capture_stream);
	diag_set_stream(NULL);
	return captured ? captured : "";
}

#endif
