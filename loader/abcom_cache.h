/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host cache of abcom site tables: one record per file content, named
 * by the content's SHA-256 and ABCOM_VERSION, in a directory only the
 * user can write to.  A record read back is only framed here; its sites
 * must still be checked against the file (abcom_sites_match_file()).
 */
#ifndef XLIBOS_LOADER_ABCOM_CACHE_H
#define XLIBOS_LOADER_ABCOM_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abcom.h"

#define ABCOM_SHA256_LEN	32

/*
 * The cache directory ($XLIBOS_CACHE_DIR, else $XDG_CACHE_HOME/xlibos,
 * else ~/.cache/xlibos), created mode 0700 if missing, as a descriptor;
 * -1 when there is none.  One that is a symlink, not owned by the user or
 * open to group or others is not used (with a one-line warning).
 */
int abcom_cache_open_dir(void);

/*
 * The record of the file with this hash and size: true with *sites
 * (malloc'd, NULL when *n is 0) if one is there, a regular file of the
 * user's, with the right header and length.
 */
bool abcom_cache_load(int dir, const uint8_t sha256[ABCOM_SHA256_LEN], uint64_t file_size,
		      struct abcom_site **sites, size_t *n);

/* Writes (or replaces) that record atomically; best effort. */
void abcom_cache_store(int dir, const uint8_t sha256[ABCOM_SHA256_LEN], uint64_t file_size,
		       const struct abcom_site *sites, size_t n);

#endif
