// SPDX-License-Identifier: GPL-2.0
/*
 * Lengths of instructions that Capstone 4 cannot decode.  Debian 12 ships
 * Capstone 4.0.2, which lacks AVX-512 mask moves and many EVEX forms
 * (glibc's string functions are full of them), the CET shadow-stack
 * instructions (glibc's longjmp/setcontext) and rdpkru/wrpkru.  Stepping
 * one byte after such a failure would read the rest of the instruction as
 * garbage and lose sync for several instructions; knowing the length keeps
 * the sweep on the real boundaries.
 *
 * None of these transfers control, so the sweep can step over one knowing
 * only its length.  The look-back in classify.c cannot decode it and stops
 * there (number unknown), which is the safe answer (rdpkru does write eax).
 */
#include "internal.h"

/* Map 0F opcodes that take an imm8 (pshufd, psrlw/d/q imm, cmpps,
 * pinsrw, pextrw, shufps). */
static bool map1_has_imm8(uint8_t op)
{
	return (op >= 0x70 && op <= 0x73) || op == 0xc2 || op == 0xc4 ||
	       op == 0xc5 || op == 0xc6;
}

static size_t modrm_length(const uint8_t *m, size_t left)
{
	uint8_t mod = m[0] >> 6, rm = m[0] & 7;
	size_t n = 1;

	if (mod == 3)
		return n;
	if (rm == 4) {                      /* SIB */
		if (left < 2)
			return 0;
		n++;
		if (mod == 0 && (m[1] & 7) == 5)
			return n + 4;       /* no base: disp32 */
	} else if (mod == 0 && rm == 5) {
		return n + 4;               /* rip + disp32 */
	}
	return n + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

/*
 * VEX/EVEX: prefix (c5: 2 bytes, c4: 3, 62: 4), opcode, ModRM, optional
 * SIB and displacement, and an imm8 for map 0F3A and a few map 0F opcodes.
 */
static size_t vex_length(const uint8_t *p, size_t left)
{
	size_t prefix, n;
	unsigned map;
	uint8_t op;

	if (left < 2)
		return 0;
	switch (p[0]) {
	case 0xc5:
		prefix = 2;
		map = 1;
		break;
	case 0xc4:
		prefix = 3;
		if (left < 3)
			return 0;
		map = p[1] & 0x1f;
		break;
	case 0x62:
		prefix = 4;
		if (left < 4 || (p[2] & 0x04) == 0)  /* EVEX: P1 bit 2 is 1 */
			return 0;
		map = p[1] & 0x07;
		break;
	default:
		return 0;
	}
	if (map < 1 || map > 3 || left < prefix + 2)
		return 0;
	op = p[prefix];
	if (map == 1 && op == 0x77)             /* vzeroupper/vzeroall */
		return prefix + 1;
	n = modrm_length(p + prefix + 1, left - prefix - 1);
	if (!n)
		return 0;
	n += prefix + 1;
	if (map == 3 || (map == 1 && map1_has_imm8(op)))
		n++;
	return n <= 15 && n <= left ? n : 0;
}

/* Fixed forms: rdpkru/wrpkru, and the register forms of the CET
 * instructions rdsspd/q (f3 [rex] 0f 1e /1) and incsspd/q (f3 [rex] 0f ae
 * /5), plus setssbsy and saveprevssp. */
static size_t fixed_length(const uint8_t *p, size_t left)
{
	size_t rex;

	if (left >= 3 && p[0] == 0x0f && p[1] == 0x01 &&
	    (p[2] == 0xee || p[2] == 0xef))
		return 3;
	if (left < 4 || p[0] != 0xf3)
		return 0;
	if (p[1] == 0x0f && p[2] == 0x01 && (p[3] == 0xe8 || p[3] == 0xea))
		return 4;
	rex = (p[1] & 0xf0) == 0x40;
	if (left < 4 + rex || p[1 + rex] != 0x0f)
		return 0;
	if ((p[2 + rex] == 0x1e && (p[3 + rex] & 0xf8) == 0xc8) ||
	    (p[2 + rex] == 0xae && (p[3 + rex] & 0xf8) == 0xe8))
		return 4 + rex;
	return 0;
}

size_t fallback_length(const uint8_t *p, size_t left)
{
	size_t n = vex_length(p, left);

	return n ? n : fixed_length(p, left);
}
