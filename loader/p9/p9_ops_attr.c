// SPDX-License-Identifier: GPL-2.0
/*
 * 9P attribute operations: Tgetattr, Tsetattr, Tstatfs, Treadlink and the
 * extended attributes (not supported: EOPNOTSUPP).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "p9_internal.h"

#define P9_GETATTR_BASIC	0x000007ffULL

#define P9_SETATTR_MODE		0x001
#define P9_SETATTR_UID		0x002
#define P9_SETATTR_GID		0x004
#define P9_SETATTR_SIZE		0x008
#define P9_SETATTR_ATIME	0x010
#define P9_SETATTR_MTIME	0x020
#define P9_SETATTR_CTIME	0x040
#define P9_SETATTR_ATIME_SET	0x080
#define P9_SETATTR_MTIME_SET	0x100

#define V9FS_MAGIC		0x01021997U

int p9_op_getattr(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	struct p9_fid *f;
	struct stat st;
	int err;

	p9_get64(in);		/* request_mask: we always answer the basic set */
	P9_CHECK_PARSED(in);
	f = p9_fid_get(s, fid);
	if (!f)
		return EBADF;
	err = p9_fstat(f->fd, &st);
	if (err)
		return -err;
	p9_put64(out, P9_GETATTR_BASIC);
	p9_put_qid(out, &st);
	p9_put32(out, st.st_mode);
	p9_put32(out, p9_uid_out(s, st.st_uid));
	p9_put32(out, p9_gid_out(s, st.st_gid));
	p9_put64(out, st.st_nlink);
	p9_put64(out, st.st_rdev);
	p9_put64(out, (uint64_t)st.st_size);
	p9_put64(out, (uint64_t)st.st_blksize);
	p9_put64(out, (uint64_t)st.st_blocks);
	p9_put64(out, (uint64_t)st.st_atim.tv_sec);
	p9_put64(out, (uint64_t)st.st_atim.tv_nsec);
	p9_put64(out, (uint64_t)st.st_mtim.tv_sec);
	p9_put64(out, (uint64_t)st.st_mtim.tv_nsec);
	p9_put64(out, (uint64_t)st.st_ctim.tv_sec);
	p9_put64(out, (uint64_t)st.st_ctim.tv_nsec);
	for (int i = 0; i < 4; i++)
		p9_put64(out, 0);	/* btime, gen, data_version */
	return 0;
}

static struct timespec set_time(uint32_t valid, uint32_t bit, uint32_t set_bit,
				uint64_t sec, uint64_t nsec)
{
	struct timespec t = { .tv_sec = 0, .tv_nsec = UTIME_OMIT };

	if (valid & set_bit) {
		t.tv_sec = (time_t)sec;
		t.tv_nsec = nsec < 1000000000ULL ? (long)nsec : 0;
	} else if (valid & bit) {
		t.tv_nsec = UTIME_NOW;
	}
	return t;
}

int p9_op_setattr(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), valid = p9_get32(in), mode = p9_get32(in);
	uint32_t uid = p9_get32(in), gid = p9_get32(in);
	uint64_t size = p9_get64(in);
	uint64_t asec = p9_get64(in), ansec = p9_get64(in);
	uint64_t msec = p9_get64(in), mnsec = p9_get64(in);
	struct p9_fid *f;
	struct stat st;
	int err;

	(void)out;
	P9_CHECK_PARSED(in);
	f = p9_fid_get(s, fid);
	if (!f)
		return EBADF;
	if (s->read_only)
		return EROFS;
	err = -p9_fstat(f->fd, &st);
	if (err)
		return err;
	if (!p9_hardlink_ok(s, &st))
		return EACCES;
	if (valid & (P9_SETATTR_UID | P9_SETATTR_GID)) {
		uid_t u = valid & P9_SETATTR_UID ? p9_uid_in(s, uid) : (uid_t)-1;
		gid_t g = valid & P9_SETATTR_GID ? p9_gid_in(s, gid) : (gid_t)-1;

		if (fchownat(f->fd, "", u, g, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
			return errno;
	}
	if (valid & P9_SETATTR_MODE) {
		mode &= 07777;
		/* No set-id programs planted on the host (see security.md). */
		if (!S_ISDIR(st.st_mode) && !s->keep_setid)
			mode &= ~(mode_t)(S_ISUID | S_ISGID);
		err = -p9_chmod_fd(f->fd, mode);
		if (err)
			return err;
	}
	if (valid & P9_SETATTR_SIZE) {
		int fd;

		if (size > (uint64_t)INT64_MAX)
			return EINVAL;
		if (!S_ISREG(st.st_mode))
			return S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		fd = f->io_fd >= 0 && f->io_write ? f->io_fd : p9_reopen(s, f, O_WRONLY);
		if (fd < 0)
			return -fd;
		err = -p9_drop_setid(fd);
		if (!err && ftruncate(fd, (off_t)size) != 0)
			err = errno;
		if (fd != f->io_fd)
			close(fd);
		if (err)
			return err;
	}
	if (valid & (P9_SETATTR_ATIME | P9_SETATTR_MTIME | P9_SETATTR_CTIME)) {
		struct timespec ts[2] = {
			set_time(valid, P9_SETATTR_ATIME, P9_SETATTR_ATIME_SET, asec, ansec),
			set_time(valid, P9_SETATTR_MTIME, P9_SETATTR_MTIME_SET, msec, mnsec),
		};

		/* Both omitted (ctime only) still updates the ctime. */
		if (utimensat(f->fd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
			return errno;
	}
	return 0;
}

int p9_op_statfs(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	struct p9_fid *f;
	struct statfs sf;

	P9_CHECK_PARSED(in);
	f = p9_fid_get(s, fid);
	if (!f)
		return EBADF;
	if (fstatfs(f->fd, &sf) != 0)
		return errno;
	p9_put32(out, V9FS_MAGIC);
	p9_put32(out, (uint32_t)sf.f_bsize);
	p9_put64(out, sf.f_blocks);
	p9_put64(out, sf.f_bfree);
	p9_put64(out, sf.f_bavail);
	p9_put64(out, sf.f_files);
	p9_put64(out, sf.f_ffree);
	p9_put64(out, (uint64_t)(uint32_t)sf.f_fsid.__val[0] |
		      (uint64_t)(uint32_t)sf.f_fsid.__val[1] << 32);
	p9_put32(out, (uint32_t)sf.f_namelen);
	return 0;
}

int p9_op_readlink(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	char target[PATH_MAX];
	struct p9_fid *f;
	ssize_t n;

	P9_CHECK_PARSED(in);
	f = p9_fid_get(s, fid);
	if (!f)
		return EBADF;
	/* The link's text, never what it points at. */
	n = readlinkat(f->fd, "", target, sizeof(target));
	if (n < 0)
		return errno == ENOENT ? EINVAL : errno;
	if ((size_t)n >= sizeof(target))
		return ENAMETOOLONG;
	p9_putstr(out, target, (size_t)n);
	return 0;
}

int p9_op_xattrwalk(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	(void)s;
	(void)in;
	(void)out;
	return EOPNOTSUPP;
}

int p9_op_xattrcreate(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	(void)in;
	(void)out;
	return s->read_only ? EROFS : EOPNOTSUPP;
}
