// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/fsuid.h>
#include <unistd.h>

#include "fs_creds.h"

/* Supplementary groups of uid's passwd entry (none without one). */
static bool groups_of(uid_t uid, gid_t *gid, gid_t **groups, int *n)
{
	struct passwd *pw = getpwuid(uid);
	int count = 0;

	*groups = NULL;
	*n = 0;
	if (!pw)
		return true;
	*gid = pw->pw_gid;
	getgrouplist(pw->pw_name, pw->pw_gid, NULL, &count);
	*groups = malloc(sizeof(gid_t) * (size_t)(count > 0 ? count : 1));
	if (!*groups)
		return false;
	if (getgrouplist(pw->pw_name, pw->pw_gid, *groups, &count) < 0)
		count = 0;
	*n = count;
	return true;
}

static bool save_groups(struct fs_creds *saved)
{
	int n = getgroups(0, NULL);

	if (n < 0)
		return false;
	saved->groups = malloc(sizeof(gid_t) * (size_t)(n > 0 ? n : 1));
	if (!saved->groups)
		return false;
	saved->ngroups = getgroups(n, saved->groups);
	return saved->ngroups >= 0;
}

bool fs_creds_become(uid_t uid, gid_t gid, struct fs_creds *saved)
{
	gid_t *groups = NULL;
	int ngroups, err;

	*saved = (struct fs_creds){ 0 };
	if (geteuid() != 0 || uid == 0)
		return true;
	if (!save_groups(saved) || !groups_of(uid, &gid, &groups, &ngroups))
		goto fail;
	/* -1 changes nothing and returns the current value. */
	saved->fsuid = (uid_t)setfsuid((uid_t)-1);
	saved->fsgid = (gid_t)setfsgid((gid_t)-1);
	saved->changed = true;
	if (setgroups((size_t)ngroups, groups) != 0)
		goto fail;
	setfsgid(gid);
	setfsuid(uid);
	if ((gid_t)setfsgid((gid_t)-1) != gid || (uid_t)setfsuid((uid_t)-1) != uid) {
		errno = EPERM;
		goto fail;
	}
	free(groups);
	return true;
fail:
	err = errno;
	free(groups);
	fs_creds_restore(saved);
	errno = err;
	return false;
}

void fs_creds_restore(struct fs_creds *saved)
{
	if (saved->changed) {
		/* fsuid back to 0 also gives back the file capabilities it dropped. */
		setfsuid(saved->fsuid);
		setfsgid(saved->fsgid);
		setgroups((size_t)saved->ngroups, saved->groups);
	}
	free(saved->groups);
	*saved = (struct fs_creds){ 0 };
}
