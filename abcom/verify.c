// SPDX-License-Identifier: GPL-2.0
/*
 * Checking a site table that did not come from this process's own scan
 * (the loader's cache, the tables the loader hands the LibOS) against the
 * file it claims to describe, instead of trusting its fields: a forged
 * table must not be able to make a patch reach outside a window or
 * displace code other than what the window really holds.
 */
#include <string.h>
#include "internal.h"

/*
 * A bool field's byte as stored: a forged record may hold any value there,
 * and reading it as bool would be undefined.
 */
static uint8_t stored_byte(const bool *field)
{
	uint8_t b;

	memcpy(&b, field, 1);
	return b;
}

bool abcom_site_sane(const struct abcom_site *s)
{
	unsigned int so = s->syscall_off, end = so + s->syscall_len;

	if (stored_byte(&s->patchable) != 1 || stored_byte(&s->hidden) != 0 ||
	    stored_byte(&s->post_jmp) > 1)
		return false;
	if (s->reason != ABCOM_R_NONE ||
	    s->patch_len != ABCOM_JMP_LEN || s->window_len < ABCOM_JMP_LEN ||
	    s->window_len > ABCOM_MAX_WINDOW || s->start > s->addr ||
	    s->addr - s->start != so || s->syscall_len < 2 ||
	    end + s->post_len != s->window_len || (s->post_jmp && !s->post_len) ||
	    !s->n_bounds || s->n_bounds > ABCOM_MAX_BOUNDS || s->bounds[0] != 0)
		return false;
	/* instruction starts: increasing, inside the window, one at the syscall */
	bool at_syscall = false;

	for (unsigned int i = 0; i < s->n_bounds; i++) {
		if ((i && s->bounds[i] <= s->bounds[i - 1]) ||
		    s->bounds[i] >= s->window_len)
			return false;
		at_syscall |= s->bounds[i] == so;
	}
	if (!at_syscall)
		return false;
	/* the one relocated disp32 lies in an instruction before the syscall */
	if (s->riprel_disp &&
	    (s->riprel_disp + 4 > s->riprel_end || s->riprel_end > so))
		return false;
	return s->riprel_disp || !s->riprel_end;
}

/* The executable range that holds [off, off + len), if any. */
static bool in_ranges(const struct abcom_range *ranges, size_t n_ranges,
		      uint64_t off, uint64_t len)
{
	for (size_t i = 0; i < n_ranges; i++)
		if (off >= ranges[i].off && off - ranges[i].off <= ranges[i].len &&
		    ranges[i].len - (off - ranges[i].off) >= len)
			return true;
	return false;
}

static bool site_matches_file(const uint8_t *file, size_t size,
			      const struct abcom_range *ranges, size_t n_ranges,
			      const struct abcom_site *s)
{
	return abcom_site_sane(s) && s->start < size &&
	       size - s->start >= s->window_len &&
	       in_ranges(ranges, n_ranges, s->start, s->window_len) &&
	       memcmp(file + s->start, s->bytes, s->window_len) == 0;
}

bool abcom_sites_match_file(const uint8_t *file, size_t size,
			    const struct abcom_range *ranges, size_t n_ranges,
			    const struct abcom_site *sites, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((i && sites[i].addr <= sites[i - 1].addr) ||
		    !site_matches_file(file, size, ranges, n_ranges, &sites[i]))
			return false;
	return true;
}

/* What one instruction of the window at offset b must be. */
static bool insn_fits(const struct abcom_site *s, const cs_insn *insn,
		      const struct insn_facts *f, unsigned int b, bool *riprel)
{
	unsigned int so = s->syscall_off, end = b + insn->size;

	if (b == so)	/* the syscall itself: 0f 05, maybe prefixed */
		return f->is_syscall && insn->size == s->syscall_len &&
		       s->bytes[end - 2] == 0x0f && s->bytes[end - 1] == 0x05;
	if (b < so) {	/* displaced, replayed in the trampoline */
		if (f->control || end > so)
			return false;
		if (!f->rip_relative)
			return true;
		if (*riprel || f->disp_size != 4 ||
		    s->riprel_disp != b + f->disp_offset || s->riprel_end != end)
			return false;
		*riprel = true;
		return true;
	}
	if (s->post_jmp)	/* a loop window: the jmp back to its start */
		return insn->id == X86_INS_JMP && f->has_target &&
		       f->target == s->start && end == s->window_len;
	return !f->control && !f->rip_relative && !f->is_syscall;
}

/* Decode the window from its start: does it read as the site says? */
static bool window_decodes(csh cs, cs_insn *insn, const struct abcom_site *s)
{
	unsigned int b = 0, i = 0;
	bool riprel = false;

	while (b < s->window_len) {
		const uint8_t *p = s->bytes + b;
		size_t left = s->window_len - b;
		uint64_t pc = s->start + b;
		struct insn_facts f;

		if (i == s->n_bounds || s->bounds[i] != b ||
		    !cs_disasm_iter(cs, &p, &left, &pc, insn))
			return false;
		decode_facts(insn, &f);
		if (!insn_fits(s, insn, &f, b, &riprel))
			return false;
		b += insn->size;
		i++;
	}
	return i == s->n_bounds && riprel == !!s->riprel_disp;
}

/*
 * Keep the sites (sorted, no duplicates: the LibOS looks them up by
 * bisection) whose window decodes as they say and, with @file, that
 * match it; compacts sites[] and updates *n.
 */
static int keep_checked(const uint8_t *file, size_t size, const struct abcom_range *ranges,
			size_t n_ranges, struct abcom_site *sites, size_t *n)
{
	size_t kept = 0;
	cs_insn *insn;
	csh cs;

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
		*n = 0;
		return ABCOM_EDECODER;
	}
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	insn = cs_malloc(cs);
	if (!insn) {
		cs_close(&cs);
		*n = 0;
		return ABCOM_ENOMEM;
	}
	for (size_t i = 0; i < *n; i++) {
		if ((kept && sites[i].addr <= sites[kept - 1].addr) ||
		    (file ? !site_matches_file(file, size, ranges, n_ranges, &sites[i])
			  : !abcom_site_sane(&sites[i])) ||
		    !window_decodes(cs, insn, &sites[i]))
			continue;
		if (kept != i)
			sites[kept] = sites[i];
		kept++;
	}
	cs_free(insn, 1);
	cs_close(&cs);
	*n = kept;
	return ABCOM_OK;
}

int abcom_check_sites(const uint8_t *file, size_t size,
		      struct abcom_site *sites, size_t *n)
{
	struct abcom_range ranges[ABCOM_MAX_EXEC_SECTIONS];
	size_t n_ranges;

	if (abcom_elf_exec_ranges(file, size, ranges, &n_ranges) != ABCOM_OK) {
		*n = 0;		/* not a file abcom would decode: no sites */
		return ABCOM_OK;
	}
	return keep_checked(file, size, ranges, n_ranges, sites, n);
}

int abcom_check_windows(struct abcom_site *sites, size_t *n)
{
	return keep_checked(NULL, 0, NULL, 0, sites, n);
}
