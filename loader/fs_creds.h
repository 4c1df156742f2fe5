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

struct fs_creds {
	bool changed;		/* fs_creds_restore has something to undo */
	uid_t fsuid;		/* the ones to restore */
	gid_t fsgid;
	int ngroups;
	gid_t *groups;
};

/*
 * Read as uid from now on: fsgid and groups are its passwd entry's, or
 * gid and no supplementary groups if it has none.  Does nothing (and
 * returns true) unless running as root and uid is not root.  False with
 * errno if the credentials could not be taken on.
 */
bool fs_creds_become(uid_t uid, gid_t gid, struct fs_creds *saved);

/* Back to the credentials saved; safe to call when nothing was changed. */
void fs_creds_restore(struct fs_creds *saved);

#endif
