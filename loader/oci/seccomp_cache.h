/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compiled linux.seccomp programs, by the SHA-256 of the profile (its
 * canonical JSON) and of libseccomp's version: compiling podman's default
 * profile is about 13 ms of every create.  In the cache directory xlibos
 * run uses (abcom_cache_open_dir: the user's own, mode 0700), as
 * seccomp-<hex>.bpf, the program hex-encoded as the guest record has it.
 */
#ifndef XLIBOS_OCI_SECCOMP_CACHE_H
#define XLIBOS_OCI_SECCOMP_CACHE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define SECCOMP_CACHE_NAME_MAX	96

/* The record name for @profile; false if it cannot be made (then no caching). */
bool seccomp_cache_name(json_t *profile, char *name, size_t len);

/* The cached hex program (malloc'd), or NULL; at most @max_len hex digits. */
char *seccomp_cache_load(const char *name, size_t max_len);

/* Keep @hex under @name; best effort. */
void seccomp_cache_store(const char *name, const char *hex);

#endif
