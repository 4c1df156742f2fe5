// SPDX-License-Identifier: GPL-2.0
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dir_names.h"

int dir_names_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void dir_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

const char *dir_names_shown(const char *root, size_t root_len, const char *rel)
{
	static char buf[4 * (2 * PATH_MAX) + 2];
	size_t n = 0;

	for (int part = 0; part < 2; part++) {
		const unsigned char *p = (const unsigned char *)(part ? rel : root);
		size_t len = part ? strlen(rel) : root_len;

		if (len > PATH_MAX)	/* each part fits PATH_MAX: never more here */
			len = PATH_MAX;
		if (part && len && !(root_len == 1 && root[0] == '/'))
			buf[n++] = '/';
		for (size_t i = 0; i < len; i++) {
			if (p[i] < 0x20 || p[i] == 0x7f)
				n += (size_t)sprintf(buf + n, "\\%03o", p[i]);
			else
				buf[n++] = (char)p[i];
		}
	}
	buf[n] = '\0';
	return buf;
}
