// SPDX-License-Identifier: GPL-2.0
/*
 * Sites sorted by syscall address.  A heapsort: in place, no allocation,
 * and O(n log n) whatever order a hostile file's sections and hidden
 * sites come in (an insertion sort was quadratic on them).
 */
#include <string.h>
#include "internal.h"

static void swap_sites(struct abcom_site *a, struct abcom_site *b)
{
	struct abcom_site t;

	memcpy(&t, a, sizeof(t));
	memcpy(a, b, sizeof(t));
	memcpy(b, &t, sizeof(t));
}

/* Move v[i] down until the max-heap v[0..n) holds again. */
static void sift_down(struct abcom_site *v, size_t i, size_t n)
{
	for (;;) {
		size_t big = i, l = 2 * i + 1, r = l + 1;

		if (l < n && v[l].addr > v[big].addr)
			big = l;
		if (r < n && v[r].addr > v[big].addr)
			big = r;
		if (big == i)
			return;
		swap_sites(&v[i], &v[big]);
		i = big;
	}
}

void sort_sites_by_addr(struct abcom_site *v, size_t n)
{
	size_t i;

	/* already sorted is the usual case: one pass */
	for (i = 1; i < n && v[i - 1].addr <= v[i].addr; i++)
		;
	if (i >= n)
		return;
	for (i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (i = n; i-- > 1;) {
		swap_sites(&v[0], &v[i]);
		sift_down(v, 0, i);
	}
}
