// SPDX-License-Identifier: GPL-2.0
/* Guest memory bomb: allocate and touch until the guest kernel stops it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	unsigned long total = 0;

	for (;;) {
		char *p = malloc(1 << 20);

		if (!p) {
			printf("malloc failed after %lu MiB\n", total);
			return 1;
		}
		memset(p, 1, 1 << 20);
		total++;
	}
}
