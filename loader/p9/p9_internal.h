/* SPDX-License-Identifier: GPL-2.0 */
/* The 9P server's own state and helpers, shared by its files only. */
#ifndef XLIBOS_LOADER_P9_INTERNAL_H
#define XLIBOS_LOADER_P9_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "p9_server.h"
#include "p9_wire.h"

#define P9_FID_BUCKETS	1024U

struct p9_fid {
	struct p9_fid *next;		/* hash chain */
	uint32_t fid;
	uint32_t uid;			/* the guest user it was attached as */
	int fd;				/* O_PATH, beneath the root */
	int io_fd;			/* after Tlopen/Tlcreate, else -1 */
	bool io_write;			/* io_fd may write */
	char *path;			/* relative to the root, "" for the root */
};

struct p9_server {
	int root_fd;			/* O_PATH directory */
	struct stat root_st;
	bool read_only;
	bool keep_setid;		/* P9_SHARE_ROOTFS: set-id bits may be set */
	bool as_root;			/* supervisor runs as host root */
	uid_t host_uid;
	gid_t host_gid;
	uint32_t msize;
	unsigned int nfids;
	struct p9_fid *fids[P9_FID_BUCKETS];
	char dents[64 * 1024];		/* getdents64 scratch */
};

/* --- fid table (p9_fid.c) --- */
struct p9_fid *p9_fid_get(struct p9_server *s, uint32_t fid);
/* A new fid owning @fd and @path (freed on failure); NULL: errno set. */
struct p9_fid *p9_fid_add(struct p9_server *s, uint32_t fid, uint32_t uid, int fd, char *path);
void p9_fid_close_io(struct p9_fid *f);
void p9_fid_remove(struct p9_server *s, struct p9_fid *f);
void p9_fid_remove_all(struct p9_server *s);
/* After a rename: fids at @from or below it now are at @to. */
void p9_fid_renamed(struct p9_server *s, const char *from, const char *to);

/* --- host file system, beneath the root only (p9_host.c) --- */
/* A single component: not empty, no '/', not "." or "..". */
bool p9_name_ok(const char *name);
/* openat2 with RESOLVE_BENEATH|NO_SYMLINKS|NO_MAGICLINKS|NO_XDEV; -errno. */
int p9_open_beneath(int dirfd, const char *path, int flags, mode_t mode);
/* "@dir/@name" (or @name at the root); NULL if too long or no memory. */
char *p9_path_join(const char *dir, const char *name);
/*
 * One Twalk step from (@dirfd, @path): ".." goes up by path (staying at
 * the root at the root), "." stays.  New O_PATH fd and path, or -errno.
 */
int p9_walk_one(struct p9_server *s, int dirfd, const char *path, const char *name,
		int *newfd, char **newpath);
/* The fid's parent directory (O_PATH) and its last component; -errno. */
int p9_open_parent(struct p9_server *s, const struct p9_fid *f, const char **base);
/*
 * Open the fid's file for I/O (O_RDONLY/O_WRONLY/O_RDWR plus O_TRUNC,
 * O_APPEND, O_*SYNC): regular files and directories only (EACCES for
 * FIFOs, sockets, devices: they could block the device thread), the same
 * inode as the fid's (ESTALE), and see p9_hardlink_ok.  fd or -errno.
 */
int p9_reopen(struct p9_server *s, const struct p9_fid *f, int flags);
/*
 * Running as root, a file with other names elsewhere that the volume's
 * owner does not own may be a hard link to a host file put there by that
 * owner (/etc/shadow...): not opened, truncated or changed.
 */
bool p9_hardlink_ok(const struct p9_server *s, const struct stat *st);
int p9_fstat(int fd, struct stat *st);
/*
 * Before the guest changes a file's contents: drop its set-user/group-ID
 * bits, as the host kernel does for a writer without CAP_FSETID (a host
 * set-id program in the volume never runs the guest's code).  -errno.
 */
int p9_drop_setid(int fd);
/* chmod of an O_PATH fd's file (not through a symlink); -errno. */
int p9_chmod_fd(int fd, mode_t mode);
/* After a guest creates @fd's file: owner and exact mode; -errno. */
int p9_set_owner_mode(struct p9_server *s, int fd, uint32_t uid, uint32_t gid, mode_t mode);
/* Ids as the guest sees them (rootless: ours are 0) and back. */
uint32_t p9_uid_out(const struct p9_server *s, uid_t uid);
uint32_t p9_gid_out(const struct p9_server *s, gid_t gid);
uid_t p9_uid_in(const struct p9_server *s, uint32_t uid);
gid_t p9_gid_in(const struct p9_server *s, uint32_t gid);

/* --- operations: parse @in, write the reply body to @out, 0 or an errno --- */
typedef int p9_op(struct p9_server *s, struct p9_in *in, struct p9_out *out);
p9_op p9_op_version, p9_op_attach, p9_op_walk, p9_op_clunk, p9_op_flush;	/* p9_ops_session.c */
p9_op p9_op_getattr, p9_op_setattr, p9_op_statfs, p9_op_readlink,		/* p9_ops_attr.c */
	p9_op_xattrwalk, p9_op_xattrcreate;
p9_op p9_op_lopen, p9_op_lcreate, p9_op_read, p9_op_write, p9_op_readdir,	/* p9_ops_io.c */
	p9_op_fsync, p9_op_lock, p9_op_getlock;
p9_op p9_op_mkdir, p9_op_symlink, p9_op_mknod, p9_op_link, p9_op_unlinkat,	/* p9_ops_names.c */
	p9_op_renameat, p9_op_rename, p9_op_remove;

/* Parsing ran past the message: EINVAL before anything is done. */
#define P9_CHECK_PARSED(in) do { if ((in)->bad) return EINVAL; } while (0)

#endif
