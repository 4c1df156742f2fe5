/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Site tables for the executable files of a rootfs, handed to the LibOS
 * in the initrd (XLIBOS_ABCOM_TABLES_FILE) so that it need not decode
 * them itself at run time.
 */
#ifndef XLIBOS_LOADER_ABCOM_TABLES_H
#define XLIBOS_LOADER_ABCOM_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct abcom_tables {
	uint8_t *buf;		/* records, back to back (the file's contents) */
	size_t len, cap;
	bool ready;		/* abcom_tables_init() ran */
	int cache_fd;		/* the cache directory, or -1 */
	long long decode_ms_left; /* of the whole pack's decoding time */
	bool warned;		/* about a file not decoded, once per pack */
};

/* Opens the cache directory (creating it); never fails. */
void abcom_tables_init(struct abcom_tables *t);

/*
 * Adds the record of the open file @fd (named @name in messages) if it is
 * an x86-64 ELF file abcom would decode.  Best effort: a file that cannot
 * be read or decoded is left to the LibOS.  False only when out of memory.
 */
bool abcom_tables_add_fd(struct abcom_tables *t, int fd, const char *name);

void abcom_tables_free(struct abcom_tables *t);

#endif
