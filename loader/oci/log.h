/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xlibos-runtime's messages: one line "xlibos-runtime: ..." on stderr and,
 * with the global --log FILE, appended there too (--log-format text, or
 * json as runc writes it: {"level":"error","msg":"...","time":"..."}),
 * where podman and containerd look for a failed command's reason.
 */
#ifndef XLIBOS_OCI_LOG_H
#define XLIBOS_OCI_LOG_H

#include <stdbool.h>

#define OCI_PROGRAM "xlibos-runtime"

/* --log FILE (NULL: none) and whether --log-format is json. */
bool oci_log_open(const char *path, bool json);

/* Messages about "config.json: ..." name this file instead (exec --process FILE). */
void oci_log_document(const char *name);

void oci_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* What failed without failing the command (poststart and poststop hooks, as runc). */
void oci_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only to --log: what was done (no stderr; a caller may parse our stdout). */
void oci_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
