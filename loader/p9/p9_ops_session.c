// SPDX-License-Identifier: GPL-2.0
/* 9P session operations: Tversion, Tattach, Twalk, Tclunk, Tflush. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "p9_internal.h"

int p9_op_version(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t msize = p9_get32(in);
	char version[32];
	int err = p9_getstr(in, version, sizeof(version));

	P9_CHECK_PARSED(in);
	if (msize < 4096)
		return EINVAL;		/* nothing useful would fit */
	/* A new session: every fid of the old one goes. */
	p9_fid_remove_all(s);
	s->msize = msize < P9_MAX_MSIZE ? msize : P9_MAX_MSIZE;
	p9_put32(out, s->msize);
	if (!err && !strcmp(version, "9P2000.L"))
		p9_putstr(out, "9P2000.L", 8);
	else
		p9_putstr(out, "unknown", 7);
	return 0;
}

int p9_op_attach(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), afid = p9_get32(in), uid;
	char uname[256], aname[256];
	struct stat st;
	int fd;

	p9_getstr(in, uname, sizeof(uname));	/* names are not used */
	p9_getstr(in, aname, sizeof(aname));
	uid = p9_get32(in);
	P9_CHECK_PARSED(in);
	if (afid != P9_NOFID)
		return EINVAL;		/* no authentication */
	if (uid == P9_NONUNAME)
		uid = 0;
	fd = p9_open_beneath(s->root_fd, ".", O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return -fd;
	if (p9_fstat(fd, &st) != 0) {
		close(fd);
		return EIO;
	}
	if (!p9_fid_add(s, fid, uid, fd, strdup("")))
		return errno;
	p9_put_qid(out, &st);
	return 0;
}

int p9_op_walk(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), newfid = p9_get32(in);
	uint16_t nwname = p9_get16(in);
	char names[P9_MAXWELEM][NAME_MAX + 1];
	struct p9_fid *f, *nf;
	int cur_fd, err = 0;
	char *cur_path;
	uint16_t done;
	uint8_t *count;

	if (nwname > P9_MAXWELEM)
		return EINVAL;
	for (unsigned int i = 0; i < nwname; i++) {
		int e = p9_getstr(in, names[i], sizeof(names[i]));

		if (e && !err)
			err = e;
	}
	P9_CHECK_PARSED(in);
	if (err)
		return err;
	f = p9_fid_get(s, fid);
	if (!f)
		return EBADF;
	nf = p9_fid_get(s, newfid);
	if (nf && nf != f)
		return EEXIST;
	if (nf && f->io_fd >= 0)
		return EBUSY;		/* an open fid does not move */
	if (!nf && s->nfids >= P9_MAX_FIDS)
		return ENFILE;

	cur_fd = f->fd;
	cur_path = f->path;
	count = p9_reserve(out, 2);
	for (done = 0; done < nwname; done++) {
		struct stat st;
		char *np;
		int fd;

		err = -p9_walk_one(s, cur_fd, cur_path, names[done], &fd, &np);
		if (!err && p9_fstat(fd, &st) != 0) {
			err = errno;
			close(fd);
			free(np);
		}
		if (err)
			break;
		if (cur_fd != f->fd) {
			close(cur_fd);
			free(cur_path);
		}
		cur_fd = fd;
		cur_path = np;
		p9_put_qid(out, &st);
	}
	if (done < nwname) {
		if (cur_fd != f->fd) {
			close(cur_fd);
			free(cur_path);
		}
		if (done == 0)
			return err;
		/* A partial walk answers the qids it got; newfid is not made. */
	} else if (nwname == 0) {
		int fd = fcntl(f->fd, F_DUPFD_CLOEXEC, 0);
		char *p = strdup(f->path);

		if (fd < 0 || !p) {
			err = fd < 0 ? errno : ENOMEM;
			if (fd >= 0)
				close(fd);
			free(p);
			return err;
		}
		if (nf != f && !p9_fid_add(s, newfid, f->uid, fd, p))
			return errno;
		if (nf == f) {
			close(fd);
			free(p);
		}
	} else if (nf == f) {
		close(f->fd);
		free(f->path);
		f->fd = cur_fd;
		f->path = cur_path;
	} else if (!p9_fid_add(s, newfid, f->uid, cur_fd, cur_path)) {
		return errno;
	}
	if (count) {
		count[0] = (uint8_t)done;
		count[1] = (uint8_t)(done >> 8);
	}
	return 0;
}

int p9_op_clunk(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	struct p9_fid *f;

	(void)out;
	P9_CHECK_PARSED(in);
	f = p9_fid_get(s, fid);
	if (!f)
		return EBADF;
	p9_fid_remove(s, f);
	return 0;
}

int p9_op_flush(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	(void)s;
	(void)out;
	p9_get16(in);		/* oldtag: requests are answered in order, it is done */
	P9_CHECK_PARSED(in);
	return 0;
}
