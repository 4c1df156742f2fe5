// SPDX-License-Identifier: GPL-2.0
/*
 * mke2fs -d runs in a child of the loader that sees only what it needs:
 *
 * - a new mount namespace (as root; rootless: a new user namespace too,
 *   mapping only our own ids) whose root, after chroot, is a small tmpfs
 *   holding /usr (and /lib..., /bin, /sbin) bound read-only for mke2fs
 *   itself, an empty /etc/mtab, /out (our image file, bound) and /tree;
 * - /tree is a read-only, nosuid, nodev overlayfs whose only layer with
 *   anything in it is the tree (the directory the walk checked: its path
 *   is looked up again in the new namespace and must give the same inode;
 *   redirect and metacopy xattrs are not followed).  Overlayfs has its
 *   own dentries, so ".." from a directory that someone moves out of the
 *   tree on the host meanwhile stays in /tree; and any symlink swapped in
 *   is resolved inside the chroot, where no host file but /usr's is;
 * - as root, mke2fs runs as the tree's owner when that is not root (so it
 *   reads only what the owner may), else as root with one capability left,
 *   CAP_DAC_READ_SEARCH (to read every file, as --pack does); with
 *   no_new_privs either way, and open_by_handle_at refused by seccomp (the
 *   way around a chroot that CAP_DAC_READ_SEARCH would otherwise give).
 * Without overlayfs, /tree is a read-only bind mount of the tree: symlinks
 *   still resolve in the chroot, but a directory moved out of the tree by
 *   someone who can write in it could lead ".." out (said in a warning).
 * Rootless without user namespaces: mke2fs reads the tree with our own
 *   rights, unconfined (it can read nothing we could not).  In a user
 *   namespace, files of ids other than ours show as 65534 and are imaged so.
 * Second line of defence (rootfs_image.c): the tree is walked again after
 * the build, and any rename, swap or write in it meanwhile changes a ctime
 * the key covers, so such an image is thrown away.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "e2fs_tool.h"
#include "rootfs_image_build.h"

#define MAX_GROUPS 256
#define RO_FLAGS (MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)

struct child_plan {
	int rootfd, img_fd;
	char stage[PATH_MAX];
	bool as_root;		/* the loader runs as root */
	bool drop;		/* become the owner below */
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[MAX_GROUPS];
	uid_t my_uid;
	gid_t my_gid;
	char *tree_arg, *dev_arg;	/* mke2fs's -d DIR and DEVICE, set here once confined */
};

static bool fail(const char *what)
{
	dprintf(2, "%s: %s\n", what, strerror(errno));
	return false;
}

static bool write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(text);
}

/* Rootless: our own ids only, and the right to mount in our namespace. */
static bool enter_user_ns(const struct child_plan *c)
{
	char map[64];

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
		return false;
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)c->my_uid, (unsigned)c->my_uid);
	/* past unshare there is no going back to the unconfined way */
	if (!write_text("/proc/self/uid_map", map) || !write_text("/proc/self/setgroups", "deny")) {
		fail("cannot write uid_map for mke2fs");
		_exit(127);
	}
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)c->my_gid, (unsigned)c->my_gid);
	if (!write_text("/proc/self/gid_map", map)) {
		fail("cannot write gid_map for mke2fs");
		_exit(127);
	}
	return true;
}

/* /usr and its usual companions: symlinks copied, directories bound read-only. */
static bool bind_system_dirs(void)
{
	static const char *const dirs[] = { "usr", "lib", "lib32", "lib64", "libx32", "bin", "sbin" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char host[16], target[PATH_MAX];
		struct stat st;
		ssize_t n;

		snprintf(host, sizeof(host), "/%s", dirs[i]);
		if (lstat(host, &st) != 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			n = readlink(host, target, sizeof(target) - 1);
			if (n < 0)
				return fail(host);
			target[n] = '\0';
			if (symlink(target, dirs[i]) != 0)
				return fail(host);
		} else if (S_ISDIR(st.st_mode)) {
			if (mkdir(dirs[i], 0755) != 0 || mount(host, dirs[i], NULL, MS_BIND, NULL) != 0 ||
			    mount(NULL, dirs[i], NULL, RO_FLAGS, NULL) != 0)
				return fail(host);
		}
	}
	return true;
}

static bool make_file(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0)
		return fail(path);
	close(fd);
	return true;
}

/* /tree: the overlay of the tree over an empty directory, else a read-only bind. */
static bool mount_tree(const struct child_plan *c)
{
	char opts[128], src[32];
	int empty;

	if (mkdir("tree", 0755) != 0 || mkdir("empty", 0755) != 0)
		return fail("mkdir");
	empty = open("empty", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (empty < 0)
		return fail("empty");
	/* Two layers: a read-only overlay needs them; "redirect_dir"/metacopy xattrs not followed */
	snprintf(opts, sizeof(opts),
		 "lowerdir=/proc/self/fd/%d:/proc/self/fd/%d,redirect_dir=nofollow,metacopy=off",
		 c->rootfd, empty);
	if (mount("overlay", "tree", "overlay", MS_RDONLY | MS_NOSUID | MS_NODEV, opts) == 0)
		return true;
	dprintf(2, "warning: rootfs image: overlayfs not available (%s); the tree is bound read-only instead\n",
		strerror(errno));
	snprintf(src, sizeof(src), "/proc/self/fd/%d", c->rootfd);
	if (mount(src, "tree", NULL, MS_BIND, NULL) != 0 || mount(NULL, "tree", NULL, RO_FLAGS, NULL) != 0)
		return fail("bind mount of the tree");
	return true;
}

/*
 * A descriptor opened before unshare() names a mount of the old namespace,
 * which mount(2) refuses: the same file, by its path, in the new one.
 */
static int reopen_here(int fd, int flags)
{
	char proc[32], path[PATH_MAX];
	struct stat was, now;
	ssize_t n;
	int again;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, path, sizeof(path) - 1);
	if (n <= 0 || path[0] != '/' || fstat(fd, &was) != 0)
		return -1;
	path[n] = '\0';
	again = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (again < 0)
		return -1;
	if (fstat(again, &now) != 0 || now.st_dev != was.st_dev || now.st_ino != was.st_ino) {
		close(again);
		errno = ESTALE;
		return -1;
	}
	return again;
}

/*
 * Root's exec gives it its bounding set: keep only what reading the tree
 * needs.  (Caps past the kernel's last one fail with EINVAL: ignored.)
 */
static bool keep_only_read_search(void)
{
	for (int cap = 0; cap <= CAP_LAST_CAP + 8; cap++) {
		if (cap != CAP_DAC_READ_SEARCH && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 &&
		    errno != EINVAL)
			return fail("cannot drop capabilities");
	}
	return true;
}

/* CAP_DAC_READ_SEARCH opens any file of a file system by its handle, chroot or not. */
static bool refuse_open_by_handle(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int err = ctx ? seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(open_by_handle_at), 0) : -ENOMEM;

	if (!err)
		err = seccomp_load(ctx);
	if (ctx)
		seccomp_release(ctx);
	if (err) {
		errno = -err;
		return fail("cannot install mke2fs's seccomp filter");
	}
	return true;
}

static bool become_owner(const struct child_plan *c)
{
	if (setgroups((size_t)c->ngroups, c->groups) != 0 || setresgid(c->gid, c->gid, c->gid) != 0 ||
	    setresuid(c->uid, c->uid, c->uid) != 0)
		return fail("cannot become the rootfs's owner");
	return true;
}

/* In the child, before exec: see the top of the file. */
static bool confine(void *arg)
{
	struct child_plan *c = arg;
	char out[32];

	if (c->as_root) {
		if (unshare(CLONE_NEWNS) != 0)
			return fail("cannot make a mount namespace for mke2fs (use --pack)");
	} else if (!enter_user_ns(c)) {
		/* no namespaces for us: mke2fs reads with our rights, as we do */
		if (fcntl(c->rootfd, F_SETFD, 0) != 0 || fcntl(c->img_fd, F_SETFD, 0) != 0)
			return fail("fcntl");
		return true;
	}
	c->rootfd = reopen_here(c->rootfd, O_RDONLY | O_DIRECTORY);
	c->img_fd = c->rootfd < 0 ? -1 : reopen_here(c->img_fd, O_PATH);
	if (c->img_fd < 0)
		return fail("cannot find the tree or the image in mke2fs's mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", c->stage, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m") != 0 ||
	    chdir(c->stage) != 0)
		return fail("cannot set up mke2fs's root");
	if (!bind_system_dirs() || mkdir("etc", 0755) != 0 || !make_file("etc/mtab", 0644) ||
	    !make_file("out", 0600) || !mount_tree(c))
		return false;
	snprintf(out, sizeof(out), "/proc/self/fd/%d", c->img_fd);
	if (mount(out, "out", NULL, MS_BIND, NULL) != 0)
		return fail("bind mount of the image");
	if (chroot(".") != 0 || chdir("/") != 0)
		return fail("chroot");
	strcpy(c->tree_arg, "/tree");
	strcpy(c->dev_arg, "/out");
	if (c->drop ? !become_owner(c) : c->as_root && !keep_only_read_search())
		return false;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return fail("no_new_privs");
	return refuse_open_by_handle();
}

/* The owner's groups, looked up now: the child's root has no /etc/group. */
static void owner_ids(struct child_plan *c, uid_t uid, gid_t gid)
{
	struct passwd *pw = getpwuid(uid);
	int n = MAX_GROUPS;

	c->uid = uid;
	c->gid = pw ? pw->pw_gid : gid;
	c->ngroups = 0;
	if (pw && getgrouplist(pw->pw_name, pw->pw_gid, c->groups, &n) >= 0)
		c->ngroups = n;
}

/*
 * Root's mode and times as the tree's top (mke2fs gives it the build's
 * time); no lost+found unless the tree has one (as runc shows it).
 */
static bool finish_root(const char *dir, const struct rootfs_image_plan *plan, int img_fd)
{
	char debugfs[64], dev[32], cmds[256], err[1024];
	char *argv[] = { debugfs, "-w", "-f", "-", dev, NULL };
	char *envp[] = { "LANG=C", NULL };
	size_t n = 0;
	int rc;

	if (!plan->has_lost_found)
		n += (size_t)snprintf(cmds + n, sizeof(cmds) - n, "rmdir /lost+found\n");
	if (plan->root_mode != 0755)
		n += (size_t)snprintf(cmds + n, sizeof(cmds) - n, "sif / mode 0%o\n",
				      (unsigned)(S_IFDIR | plan->root_mode));
	/* Whole seconds, as mke2fs -d keeps every other file's. */
	n += (size_t)snprintf(cmds + n, sizeof(cmds) - n,
			      "sif / mtime @%lld\nsif / atime @%lld\nsif / ctime @%lld\n",
			      (long long)plan->root_mtime.tv_sec, (long long)plan->root_atime.tv_sec,
			      (long long)plan->root_mtime.tv_sec);
	if (!e2fs_tool_find("debugfs", debugfs, sizeof(debugfs))) {
		diag_error("rootfs image of '%s': debugfs not found (install e2fsprogs)", dir);
		return false;
	}
	snprintf(dev, sizeof(dev), "/proc/self/fd/%d", img_fd);
	if (fcntl(img_fd, F_SETFD, 0) != 0)
		return false;
	rc = e2fs_tool_run(argv, envp, cmds, NULL, NULL, err, sizeof(err));
	fcntl(img_fd, F_SETFD, FD_CLOEXEC);
	if (rc != 0 || err[0]) {
		diag_error("rootfs image of '%s': debugfs failed (status %d): %s", dir, rc,
			   err[0] ? err : "no message");
		return false;
	}
	return true;
}

bool rootfs_image_build(const char *dir, int rootfd, const struct rootfs_image_plan *plan,
			int img_fd, int stage_fd)
{
	char mke2fs[64], proc[32], inodes[32], uuid[40], tree[32], dev[32], err[1024];
	char *argv[] = { mke2fs, "-q", "-F", "-t", "ext4", "-b", "4096", "-m", "0", "-N", inodes,
			 "-O", "^has_journal", "-U", uuid, "-E",
			 "root_owner=0:0,nodiscard,lazy_itable_init=1", "-d", tree, dev, NULL };
	char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", NULL };
	struct child_plan *c = calloc(1, sizeof(*c));
	const uint8_t *k = plan->key;
	ssize_t n;
	int rc;
	bool ok = false;

	if (!c) {
		diag_error("rootfs image: out of memory");
		return false;
	}
	if (!e2fs_tool_find("mke2fs", mke2fs, sizeof(mke2fs))) {
		diag_error("rootfs image of '%s': mke2fs not found (install e2fsprogs)", dir);
		goto out;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", stage_fd);
	n = readlink(proc, c->stage, sizeof(c->stage) - 1);
	if (n <= 0) {
		diag_error("rootfs image of '%s': cannot find the build directory: %s", dir,
			   strerror(errno));
		goto out;
	}
	c->stage[n] = '\0';
	c->rootfd = rootfd;
	c->img_fd = img_fd;
	c->tree_arg = tree;
	c->dev_arg = dev;
	c->as_root = geteuid() == 0;
	c->my_uid = geteuid();
	c->my_gid = getegid();
	c->drop = c->as_root && plan->owner != 0;
	if (c->drop) {
		owner_ids(c, plan->owner, plan->owner_gid);
		/* mke2fs opens /out as the owner; the file is ours again below */
		if (fchown(img_fd, plan->owner, (gid_t)-1) != 0) {
			diag_error("rootfs image of '%s': %s", dir, strerror(errno));
			goto out;
		}
	}
	snprintf(inodes, sizeof(inodes), "%llu", (unsigned long long)plan->inodes);
	/* the same tree gives the same UUID */
	snprintf(uuid, sizeof(uuid), "%02x%02x%02x%02x-%02x%02x-4%x%02x-%04x-%02x%02x%02x%02x%02x%02x",
		 k[0], k[1], k[2], k[3], k[4], k[5], k[6] & 0xf, k[7],
		 (unsigned)(0x8000 | ((k[8] << 8 | k[9]) & 0x3fff)), k[10], k[11], k[12], k[13], k[14],
		 k[15]);
	/* unconfined (rootless without user namespaces); confine() sets /tree and /out */
	snprintf(tree, sizeof(tree), "/proc/self/fd/%d", rootfd);
	snprintf(dev, sizeof(dev), "/proc/self/fd/%d", img_fd);
	rc = e2fs_tool_run(argv, envp, NULL, confine, c, err, sizeof(err));
	if (c->drop && fchown(img_fd, c->my_uid, (gid_t)-1) != 0) {
		diag_error("rootfs image of '%s': %s", dir, strerror(errno));
		goto out;
	}
	if (rc < 0) {
		diag_error("rootfs image of '%s': cannot run %s: %s", dir, mke2fs, strerror(errno));
		goto out;
	}
	if (rc != 0) {
		diag_error("rootfs image of '%s': mke2fs failed (status %d): %s", dir, rc,
			   err[0] ? err : "no message");
		goto out;
	}
	if (err[0])
		diag_error("warning: %s", err);
	ok = finish_root(dir, plan, img_fd);
out:
	free(c);
	return ok;
}
