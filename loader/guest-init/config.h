/* SPDX-License-Identifier: GPL-2.0 */
/* Reading /.xlibos/config (format: config_format.h). */
#ifndef XLIBOS_INIT_CONFIG_H
#define XLIBOS_INIT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Environment every command starts from; --env entries override it. */
#define INIT_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define INIT_DEFAULT_HOME "/root"

struct init_config {
	char **argv;		/* NULL-terminated, argv[0] present */
	size_t argc;
	char **envp;		/* NULL-terminated: defaults, then the records */
	size_t nenv;
	const char *workdir;	/* absolute; "/" by default */
	const char *root;	/* block device of the root image, or NULL */
	char **disks;		/* "ro|rw DEVICE DIR", NULL-terminated */
	size_t ndisks;
	char **volumes;		/* "ro|rw TAG DIR", NULL-terminated */
	size_t nvolumes;
	const char *net;	/* "IFNAME ADDR/PREFIX GATEWAY MTU", or NULL */
	const char *net6;	/* "ADDR6/PREFIX GATEWAY6", or NULL */
	const char *dns;	/* name server, or NULL */
	const char *hostname;	/* the guest's host name, or NULL */
	const char *writeback;	/* 9p tag of the rootfs for the root's changes, or NULL */
	char **container;	/* container records' tags (the value follows the
				 * tag's NUL), in order, NULL-terminated */
	size_t ncontainer;
	char *data;		/* the file; the strings point into it */
};

/*
 * Parse len bytes of data (modified in place, must stay allocated: the
 * result points into it).  On error returns false with a reason in err.
 */
bool config_parse(char *data, size_t len, struct init_config *cfg, char *err, size_t errlen);

/* Read and parse path; prints "xlibos: PATH: reason" on failure. */
bool config_load(const char *path, struct init_config *cfg);

/* Value of KEY in envp (NULL-terminated), or NULL. */
const char *config_getenv(char *const *envp, const char *key);

/* HOME is init's default, empty or missing: no record gave one. */
bool config_home_defaulted(const struct init_config *cfg);

void config_free(struct init_config *cfg);

/* Value of a container record (an element of cfg->container). */
static inline const char *config_record_value(const char *tag)
{
	return tag + __builtin_strlen(tag) + 1;
}

#endif
