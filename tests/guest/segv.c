// SPDX-License-Identifier: GPL-2.0
/*
 * Dies of SIGSEGV with no handler installed: the exit status must be 139
 * (128 + 11) both natively (from the shell) and from "xlibos run".
 */
#include "guest_test.h"

static volatile int *volatile null_ptr;

int main(void)
{
	say("about to write to NULL");
	*null_ptr = 1;
	say("still alive after writing to NULL");
	return 0;
}
