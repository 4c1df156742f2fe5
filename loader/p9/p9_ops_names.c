// SPDX-License-Identifier: GPL-2.0
/*
 * 9P operations on names in directories: Tmkdir, Tsymlink, Tmknod, Tlink,
 * Tunlinkat, Trenameat, Trename, Tremove.  Names are single components
 * (p9_name_ok) in a directory fid's own descriptor, so every change stays
 * in the volume; nothing is followed through a symlink.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "p9_internal.h"

#define P9_AT_REMOVEDIR	0x200

/*
 * Name @name in @dfd was just made by the guest: give it the owner and
 * mode asked for and answer its qid; undone if that fails.
 */
static int made(struct p9_server *s, const struct p9_fid *d, const char *name, uint32_t gid,
		mode_t mode, struct p9_out *out)
{
	struct stat st;
	int fd = p9_open_beneath(d->fd, name, O_PATH, 0);
	int err = fd < 0 ? -fd : 0;

	if (!err)
		err = -p9_set_owner_mode(s, fd, d->uid, gid, mode & 07777);
	if (!err)
		err = -p9_fstat(fd, &st);
	if (fd >= 0)
		close(fd);
	if (err) {
		unlinkat(d->fd, name, S_ISDIR(mode) ? AT_REMOVEDIR : 0);
		return err;
	}
	p9_put_qid(out, &st);
	return 0;
}

/* The directory fid @dfid, for a change to a name in it. */
static int dir_for_change(struct p9_server *s, uint32_t dfid, const char *name,
			  struct p9_fid **d)
{
	*d = p9_fid_get(s, dfid);
	if (!*d)
		return EBADF;
	if (s->read_only)
		return EROFS;
	if (!p9_name_ok(name))
		return EINVAL;
	return 0;
}

int p9_op_mkdir(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t dfid = p9_get32(in), mode, gid;
	char name[NAME_MAX + 1];
	int err = p9_getstr(in, name, sizeof(name));
	struct p9_fid *d;

	mode = p9_get32(in);
	gid = p9_get32(in);
	P9_CHECK_PARSED(in);
	if (err || (err = dir_for_change(s, dfid, name, &d)))
		return err;
	if (mkdirat(d->fd, name, 0700) != 0)
		return errno;
	return made(s, d, name, gid, S_IFDIR | (mode & 07777), out);
}

int p9_op_symlink(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t dfid = p9_get32(in), gid;
	char name[NAME_MAX + 1], target[PATH_MAX];
	int err = p9_getstr(in, name, sizeof(name));
	int err2 = p9_getstr(in, target, sizeof(target));
	struct p9_fid *d;

	gid = p9_get32(in);
	P9_CHECK_PARSED(in);
	if (err || (err = err2) || (err = dir_for_change(s, dfid, name, &d)))
		return err;
	if (!target[0])
		return ENOENT;
	/* Stored as text: the host never follows it (RESOLVE_NO_SYMLINKS). */
	if (symlinkat(target, d->fd, name) != 0)
		return errno;
	return made(s, d, name, gid, S_IFLNK | 0777, out);
}

int p9_op_mknod(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t dfid = p9_get32(in), mode, gid;
	char name[NAME_MAX + 1];
	int err = p9_getstr(in, name, sizeof(name));
	struct p9_fid *d;
	mode_t type;

	mode = p9_get32(in);
	p9_get32(in);		/* major */
	p9_get32(in);		/* minor */
	gid = p9_get32(in);
	P9_CHECK_PARSED(in);
	if (err || (err = dir_for_change(s, dfid, name, &d)))
		return err;
	type = mode & S_IFMT;
	if (type == S_IFCHR || type == S_IFBLK)
		return EPERM;		/* no device nodes on the host */
	if (type == 0)
		type = S_IFREG;
	if (type != S_IFREG && type != S_IFIFO && type != S_IFSOCK)
		return EINVAL;
	if (mknodat(d->fd, name, type | 0600, 0) != 0)
		return errno;
	return made(s, d, name, gid, type | (mode & 0777), out);
}

int p9_op_link(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t dfid = p9_get32(in), fid = p9_get32(in);
	char name[NAME_MAX + 1];
	int err = p9_getstr(in, name, sizeof(name));
	struct stat want, got;
	struct p9_fid *d, *f;
	const char *base;
	int pfd;

	(void)out;
	P9_CHECK_PARSED(in);
	if (err || (err = dir_for_change(s, dfid, name, &d)))
		return err;
	f = p9_fid_get(s, fid);
	if (!f)
		return EBADF;
	if ((err = -p9_fstat(f->fd, &want)))
		return err;
	if (S_ISDIR(want.st_mode))
		return EPERM;
	/* Both fids are this volume's; link the name the fid was reached by. */
	pfd = p9_open_parent(s, f, &base);
	if (pfd < 0)
		return -pfd;
	if (fstatat(pfd, base, &got, AT_SYMLINK_NOFOLLOW) != 0)
		err = errno;
	else if (got.st_ino != want.st_ino || got.st_dev != want.st_dev)
		err = ESTALE;
	else if (linkat(pfd, base, d->fd, name, 0) != 0)
		err = errno;
	close(pfd);
	return err;
}

int p9_op_unlinkat(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t dfid = p9_get32(in), flags;
	char name[NAME_MAX + 1];
	int err = p9_getstr(in, name, sizeof(name));
	struct p9_fid *d;

	(void)out;
	flags = p9_get32(in);
	P9_CHECK_PARSED(in);
	if (err || (err = dir_for_change(s, dfid, name, &d)))
		return err;
	if (unlinkat(d->fd, name, flags & P9_AT_REMOVEDIR ? AT_REMOVEDIR : 0) != 0)
		return errno;
	return 0;
}

/* Rename (@od, @oldname) to (@nd, @newname) and keep the fids' paths. */
static int rename_in(struct p9_server *s, int odfd, const char *odpath, const char *oldname,
		     const struct p9_fid *nd, const char *newname)
{
	char *from = p9_path_join(odpath, oldname);
	char *to = p9_path_join(nd->path, newname);
	int err = 0;

	if (!from || !to)
		err = ENAMETOOLONG;
	else if (renameat(odfd, oldname, nd->fd, newname) != 0)
		err = errno;
	else
		p9_fid_renamed(s, from, to);
	free(from);
	free(to);
	return err;
}

int p9_op_renameat(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t odfid = p9_get32(in), ndfid;
	char oldname[NAME_MAX + 1], newname[NAME_MAX + 1];
	int err = p9_getstr(in, oldname, sizeof(oldname)), err2;
	struct p9_fid *od, *nd;

	(void)out;
	ndfid = p9_get32(in);
	err2 = p9_getstr(in, newname, sizeof(newname));
	P9_CHECK_PARSED(in);
	if (err || (err = err2) || (err = dir_for_change(s, odfid, oldname, &od)) ||
	    (err = dir_for_change(s, ndfid, newname, &nd)))
		return err;
	return rename_in(s, od->fd, od->path, oldname, nd, newname);
}

int p9_op_rename(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), dfid = p9_get32(in);
	char name[NAME_MAX + 1];
	int err = p9_getstr(in, name, sizeof(name));
	struct p9_fid *f, *d;
	const char *base;
	char *dpath;
	int pfd;

	(void)out;
	P9_CHECK_PARSED(in);
	if (err || (err = dir_for_change(s, dfid, name, &d)))
		return err;
	f = p9_fid_get(s, fid);
	if (!f)
		return EBADF;
	pfd = p9_open_parent(s, f, &base);
	if (pfd < 0)
		return -pfd;
	dpath = strndup(f->path, (size_t)(base - f->path) - (base != f->path));
	err = dpath ? rename_in(s, pfd, dpath, base, d, name) : ENOMEM;
	free(dpath);
	close(pfd);
	return err;
}

int p9_op_remove(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	struct stat want, got;
	const char *base;
	struct p9_fid *f;
	int err, pfd;

	(void)out;
	P9_CHECK_PARSED(in);
	f = p9_fid_get(s, fid);
	if (!f)
		return EBADF;
	/* The fid goes whatever happens (9P: remove clunks). */
	if (s->read_only)
		err = EROFS;
	else if ((err = -p9_fstat(f->fd, &want)) == 0) {
		pfd = p9_open_parent(s, f, &base);
		if (pfd < 0)
			err = -pfd;
		else {
			if (fstatat(pfd, base, &got, AT_SYMLINK_NOFOLLOW) != 0)
				err = errno;
			else if (got.st_ino != want.st_ino || got.st_dev != want.st_dev)
				err = ESTALE;
			else if (unlinkat(pfd, base, S_ISDIR(want.st_mode) ? AT_REMOVEDIR : 0) != 0)
				err = errno;
			close(pfd);
		}
	}
	p9_fid_remove(s, f);
	return err;
}
