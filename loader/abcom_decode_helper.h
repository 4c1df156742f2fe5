/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding an untrusted ELF file's system call sites (abcom, Capstone)
 * outside the loader: in a child process that holds nothing but the file's
 * bytes and a pipe, in seccomp strict mode (read, write, exit), with a CPU
 * time, a memory and a wall-clock limit.
 */
#ifndef XLIBOS_LOADER_ABCOM_DECODE_HELPER_H
#define XLIBOS_LOADER_ABCOM_DECODE_HELPER_H

#include <stddef.h>
#include <stdint.h>

#include "abcom.h"

enum helper_outcome {
	HELPER_DECODED,		/* abcom ran: *err is its result */
	HELPER_TIMEOUT,		/* killed at the time limit */
	HELPER_FAILED,		/* died, could not start, or said nonsense */
};

/*
 * abcom_scan_elf_image(file, size) in a sandboxed child, waiting at most
 * @timeout_ms.  On HELPER_DECODED, *err is abcom's result and, when it is
 * ABCOM_OK, *sites (malloc'd, NULL when *n is 0) holds *n sites exactly as
 * the child sent them: the caller still has to check them against the file.
 */
enum helper_outcome abcom_decode_in_helper(const uint8_t *file, size_t size,
					   unsigned int timeout_ms, int *err,
					   struct abcom_site **sites, size_t *n);

#endif
