// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/fsuid.h>
#include <unistd.h>

#include "fs_creds.h"

/* uid's passwd entry gives its group and supplementary groups (none without one). */
static bool ids_of(uid_t uid, gid_t gid, struct fs_ids *ids)
{
	struct passwd *pw = getpwuid(uid);
	int count = 0;

	*ids = (struct fs_ids){ .fsuid = uid, .fsgid = pw ? pw->pw_gid : gid };
	if (pw)
		getgrouplist(pw->pw_name, pw->pw_gid, NULL, &count);
	ids->groups = malloc(sizeof(gid_t) * (size_t)(count > 0 ? count : 1));
	if (!ids->groups)
		return false;
	if (pw && getgrouplist(pw->pw_name, pw->pw_gid, ids->groups, &count) >= 0)
		ids->ngroups = count;
	return true;
}

static bool my_ids(struct fs_ids *ids)
{
	int n = getgroups(0, NULL);

	/* -1 changes nothing and returns the current value. */
	*ids = (struct fs_ids){
		.fsuid = (uid_t)setfsuid((uid_t)-1), .fsgid = (gid_t)setfsgid((gid_t)-1),
	};
	if (n < 0)
		return false;
	ids->groups = malloc(sizeof(gid_t) * (size_t)(n > 0 ? n : 1));
	if (!ids->groups)
		return false;
	ids->ngroups = getgroups(n, ids->groups);
	return ids->ngroups >= 0;
}

/* Groups first: setgroups needs CAP_SETGID, which a changed fsuid keeps. */
static bool apply(const struct fs_ids *ids)
{
	if (setgroups((size_t)ids->ngroups, ids->groups) != 0)
		return false;
	/* fsuid back to 0 also gives back the file capabilities it dropped. */
	setfsgid(ids->fsgid);
	setfsuid(ids->fsuid);
	if ((gid_t)setfsgid((gid_t)-1) != ids->fsgid || (uid_t)setfsuid((uid_t)-1) != ids->fsuid) {
		errno = EPERM;
		return false;
	}
	return true;
}

bool fs_creds_become(uid_t uid, gid_t gid, struct fs_creds *c)
{
	int err;

	*c = (struct fs_creds){ 0 };
	if (geteuid() != 0 || uid == 0)
		return true;
	if (!my_ids(&c->mine) || !ids_of(uid, gid, &c->owner))
		goto fail;
	c->changed = true;
	if (apply(&c->owner))
		return true;
fail:
	err = errno;
	fs_creds_restore(c);
	errno = err;
	return false;
}

bool fs_creds_use(const struct fs_creds *c, bool owner)
{
	return !c->changed || apply(owner ? &c->owner : &c->mine);
}

void fs_creds_restore(struct fs_creds *c)
{
	if (c->changed)
		apply(&c->mine);
	free(c->mine.groups);
	free(c->owner.groups);
	*c = (struct fs_creds){ 0 };
}
