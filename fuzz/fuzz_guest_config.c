// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz config_parse() (loader/guest-init/config.c): xlibos-init's reader of
 * /.xlibos/config.  The loader writes that file, but it sits in the guest's
 * root beside the container's own files, so its parser gets the same care.
 * An accepted config must hold a NULL-terminated argv with argc entries,
 * an absolute workdir and only KEY=VALUE environment entries.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static void fuzz_setup(void)
{
}

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_guest_config: accepted config with %s\n", what);
	abort();
}

static void check_accepted(const struct init_config *cfg)
{
	size_t n = 0;

	if (!cfg->argc || !cfg->argv[0])
		broken("no argv[0]");
	while (cfg->argv[n])
		n++;
	if (n != cfg->argc)
		broken("argc differing from argv's length");
	if (!cfg->workdir || cfg->workdir[0] != '/')
		broken("a relative workdir");
	for (size_t i = 0; cfg->envp[i]; i++)
		if (!strchr(cfg->envp[i], '=') || cfg->envp[i][0] == '=')
			broken("an environment entry without KEY=");
	if (!config_getenv(cfg->envp, "PATH") || !config_getenv(cfg->envp, "HOME"))
		broken("no PATH or HOME");
}

static void fuzz_one(const uint8_t *data, size_t size)
{
	struct init_config cfg;
	char err[128];
	/* parsed in place, as config_load() does with its own copy */
	char *copy = malloc(size ? size : 1);

	if (!copy)
		return;
	memcpy(copy, data, size);
	if (config_parse(copy, size, &cfg, err, sizeof(err))) {
		check_accepted(&cfg);
		config_free(&cfg);	/* frees argv and envp; cfg.data is NULL */
	}
	free(copy);
}

#include "driver.h"
