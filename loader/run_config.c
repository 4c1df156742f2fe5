// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "guest-init/config_format.h"
#include "run_config.h"

/* TAG '\0' VALUE '\0' */
static void put_record(FILE *out, const char *tag, const char *value)
{
	fwrite(tag, 1, strlen(tag) + 1, out);
	fwrite(value, 1, strlen(value) + 1, out);
}

bool run_config_encode(const struct run_config *cfg, char **data, size_t *size)
{
	FILE *out = open_memstream(data, size);

	if (!out) {
		diag_error("cannot build the guest config: %s", strerror(errno));
		return false;
	}
	fputs(XLIBOS_CONFIG_MAGIC, out);
	for (size_t i = 0; i < cfg->argc; i++)
		put_record(out, XLIBOS_CONFIG_ARGV, cfg->argv[i]);
	for (size_t i = 0; i < cfg->nenv; i++)
		put_record(out, XLIBOS_CONFIG_ENV, cfg->env[i]);
	if (cfg->workdir)
		put_record(out, XLIBOS_CONFIG_WORKDIR, cfg->workdir);
	if (cfg->root)
		put_record(out, XLIBOS_CONFIG_ROOT, cfg->root);
	for (size_t i = 0; i < cfg->ndisks; i++)
		put_record(out, XLIBOS_CONFIG_DISK, cfg->disks[i]);
	for (size_t i = 0; i < cfg->nvolumes; i++)
		put_record(out, XLIBOS_CONFIG_VOLUME, cfg->volumes[i]);
	if (cfg->net)
		put_record(out, XLIBOS_CONFIG_NET, cfg->net);
	if (cfg->net6)
		put_record(out, XLIBOS_CONFIG_NET6, cfg->net6);
	if (cfg->dns)
		put_record(out, XLIBOS_CONFIG_DNS, cfg->dns);
	if (cfg->hostname)
		put_record(out, XLIBOS_CONFIG_HOSTNAME, cfg->hostname);
	if (cfg->writeback)
		put_record(out, XLIBOS_CONFIG_WRITEBACK, cfg->writeback);
	if (cfg->extra_len)
		fwrite(cfg->extra, 1, cfg->extra_len, out);
	/* Memory streams fail only on allocation. */
	int failed = ferror(out);

	if (fclose(out) != 0 || failed) {
		diag_error("cannot build the guest config: out of memory");
		free(*data);
		*data = NULL;
		return false;
	}
	return true;
}
