/* SPDX-License-Identifier: GPL-2.0 */
/* Standard input, output and error of the guest init and its command. */
#ifndef XLIBOS_INIT_STD_FDS_H
#define XLIBOS_INIT_STD_FDS_H

/*
 * If the kernel provides /dev/xlibos-fd0..2 (character devices bound to
 * the host loader's fds 0, 1 and 2), make them fds 0, 1 and 2; otherwise
 * keep what the kernel gave init (normally /dev/console).  Any of 0-2
 * still closed afterwards is opened, so files opened later never land
 * there by accident: stdin on /dev/null, stdout and stderr on /dev/kmsg
 * (visible with --cmdline loglevel=8) or else /dev/null.
 */
void std_fds_setup(void);

#endif
