// SPDX-License-Identifier: GPL-2.0
/*
 * Which slot addresses may be written into `jmp *slot` over a site.
 *
 * The 7 new bytes are ff 24 25 s0 s1 s2 s3 (slot little-endian).  A thread
 * can resume at an original instruction start inside them: preempted
 * between two displaced instructions, or sent back onto the old `syscall`
 * by a restart (rip -= 2).  The old `syscall` is at offset 5 or 6 when it
 * is inside the 7 bytes (a window ends with it and is at least 7 bytes
 * long), i.e. at s2 or s3.  Making those bytes opcodes that are invalid in
 * 64-bit mode turns "restart onto the middle of the jmp" into a clean #UD
 * that the LibOS can resolve.  Stopped threads the LibOS can see and move.
 */
#include "abcom.h"

/*
 * One-byte opcodes that raise #UD in 64-bit mode on Intel and AMD alike
 * (legacy segment pushes/pops, BCD adjust, pusha/popa).  All are < 0x80,
 * so they can also be the top byte of an address below 2 GiB.  0x82,
 * 0xd4-0xd6, 0x9a and 0xea are #UD too but left out: less uniformly
 * documented, and the top byte could not use them anyway.
 */
static const uint8_t invalid_opcodes[] = {
	0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f,
	0x27, 0x2f, 0x37, 0x3f, 0x60, 0x61,
};
#define N_INVALID (sizeof(invalid_opcodes) / sizeof(invalid_opcodes[0]))

bool abcom_byte_is_invalid_opcode(uint8_t b)
{
	for (unsigned i = 0; i < N_INVALID; i++)
		if (invalid_opcodes[i] == b)
			return true;
	return false;
}

bool abcom_slot_ok(const struct abcom_site *site, uint32_t slot_addr)
{
	if (slot_addr >= 0x80000000u || slot_addr % 8 != 0)
		return false;   /* disp32 is sign-extended; slot written atomically */
	/* a forward window: the LibOS returns into the trampoline, restarts
	 * never land on the old bytes */
	if (site->post_len)
		return true;
	for (unsigned i = 0; i < site->n_bounds; i++) {
		unsigned b = site->bounds[i];

		/*
		 * Offsets 3..6 hold the slot address, byte b - 3 of it.  Only
		 * offsets 5 and 6 can be where a restart sends a thread (the
		 * old `syscall`: a window is at least 7 bytes and ends with
		 * it); a thread stopped at an earlier boundary (preempted, or
		 * in a signal frame) is moved by the LibOS (abcom.h).
		 */
		if (b < 5 || b >= ABCOM_JMP_LEN)
			continue;
		if (!abcom_byte_is_invalid_opcode(
				(uint8_t)(slot_addr >> (8 * (b - 3)))))
			return false;
	}
	return true;
}

unsigned abcom_slot_region_count(void)
{
	return N_INVALID * N_INVALID;
}

uint32_t abcom_slot_region_base(unsigned i)
{
	if (i >= abcom_slot_region_count())
		return 0;
	return (uint32_t)invalid_opcodes[i / N_INVALID] << 24 |
	       (uint32_t)invalid_opcodes[i % N_INVALID] << 16;
}
