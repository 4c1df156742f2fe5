/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The container records that describe the command's process (config_format.h):
 * user and groups, umask, resource limits, capabilities, no_new_privs.
 */
#ifndef XLIBOS_INIT_CREDS_H
#define XLIBOS_INIT_CREDS_H

#include <stdbool.h>

#include "config.h"

/*
 * In the command's child, just before exec: limits and umask, the
 * bounding set, then groups, gid and uid (in that order: setuid drops the
 * right to change the others), the other capability sets, no_new_privs.  False, with a message, on failure.
 */
bool creds_apply(const struct init_config *cfg);

/*
 * After creds_apply(), with a "user" record and no HOME of the records'
 * own (or an empty one): HOME becomes the user's home in /etc/passwd, or
 * "/", as runc sets it.  envp's entry is replaced (the child's copy).
 */
void creds_set_home(struct init_config *cfg);

#endif
