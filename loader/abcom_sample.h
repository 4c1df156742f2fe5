/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sample hash a handed site table is found by in the LibOS
 * (xlibos_boot.h, struct xlibos_abcom_table_hdr): XXH64 seeded with the
 * size, of the file's first XLIBOS_ABCOM_SAMPLE bytes and its last ones,
 * or of the whole file once if it is no longer than the two.
 */
#ifndef XLIBOS_LOADER_ABCOM_SAMPLE_H
#define XLIBOS_LOADER_ABCOM_SAMPLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <xxhash.h>

#include <asm/xlibos_boot.h>

static inline uint64_t abcom_sample_hash(const uint8_t *file, size_t size)
{
	uint8_t both[2 * XLIBOS_ABCOM_SAMPLE];

	if (size <= 2 * XLIBOS_ABCOM_SAMPLE)
		return XXH64(file, size, size);
	memcpy(both, file, XLIBOS_ABCOM_SAMPLE);
	memcpy(both + XLIBOS_ABCOM_SAMPLE, file + size - XLIBOS_ABCOM_SAMPLE, XLIBOS_ABCOM_SAMPLE);
	return XXH64(both, sizeof(both), size);
}

#endif
