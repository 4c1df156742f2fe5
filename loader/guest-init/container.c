// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "config_format.h"
#include "container.h"
#include "copyup.h"
#include "mount_options.h"
#include "root_image.h"

/* Where copied-in files wait for their bind mount; gone before the command runs. */
#define FILES_STAGING	"/.xlibos-files"

/* File system types a "mount" record may name, with their statfs magic. */
static const struct {
	const char *type;
	unsigned long magic;
} fs_types[] = {
	{ "proc", 0x9fa0 }, { "sysfs", 0x62656572 }, { "tmpfs", 0x01021994 },
	{ "devpts", 0x1cd1 }, { "mqueue", 0x19800202 }, { "cgroup2", 0x63677270 },
};

static bool bad(const char *tag, const char *value)
{
	fprintf(stderr, "xlibos: bad %s record in the config: '%.64s'\n", tag, value);
	return false;
}

static bool fail(const char *what, const char *path)
{
	fprintf(stderr, "xlibos: cannot %s %s: %s\n", what, path, strerror(errno));
	return false;
}

/* Split value at its '\n's into n fields (modifies the copy in buf). */
static bool split(char *buf, char **fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fields[i] = buf;
		buf = strchr(buf, '\n');
		if (i + 1 < n) {
			if (!buf)
				return false;
			*buf++ = '\0';
		}
	}
	return true;
}

static bool parse_hex_flags(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 16);
	return *s && !*end && !errno;
}

/* mkdir -p DIR's parents (0755), DIR itself too if as_dir. */
static bool make_parents(const char *path, bool as_dir)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (path[0] != '/' || len >= sizeof(buf) || strstr(path, "/../") ||
	    (len >= 3 && !strcmp(path + len - 3, "/..")))
		return false;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return fail("create", buf);
		*p = '/';
	}
	if (as_dir && mkdir(buf, 0755) != 0 && errno != EEXIST)
		return fail("create", buf);
	return true;
}

/* DIR is a mount point holding a file system of that magic. */
static bool mounted_here(const char *dir, unsigned long magic)
{
	char parent[PATH_MAX];
	struct stat st, pst;
	struct statfs sfs;

	if (snprintf(parent, sizeof(parent), "%s/..", dir) >= (int)sizeof(parent) ||
	    stat(dir, &st) != 0 || stat(parent, &pst) != 0 || statfs(dir, &sfs) != 0)
		return false;
	return st.st_dev != pst.st_dev && (unsigned long)sfs.f_type == magic;
}

/* Every comma-separated option of DATA is one TYPE takes (mount_options.h). */
static bool data_ok(const char *type, const char *data, const char *dir)
{
	while (*data) {
		size_t len = strcspn(data, ",");

		if (!mount_data_option_ok(type, data, len)) {
			fprintf(stderr, "xlibos: cannot mount %s on %s: '%.*s' is not a %s option\n",
				type, dir, (int)(len > 64 ? 64 : len), data, type);
			return false;
		}
		data += len + (data[len] == ',');
	}
	return true;
}

/* DATA less its leading "tmpcopyup" word (xlibos's, not the kernel's): whether it had one. */
static bool take_copyup(char **data)
{
	static const char word[] = XLIBOS_MOUNT_COPYUP;
	size_t len = sizeof(word) - 1;

	if (strncmp(*data, word, len) || ((*data)[len] && (*data)[len] != ','))
		return false;
	*data += len + ((*data)[len] == ',');
	return true;
}

/* DATA names a mode (mode=, as a word of its own). */
static bool has_mode(const char *data)
{
	for (const char *p = data; (p = strstr(p, "mode=")); p++)
		if (p == data || p[-1] == ',')
			return true;
	return false;
}

/*
 * A new mount of TYPE on DIR.  A tmpfs takes the mode DIR had, as runc
 * chmods it, unless DATA names one (runc 1.1 overrides even that: a
 * "mode=700" tmpfs on a 0755 directory ends 0755); with copy-up it starts
 * with what DIR held: the copy is made through a descriptor taken before
 * the tmpfs hid it, read-only after.
 */
static bool mount_new(const char *type, const char *dir, unsigned long flags, const char *data,
		      bool copyup, const struct stat *was)
{
	int from = -1, to = -1;
	bool ok;

	if (copyup && was && (from = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fail("read", dir);
	ok = mount(type, dir, type, from >= 0 ? flags & ~MS_RDONLY : flags, *data ? data : NULL) == 0;
	if (!ok)
		fprintf(stderr, "xlibos: cannot mount %s on %s: %s\n", type, dir, strerror(errno));
	if (ok && was && !strcmp(type, "tmpfs") && !has_mode(data) &&
	    chmod(dir, was->st_mode & 07777) != 0)
		ok = fail("set the mode of", dir);
	if (ok && from >= 0) {
		to = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ok = to >= 0 ? copyup_tree(from, to, dir) : fail("open", dir);
		if (ok && (flags & MS_RDONLY) &&
		    mount(NULL, dir, NULL, MS_REMOUNT | flags, *data ? data : NULL) != 0)
			ok = fail("make read-only:", dir);
	}
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
	return ok;
}

static bool apply_mount(const char *value)
{
	char *copy = strdup(value), *f[4], *data;
	unsigned long flags, magic = 0;
	struct stat was;
	bool ok = false, existed, copyup;

	if (!copy || !split(copy, f, 4) || !parse_hex_flags(f[1], &flags) || f[3][0] != '/')
		goto bad;
	for (size_t i = 0; i < sizeof(fs_types) / sizeof(fs_types[0]); i++)
		if (!strcmp(f[0], fs_types[i].type))
			magic = fs_types[i].magic;
	data = f[2];
	copyup = !strcmp(f[0], "tmpfs") && take_copyup(&data);
	existed = stat(f[3], &was) == 0 && S_ISDIR(was.st_mode);
	if (!magic || !make_parents(f[3], true))
		goto bad;
	if (!data_ok(f[0], data, f[3])) {
		free(copy);
		return false;
	}
	/*
	 * What init mounted already (/proc, /sys, /dev/pts, /dev/shm) gets the
	 * flags and options asked for, as a new mount would have them: a
	 * remount without data would reset devpts to mode=600,ptmxmode=000.
	 */
	if (mounted_here(f[3], magic)) {
		ok = mount(NULL, f[3], NULL, MS_REMOUNT | flags, *data ? data : NULL) == 0;
		if (!ok)
			fprintf(stderr, "xlibos: cannot mount %s on %s: %s\n", f[0], f[3],
				strerror(errno));
	} else {
		ok = mount_new(f[0], f[3], flags, data, copyup, existed ? &was : NULL);
	}
	free(copy);
	return ok;
bad:
	free(copy);
	return bad(XLIBOS_CONFIG_MOUNT, value);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* HEX into path (created with mode); false on bad digits or a write error. */
static bool write_hex(const char *path, mode_t mode, const char *hex)
{
	unsigned char buf[4096];
	size_t n = 0;
	bool ok = true;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0)
		return fail("create", path);
	for (; *hex && ok; hex += 2) {
		int hi = hex_digit(hex[0]), lo = hi < 0 ? -1 : hex_digit(hex[1]);

		if (lo < 0) {
			ok = false;
			break;
		}
		buf[n++] = (unsigned char)(hi << 4 | lo);
		if (n == sizeof(buf) || !hex[2]) {
			ok = write(fd, buf, n) == (ssize_t)n;
			n = 0;
		}
	}
	ok = ok && fchmod(fd, mode) == 0;
	close(fd);
	return ok;
}

/* "MODE\nFLAGS\nDIR\nHEX": staged as FILES_STAGING/N, bind-mounted on DIR. */
static bool apply_file(const char *value, unsigned int n)
{
	char *copy = strdup(value), *f[4], staged[64];
	unsigned long flags, mode;
	struct stat st;
	char *end;
	bool ok = false;

	if (!copy || !split(copy, f, 4) || !parse_hex_flags(f[1], &flags))
		goto bad;
	errno = 0;
	mode = strtoul(f[0], &end, 8);
	if (!*f[0] || *end || errno || mode > 07777 || !make_parents(f[2], false))
		goto bad;
	snprintf(staged, sizeof(staged), FILES_STAGING "/%u", n);
	if (!write_hex(staged, (mode_t)mode, f[3])) {
		fprintf(stderr, "xlibos: cannot copy in the file for %s\n", f[2]);
		goto out;
	}
	if (lstat(f[2], &st) != 0) {
		int fd = open(f[2], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);

		if (fd < 0) {
			fail("create", f[2]);
			goto out;
		}
		close(fd);
	} else if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "xlibos: cannot bind a file on %s: it is a directory\n", f[2]);
		goto out;
	}
	/* As runc: a remount with the flags asked for, if any (else the staging tmpfs's). */
	if (mount(staged, f[2], NULL, MS_BIND, NULL) != 0 ||
	    (flags && mount(NULL, f[2], NULL, MS_REMOUNT | MS_BIND | flags, NULL) != 0)) {
		fail("bind a file on", f[2]);
		goto out;
	}
	ok = true;
out:
	free(copy);
	return ok;
bad:
	free(copy);
	return bad(XLIBOS_CONFIG_FILE, value);
}

/* "KEY\nVALUE": KEY of [A-Za-z0-9_-] words joined by '.', into /proc/sys. */
static bool apply_sysctl(const char *value)
{
	const char *nl = strchr(value, '\n');
	char path[256];
	size_t klen = nl ? (size_t)(nl - value) : 0;
	int fd;

	if (!klen || klen > 128 || value[0] == '.' || value[klen - 1] == '.')
		return bad(XLIBOS_CONFIG_SYSCTL, value);
	memcpy(path, "/proc/sys/", 10);
	for (size_t i = 0; i < klen; i++) {
		char c = value[i];

		if (c == '.' && value[i + 1] == '.')
			return bad(XLIBOS_CONFIG_SYSCTL, value);
		if (c != '.' && c != '_' && c != '-' && !(c >= '0' && c <= '9') &&
		    !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z'))
			return bad(XLIBOS_CONFIG_SYSCTL, value);
		path[10 + i] = c == '.' ? '/' : c;
	}
	path[10 + klen] = '\0';
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, nl + 1, strlen(nl + 1)) < 0) {
		fprintf(stderr, "xlibos: cannot set sysctl %.*s: %s\n", (int)klen, value,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	close(fd);
	return true;
}

/* "mask" PATH: nothing of it shows (runc's maskedPaths). */
static bool apply_mask(const char *path)
{
	struct stat st;

	if (path[0] != '/')
		return bad(XLIBOS_CONFIG_MASK, path);
	if (stat(path, &st) != 0)
		return errno == ENOENT || fail("mask", path);
	/* runc's own: a read-only tmpfs with no options, or /dev/null bound on it. */
	if (S_ISDIR(st.st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL) != 0
				: mount("/dev/null", path, NULL, MS_BIND, NULL) != 0)
		return fail("mask", path);
	return true;
}

/* "rdonly" PATH: visible, not writable (runc's readonlyPaths). */
static bool apply_rdonly(const char *path)
{
	struct statfs sfs;
	struct stat st;

	if (path[0] != '/')
		return bad(XLIBOS_CONFIG_RDONLY, path);
	if (stat(path, &st) != 0)
		return errno == ENOENT || fail("make read-only:", path);
	/* As runc: the mount's nosuid, nodev and noexec stay (/proc's, for /proc/sys). */
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) != 0 || statfs(path, &sfs) != 0 ||
	    mount(NULL, path, NULL,
		  MS_BIND | MS_REMOUNT | MS_RDONLY |
		  ((unsigned long)sfs.f_flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC)), NULL) != 0)
		return fail("make read-only:", path);
	return true;
}

static bool has_tag(const struct init_config *cfg, const char *tag)
{
	for (size_t i = 0; i < cfg->ncontainer; i++)
		if (!strcmp(cfg->container[i], tag))
			return true;
	return false;
}

static bool apply_all(const struct init_config *cfg)
{
	unsigned int files = 0;

	for (size_t i = 0; i < cfg->ncontainer; i++) {
		const char *tag = cfg->container[i], *value = config_record_value(tag);

		if (!strcmp(tag, XLIBOS_CONFIG_FILE) && !apply_file(value, files++))
			return false;
		if (!strcmp(tag, XLIBOS_CONFIG_SYSCTL) && !apply_sysctl(value))
			return false;
	}
	/*
	 * After the sysctls: /proc/sys is one of podman's read-only paths.
	 * Then the masks, as runc orders them: a masked path under a
	 * read-only one is hidden all the same.
	 */
	for (size_t i = 0; i < cfg->ncontainer; i++) {
		const char *tag = cfg->container[i], *value = config_record_value(tag);

		if (!strcmp(tag, XLIBOS_CONFIG_RDONLY) && !apply_rdonly(value))
			return false;
	}
	for (size_t i = 0; i < cfg->ncontainer; i++) {
		const char *tag = cfg->container[i], *value = config_record_value(tag);

		if (!strcmp(tag, XLIBOS_CONFIG_MASK) && !apply_mask(value))
			return false;
	}
	return true;
}

/* Components of DIR, the third field of a volume record ("ro|rw TAG DIR"). */
static size_t depth(const char *dir)
{
	size_t n = 0;

	for (; dir && *dir; dir++)
		n += dir[0] == '/' && dir[1] && dir[1] != '/';
	return n;
}

struct mount_item {
	size_t depth, order;
	const char *record;	/* a mount record's value, or NULL */
	char *volume;		/* else a volume record */
};

static int by_depth(const void *a, const void *b)
{
	const struct mount_item *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

bool container_mounts(const struct init_config *cfg)
{
	size_t n = 0, i;
	struct mount_item *items = calloc(cfg->ncontainer + cfg->nvolumes + 1, sizeof(*items));
	bool ok = true;

	if (!items) {
		fprintf(stderr, "xlibos: out of memory\n");
		return false;
	}
	for (i = 0; i < cfg->ncontainer; i++) {
		const char *tag = cfg->container[i], *value = config_record_value(tag);

		if (strcmp(tag, XLIBOS_CONFIG_MOUNT))
			continue;
		items[n] = (struct mount_item){ depth(strrchr(value, '\n')), n, value, NULL };
		n++;
	}
	for (i = 0; i < cfg->nvolumes; i++) {
		const char *dir = strchr(cfg->volumes[i], ' ');

		dir = dir ? strchr(dir + 1, ' ') : NULL;
		items[n] = (struct mount_item){ depth(dir), n, NULL, cfg->volumes[i] };
		n++;
	}
	qsort(items, n, sizeof(*items), by_depth);
	for (i = 0; ok && i < n; i++)
		ok = items[i].record ? apply_mount(items[i].record)
				     : root_image_mount_volumes(&items[i].volume, 1);
	free(items);
	return ok;
}

bool container_setup(const struct init_config *cfg)
{
	bool staging = has_tag(cfg, XLIBOS_CONFIG_FILE), ok;
	struct stat root;
	bool have_root = stat("/", &root) == 0;

	/* No mode= in its options: the files bound from it show them in /proc/mounts. */
	if (staging && ((mkdir(FILES_STAGING, 0700) != 0 && errno != EEXIST) ||
			mount("tmpfs", FILES_STAGING, "tmpfs", MS_NOSUID | MS_NODEV, NULL) != 0 ||
			chmod(FILES_STAGING, 0700) != 0))
		return fail("stage files in", FILES_STAGING);
	ok = apply_all(cfg);
	/* The bind mounts keep their files; the staging area leaves no trace. */
	if (staging) {
		umount2(FILES_STAGING, MNT_DETACH);
		rmdir(FILES_STAGING);
	}
	if (have_root) {
		struct timespec times[2] = { root.st_atim, root.st_mtim };

		utimensat(AT_FDCWD, "/", times, 0);
	}
	if (ok && has_tag(cfg, XLIBOS_CONFIG_ROOTRO) &&
	    mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
		return fail("make read-only:", "/");
	return ok;
}
