/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loader-private page shared between supervisor and child, separate from
 * the kernel's exit record: it tells the supervisor whether a failure
 * happened in the loader's own setup (already reported by the child) or
 * inside the LibOS.
 */
#ifndef XLIBOS_LOADER_HANDOFF_H
#define XLIBOS_LOADER_HANDOFF_H

#include <stdint.h>

enum handoff_stage {
	HANDOFF_SETUP = 0,	/* child still loading; it reports its own errors */
	HANDOFF_IN_KERNEL = 1,	/* entry point called */
	HANDOFF_RETURNED = 2,	/* entry point returned; child reported it */
};

struct handoff {
	volatile uint32_t stage;	/* enum handoff_stage */
};

#endif
