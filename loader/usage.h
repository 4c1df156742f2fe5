/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XLIBOS_LOADER_USAGE_H
#define XLIBOS_LOADER_USAGE_H

#include <stdio.h>

/* The --help text, shared by "xlibos --help" and "xlibos boot --help". */
void usage_print(FILE *out);

#endif
