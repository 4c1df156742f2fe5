// SPDX-License-Identifier: GPL-2.0
/*
 * The last few instructions of the current straight-line run of the sweep.
 * Classification looks back over them instead of decoding backwards, which
 * on x86 would be guesswork.
 */
#include "internal.h"

void history_push(struct history *h, uint64_t addr, uint8_t size, bool control)
{
	unsigned slot = (h->head + h->count) % HISTORY_MAX;

	if (h->count == HISTORY_MAX) {
		slot = h->head;
		h->head = (h->head + 1) % HISTORY_MAX;
	} else {
		h->count++;
	}
	h->addr[slot] = addr;
	h->size[slot] = size;
	h->control[slot] = control;
}

bool history_get(const struct history *h, unsigned k, uint64_t *addr,
		 uint8_t *size, bool *control)
{
	unsigned slot;

	if (k == 0 || k > h->count)
		return false;
	slot = (h->head + h->count - k) % HISTORY_MAX;
	*addr = h->addr[slot];
	*size = h->size[slot];
	*control = h->control[slot];
	return true;
}
