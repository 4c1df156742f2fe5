// SPDX-License-Identifier: GPL-2.0
/* The 9P server: one T-message in, one R-message out (see p9_server.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "p9_internal.h"

struct p9_server *p9_server_new(int dirfd, enum p9_share share)
{
	struct p9_server *s;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s) {
		close(dirfd);
		errno = ENOMEM;
		return NULL;
	}
	/* Our own O_PATH descriptor of it, whatever @dirfd was opened as. */
	s->root_fd = p9_open_beneath(dirfd, ".", O_PATH | O_DIRECTORY, 0);
	close(dirfd);
	if (s->root_fd < 0 || p9_fstat(s->root_fd, &s->root_st) != 0) {
		err = s->root_fd < 0 ? -s->root_fd : errno;
		if (s->root_fd >= 0)
			close(s->root_fd);
		free(s);
		errno = err;
		return NULL;
	}
	s->read_only = share == P9_SHARE_READ_ONLY;
	s->keep_setid = share == P9_SHARE_ROOTFS;
	s->host_uid = geteuid();
	s->host_gid = getegid();
	s->as_root = s->host_uid == 0;
	s->msize = 8192;
	return s;
}

void p9_server_free(struct p9_server *s)
{
	if (!s)
		return;
	p9_fid_remove_all(s);
	close(s->root_fd);
	free(s);
}

unsigned int p9_server_nfids(const struct p9_server *s)
{
	return s->nfids;
}

static p9_op *const ops[256] = {
	[P9_TSTATFS] = p9_op_statfs,
	[P9_TLOPEN] = p9_op_lopen,
	[P9_TLCREATE] = p9_op_lcreate,
	[P9_TSYMLINK] = p9_op_symlink,
	[P9_TMKNOD] = p9_op_mknod,
	[P9_TRENAME] = p9_op_rename,
	[P9_TREADLINK] = p9_op_readlink,
	[P9_TGETATTR] = p9_op_getattr,
	[P9_TSETATTR] = p9_op_setattr,
	[P9_TXATTRWALK] = p9_op_xattrwalk,
	[P9_TXATTRCREATE] = p9_op_xattrcreate,
	[P9_TREADDIR] = p9_op_readdir,
	[P9_TFSYNC] = p9_op_fsync,
	[P9_TLOCK] = p9_op_lock,
	[P9_TGETLOCK] = p9_op_getlock,
	[P9_TLINK] = p9_op_link,
	[P9_TMKDIR] = p9_op_mkdir,
	[P9_TRENAMEAT] = p9_op_renameat,
	[P9_TUNLINKAT] = p9_op_unlinkat,
	[P9_TVERSION] = p9_op_version,
	[P9_TATTACH] = p9_op_attach,
	[P9_TFLUSH] = p9_op_flush,
	[P9_TWALK] = p9_op_walk,
	[P9_TREAD] = p9_op_read,
	[P9_TWRITE] = p9_op_write,
	[P9_TCLUNK] = p9_op_clunk,
	[P9_TREMOVE] = p9_op_remove,
};

size_t p9_server_handle(struct p9_server *s, const uint8_t *req, size_t req_len,
			uint8_t *resp, size_t resp_cap)
{
	struct p9_in in = { .p = req, .len = req_len };
	struct p9_out out = { .p = resp, .cap = resp_cap };
	uint32_t size = p9_get32(&in);
	uint8_t type = p9_get8(&in);
	uint16_t tag = p9_get16(&in);
	int err;

	if (in.bad || size < P9_HDR_SIZE || size > req_len || resp_cap < P9_HDR_SIZE + 4)
		return 0;
	in.len = size;		/* the rest of the buffer is not this message */
	/* No reply bigger than the negotiated msize either. */
	if (out.cap > s->msize && type != P9_TVERSION)
		out.cap = s->msize;
	out.off = P9_HDR_SIZE;
	/* T-messages have even types; an R-message sent to us is unknown. */
	err = (type & 1) || !ops[type] ? EOPNOTSUPP : ops[type](s, &in, &out);
	if (!err && out.overflow)
		err = ENOBUFS;
	if (err) {
		out.overflow = false;
		out.off = P9_HDR_SIZE;
		p9_put32(&out, (uint32_t)err);
		type = P9_RLERROR;
	} else {
		type++;
	}
	{
		size_t len = out.off;

		out.off = 0;
		p9_put32(&out, (uint32_t)len);
		p9_put8(&out, type);
		p9_put16(&out, tag);
		return len;
	}
}
