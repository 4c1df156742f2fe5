// SPDX-License-Identifier: GPL-2.0
/*
 * Checks a planned patch the hard way: write its steps into a copy of the
 * code one at a time and decode what a thread would execute from every
 * original instruction start of the window after each step.
 */
#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests.h"

static csh cs;

static bool decode(const uint8_t *p, size_t left, uint64_t addr, cs_insn **out)
{
	if (!cs && cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return false;
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	return cs_disasm(cs, p, left, addr, 1, out) == 1;
}

/* Is the instruction at p `jmp qword ptr [slot]`, 7 bytes, no base/index? */
static bool is_jmp_slot(const uint8_t *p, size_t left, uint64_t addr, uint32_t slot)
{
	cs_insn *in;
	bool ok;

	if (!decode(p, left, addr, &in))
		return false;
	const cs_x86 *x = &in->detail->x86;
	ok = in->id == X86_INS_JMP && in->size == ABCOM_JMP_LEN && x->op_count == 1 &&
	     x->operands[0].type == X86_OP_MEM &&
	     x->operands[0].mem.base == X86_REG_INVALID &&
	     x->operands[0].mem.index == X86_REG_INVALID &&
	     x->operands[0].mem.segment == X86_REG_INVALID &&
	     (uint64_t)x->operands[0].mem.disp == slot;
	cs_free(in, 1);
	return ok;
}

/* Does execution starting at p fault at once with #UD? */
static bool traps(const uint8_t *p, size_t left, uint64_t addr)
{
	cs_insn *in;

	if (!abcom_byte_is_invalid_opcode(p[0]))
		return false;
	if (decode(p, left, addr, &in)) {
		cs_free(in, 1);
		return false;   /* Capstone disagrees: it decodes something */
	}
	return true;
}

static char msg[256];

/* What would a thread starting at window offset b run in this state? */
static const char *check_state(const struct abcom_site *site,
			       const struct abcom_patch *p, const uint8_t *now,
			       size_t left, unsigned step, bool final)
{
	for (unsigned i = 0; i < site->n_bounds; i++) {
		unsigned b = site->bounds[i];
		unsigned next = i + 1 < site->n_bounds ? site->bounds[i + 1]
						       : site->window_len;
		bool original = memcmp(now + b, site->bytes + b, next - b) == 0;
		uint64_t a = site->start + b;

		if (b == 0 && final) {
			if (!is_jmp_slot(now, left, a, p->slot_addr)) {
				snprintf(msg, sizeof(msg),
					 "after step %u the site is not jmp *%#x", step,
					 p->slot_addr);
				return msg;
			}
			continue;
		}
		if (original || traps(now + b, left - b, a))
			continue;
		/*
		 * Before offset 5 only a stopped thread can be (a restart lands
		 * on the old syscall, at 5 or 6): the LibOS moves it to the
		 * trampoline (abcom.h), so any byte will do.
		 */
		if (b > 0 && b < 5 && b != site->syscall_off)
			continue;
		/* Forward window: every thread there is the LibOS's to move,
		 * and restarts land in the trampoline. */
		if (b > 0 && site->post_len)
			continue;
		snprintf(msg, sizeof(msg),
			 "after step %u, offset %u is neither the original "
			 "instruction nor a trap (byte %02x)", step, b, now[b]);
		return msg;
	}
	return NULL;
}

static const char *apply_and_check(const struct abcom_site *site,
				   const struct abcom_patch *p, uint8_t *code,
				   size_t len, uint64_t vaddr, const uint8_t *saved)
{
	size_t off = p->addr - vaddr;
	uint8_t *at = code + off;
	size_t left = len - off;
	const char *err;

	if (p->n_steps == 0 || p->steps[0].off != 0 ||
	    p->steps[0].bytes[0] != ABCOM_TRAP_BYTE)
		return "the first step does not make the site start trap";
	if (p->steps[p->n_steps - 1].off != 0 || p->steps[p->n_steps - 1].len != 1)
		return "the last step is not the first byte alone";
	for (unsigned s = 0; s < p->n_steps; s++) {
		const struct abcom_write_step *w = &p->steps[s];
		uint64_t first = p->addr + w->off, last = first + w->len - 1;

		if (w->len == 0 || w->len > 8 || w->off + w->len > p->len)
			return "a step leaves the 7 patched bytes";
		if (first / 8 != last / 8)
			return "a step crosses an aligned 8-byte word";
		memcpy(at + w->off, w->bytes, w->len);
		/* nothing outside [addr, addr + 7) may change */
		if (memcmp(code, saved, off) != 0 ||
		    memcmp(at + p->len, saved + off + p->len, len - off - p->len) != 0)
			return "a step wrote outside the site's patch range";
		err = check_state(site, p, at, left, s + 1, s + 1 == p->n_steps);
		if (err)
			return err;
	}
	if (memcmp(at, p->new_bytes, p->len) != 0)
		return "the steps do not add up to the new bytes";
	return NULL;
}

const char *verify_patch(const struct abcom_site *site,
			 const struct abcom_patch *p, uint8_t *code,
			 size_t len, uint64_t vaddr)
{
	static uint8_t *saved;
	static size_t saved_cap;
	const char *err;

	if (p->addr != site->start || p->len != ABCOM_JMP_LEN ||
	    p->addr < vaddr || p->addr - vaddr + p->len > len ||
	    p->len > site->window_len)
		return "patch range is not the start of the site's window";
	if (memcmp(p->old_bytes, site->bytes, p->len) != 0 ||
	    memcmp(code + (p->addr - vaddr), site->bytes, site->window_len) != 0)
		return "old bytes do not match the code";
	if (!is_jmp_slot(p->new_bytes, p->len, p->addr, p->slot_addr))
		return "new bytes do not decode to jmp *slot";
	if (p->resume_addr != site->addr + site->syscall_len ||
	    p->displaced_len != site->syscall_off ||
	    memcmp(p->displaced, site->bytes, p->displaced_len) != 0)
		return "resume address or displaced bytes are wrong";
	if (saved_cap < len) {
		free(saved);
		saved = malloc(len);
		saved_cap = saved ? len : 0;
		if (!saved)
			return "out of memory";
	}
	memcpy(saved, code, len);
	err = apply_and_check(site, p, code, len, vaddr, saved);
	memcpy(code + (p->addr - vaddr), saved + (p->addr - vaddr), p->len);
	return err;
}
