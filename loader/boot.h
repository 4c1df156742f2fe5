/* SPDX-License-Identifier: GPL-2.0 */
/* "xlibos boot": validate, fork, run the LibOS, report how it ended. */
#ifndef XLIBOS_LOADER_BOOT_H
#define XLIBOS_LOADER_BOOT_H

/* argv[0] is "boot".  Returns the loader's exit status. */
int boot_command(int argc, char **argv);

#endif
