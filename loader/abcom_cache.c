// SPDX-License-Identifier: GPL-2.0
/*
 * The abcom table cache on the host.  Whoever can write the directory
 * decides what the LibOS of every later container is handed, so: the key
 * is a cryptographic hash of the file's content (no other file can claim
 * a record), the directory must be the user's own and closed to others
 * (else the cache is not used), every access goes through its descriptor
 * without following symlinks, a record is opened without blocking (a FIFO
 * planted there must not hang us) and read only if it is a regular file
 * of the user's of the length its header says, and records are replaced
 * atomically (written aside, then renamed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abcom_cache.h"
#include "diag.h"
#include "fd_io.h"

#define RECORD_MAGIC	0x52434158U	/* "XACR" */
#define MAX_RECORD	(64UL << 20)

struct record_hdr {
	uint32_t magic;
	uint32_t abcom_version;
	uint32_t site_size;
	uint32_t n_sites;
	uint64_t file_size;
	uint8_t sha256[ABCOM_SHA256_LEN];
};

static bool cache_path(char *dir, size_t len)
{
	const char *env = getenv("XLIBOS_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (env && *env)
		n = snprintf(dir, len, "%s", env);
	else if (xdg && *xdg)
		n = snprintf(dir, len, "%s/xlibos", xdg);
	else if (home && *home)
		n = snprintf(dir, len, "%s/.cache/xlibos", home);
	else
		return false;
	return n > 0 && (size_t)n < len;
}

int abcom_cache_open_dir(void)
{
	char dir[4096], parent[4096];
	struct stat st;
	char *slash;
	int fd;

	if (!cache_path(dir, sizeof(dir)))
		return -1;
	/* one level of parent (~/.cache) may be missing too */
	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		mkdir(parent, 0700);
	}
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -1;	/* no cache where none can be made: not worth a word */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		diag_error("warning: cache directory '%s' cannot be opened (%s); running without the abcom cache",
			   dir, errno == ELOOP || errno == ENOTDIR ? "not a directory" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077)) {
		diag_error("warning: cache directory '%s' is %s; running without the abcom cache",
			   dir, st.st_uid != geteuid() ? "owned by another user" :
			   "open to group or others (needs mode 0700)");
		close(fd);
		return -1;
	}
	return fd;
}

static void record_name(char *name, size_t len, const uint8_t sha256[ABCOM_SHA256_LEN])
{
	size_t at = 0;

	for (int i = 0; i < ABCOM_SHA256_LEN; i++)
		at += (size_t)snprintf(name + at, len - at, "%02x", sha256[i]);
	snprintf(name + at, len - at, "-v%d.sites", ABCOM_VERSION);
}

bool abcom_cache_load(int dir, const uint8_t sha256[ABCOM_SHA256_LEN], uint64_t file_size,
		      struct abcom_site **sites, size_t *n)
{
	char name[128];
	struct record_hdr hdr;
	struct stat st;
	size_t bytes;
	bool ok = false;
	int fd;

	*sites = NULL;
	*n = 0;
	record_name(name, sizeof(name), sha256);
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    st.st_size < (off_t)sizeof(hdr) || st.st_size > (off_t)MAX_RECORD ||
	    !fd_read_all(fd, &hdr, sizeof(hdr)))
		goto out;
	bytes = (size_t)hdr.n_sites * sizeof(**sites);
	if (hdr.magic != RECORD_MAGIC || hdr.abcom_version != ABCOM_VERSION ||
	    hdr.site_size != sizeof(**sites) || hdr.file_size != file_size ||
	    memcmp(hdr.sha256, sha256, ABCOM_SHA256_LEN) || hdr.n_sites > file_size / 2 ||
	    (size_t)st.st_size != sizeof(hdr) + bytes)
		goto out;
	if (bytes) {
		*sites = malloc(bytes);
		if (!*sites || !fd_read_all(fd, *sites, bytes))
			goto out;
	}
	*n = hdr.n_sites;
	ok = true;
out:
	if (!ok) {
		free(*sites);
		*sites = NULL;
	}
	close(fd);
	return ok;
}

void abcom_cache_store(int dir, const uint8_t sha256[ABCOM_SHA256_LEN], uint64_t file_size,
		       const struct abcom_site *sites, size_t n)
{
	static unsigned int seq;
	struct record_hdr hdr = {
		.magic = RECORD_MAGIC, .abcom_version = ABCOM_VERSION,
		.site_size = sizeof(*sites), .n_sites = (uint32_t)n, .file_size = file_size,
	};
	char name[128], tmp[64];
	bool ok;
	int fd;

	if (n > UINT32_MAX || sizeof(hdr) + n * sizeof(*sites) > MAX_RECORD)
		return;
	memcpy(hdr.sha256, sha256, ABCOM_SHA256_LEN);
	record_name(name, sizeof(name), sha256);
	snprintf(tmp, sizeof(tmp), ".tmp-%d-%u", (int)getpid(), seq++);
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	ok = fd_write_all(fd, &hdr, sizeof(hdr)) && fd_write_all(fd, sites, n * sizeof(*sites));
	ok = close(fd) == 0 && ok;
	/* a reader racing us sees the old record or the whole new one */
	if (!ok || renameat(dir, tmp, dir, name))
		unlinkat(dir, tmp, 0);
}
