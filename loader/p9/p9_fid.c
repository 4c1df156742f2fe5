// SPDX-License-Identifier: GPL-2.0
/* The 9P server's fid table: a hash of at most P9_MAX_FIDS entries. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "p9_internal.h"

static struct p9_fid **bucket(struct p9_server *s, uint32_t fid)
{
	return &s->fids[(fid * 2654435761U) % P9_FID_BUCKETS];
}

struct p9_fid *p9_fid_get(struct p9_server *s, uint32_t fid)
{
	for (struct p9_fid *f = *bucket(s, fid); f; f = f->next)
		if (f->fid == fid)
			return f;
	return NULL;
}

struct p9_fid *p9_fid_add(struct p9_server *s, uint32_t fid, uint32_t uid, int fd, char *path)
{
	struct p9_fid *f = NULL;

	if (fid == P9_NOFID || p9_fid_get(s, fid))
		errno = EEXIST;
	else if (s->nfids >= P9_MAX_FIDS)
		errno = ENFILE;
	else
		f = calloc(1, sizeof(*f));
	if (!f) {
		close(fd);
		free(path);
		return NULL;
	}
	f->fid = fid;
	f->uid = uid;
	f->fd = fd;
	f->io_fd = -1;
	f->path = path;
	f->next = *bucket(s, fid);
	*bucket(s, fid) = f;
	s->nfids++;
	return f;
}

void p9_fid_close_io(struct p9_fid *f)
{
	if (f->io_fd >= 0)
		close(f->io_fd);
	f->io_fd = -1;
	f->io_write = false;
}

void p9_fid_remove(struct p9_server *s, struct p9_fid *f)
{
	struct p9_fid **pp = bucket(s, f->fid);

	while (*pp != f)
		pp = &(*pp)->next;
	*pp = f->next;
	p9_fid_close_io(f);
	close(f->fd);
	free(f->path);
	free(f);
	s->nfids--;
}

void p9_fid_remove_all(struct p9_server *s)
{
	for (unsigned int b = 0; b < P9_FID_BUCKETS; b++)
		while (s->fids[b])
			p9_fid_remove(s, s->fids[b]);
}

void p9_fid_renamed(struct p9_server *s, const char *from, const char *to)
{
	size_t flen = strlen(from), tlen = strlen(to);

	for (unsigned int b = 0; b < P9_FID_BUCKETS; b++) {
		for (struct p9_fid *f = s->fids[b]; f; f = f->next) {
			size_t plen = strlen(f->path);
			char *np;

			if (strncmp(f->path, from, flen) != 0 ||
			    (f->path[flen] != '\0' && f->path[flen] != '/'))
				continue;
			if (tlen + (plen - flen) >= PATH_MAX)
				continue;	/* stays stale: reopens fail with ESTALE */
			np = malloc(tlen + (plen - flen) + 1);
			if (!np)
				continue;
			memcpy(np, to, tlen);
			memcpy(np + tlen, f->path + flen, plen - flen + 1);
			free(f->path);
			f->path = np;
		}
	}
}
