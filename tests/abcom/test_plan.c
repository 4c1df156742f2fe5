// SPDX-License-Identifier: GPL-2.0
/*
 * abcom_plan on hand-made sites: every class, replay and forward windows at
 * every alignment, the slot address rules, and the refusals.
 */
#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "tests.h"

#define VA 0x401000ull

/* Scan `pad` nops followed by `code`, plan the one site, verify it. */
static const char *plan_at(const uint8_t *code, size_t len, unsigned pad,
			   uint32_t slot, unsigned *steps, int *plan_err)
{
	uint8_t buf[96];
	struct abcom_site *sites;
	struct abcom_patch p;
	size_t n;
	const char *err = NULL;

	memset(buf, 0x90, sizeof(buf));
	memcpy(buf + pad, code, len);
	if (abcom_scan(buf, sizeof(buf), VA, NULL, &sites, &n) || n != 1)
		return "scan did not find exactly one site";
	*plan_err = abcom_plan(&sites[0], slot, &p);
	if (*plan_err == ABCOM_OK) {
		*steps = p.n_steps;
		err = verify_patch(&sites[0], &p, buf, sizeof(buf), VA);
	}
	abcom_free(sites);
	return err;
}

static void every_alignment(const char *name, const uint8_t *code, size_t len)
{
	uint32_t slot = abcom_slot_region_base(0) + 0x40;
	unsigned min_steps = 99, max_steps = 0;
	const char *err = NULL;

	for (unsigned pad = 0; pad < 8 && !err; pad++) {
		unsigned steps = 0;
		int perr;

		err = plan_at(code, len, pad, slot, &steps, &perr);
		if (!err && perr)
			err = abcom_strerror(perr);
		if (steps < min_steps)
			min_steps = steps;
		if (steps > max_steps)
			max_steps = steps;
		if (err)
			diag("at alignment %u: %s", pad, err);
	}
	check(!err, "%s: plan verified at all 8 alignments (%u-%u steps)", name,
	      min_steps, max_steps);
}

static void plans(void)
{
	static const uint8_t eax[] = { 0xb8, 39, 0, 0, 0, 0x0f, 0x05 };
	static const uint8_t rax[] = { 0x48, 0xc7, 0xc0, 15, 0, 0, 0, 0x0f, 0x05 };
	static const uint8_t go[] = { 0x48, 0x8b, 0x44, 0x24, 0x08, 0x0f, 0x05 };
	static const uint8_t earlier[] = { 0xb8, 231, 0, 0, 0, 0x31, 0xff,
					   0x49, 0x89, 0xca, 0x0f, 0x05 };
	/* a 1-byte instruction between puts a boundary at offset 6 too */
	static const uint8_t tight[] = { 0xb8, 231, 0, 0, 0, 0x56, 0x0f, 0x05 };
	/* replay windows: mov %rsi,%rdx; mov %edi,%eax; syscall (bounds 0 3 5)
	 * and mov $1,%edi; xor %eax,%eax; syscall (bounds 0 5 7) */
	static const uint8_t reg[] = { 0x48, 0x89, 0xf2, 0x89, 0xf8, 0x0f, 0x05 };
	static const uint8_t other[] = { 0xbf, 1, 0, 0, 0, 0x31, 0xc0, 0x0f, 0x05 };
	/* forward windows (the jmp keeps the padding out of them):
	 * xor %eax,%eax; syscall; cmp $-0x1000,%rax (bounds 0 2 4) and
	 * mov %rdi,%rax; syscall; test %rax,%rax (bounds 0 3 5) */
	static const uint8_t fwd[] = { 0xeb, 0x00, 0x31, 0xc0, 0x0f, 0x05,
				       0x48, 0x3d, 0x00, 0xf0, 0xff, 0xff };
	static const uint8_t fwd5[] = { 0xeb, 0x00, 0x48, 0x89, 0xf8, 0x0f, 0x05,
					0x48, 0x85, 0xc0 };

	every_alignment("ADJ_MOV_EAX", eax, sizeof(eax));
	every_alignment("ADJ_MOV_RAX", rax, sizeof(rax));
	every_alignment("GO_STACK", go, sizeof(go));
	every_alignment("EARLIER_IMM", earlier, sizeof(earlier));
	every_alignment("EARLIER_IMM with boundaries at 5 and 6", tight, sizeof(tight));
	every_alignment("REG_NUMBER replay window (boundaries at 3 and 5)", reg,
			sizeof(reg));
	every_alignment("OTHER replay window (xor %eax,%eax)", other, sizeof(other));
	every_alignment("OTHER forward window (xor %eax,%eax; syscall; cmp)", fwd,
			sizeof(fwd));
	every_alignment("REG_NUMBER forward window (boundaries at 3 and 5)", fwd5,
			sizeof(fwd5));
}

/*
 * Only offsets 5 and 6 (where a restart finds the old syscall) must trap;
 * a thread stopped at offsets 1..4 is moved by the LibOS.  The first slot
 * region's base has byte 0 = 00 (add, valid) at offset 3 and byte 2 = 06
 * at offset 5.
 */
static void replay_slots(void)
{
	/* mov %rsi,%rdx; mov %edi,%eax; syscall: boundaries 0, 3, 5 */
	static const uint8_t reg[] = { 0x48, 0x89, 0xf2, 0x89, 0xf8, 0x0f, 0x05 };
	uint32_t base = abcom_slot_region_base(0);
	const char *err;
	unsigned steps;
	int perr = -1;

	err = plan_at(reg, sizeof(reg), 0, base, &steps, &perr);
	if (err)
		diag("%s", err);
	check(!err && perr == ABCOM_OK &&
	      !abcom_byte_is_invalid_opcode((uint8_t)base),
	      "replay window with boundaries at 3 and 5: planned with slot %#x "
	      "(valid opcode at offset 3)", base);
	perr = 0;
	plan_at(reg, sizeof(reg), 0, 0x00100000, &steps, &perr);
	check(perr == ABCOM_ESLOT,
	      "replay window refuses a slot whose byte at offset 5 is a valid opcode");
}

static void refusals(void)
{
	static const uint8_t eax[] = { 0xb8, 39, 0, 0, 0, 0x0f, 0x05 };
	static const uint8_t rax[] = { 0x48, 0xc7, 0xc0, 15, 0, 0, 0, 0x0f, 0x05 };
	/* xor %eax,%eax; syscall; ret at the region start: 4 bytes to replay
	 * and a control transfer right after (neither window) */
	static const uint8_t none[] = { 0x31, 0xc0, 0x0f, 0x05, 0xc3 };
	unsigned steps;
	int perr = 0;

	/* slot byte 2 = 0x10 (adc): the old syscall offset would not trap */
	plan_at(eax, sizeof(eax), 0, 0x00100000, &steps, &perr);
	check(perr == ABCOM_ESLOT, "ADJ_MOV_EAX refuses a slot whose byte 2 is a valid opcode");
	perr = 0;
	plan_at(rax, sizeof(rax), 0, 0x00100000, &steps, &perr);
	check(perr == ABCOM_OK,
	      "ADJ_MOV_RAX accepts it (no original boundary inside the 7 bytes)");
	plan_at(eax, sizeof(eax), 0, 0x86060000u, &steps, &perr);
	check(perr == ABCOM_ESLOT, "a slot at or above 2 GiB is refused");
	plan_at(eax, sizeof(eax), 0, abcom_slot_region_base(0) + 4, &steps, &perr);
	check(perr == ABCOM_ESLOT, "an unaligned slot is refused");
	perr = 0;
	plan_at(none, sizeof(none), 0, abcom_slot_region_base(0), &steps, &perr);
	check(perr == ABCOM_ENOTPATCHABLE,
	      "an unpatchable site (too short to replay, a ret right after) is "
	      "refused");
}

static void slot_rules(void)
{
	csh cs;
	bool all_invalid = true, regions_ok = true;
	unsigned count = 0;

	cs_open(CS_ARCH_X86, CS_MODE_64, &cs);
	for (unsigned b = 0; b < 256; b++) {
		uint8_t code[16] = { (uint8_t)b };
		cs_insn *in;

		if (!abcom_byte_is_invalid_opcode((uint8_t)b))
			continue;
		count++;
		if (cs_disasm(cs, code, sizeof(code), 0, 1, &in) == 1) {
			diag("Capstone decodes %02x as %s", b, in->mnemonic);
			cs_free(in, 1);
			all_invalid = false;
		}
		if (b == ABCOM_TRAP_BYTE && b >= 0x80)
			all_invalid = false;
	}
	cs_close(&cs);
	check(all_invalid && count > 0 && abcom_byte_is_invalid_opcode(ABCOM_TRAP_BYTE),
	      "all %u 'invalid opcode' bytes (and the trap byte) fail to decode", count);
	for (unsigned i = 0; i < abcom_slot_region_count(); i++) {
		uint32_t base = abcom_slot_region_base(i);

		if (!base || base >= 0x80000000u || base % 0x10000 ||
		    !abcom_byte_is_invalid_opcode((uint8_t)(base >> 16)) ||
		    !abcom_byte_is_invalid_opcode((uint8_t)(base >> 24)))
			regions_ok = false;
	}
	check(regions_ok && abcom_slot_region_base(abcom_slot_region_count()) == 0,
	      "%u slot regions, all below 2 GiB with invalid opcodes in bytes 2 and 3",
	      abcom_slot_region_count());
}

void test_plans(void)
{
	plans();
	replay_slots();
	refusals();
	slot_rules();
}
