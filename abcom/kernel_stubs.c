// SPDX-License-Identifier: GPL-2.0
/*
 * Debian's libcapstone.a is built with every architecture, and cs.o refers
 * to each one's set-up functions.  The LibOS links only the x86 back end;
 * these stand in for the others and refuse, so cs_open() on another
 * architecture fails cleanly instead of the link failing.
 */
#include <capstone/capstone.h>

#define NO_ARCH(name) \
	cs_err name##_global_init(void *ud); \
	cs_err name##_global_init(void *ud) { (void)ud; return CS_ERR_ARCH; } \
	cs_err name##_option(void *h, int type, size_t value); \
	cs_err name##_option(void *h, int type, size_t value) \
	{ (void)h; (void)type; (void)value; return CS_ERR_ARCH; }

NO_ARCH(ARM)
NO_ARCH(AArch64)
NO_ARCH(Mips)
NO_ARCH(PPC)
NO_ARCH(Sparc)
NO_ARCH(SystemZ)
NO_ARCH(XCore)
NO_ARCH(M68K)
NO_ARCH(TMS320C64x)
NO_ARCH(M680X)
NO_ARCH(EVM)
