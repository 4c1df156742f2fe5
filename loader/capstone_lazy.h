/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capstone, loaded when it is first needed rather than at every start:
 * the loader decodes only on a cache miss, in abcom_decode_helper.c's
 * sandboxed child, and the dynamic loading of libcapstone cost every
 * start of the supervisor about 1 ms (capstone_lazy.c).
 */
#ifndef XLIBOS_LOADER_CAPSTONE_LAZY_H
#define XLIBOS_LOADER_CAPSTONE_LAZY_H

#include <stdbool.h>

/*
 * Open libcapstone (once) so that abcom's calls reach it; the first call
 * does it too.  Call it before a sandbox that could not open a library.
 * False, with a message printed, if it cannot be loaded.
 */
bool capstone_load(void);

#endif
