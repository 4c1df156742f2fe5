// SPDX-License-Identifier: GPL-2.0
/*
 * abcom_plan: the bytes that replace a patchable site and the order in
 * which to write them while other threads may be running the code.
 *
 * What is rewritten.  Always exactly the first 7 bytes of the window,
 * with `ff 24 25 <slot>` = `jmp *slot`.  The trampoline behind the slot
 * replays the displaced instructions (window bytes before the syscall) and
 * enters the LibOS with the return address = end of the syscall, so the
 * bytes of the window after the first 7 are never reached by the patched
 * path and are left as they were:
 *
 *  - ADJ_MOV_EAX `b8 imm32 0f 05`, GO_STACK `48 8b 44 24 08 0f 05`: the
 *    window is 7 bytes, replaced exactly.  The old `syscall` (offset 5)
 *    becomes slot byte 2, an invalid opcode (slot.c): a thread sent back
 *    there by a restart takes #UD and the LibOS resumes it at tramp + 5.
 *
 *  - ADJ_MOV_RAX `48 c7 c0 imm32 0f 05`: the mov becomes the jmp and the
 *    `0f 05` stays.  X-Containers wrote `eb f7` (jump back to the jmp)
 *    over it in a second phase; we do not, because a jump to the old
 *    `syscall` then runs the real instruction with whatever rax holds,
 *    i.e. the slow path with the right number.  `eb f7` would instead
 *    re-run the mov through the jmp, so a restart with rax = 219
 *    (restart_syscall) would redo the original call.  It also saves a
 *    write phase.
 *
 *  - EARLIER_IMM `mov $n,%eax; ...; syscall` (>= 8 bytes): bytes 7.. keep
 *    the original instructions.  They need no padding: the jmp does not
 *    return there, and a thread that is already past byte 7 (preempted on
 *    an instruction there, or restarted onto the old syscall) runs the
 *    original code into the original `syscall` = the slow path, correctly.
 *    The displaced instructions were checked to be position independent
 *    (but for one rip-relative instruction, whose displacement the
 *    trampoline's copy adjusts) and not branch targets (scan.c).
 *
 * Write order (gVisor's idea: make the site trap, fill, first byte last).
 * The 7 bytes span at most two naturally aligned 8-byte words W1, W2:
 *
 *   1. W1 part: byte 0 := ABCOM_TRAP_BYTE, the other W1 bytes := new.
 *   2. W2 part (if any): bytes := new.
 *   3. byte 0 := 0xff.
 *
 * Each step stays inside one aligned word, so it is one atomic store (or
 * lock cmpxchg).  After every step, a thread starting at any original
 * instruction boundary b of the window sees:
 *   b == 0:      the trap byte (#UD, rip = site; the LibOS waits for the
 *                patch and resumes at the site) or, after step 3, the jmp;
 *   0 < b < 7:   either the untouched original instruction (all of its
 *                bytes lie at >= b, so in the same or a later word than b,
 *                and words are written in ascending order) or the new byte
 *                at b, which slot.c guarantees to be an invalid opcode;
 *   b >= 7:      the original instructions, never modified.
 * So every intermediate state is a valid program.  Between steps the LibOS
 * must make other CPUs serialise (membarrier SYNC_CORE or an IPI), as for
 * any cross-modifying code.
 */
#include <string.h>
#include "internal.h"

static void add_step(struct abcom_patch *p, unsigned off, unsigned len,
		     const uint8_t *bytes)
{
	struct abcom_write_step *s = &p->steps[p->n_steps++];

	s->off = (uint8_t)off;
	s->len = (uint8_t)len;
	memcpy(s->bytes, bytes, len);
}

int abcom_plan(const struct abcom_site *site, uint32_t slot_addr,
	       struct abcom_patch *out)
{
	uint8_t first[8];
	unsigned w1_len;

	if (!site || !out)
		return ABCOM_EINVAL;
	if (!site->patchable || site->window_len < ABCOM_JMP_LEN)
		return ABCOM_ENOTPATCHABLE;
	if (!abcom_slot_ok(site, slot_addr))
		return ABCOM_ESLOT;

	memset(out, 0, sizeof(*out));
	out->addr = site->start;
	out->resume_addr = site->addr + site->syscall_len;
	out->slot_addr = slot_addr;
	out->len = ABCOM_JMP_LEN;
	memcpy(out->old_bytes, site->bytes, ABCOM_JMP_LEN);
	out->new_bytes[0] = 0xff;     /* jmp r/m64 (/4) */
	out->new_bytes[1] = 0x24;     /* modrm: /4, SIB follows */
	out->new_bytes[2] = 0x25;     /* SIB: no base, no index, disp32 */
	for (unsigned i = 0; i < 4; i++)
		out->new_bytes[3 + i] = (uint8_t)(slot_addr >> (8 * i));
	out->displaced_len = site->syscall_off;
	memcpy(out->displaced, site->bytes, site->syscall_off);
	out->riprel_disp = site->riprel_disp;
	out->riprel_end = site->riprel_end;
	out->post_len = site->post_len;
	memcpy(out->post, site->bytes + site->syscall_off + site->syscall_len,
	       site->post_len);
	if (site->post_jmp) {
		/* jmp *0(%rip); .quad start: the loop's jump, from anywhere */
		static const uint8_t jmp_abs[] = { 0xff, 0x25, 0, 0, 0, 0 };

		memcpy(out->post, jmp_abs, sizeof(jmp_abs));
		for (unsigned i = 0; i < 8; i++)
			out->post[sizeof(jmp_abs) + i] =
				(uint8_t)(site->start >> (8 * i));
		out->post_len = sizeof(jmp_abs) + 8;
	}
	out->continue_addr = site->start + site->window_len;

	/* bytes of the jmp that share the aligned word of byte 0 */
	w1_len = 8 - (unsigned)(site->start % 8);
	if (w1_len > ABCOM_JMP_LEN)
		w1_len = ABCOM_JMP_LEN;
	memcpy(first, out->new_bytes, w1_len);
	first[0] = ABCOM_TRAP_BYTE;
	add_step(out, 0, w1_len, first);
	if (w1_len < ABCOM_JMP_LEN)
		add_step(out, w1_len, ABCOM_JMP_LEN - w1_len,
			 out->new_bytes + w1_len);
	add_step(out, 0, 1, out->new_bytes);
	return ABCOM_OK;
}
