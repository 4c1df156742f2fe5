// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <fcntl.h>
#include <nettle/sha2.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../abcom_cache.h"
#include "../fd_io.h"
#include "seccomp_cache.h"

/* Bumped when what a record holds, or how the profile is compiled, changes. */
#define SECCOMP_CACHE_VERSION	1

bool seccomp_cache_name(json_t *profile, char *name, size_t len)
{
	const struct scmp_version *v = seccomp_version();
	char *text = json_dumps(profile, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
	unsigned char md[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	char head[64];
	bool ok = text && v && len >= 2 * sizeof(md) + sizeof("seccomp-.bpf");
	size_t at;

	snprintf(head, sizeof(head), "xlibos-seccomp %d libseccomp %u.%u.%u\n",
		 SECCOMP_CACHE_VERSION, v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0);
	if (ok) {
		sha256_init(&ctx);
		sha256_update(&ctx, strlen(head), (const uint8_t *)head);
		sha256_update(&ctx, strlen(text), (const uint8_t *)text);
		sha256_digest(&ctx, sizeof(md), md);
		at = (size_t)snprintf(name, len, "seccomp-");
		for (size_t i = 0; i < sizeof(md); i++)
			at += (size_t)snprintf(name + at, len - at, "%02x", md[i]);
		snprintf(name + at, len - at, ".bpf");
	}
	free(text);
	return ok;
}

char *seccomp_cache_load(const char *name, size_t max_len)
{
	int dir = abcom_cache_open_dir();
	int fd = dir < 0 ? -1 : openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char *hex = NULL;
	struct stat st;

	/* The user's own regular file, of even length, hex digits only. */
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    st.st_size > 0 && (size_t)st.st_size <= max_len && st.st_size % 16 == 0 &&
	    (hex = malloc((size_t)st.st_size + 1)) &&
	    fd_read_all(fd, hex, (size_t)st.st_size)) {
		hex[st.st_size] = '\0';
		if (strspn(hex, "0123456789abcdef") != (size_t)st.st_size) {
			free(hex);
			hex = NULL;
		}
	} else {
		free(hex);
		hex = NULL;
	}
	if (fd >= 0)
		close(fd);
	if (dir >= 0)
		close(dir);
	return hex;
}

void seccomp_cache_store(const char *name, const char *hex)
{
	int dir = abcom_cache_open_dir(), fd;
	char tmp[64];
	bool ok;

	if (dir < 0)
		return;
	snprintf(tmp, sizeof(tmp), ".tmp-seccomp-%d", (int)getpid());
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	ok = fd >= 0 && fd_write_all(fd, hex, strlen(hex));
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (!ok || renameat(dir, tmp, dir, name) != 0)
		unlinkat(dir, tmp, 0);
	close(dir);
}
