// SPDX-License-Identifier: GPL-2.0
/*
 * The cache of rootfs images.  Like abcom's cache: the directory must be
 * the user's own and closed to others, everything is opened relative to
 * its descriptor without following symlinks and without blocking, an
 * entry is used only if it is a regular file of ours of the size the
 * walk says and starts with an ext4 superblock (else it is made again),
 * and entries are written aside and renamed in whole.  A build holds an
 * flock on the entry's lock file, so two starts of a new tree build once.
 * An entry's data is not hashed at each start: a user who can write the
 * cache can change it, and the guest's ext4 treats it as untrusted.
 * Entries are never removed (a changed tree gets a new one): deleting
 * <cache>/images reclaims the space.
 *
 * A copy of a tree has new inodes and change times, so a key of its own:
 * podman's vfs driver copies the image's tree for every container.  Each
 * image made from a tree that is not an overlay's layers leaves a record,
 * <cache>/images/content-<content key>, naming its entry; a tree whose
 * key has no image reads its files for its content key
 * (rootfs_image_content_walk()) and, if a record names an image, links
 * that image into its own entry instead of making one.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abcom.h"
#include "abcom_cache.h"
#include "abcom_tables.h"
#include "diag.h"
#include "fd_io.h"
#include "rootfs_image.h"
#include "rootfs_image_build.h"
#include "rootfs_image_prune.h"
#include "rootfs_image_walk.h"

#define IMAGE_NAME "rootfs.ext4"
#define LOCK_NAME "lock"
#define TABLES_MAGIC 0x54495258U	/* "XRIT" */
#define CONTENT_MAGIC 0x43495258U	/* "XRIC" */
#define MAX_TABLES (256ULL << 20)
#define EXT4_MAGIC_OFFSET (1024 + 56)
#define EXT4_MAGIC 0xEF53
/* Without a cache the image is made aside, used by this run and deleted. */
#define ONE_RUN "the image is made for this run only"

/* <cache>/images/content-<hex>: the entry whose image has that content. */
struct content_record {
	uint32_t magic;
	uint32_t format;
	uint8_t key[ROOTFS_IMAGE_KEY_LEN];
};

struct tables_hdr {
	uint32_t magic;
	uint32_t abcom_version;
	uint64_t len;
	uint8_t key[ROOTFS_IMAGE_KEY_LEN];
};

/* Ours and closed to others: what every directory of the cache must be. */
static bool private_to_us(const struct stat *st)
{
	return st->st_uid == geteuid() && !(st->st_mode & 077);
}

/* A directory of ours, closed to others: made if missing, else refused. */
static int open_private_dir(int parent, const char *name, const char *what)
{
	struct stat st;
	int fd;

	if (mkdirat(parent, name, 0700) != 0 && errno != EEXIST) {
		diag_error("warning: rootfs image: cannot create the %s: %s; %s", what, strerror(errno),
			   ONE_RUN);
		return -1;
	}
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		diag_error("warning: rootfs image: cannot open the %s: %s; %s", what,
			   errno == ELOOP || errno == ENOTDIR ? "not a directory" : strerror(errno),
			   ONE_RUN);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!private_to_us(&st)) {
		diag_error("warning: rootfs image: the %s is %s; %s", what, st.st_uid != geteuid() ?
			   "owned by another user" : "open to group or others (needs mode 0700)", ONE_RUN);
		close(fd);
		return -1;
	}
	return fd;
}

static void hex_key(const uint8_t *key, char *hex)
{
	for (int i = 0; i < ROOTFS_IMAGE_KEY_LEN; i++)
		sprintf(hex + 2 * i, "%02x", key[i]);
}

/* The entry's directory for this tree; -1 (message printed) if there is no usable cache. */
static int open_entry(const struct rootfs_image_plan *plan, int *images_out)
{
	char hex[2 * ROOTFS_IMAGE_KEY_LEN + 1];
	int cache = abcom_cache_open_dir(), images, entry;

	if (cache < 0) {
		diag_error("warning: rootfs image: no usable cache directory (set XLIBOS_CACHE_DIR to a directory of yours, mode 0700); %s",
			   ONE_RUN);
		return -1;
	}
	images = open_private_dir(cache, "images", "image cache directory");
	close(cache);
	if (images < 0)
		return -1;
	hex_key(plan->key, hex);
	entry = open_private_dir(images, hex, "image cache entry");
	if (entry < 0)
		close(images);
	else
		*images_out = images;
	return entry;
}

/* The cached image if it is sound, O_RDONLY; -1 if missing or not. */
static int open_image(int entry, const struct rootfs_image_plan *plan)
{
	uint16_t magic = 0;
	struct stat st;
	int fd = openat(entry, IMAGE_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) || (uint64_t)st.st_size != plan->image_bytes ||
	    pread(fd, &magic, sizeof(magic), EXT4_MAGIC_OFFSET) != sizeof(magic) ||
	    magic != EXT4_MAGIC || fcntl(fd, F_SETFL, 0) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void tables_name(char *name, size_t len)
{
	snprintf(name, len, "abcom-tables-v%d", ABCOM_VERSION);
}

/* The cached tables of this key, if sound. */
static bool load_tables(int entry, const struct rootfs_image_plan *plan, struct rootfs_image *out)
{
	struct tables_hdr hdr;
	struct stat st;
	char name[64];
	int fd;

	tables_name(name, sizeof(name));
	fd = openat(entry, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    st.st_size < (off_t)sizeof(hdr) || (uint64_t)st.st_size > sizeof(hdr) + MAX_TABLES ||
	    !fd_read_all(fd, &hdr, sizeof(hdr)) || hdr.magic != TABLES_MAGIC ||
	    hdr.abcom_version != ABCOM_VERSION || memcmp(hdr.key, plan->key, sizeof(hdr.key)) ||
	    hdr.len != (uint64_t)st.st_size - sizeof(hdr))
		goto bad;
	out->abcom_tables = hdr.len ? malloc(hdr.len) : NULL;
	if (hdr.len && (!out->abcom_tables || !fd_read_all(fd, out->abcom_tables, hdr.len))) {
		free(out->abcom_tables);
		out->abcom_tables = NULL;
		goto bad;
	}
	out->abcom_tables_len = hdr.len;
	close(fd);
	return true;
bad:
	close(fd);
	return false;
}

/*
 * Best effort: @name in @dir, @head then @body, mode 0400, written aside
 * and renamed into place whole (what a killed start leaves is cleared by
 * remove_leftovers() in an entry, by rootfs_image_prune() beside them).
 */
static void store_aside(int dir, const char *name, const void *head, size_t head_len,
			const void *body, size_t body_len)
{
	char tmp[NAME_MAX + 1];
	bool ok;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%d", name, (int)getpid()) >= (int)sizeof(tmp))
		return;
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (fd < 0)
		return;
	ok = fd_write_all(fd, head, head_len) && fd_write_all(fd, body, body_len);
	ok = close(fd) == 0 && ok;
	if (!ok || renameat(dir, tmp, dir, name) != 0)
		unlinkat(dir, tmp, 0);
}

/* Best effort: without it, the next start reads the tree's files again. */
static void store_tables(int entry, const struct rootfs_image_plan *plan, const void *buf,
			 size_t len)
{
	struct tables_hdr hdr = { .magic = TABLES_MAGIC, .abcom_version = ABCOM_VERSION, .len = len };
	char name[64];

	memcpy(hdr.key, plan->key, sizeof(hdr.key));
	tables_name(name, sizeof(name));
	store_aside(entry, name, &hdr, sizeof(hdr), buf, len);
}

/* Walk again (reading files for the tables if asked): the tree must not have changed. */
static bool walk_again(const char *dir, int rootfd, const struct rootfs_image_plan *plan,
		       bool tables, struct rootfs_image *out, int entry)
{
	struct rootfs_image_plan now;
	struct abcom_tables t;
	bool ok;

	if (tables)
		abcom_tables_init(&t);
	ok = rootfs_image_walk(dir, rootfd, tables ? &t : NULL, &now);
	if (ok && memcmp(now.key, plan->key, sizeof(now.key))) {
		diag_error("rootfs '%s' changed while its image was being made", dir);
		ok = false;
	}
	if (ok && tables) {
		/*
		 * A file left undecoded (out of time on a loaded host, or not
		 * decodable) is tried again next time, as abcom's own cache does.
		 */
		if (!t.warned && t.decode_ms_left > 0)
			store_tables(entry, plan, t.buf, t.len);
		out->abcom_tables = (char *)t.buf;
		out->abcom_tables_len = t.len;
		t.buf = NULL;
	}
	if (tables)
		abcom_tables_free(&t);
	return ok;
}

/* Messages of fn(arg) kept in *text (malloc'd) instead of printed. */
static bool quietly(bool (*fn)(void *), void *arg, char **text)
{
	FILE *was = diag_stream();
	size_t len;
	FILE *mem = open_memstream(text, &len);
	bool ok;

	if (!mem) {
		*text = NULL;
		return fn(arg);
	}
	diag_set_stream(mem);
	ok = fn(arg);
	diag_set_stream(was);
	fclose(mem);
	return ok;
}

struct build_args {
	const char *dir;
	int rootfd, img, stage_fd;
	const struct rootfs_image_plan *plan;
	bool same;	/* unchanged(): the walk gave the same key */
	struct rootfs_image_plan content;	/* content_fn()'s */
};

static bool build_fn(void *arg)
{
	struct build_args *a = arg;

	return rootfs_image_build(a->dir, a->rootfd, a->plan, a->img, a->stage_fd);
}

static bool walk_fn(void *arg)
{
	struct build_args *a = arg;
	struct rootfs_image_plan now;

	a->same = rootfs_image_walk(a->dir, a->rootfd, NULL, &now) &&
		  !memcmp(now.key, a->plan->key, sizeof(now.key));
	return a->same;
}

/*
 * mke2fs, on a tree that changes under it, fails on whatever it finds
 * gone: say what happened rather than what mke2fs saw.
 */
static bool build_or_explain(struct build_args *a)
{
	char *msg = NULL, *walk_msg = NULL;
	bool ok = quietly(build_fn, a, &msg);

	if (!ok && !quietly(walk_fn, a, &walk_msg))
		diag_error("rootfs '%s' changed while its image was being made", a->dir);
	else if (msg)
		fputs(msg, diag_stream());
	free(msg);
	free(walk_msg);
	return ok;
}

/* Under the lock no one else builds: what a killed build left is garbage. */
static void remove_leftovers(int entry)
{
	int fd = openat(entry, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "stage-", 6) == 0)
			unlinkat(entry, e->d_name, AT_REMOVEDIR);
		else if (strstr(e->d_name, ".tmp-"))
			unlinkat(entry, e->d_name, 0);
	}
	closedir(d);
}

static bool content_fn(void *arg)
{
	struct build_args *a = arg;

	return rootfs_image_content_walk(a->dir, a->rootfd, &a->content);
}

static void content_name(const uint8_t *key, char *name)
{
	memcpy(name, CONTENT_PREFIX, sizeof(CONTENT_PREFIX) - 1);
	hex_key(key, name + sizeof(CONTENT_PREFIX) - 1);
}

/* An empty file @name in @entry, made now (its time says when). */
static bool mark_entry(int entry, const char *name)
{
	int fd = openat(entry, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK |
			O_CLOEXEC, 0400);

	if (fd < 0)
		return false;
	futimens(fd, NULL);
	close(fd);
	return true;
}

/*
 * Best effort: the record that @entry, of @plan's key, has an image of
 * @content's content.  The entry is marked first: the runtime's delete
 * keeps it from then on.
 */
static void store_content_record(int images, int entry, const struct rootfs_image_plan *content,
				 const struct rootfs_image_plan *plan)
{
	struct content_record r = { .magic = CONTENT_MAGIC, .format = ROOTFS_IMAGE_FORMAT };
	char name[sizeof(CONTENT_PREFIX) + 2 * ROOTFS_IMAGE_KEY_LEN];

	if (!mark_entry(entry, ROOTFS_IMAGE_BY_CONTENT))
		return;
	memcpy(r.key, plan->key, sizeof(r.key));
	content_name(content->key, name);
	store_aside(images, name, &r, sizeof(r), NULL, 0);
}

/* Build aside, check the tree did not change meanwhile, rename into place. */
static int build_image(const char *dir, int rootfd, const struct rootfs_image_plan *plan,
		       int entry, bool tables, struct rootfs_image *out)
{
	char tmp[64], stage[64];
	int img, stage_fd, fd = -1;
	struct build_args a = { .dir = dir, .rootfd = rootfd, .plan = plan };
	bool ok;

	snprintf(tmp, sizeof(tmp), IMAGE_NAME ".tmp-%d", (int)getpid());
	snprintf(stage, sizeof(stage), "stage-%d", (int)getpid());
	remove_leftovers(entry);
	img = openat(entry, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (img < 0 || ftruncate(img, (off_t)plan->image_bytes) != 0) {
		diag_error("rootfs image of '%s': cannot create it in the cache: %s", dir, strerror(errno));
		if (img >= 0) {
			close(img);
			unlinkat(entry, tmp, 0);
		}
		return -1;
	}
	stage_fd = mkdirat(entry, stage, 0700) == 0 ?
		   openat(entry, stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (stage_fd < 0) {
		diag_error("rootfs image of '%s': cannot create a build directory: %s", dir,
			   strerror(errno));
		ok = false;
	} else {
		a.img = img;
		a.stage_fd = stage_fd;
		ok = build_or_explain(&a);
		close(stage_fd);
	}
	unlinkat(entry, stage, AT_REMOVEDIR);
	if (ok && (fchmod(img, 0400) != 0 || fdatasync(img) != 0)) {
		diag_error("rootfs image of '%s': cannot write it: %s", dir, strerror(errno));
		ok = false;
	}
	ok = ok && walk_again(dir, rootfd, plan, tables, out, entry);
	close(img);
	if (ok && renameat(entry, tmp, entry, IMAGE_NAME) != 0) {
		diag_error("rootfs image of '%s': cannot store it in the cache: %s", dir, strerror(errno));
		ok = false;
	}
	if (!ok) {
		unlinkat(entry, tmp, 0);
		return -1;
	}
	fd = open_image(entry, plan);
	if (fd < 0)
		diag_error("rootfs image of '%s': the image just made is not usable", dir);
	return fd;
}

/* The entry of another key, if it is there and ours, closed to others; else -1. */
static int open_other_entry(int images, const uint8_t *key)
{
	char hex[2 * ROOTFS_IMAGE_KEY_LEN + 1];
	struct stat st;
	int fd;

	hex_key(key, hex);
	fd = openat(images, hex, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) != 0 || !private_to_us(&st))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The entry that a record says has @content's content, if the record is sound; else -1. */
static int open_content_entry(int images, const struct rootfs_image_plan *content,
			      struct rootfs_image_plan *was)
{
	char name[sizeof(CONTENT_PREFIX) + 2 * ROOTFS_IMAGE_KEY_LEN];
	struct content_record r;
	struct stat st;
	int fd, entry = -1;

	content_name(content->key, name);
	fd = openat(images, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    st.st_size == (off_t)sizeof(r) && fd_read_all(fd, &r, sizeof(r)) &&
	    r.magic == CONTENT_MAGIC && r.format == ROOTFS_IMAGE_FORMAT) {
		memcpy(was->key, r.key, sizeof(was->key));
		entry = open_other_entry(images, was->key);
	}
	if (entry < 0)
		unlinkat(images, name, 0);	/* its image is gone (pruned) */
	else
		futimens(fd, NULL);	/* used: rootfs_image_prune() keeps it */
	close(fd);
	return entry;
}

/* The content key of the tree (its messages dropped: without it, an image is made). */
static bool content_key(const char *dir, int rootfd, struct rootfs_image_plan *content)
{
	struct build_args a = { .dir = dir, .rootfd = rootfd };
	char *msgs = NULL;
	bool ok = quietly(content_fn, &a, &msgs);

	free(msgs);
	*content = a.content;
	return ok;
}

/*
 * A tree whose files are those of a tree an image was made from (a copy
 * of it): that image, also linked into @entry (the next start of this
 * tree finds it there), with its abcom tables.  -1 if there is none or
 * the tree changed while its files were read.
 */
static int reuse_same_content(const char *dir, int rootfd, const struct rootfs_image_plan *plan,
			      const struct rootfs_image_plan *content, int images, int entry,
			      bool tables, struct rootfs_image *out)
{
	struct build_args a = { .dir = dir, .rootfd = rootfd, .plan = plan };
	struct rootfs_image_plan was = *plan;
	int from = open_content_entry(images, content, &was), fd;
	char *msgs = NULL;

	if (from < 0)
		return -1;
	fd = open_image(from, plan);
	/* the files read are the files the key names: nothing changed since */
	if (fd >= 0 && (!quietly(walk_fn, &a, &msgs) || !a.same)) {
		close(fd);
		fd = -1;
	}
	free(msgs);
	if (fd < 0) {
		close(from);
		return -1;
	}
	/* the image as this entry's: the runtime's delete removes only what this start made */
	if (mark_entry(entry, ROOTFS_IMAGE_LINKED) &&
	    linkat(from, IMAGE_NAME, entry, IMAGE_NAME, 0) == 0) {
		int own = open_image(entry, plan);

		if (own >= 0) {
			close(fd);
			fd = own;
		}
	}
	if (tables && load_tables(from, &was, out))
		store_tables(entry, plan, out->abcom_tables, out->abcom_tables_len);
	/* used by this tree too: neither pruned nor superseded while it is */
	rootfs_image_mark_used(from);
	rootfs_image_note_user(from, dir);
	close(from);
	return fd;
}

/*
 * The image of a key the cache has none of: another's with the same
 * content, else made.  The content key is read first: the build's walk
 * again then says it is the content of what was built, for its record.
 */
static int find_or_build(const char *dir, int rootfd, const struct rootfs_image_plan *plan,
			 int images, int entry, bool tables, struct rootfs_image *out)
{
	struct rootfs_image_plan content;
	bool have_content = !plan->layered && content_key(dir, rootfd, &content);
	int fd = have_content ? reuse_same_content(dir, rootfd, plan, &content, images, entry,
						   tables, out) : -1;

	if (fd >= 0)
		return fd;
	fd = build_image(dir, rootfd, plan, entry, tables, out);
	if (fd >= 0 && have_content)
		store_content_record(images, entry, &content, plan);
	return fd;
}

/*
 * No cache: the image is made in a new private directory (TMPDIR, else
 * /var/tmp: disk rather than memory), opened, and everything is removed;
 * the descriptor keeps the image for this run.
 */
static int build_uncached(const char *dir, int rootfd, const struct rootfs_image_plan *plan,
			  bool tables, struct rootfs_image *out)
{
	const char *tmp = getenv("TMPDIR");
	char path[PATH_MAX], name[64];
	int n = snprintf(path, sizeof(path), "%s/xlibos-image.XXXXXX", tmp && *tmp ? tmp : "/var/tmp");
	int entry, fd;

	if (n < 0 || (size_t)n >= sizeof(path) || !mkdtemp(path)) {
		diag_error("rootfs image of '%s': cannot make a directory for it: %s", dir,
			   strerror(n < 0 || (size_t)n >= sizeof(path) ? ENAMETOOLONG : errno));
		return -1;
	}
	entry = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	fd = entry < 0 ? -1 : build_image(dir, rootfd, plan, entry, tables, out);
	if (entry >= 0) {
		remove_leftovers(entry);
		unlinkat(entry, IMAGE_NAME, 0);
		tables_name(name, sizeof(name));
		unlinkat(entry, name, 0);
		close(entry);
	}
	rmdir(path);
	return fd;
}

/*
 * The top directory itself, never through a symlink in its last component
 * (a trailing slash would make open() follow one: they are dropped).
 */
static int open_tree(const char *dir)
{
	size_t len = strlen(dir);
	char *name = strdup(dir);
	struct stat st;
	int fd;

	if (!name) {
		diag_error("rootfs '%s': out of memory", dir);
		return -1;
	}
	while (len > 1 && name[len - 1] == '/')
		name[--len] = '\0';
	fd = open(name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		free(name);
		return fd;
	}
	if (lstat(name, &st) != 0)
		diag_error("rootfs '%s' not found", dir);
	else if (S_ISLNK(st.st_mode))
		diag_error("rootfs '%s' is a symlink; give the directory it points to", dir);
	else if (!S_ISDIR(st.st_mode))
		diag_error("rootfs '%s' is not a directory", dir);
	else
		diag_error("rootfs '%s': %s", dir, strerror(errno));
	free(name);
	return -1;
}

bool rootfs_image_get(const char *rootfs_dir, bool want_abcom_tables, struct rootfs_image *out)
{
	struct rootfs_image_plan plan;
	int rootfd, entry = -1, lock = -1, images = -1;
	bool ok = false, made = false;

	*out = (struct rootfs_image){ .fd = -1 };
	rootfd = open_tree(rootfs_dir);
	if (rootfd < 0)
		return false;
	if (!rootfs_image_walk(rootfs_dir, rootfd, NULL, &plan))
		goto out;
	entry = open_entry(&plan, &images);
	if (entry < 0) {
		out->fd = build_uncached(rootfs_dir, rootfd, &plan, want_abcom_tables, out);
		if (out->fd < 0)
			goto out;
		goto done;
	}
	/* the common case: made before, by anyone of ours; no lock needed */
	out->fd = open_image(entry, &plan);
	if (out->fd >= 0 && (!want_abcom_tables || load_tables(entry, &plan, out)))
		goto done;
	lock = openat(entry, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) != 0) {
		diag_error("rootfs image of '%s': cannot lock the cache entry: %s", rootfs_dir,
			   strerror(errno));
		goto out;
	}
	/* someone else may have made it while we waited */
	if (out->fd < 0)
		out->fd = open_image(entry, &plan);
	if (out->fd < 0) {
		unlinkat(entry, IMAGE_NAME, 0);	/* a broken one */
		out->fd = find_or_build(rootfs_dir, rootfd, &plan, images, entry, want_abcom_tables,
					out);
		if (out->fd < 0)
			goto out;
		made = true;
	}
	if (want_abcom_tables && !out->abcom_tables_len && !load_tables(entry, &plan, out) &&
	    !walk_again(rootfs_dir, rootfd, &plan, true, out, entry))
		goto out;
done:
	out->size = plan.image_bytes;
	ok = true;
	if (entry >= 0) {
		rootfs_image_mark_used(entry);
		rootfs_image_note_user(entry, rootfs_dir);
	}
	if (made) {
		char self[2 * ROOTFS_IMAGE_KEY_LEN + 1];

		hex_key(plan.key, self);
		rootfs_image_supersede(images, self, rootfs_dir);
		rootfs_image_prune(images);
	}
out:
	if (!ok)
		rootfs_image_free(out);
	if (lock >= 0)
		close(lock);
	if (entry >= 0)
		close(entry);
	if (images >= 0)
		close(images);
	close(rootfd);
	return ok;
}

void rootfs_image_free(struct rootfs_image *img)
{
	if (img->fd >= 0)
		close(img->fd);
	free(img->abcom_tables);
	*img = (struct rootfs_image){ .fd = -1 };
}
