// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_format.h"

/* Length of the "KEY=" prefix of a "KEY=VALUE" entry, including '='. */
static size_t key_length(const char *entry)
{
	const char *eq = strchr(entry, '=');

	return eq ? (size_t)(eq - entry) + 1 : 0;
}

/* Put entry into envp, replacing an entry with the same key. */
static void env_set(struct init_config *cfg, char *entry)
{
	size_t klen = key_length(entry);

	for (size_t i = 0; i < cfg->nenv; i++) {
		if (strncmp(cfg->envp[i], entry, klen) == 0) {
			cfg->envp[i] = entry;
			return;
		}
	}
	cfg->envp[cfg->nenv++] = entry;
	cfg->envp[cfg->nenv] = NULL;
}

const char *config_getenv(char *const *envp, const char *key)
{
	size_t len = strlen(key);

	for (; *envp; envp++)
		if (strncmp(*envp, key, len) == 0 && (*envp)[len] == '=')
			return *envp + len + 1;
	return NULL;
}

/* Next NUL-terminated string at *pos, or NULL if the data ends first. */
static char *next_string(char *data, size_t len, size_t *pos)
{
	char *start = data + *pos;
	char *nul;

	if (*pos >= len)
		return NULL;
	nul = memchr(start, '\0', len - *pos);
	if (!nul)
		return NULL;
	*pos = (size_t)(nul - data) + 1;
	return start;
}

/* Records applied by container.c and creds.c, kept in order. */
static bool is_container_tag(const char *tag)
{
	static const char *const tags[] = {
		XLIBOS_CONFIG_MOUNT, XLIBOS_CONFIG_FILE, XLIBOS_CONFIG_SYSCTL,
		XLIBOS_CONFIG_ROOTRO, XLIBOS_CONFIG_MASK, XLIBOS_CONFIG_RDONLY,
		XLIBOS_CONFIG_USER, XLIBOS_CONFIG_UMASK,
		XLIBOS_CONFIG_RLIMIT, XLIBOS_CONFIG_NNP, XLIBOS_CONFIG_CAPS, XLIBOS_CONFIG_SECCOMP,
		XLIBOS_CONFIG_TTY,
	};

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strcmp(tag, tags[i]) == 0)
			return true;
	return false;
}

static bool fail(char *err, size_t errlen, const char *reason)
{
	snprintf(err, errlen, "%s", reason);
	return false;
}

static char default_path[] = "PATH=" INIT_DEFAULT_PATH;
static char default_home[] = "HOME=" INIT_DEFAULT_HOME;

bool config_home_defaulted(const struct init_config *cfg)
{
	for (size_t i = 0; i < cfg->nenv; i++)
		if (!strncmp(cfg->envp[i], "HOME=", 5))
			return cfg->envp[i] == default_home || !cfg->envp[i][5];
	return true;
}

bool config_parse(char *data, size_t len, struct init_config *cfg, char *err, size_t errlen)
{
	size_t magic_len = strlen(XLIBOS_CONFIG_MAGIC);
	/* Each record takes at least 2 bytes: the counts are bounded by len. */
	size_t max_records = len / 2 + 1;
	size_t pos = magic_len;

	*cfg = (struct init_config){ .workdir = "/" };
	if (len < magic_len || memcmp(data, XLIBOS_CONFIG_MAGIC, magic_len) != 0)
		return fail(err, errlen, "not an xlibos config (wrong magic line; stale xlibos-init?)");

	cfg->argv = calloc(max_records + 1, sizeof(char *));
	cfg->envp = calloc(max_records + 3, sizeof(char *));
	cfg->disks = calloc(max_records + 1, sizeof(char *));
	cfg->volumes = calloc(max_records + 1, sizeof(char *));
	cfg->container = calloc(max_records + 1, sizeof(char *));
	if (!cfg->argv || !cfg->envp || !cfg->disks || !cfg->volumes || !cfg->container) {
		config_free(cfg);
		return fail(err, errlen, "out of memory");
	}
	env_set(cfg, default_path);
	env_set(cfg, default_home);

	while (pos < len) {
		char *tag = next_string(data, len, &pos);
		char *value = tag ? next_string(data, len, &pos) : NULL;

		if (!value) {
			config_free(cfg);
			return fail(err, errlen, "truncated record");
		}
		if (strcmp(tag, XLIBOS_CONFIG_ARGV) == 0) {
			cfg->argv[cfg->argc++] = value;
		} else if (strcmp(tag, XLIBOS_CONFIG_ENV) == 0) {
			if (key_length(value) < 2) {
				config_free(cfg);
				return fail(err, errlen, "environment entry without KEY=");
			}
			env_set(cfg, value);
		} else if (strcmp(tag, XLIBOS_CONFIG_WORKDIR) == 0) {
			if (value[0] != '/') {
				config_free(cfg);
				return fail(err, errlen, "workdir is not an absolute path");
			}
			cfg->workdir = value;
		} else if (strcmp(tag, XLIBOS_CONFIG_ROOT) == 0) {
			if (value[0] != '/' || cfg->root) {
				config_free(cfg);
				return fail(err, errlen, "bad root device record");
			}
			cfg->root = value;
		} else if (strcmp(tag, XLIBOS_CONFIG_DISK) == 0) {
			cfg->disks[cfg->ndisks++] = value;
		} else if (strcmp(tag, XLIBOS_CONFIG_VOLUME) == 0) {
			cfg->volumes[cfg->nvolumes++] = value;
		} else if (strcmp(tag, XLIBOS_CONFIG_NET) == 0) {
			if (cfg->net) {
				config_free(cfg);
				return fail(err, errlen, "more than one net record");
			}
			cfg->net = value;
		} else if (strcmp(tag, XLIBOS_CONFIG_NET6) == 0) {
			if (cfg->net6) {
				config_free(cfg);
				return fail(err, errlen, "more than one net6 record");
			}
			cfg->net6 = value;
		} else if (strcmp(tag, XLIBOS_CONFIG_DNS) == 0) {
			if (cfg->dns) {
				config_free(cfg);
				return fail(err, errlen, "more than one dns record");
			}
			cfg->dns = value;
		} else if (strcmp(tag, XLIBOS_CONFIG_HOSTNAME) == 0) {
			if (cfg->hostname || !*value) {
				config_free(cfg);
				return fail(err, errlen, "bad hostname record");
			}
			cfg->hostname = value;
		} else if (strcmp(tag, XLIBOS_CONFIG_WRITEBACK) == 0) {
			if (cfg->writeback || !*value) {
				config_free(cfg);
				return fail(err, errlen, "bad writeback record");
			}
			cfg->writeback = value;
		} else if (is_container_tag(tag)) {
			cfg->container[cfg->ncontainer++] = tag;
		} else {
			config_free(cfg);
			return fail(err, errlen, "unknown record (stale xlibos-init?)");
		}
	}
	if (cfg->argc == 0) {
		config_free(cfg);
		return fail(err, errlen, "no command");
	}
	return true;
}

/* The whole file, NUL-terminated for safety; NULL with errno on failure. */
static char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *data = NULL;
	size_t done = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !(data = malloc((size_t)st.st_size + 1)))
		goto fail;
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, data + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			goto fail;
		}
		done += (size_t)n;
	}
	data[done] = '\0';
	*len = done;
	close(fd);
	return data;
fail:
	free(data);
	close(fd);
	return NULL;
}

bool config_load(const char *path, struct init_config *cfg)
{
	char err[128];
	size_t len;
	char *data = read_file(path, &len);

	if (!data) {
		fprintf(stderr, "xlibos: %s: %s\n", path, strerror(errno));
		return false;
	}
	if (!config_parse(data, len, cfg, err, sizeof(err))) {
		fprintf(stderr, "xlibos: %s: %s\n", path, err);
		free(data);
		return false;
	}
	cfg->data = data;
	return true;
}

void config_free(struct init_config *cfg)
{
	free(cfg->argv);
	free(cfg->envp);
	free(cfg->disks);
	free(cfg->volumes);
	free(cfg->container);
	free(cfg->data);
	*cfg = (struct init_config){ 0 };
}
