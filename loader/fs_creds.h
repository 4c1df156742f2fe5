/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading files as someone else: root packing a tree owned by another user
 * takes on that user's file-system credentials (fsuid, fsgid, supplementary
 * groups) for the walk, so nothing that user could not read gets packed.
 * fsuid and fsgid are per thread; the loader is single-threaded here.
 */
#ifndef XLIBOS_LOADER_FS_CREDS_H
#define XLIBOS_LOADER_FS_CREDS_H

#include <stdbool.h>
#include <sys/types.h>

struct fs_ids {
	uid_t fsuid;
	gid_t fsgid;
	int ngroups;
	gid_t *groups;
};

struct fs_creds {
	bool changed;		/* there is an owner's set to switch to */
	struct fs_ids mine;	/* the loader's own */
	struct fs_ids owner;
};

/*
 * Read as uid from now on: fsgid and groups are its passwd entry's, or
 * gid and no supplementary groups if it has none.  Does nothing (and
 * returns true, c->changed false) unless running as root and uid is not
 * root.  False with errno if the credentials could not be taken on.
 */
bool fs_creds_become(uid_t uid, gid_t gid, struct fs_creds *c);

/* Switch between the two sets (for work on files already open). */
bool fs_creds_use(const struct fs_creds *c, bool owner);

/* Back to the loader's own for good; safe when nothing was changed. */
void fs_creds_restore(struct fs_creds *c);

#endif
