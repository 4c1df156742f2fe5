// SPDX-License-Identifier: GPL-2.0
/*
 * Classify one syscall site by the straight-line code before it: walk back
 * over the instructions of the current run until something writes rax, a
 * control transfer ends the block, or the history (HISTORY_MAX = 16
 * instructions) runs out.
 *
 * The class describes the fall-through path only.  Whether a branch lands
 * inside the window (so that the number is not known on every path, or a
 * patch would cut an instruction someone jumps to) is decided afterwards in
 * scan.c, once every branch target of the region is known.
 */
#include <string.h>
#include "internal.h"

/* A patchable EARLIER_IMM window: the mov is one of the 4 instructions
 * before the syscall and starts at most 32 bytes before it.  Further back
 * the site keeps its class and number but is not patched. */
#define EARLIER_MAX_INSNS 4
#define EARLIER_MAX_BYTES 32

static const uint8_t go_stack_load[] = { 0x48, 0x8b, 0x44, 0x24, 0x08 };

static const uint8_t *at(const struct region *r, uint64_t addr)
{
	return r->code + (addr - r->vaddr);
}

static bool decode_one(csh cs, cs_insn *scratch, const struct region *r,
		       uint64_t addr, uint8_t size)
{
	const uint8_t *p = at(r, addr);
	size_t left = size;
	uint64_t a = addr;

	work_spend(r);
	return cs_disasm_iter(cs, &p, &left, &a, scratch) && scratch->size == size;
}

/* Record the window [start, end of syscall) with its instruction starts. */
static void set_window(const struct region *r, const struct history *hist,
		       unsigned back, uint64_t start, struct abcom_site *site)
{
	site->start = start;
	site->syscall_off = (uint8_t)(site->addr - start);
	site->window_len = (uint8_t)(site->syscall_off + site->syscall_len);
	memcpy(site->bytes, at(r, start), site->window_len);
	site->n_bounds = 0;
	for (unsigned k = back; k >= 1; k--) {
		uint64_t a;
		uint8_t sz;
		bool ctl;

		history_get(hist, k, &a, &sz, &ctl);
		site->bounds[site->n_bounds++] = (uint8_t)(a - start);
	}
	site->bounds[site->n_bounds++] = site->syscall_off;
}

/*
 * Whatever sets the number, the trampoline replays the displaced
 * instructions verbatim, so a site needs no known number to be rewritten:
 * it needs a window of whole, straight-line, position independent
 * instructions ending in the syscall and at least 7 bytes long (one
 * rip-relative instruction is allowed: see relocatable()).  Take the
 * shortest such run (at most EARLIER_MAX_INSNS / EARLIER_MAX_BYTES).
 */
static bool replay_window(csh cs, cs_insn *scratch, const struct region *r,
			  const struct history *hist, const cs_insn *sys,
			  struct abcom_site *site, unsigned *flags)
{
	struct insn_facts f;
	uint64_t a;
	uint8_t sz;
	bool ctl, riprel = false;

	for (unsigned k = 1; history_get(hist, k, &a, &sz, &ctl); k++) {
		if (ctl || k > EARLIER_MAX_INSNS ||
		    sys->address - a > EARLIER_MAX_BYTES ||
		    !decode_one(cs, scratch, r, a, sz))
			return false;
		decode_facts(scratch, &f);
		riprel |= f.rip_relative;
		if (sys->address + sys->size - a >= ABCOM_JMP_LEN) {
			set_window(r, hist, k, a, site);
			*flags = CLASSIFY_REPLAY | (riprel ? CLASSIFY_RIPREL : 0);
			return true;
		}
	}
	return false;
}

/*
 * Last resort: run the window past the syscall, over the straight-line,
 * position-independent instructions that follow it (at most
 * FORWARD_MAX_INSNS), after taking every such instruction before it that
 * replay_window() would.  The LibOS returns from such a call into the
 * trampoline, which replays them and jumps back to the window's end.
 */
#define FORWARD_MAX_INSNS 3

static bool forward_window(csh cs, cs_insn *scratch, const struct region *r,
			   const struct history *hist, const cs_insn *sys,
			   struct abcom_site *site, unsigned *flags)
{
	uint64_t start = sys->address, end = sys->address + sys->size, a;
	uint64_t region_end = r->vaddr + r->len;
	uint8_t post[FORWARD_MAX_INSNS], n_post = 0, sz;
	struct insn_facts f;
	unsigned back = 0;
	bool ctl;

	for (unsigned k = 1; history_get(hist, k, &a, &sz, &ctl); k++) {
		if (ctl || k > EARLIER_MAX_INSNS ||
		    sys->address - a > EARLIER_MAX_BYTES ||
		    !decode_one(cs, scratch, r, a, sz))
			break;
		decode_facts(scratch, &f);
		if (f.rip_relative)
			break;
		start = a;
		back = k;
	}
	while (end - start < ABCOM_JMP_LEN) {
		const uint8_t *p = at(r, end);
		size_t left = region_end - end;
		uint64_t pc = end;

		if (n_post == FORWARD_MAX_INSNS || end >= region_end)
			return false;
		work_spend(r);
		if (!cs_disasm_iter(cs, &p, &left, &pc, scratch))
			return false;
		decode_facts(scratch, &f);
		if (f.control || f.rip_relative || f.is_syscall)
			return false;
		post[n_post++] = (uint8_t)(end - start);
		end += scratch->size;
	}
	set_window(r, hist, back, start, site);
	site->post_len = (uint8_t)(end - (sys->address + sys->size));
	site->window_len = (uint8_t)(end - start);
	memcpy(site->bytes, at(r, start), site->window_len);
	for (unsigned i = 0; i < n_post; i++)
		site->bounds[site->n_bounds++] = post[i];
	*flags = CLASSIFY_REPLAY | CLASSIFY_FORWARD;
	return true;
}

/*
 * The target of an unconditional direct jmp right after the syscall, if
 * it jumps back at most EARLIER_MAX_BYTES; its end in *jmp_end.  0 if none.
 */
static uint64_t loop_back_target(csh cs, cs_insn *scratch,
				 const struct region *r, const cs_insn *sys,
				 uint64_t *jmp_end)
{
	uint64_t end = sys->address + sys->size, pc = end;
	uint64_t region_end = r->vaddr + r->len;
	const uint8_t *p = at(r, end);
	size_t left = region_end - end;
	struct insn_facts f;

	if (end >= region_end)
		return 0;
	work_spend(r);
	if (!cs_disasm_iter(cs, &p, &left, &pc, scratch) ||
	    scratch->id != X86_INS_JMP)
		return 0;
	decode_facts(scratch, &f);
	if (!f.has_target || f.target >= sys->address ||
	    sys->address - f.target > EARLIER_MAX_BYTES)
		return 0;
	*jmp_end = end + scratch->size;
	return f.target;
}

/*
 * `L: ...; syscall; jmp L` (musl's pthread_exit, `for (;;) exit(0)`): L is
 * inside any window that starts before it, so this one starts at L and
 * takes the jmp as its last instruction, a forward window whose
 * instruction after the syscall is that jmp (post_jmp): the trampoline
 * jumps back to L instead of replaying it (plan.c).  The instructions from
 * L to the syscall must be straight-line and position independent.
 */
static bool loop_window(csh cs, cs_insn *scratch, const struct region *r,
			const struct history *hist, const cs_insn *sys,
			uint64_t target, uint64_t jmp_end,
			struct abcom_site *site, unsigned *flags)
{
	uint64_t end = sys->address + sys->size, a;
	struct insn_facts f;
	unsigned k;
	uint8_t sz;
	bool ctl;

	if (!target || jmp_end - target < ABCOM_JMP_LEN)
		return false;
	/* back from the syscall to L, over what the trampoline replays */
	for (k = 1;; k++) {
		if (k > EARLIER_MAX_INSNS ||
		    !history_get(hist, k, &a, &sz, &ctl) || ctl ||
		    a < target || !decode_one(cs, scratch, r, a, sz))
			return false;
		decode_facts(scratch, &f);
		if (f.control || f.rip_relative)
			return false;
		if (a == target)
			break;
	}
	set_window(r, hist, k, target, site);
	site->bounds[site->n_bounds++] = (uint8_t)(end - target);
	site->post_len = (uint8_t)(jmp_end - end);
	site->post_jmp = true;
	site->window_len = (uint8_t)(jmp_end - target);
	memcpy(site->bytes, at(r, target), site->window_len);
	*flags = CLASSIFY_REPLAY | CLASSIFY_FORWARD;
	return true;
}

static void classify_number(csh cs, cs_insn *scratch, const struct region *r,
			    const struct history *hist, const cs_insn *sys,
			    struct abcom_site *site, unsigned *flags);

/*
 * A window displacing one rip-relative instruction (before the syscall)
 * can still be replayed: the trampoline's copy gets its displacement
 * adjusted for where it runs, when that is within reach (the LibOS
 * checks).  Record where the displacement is and where the instruction
 * ends (what it is relative to), as window offsets.
 */
static void relocatable(csh cs, cs_insn *scratch, const struct region *r,
			struct abcom_site *site, unsigned *flags)
{
	uint8_t disp = 0, end = 0;
	struct insn_facts f;

	for (unsigned i = 0; i + 1 < site->n_bounds; i++) {
		uint8_t b = site->bounds[i], next = site->bounds[i + 1];

		if (next > site->syscall_off)
			break;
		if (!decode_one(cs, scratch, r, site->start + b, next - b))
			return;
		decode_facts(scratch, &f);
		if (!f.rip_relative)
			continue;
		if (disp || f.disp_size != 4 || !f.disp_offset)
			return;
		disp = b + f.disp_offset;
		end = next;
	}
	if (!disp)
		return;
	site->riprel_disp = disp;
	site->riprel_end = end;
	*flags &= ~CLASSIFY_RIPREL;
}

/*
 * A site without a short window of its number: a replay window, a loop
 * window instead when the loop's target is inside the replay window's
 * patch, else a forward window, else the syscall alone.
 */
static void other_window(csh cs, cs_insn *scratch, const struct region *r,
			 const struct history *hist, const cs_insn *sys,
			 struct abcom_site *site, unsigned *flags)
{
	uint64_t jmp_end = 0;
	uint64_t loop = loop_back_target(cs, scratch, r, sys, &jmp_end);

	if (replay_window(cs, scratch, r, hist, sys, site, flags)) {
		/* loop_window() leaves the site alone when it fails */
		if (loop > site->start && loop < site->start + ABCOM_JMP_LEN)
			loop_window(cs, scratch, r, hist, sys, loop, jmp_end,
				    site, flags);
	} else if (!loop_window(cs, scratch, r, hist, sys, loop, jmp_end,
				site, flags) &&
		   !forward_window(cs, scratch, r, hist, sys, site, flags)) {
		set_window(r, hist, 0, sys->address, site);
	}
}

void classify_site(csh cs, cs_insn *scratch, const struct region *r,
		   const struct history *hist, const cs_insn *sys,
		   struct abcom_site *site, unsigned *flags)
{
	classify_number(cs, scratch, r, hist, sys, site, flags);
	/* the number's own window, when it is a short one, is the patch */
	if (!((site->cls == ABCOM_ADJ_MOV_EAX || site->cls == ABCOM_ADJ_MOV_RAX ||
	       site->cls == ABCOM_EARLIER_IMM || site->cls == ABCOM_GO_STACK) &&
	      !(*flags & CLASSIFY_TOO_FAR) && site->window_len >= ABCOM_JMP_LEN))
		other_window(cs, scratch, r, hist, sys, site, flags);
	if (*flags & CLASSIFY_RIPREL)
		relocatable(cs, scratch, r, site, flags);
}

static void classify_number(csh cs, cs_insn *scratch, const struct region *r,
			    const struct history *hist, const cs_insn *sys,
			    struct abcom_site *site, unsigned *flags)
{
	struct insn_facts f;
	uint64_t a = 0;
	uint8_t sz = 0;
	bool ctl, found = false, riprel = false;
	unsigned k;

	memset(site, 0, sizeof(*site));
	site->addr = sys->address;
	site->syscall_len = sys->size;
	site->cls = ABCOM_OTHER;
	site->nr_kind = ABCOM_NR_UNKNOWN;
	set_window(r, hist, 0, sys->address, site);
	*flags = 0;

	/* walk back to the instruction that last wrote rax in this block */
	for (k = 1; history_get(hist, k, &a, &sz, &ctl); k++) {
		if (ctl || !decode_one(cs, scratch, r, a, sz))
			return;
		decode_facts(scratch, &f);
		if (f.rax != RAX_NONE) {
			found = true;
			break;
		}
		riprel |= f.rip_relative;
	}
	if (!found)
		return;

	bool plain_syscall = sys->size == 2;
	const uint8_t *p = at(r, a);

	switch (f.rax) {
	case RAX_IMM:
		site->nr_kind = ABCOM_NR_IMM;
		site->nr = f.imm;
		if (k == 1 && plain_syscall && sz == 5 && p[0] == 0xb8)
			site->cls = ABCOM_ADJ_MOV_EAX;
		else if (k == 1 && plain_syscall && sz == 7 && p[0] == 0x48 &&
			 p[1] == 0xc7 && p[2] == 0xc0)
			site->cls = ABCOM_ADJ_MOV_RAX;
		else
			site->cls = ABCOM_EARLIER_IMM;
		/* The class says where the number comes from; displacing the
		 * instructions in between is only attempted over a short run. */
		if (k > EARLIER_MAX_INSNS || sys->address - a > EARLIER_MAX_BYTES) {
			*flags |= CLASSIFY_TOO_FAR;
			return;
		}
		set_window(r, hist, k, a, site);
		if (riprel || f.rip_relative)
			*flags |= CLASSIFY_RIPREL;
		return;
	case RAX_OTHER:
		if (k == 1 && plain_syscall && sz == sizeof(go_stack_load) &&
		    memcmp(p, go_stack_load, sz) == 0) {
			site->cls = ABCOM_GO_STACK;
			site->nr_kind = ABCOM_NR_STACK8;
			set_window(r, hist, 1, a, site);
		}
		return;
	case RAX_REG:
		site->cls = ABCOM_REG_NUMBER;
		site->nr_kind = ABCOM_NR_REG;
		return;
	default:
		return;
	}
}
