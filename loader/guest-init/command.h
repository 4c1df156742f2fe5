/* SPDX-License-Identifier: GPL-2.0 */
/* Find and execute the command, the way a shell would report failures. */
#ifndef XLIBOS_INIT_COMMAND_H
#define XLIBOS_INIT_COMMAND_H

#include <stdnoreturn.h>

/*
 * In the child: execve argv with envp, looking argv[0] up in path_var
 * (the command's PATH) if it has no '/'.  On failure prints
 *   "xlibos: CMD: command not found"               and exits 127
 *   "xlibos: CMD: No such file or directory"       and exits 127
 *   "xlibos: CMD: cannot execute: REASON"          and exits 126
 * (127 also when the file exists but its interpreter does not.)
 */
noreturn void command_exec(char *const *argv, char *const *envp, const char *path_var);

#endif
