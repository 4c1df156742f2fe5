// SPDX-License-Identifier: GPL-2.0
/*
 * One bit per code byte.  Bitmaps (rather than sorted address lists) keep
 * the scanner free of sorting and make "is there a target inside this
 * window" a handful of bit tests.
 */
#include <string.h>
#include "internal.h"

int bitmap_init(struct bitmap *bm, size_t nbits)
{
	size_t bytes = (nbits / 64 + 1) * sizeof(uint64_t);

	bm->nbits = nbits;
	bm->words = abcom_realloc(NULL, bytes);
	if (!bm->words)
		return ABCOM_ENOMEM;
	memset(bm->words, 0, bytes);
	return ABCOM_OK;
}

void bitmap_release(struct bitmap *bm)
{
	abcom_free(bm->words);
	bm->words = NULL;
}

size_t bitmap_next(const struct bitmap *bm, size_t from, size_t to)
{
	if (to > bm->nbits)
		to = bm->nbits;
	while (from < to) {
		uint64_t w = bm->words[from / 64] >> (from % 64);

		if (w) {
			from += (size_t)__builtin_ctzll(w);
			return from < to ? from : to;
		}
		from = (from / 64 + 1) * 64;
	}
	return to;
}
