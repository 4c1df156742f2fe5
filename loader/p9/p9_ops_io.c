// SPDX-License-Identifier: GPL-2.0
/*
 * 9P file I/O: Tlopen, Tlcreate, Tread, Twrite, Treaddir, Tfsync and the
 * POSIX locks (Tlock always granted, Tgetlock always unlocked: locks are
 * the guest kernel's business within one container, and not shared with
 * host processes).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "p9_internal.h"

/* 9P2000.L open flags (Linux's, spelled out: the guest's, not the host's). */
#define P9_DOTL_ACCMODE		03
#define P9_DOTL_CREATE		0100
#define P9_DOTL_TRUNC		01000
#define P9_DOTL_APPEND		02000
#define P9_DOTL_DSYNC		010000
#define P9_DOTL_SYNC		04000000

#define P9_LOCK_SUCCESS		0
#define P9_LOCK_TYPE_UNLCK	2

/* Host open flags for the guest's; -1 for an impossible access mode. */
static int host_flags(uint32_t flags)
{
	int f;

	switch (flags & P9_DOTL_ACCMODE) {
	case 0:
		f = O_RDONLY;
		break;
	case 1:
		f = O_WRONLY;
		break;
	case 2:
		f = O_RDWR;
		break;
	default:
		return -1;
	}
	if (flags & P9_DOTL_TRUNC)
		f |= O_TRUNC;
	if (flags & P9_DOTL_APPEND)
		f |= O_APPEND;
	if (flags & P9_DOTL_SYNC)
		f |= O_SYNC;
	else if (flags & P9_DOTL_DSYNC)
		f |= O_DSYNC;
	return f;
}

static bool writes(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
}

int p9_op_lopen(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), flags = p9_get32(in);
	struct p9_fid *f;
	struct stat st;
	int hf, fd;

	P9_CHECK_PARSED(in);
	f = p9_fid_get(s, fid);
	if (!f)
		return EBADF;
	if (f->io_fd >= 0)
		return EBUSY;
	hf = host_flags(flags);
	if (hf < 0)
		return EINVAL;
	if (s->read_only && writes(hf))
		return EROFS;
	fd = p9_reopen(s, f, hf);
	if (fd < 0)
		return -fd;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return EIO;
	}
	if (writes(hf)) {
		int err = -p9_drop_setid(fd);

		if (err) {
			close(fd);
			return err;
		}
	}
	f->io_fd = fd;
	f->io_write = (hf & O_ACCMODE) != O_RDONLY;
	p9_put_qid(out, &st);
	p9_put32(out, 0);	/* iounit: msize minus the header */
	return 0;
}

int p9_op_lcreate(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), flags, mode, gid;
	char name[NAME_MAX + 1];
	int err = p9_getstr(in, name, sizeof(name));
	struct stat st, pst;
	struct p9_fid *f;
	char *path;
	int hf, fd, pfd;

	flags = p9_get32(in);
	mode = p9_get32(in);
	gid = p9_get32(in);
	P9_CHECK_PARSED(in);
	if (err)
		return err;
	f = p9_fid_get(s, fid);
	if (!f)
		return EBADF;
	if (s->read_only)
		return EROFS;
	if (f->io_fd >= 0)
		return EBUSY;
	if (!p9_name_ok(name))
		return EINVAL;
	hf = host_flags(flags & ~P9_DOTL_CREATE);
	if (hf < 0)
		return EINVAL;
	path = p9_path_join(f->path, name);
	if (!path)
		return ENAMETOOLONG;
	/* Set-id bits are never set by the guest on the host (security.md). */
	mode &= 0777;
	fd = p9_open_beneath(f->fd, name, hf | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		free(path);
		return -fd;
	}
	err = -p9_set_owner_mode(s, fd, f->uid, gid, mode);
	pfd = err ? -1 : p9_open_beneath(f->fd, name, O_PATH, 0);
	if (!err && pfd < 0)
		err = -pfd;
	if (!err && (fstat(fd, &st) != 0 || p9_fstat(pfd, &pst) != 0 ||
		     st.st_ino != pst.st_ino || st.st_dev != pst.st_dev))
		err = ESTALE;
	if (err) {
		/* Do not leave a half-made file behind. */
		unlinkat(f->fd, name, 0);
		close(fd);
		if (pfd >= 0)
			close(pfd);
		free(path);
		return err;
	}
	close(f->fd);
	free(f->path);
	f->fd = pfd;
	f->path = path;
	f->io_fd = fd;
	f->io_write = (hf & O_ACCMODE) != O_RDONLY;
	p9_put_qid(out, &st);
	p9_put32(out, 0);
	return 0;
}

/*
 * The open fid @fid for I/O at @offset (for writing if @write): EBADF,
 * EROFS or EINVAL as the message deserves, else 0 and *@fp.
 */
static int io_fid(struct p9_server *s, uint32_t fid, uint64_t offset, bool write,
		  struct p9_fid **fp)
{
	struct p9_fid *f = p9_fid_get(s, fid);

	if (!f)
		return EBADF;
	if (write && s->read_only)
		return EROFS;
	if (f->io_fd < 0 || (write && !f->io_write))
		return EBADF;
	if (offset > (uint64_t)INT64_MAX)
		return EINVAL;
	*fp = f;
	return 0;
}

int p9_op_read(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), count;
	uint64_t offset = p9_get64(in);
	struct p9_fid *f;
	uint8_t *data;
	ssize_t n;

	int err;

	count = p9_get32(in);
	P9_CHECK_PARSED(in);
	if ((err = io_fid(s, fid, offset, false, &f)))
		return err;
	/* No more than the client's buffer holds, whatever it asked. */
	if (out->off + 4 > out->cap)
		return ENOBUFS;
	if (count > out->cap - out->off - 4)
		count = (uint32_t)(out->cap - out->off - 4);
	p9_put32(out, 0);
	data = out->p + out->off;
	do {
		n = pread(f->io_fd, data, count, (off_t)offset);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno;
	out->off -= 4;
	p9_put32(out, (uint32_t)n);
	out->off += (size_t)n;
	return 0;
}

int p9_op_write(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), count;
	uint64_t offset = p9_get64(in);
	struct p9_fid *f;
	ssize_t n;
	int err;

	count = p9_get32(in);
	P9_CHECK_PARSED(in);
	if (count > in->len - in->off)
		return EINVAL;		/* claims more data than it carries */
	if ((err = io_fid(s, fid, offset, true, &f)))
		return err;
	do {
		n = pwrite(f->io_fd, in->p + in->off, count, (off_t)offset);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno;
	p9_put32(out, (uint32_t)n);
	return 0;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

int p9_op_readdir(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), count;
	uint64_t offset = p9_get64(in);
	size_t start, limit, bufsize;
	uint8_t *cnt;
	struct p9_fid *f;
	long n;

	int err;

	count = p9_get32(in);
	P9_CHECK_PARSED(in);
	if ((err = io_fid(s, fid, offset, false, &f)))
		return err;
	/* Offsets are the host directory's own cookies (d_off): stable. */
	if (lseek(f->io_fd, (off_t)offset, SEEK_SET) < 0)
		return errno;
	cnt = p9_reserve(out, 4);
	if (!cnt)
		return ENOBUFS;
	start = out->off;
	limit = out->cap - start;
	if (count < limit)
		limit = count;
	bufsize = limit < 1024 ? 1024 : limit;
	if (bufsize > sizeof(s->dents))
		bufsize = sizeof(s->dents);
	n = syscall(SYS_getdents64, f->io_fd, s->dents, bufsize);
	if (n < 0)
		return errno;
	for (long pos = 0; pos < n;) {
		struct linux_dirent64 *d = (struct linux_dirent64 *)(s->dents + pos);
		size_t nlen = strlen(d->d_name);
		struct stat qst = { .st_ino = d->d_ino };

		if (out->off - start + P9_QID_SIZE + 8 + 1 + 2 + nlen > limit)
			break;
		/* ".." of the volume's root is the root, not its host parent. */
		if (!f->path[0] && !strcmp(d->d_name, ".."))
			qst.st_ino = s->root_st.st_ino;
		qst.st_mode = d->d_type == DT_DIR ? S_IFDIR : d->d_type == DT_LNK ? S_IFLNK : S_IFREG;
		p9_put_qid(out, &qst);
		p9_put64(out, (uint64_t)d->d_off);
		p9_put8(out, d->d_type);
		p9_putstr(out, d->d_name, nlen);
		pos += d->d_reclen;
	}
	if (n > 0 && out->off == start)
		return EINVAL;		/* count too small for one entry */
	{
		uint32_t total = (uint32_t)(out->off - start);

		cnt[0] = (uint8_t)total;
		cnt[1] = (uint8_t)(total >> 8);
		cnt[2] = (uint8_t)(total >> 16);
		cnt[3] = (uint8_t)(total >> 24);
	}
	return 0;
}

int p9_op_fsync(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), datasync = p9_get32(in);
	struct p9_fid *f;
	int fd, err;

	(void)out;
	P9_CHECK_PARSED(in);
	f = p9_fid_get(s, fid);
	if (!f)
		return EBADF;
	fd = f->io_fd >= 0 ? f->io_fd : p9_reopen(s, f, O_RDONLY);
	if (fd < 0)
		return -fd;
	err = (datasync ? fdatasync(fd) : fsync(fd)) ? errno : 0;
	if (fd != f->io_fd)
		close(fd);
	return err;
}

int p9_op_lock(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	char client[256];

	p9_get8(in);		/* type */
	p9_get32(in);		/* flags */
	p9_get64(in);		/* start */
	p9_get64(in);		/* length */
	p9_get32(in);		/* proc_id */
	p9_getstr(in, client, sizeof(client));
	P9_CHECK_PARSED(in);
	if (!p9_fid_get(s, fid))
		return EBADF;
	p9_put8(out, P9_LOCK_SUCCESS);
	return 0;
}

int p9_op_getlock(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), proc_id;
	uint64_t start, length;
	char client[256];
	int err;

	p9_get8(in);		/* type */
	start = p9_get64(in);
	length = p9_get64(in);
	proc_id = p9_get32(in);
	err = p9_getstr(in, client, sizeof(client));
	P9_CHECK_PARSED(in);
	if (!p9_fid_get(s, fid))
		return EBADF;
	p9_put8(out, P9_LOCK_TYPE_UNLCK);
	p9_put64(out, start);
	p9_put64(out, length);
	p9_put32(out, proc_id);
	p9_putstr(out, err ? "" : client, err ? 0 : strlen(client));
	return 0;
}
