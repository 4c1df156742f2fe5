/* SPDX-License-Identifier: GPL-2.0 */
/* Encode /.xlibos/config (guest-init/config_format.h) for "xlibos run". */
#ifndef XLIBOS_LOADER_RUN_CONFIG_H
#define XLIBOS_LOADER_RUN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct run_config {
	char *const *argv;	/* the command and its arguments */
	size_t argc;		/* at least 1 */
	const char *const *env;	/* "KEY=VALUE" strings */
	size_t nenv;
	const char *workdir;	/* NULL: the init's default, "/" */
	const char *root;	/* block device of the root image, or NULL */
	char *const *disks;	/* "ro|rw DEVICE DIR" records */
	size_t ndisks;
	char *const *volumes;	/* "ro|rw TAG DIR" records */
	size_t nvolumes;
	const char *net;	/* "IFNAME ADDR/PREFIX GATEWAY MTU", or NULL */
	const char *net6;	/* "ADDR6/PREFIX GATEWAY6", or NULL */
	const char *dns;	/* name server for resolv.conf, or NULL */
	const char *hostname;	/* the guest's host name, or NULL */
	const char *writeback;	/* 9p tag of the rootfs for the root's changes, or NULL */
	const char *extra;	/* whole records appended verbatim (--guest-records) */
	size_t extra_len;
};

/* malloc'd encoding in *data / *size; false (message printed) on ENOMEM. */
bool run_config_encode(const struct run_config *cfg, char **data, size_t *size);

#endif
