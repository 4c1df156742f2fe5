/* SPDX-License-Identifier: GPL-2.0 */
/* The vDSO's PT_NOTE: the kernel version, as x86's vDSO has it. */
#include <linux/build-salt.h>
#include <linux/uts.h>
#include <linux/version.h>
#include <linux/elfnote.h>

ELFNOTE_START(Linux, 0, "a")
	.long LINUX_VERSION_CODE
ELFNOTE_END

BUILD_SALT
