/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running e2fsprogs' programs (mke2fs, debugfs) from the loader: found in
 * the usual system directories only (never through PATH), stdout thrown
 * away, stderr kept and turned into one line for "xlibos: ..." messages.
 */
#ifndef XLIBOS_LOADER_E2FS_TOOL_H
#define XLIBOS_LOADER_E2FS_TOOL_H

#include <stdbool.h>
#include <stddef.h>

/* "/usr/sbin/NAME" or "/sbin/NAME", whichever is an executable file; false if none. */
bool e2fs_tool_find(const char *name, char *path, size_t len);

/*
 * Run argv[0] with argv and envp, stdin from @stdin_text (or /dev/null if
 * NULL).  @setup, if set, runs in the child before exec with @arg; it
 * writes its own error to stderr and returns false to abandon the exec.
 * Returns the exit status (128+N if killed by signal N), -1 if the child
 * could not be started (errno set).  @err gets stderr as one line (control
 * characters as '?', banner lines dropped), "" if it said nothing.
 */
int e2fs_tool_run(char *const argv[], char *const envp[], const char *stdin_text,
		  bool (*setup)(void *arg), void *arg, char *err, size_t err_len);

#endif
