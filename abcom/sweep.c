// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding a code region from known instruction boundaries.
 *
 * sweep_linear: a linear sweep from the region start.  Where nothing
 * decodes, step one byte and try again; x86 resynchronises within a few
 * instructions.  A caller hint (symbol start, entry) is a known boundary:
 * an instruction that would run across one is cut there and the sweep
 * restarts at the hint, the way objdump restarts at every symbol.
 *
 * sweep_misaligned_targets: a direct branch whose target is inside an
 * instruction of the sweep means the bytes have two readings (jumping over
 * a lock prefix, overlapping instructions, or data decoded as code).
 * Decode from each such target until it falls back into step with the
 * sweep, mark those bytes as conflicting and record any syscall found there
 * as a hidden site.  Neither is patchable.
 */
#include "internal.h"

/* An alternative decoding longer than this is not followed further. */
#define ALT_MAX_INSNS 64

static void mark_conflict(struct sweep *s, size_t from, size_t to)
{
	for (size_t i = from; i < to && i < s->r.len; i++)
		bitmap_set(&s->conflict, i);
}

/*
 * Decode the instruction at pos into s->insn and its flow facts.  Returns
 * its length, or 0 if nothing decodes.  An instruction Capstone does not
 * know but whose length is clear (length_fallback.c) is returned with
 * *known false (s->insn is then stale and must not be looked at).
 */
static size_t decode_at(struct sweep *s, size_t pos, struct insn_facts *f,
			bool *known)
{
	const uint8_t *p = s->r.code + pos;
	size_t left = s->r.len - pos, n;
	uint64_t a = s->r.vaddr + pos;

	work_spend(&s->r);
	if (cs_disasm_iter(s->cs, &p, &left, &a, s->insn)) {
		*known = true;
		decode_flow(s->insn, f);
		return s->insn->size;
	}
	*known = false;
	n = fallback_length(s->r.code + pos, s->r.len - pos);
	if (n) {
		/* none of those transfers control (length_fallback.c) */
		f->control = f->is_syscall = f->has_target = false;
		s->stats.length_only++;
	}
	return n;
}

static void note_target(struct sweep *s, const struct insn_facts *f)
{
	if (f->has_target && f->target >= s->r.vaddr &&
	    f->target - s->r.vaddr < s->r.len)
		bitmap_set(&s->targets, f->target - s->r.vaddr);
}

static int record_site(struct sweep *s, const struct history *hist, bool hidden)
{
	struct abcom_site site;
	unsigned flags;

	/* classify_site re-decodes history entries into s->scratch, so
	 * s->insn (the syscall) stays intact */
	classify_site(s->cs, s->scratch, &s->r, hist, s->insn, &site, &flags);
	site.hidden = hidden;
	if (hidden)
		s->stats.hidden_sites++;
	return site_vec_push(&s->sites, &site, flags);
}

int sweep_linear(struct sweep *s)
{
	struct history hist;
	struct insn_facts f;
	size_t pos = 0;
	bool known;

	history_reset(&hist);
	while (pos < s->r.len) {
		if (!*s->r.budget)
			return ABCOM_ELIMIT;
		size_t size = decode_at(s, pos, &f, &known);

		if (!size) {
			s->stats.bad_bytes++;
			history_reset(&hist);
			pos++;
			continue;
		}
		size_t end = pos + size;
		size_t cut = bitmap_next(&s->hints, pos + 1, end);

		if (cut < end) {
			/* Two readings of [pos, end): the sweep's and the
			 * hint's.  Trust the hint (objdump does the same) but
			 * keep every byte involved off limits for patching. */
			mark_conflict(s, pos, end);
			s->stats.hint_cuts++;
			history_reset(&hist);
			pos = cut;
			continue;
		}
		bitmap_set(&s->starts, pos);
		s->stats.insns++;
		note_target(s, &f);
		if (f.is_syscall) {
			int err = record_site(s, &hist, false);

			if (err)
				return err;
		}
		history_push(&hist, s->r.vaddr + pos, (uint8_t)size, f.control);
		pos = end;
	}
	return ABCOM_OK;
}

static int follow_alternative(struct sweep *s, size_t start,
			      struct bitmap *alt_starts)
{
	struct history hist;
	struct insn_facts f;
	size_t pos = start, size;
	bool known;

	history_reset(&hist);
	for (unsigned n = 0; n < ALT_MAX_INSNS && pos < s->r.len; n++) {
		/* back in step with the sweep, or with an earlier alternative */
		if ((pos != start && bitmap_test(&s->starts, pos)) ||
		    bitmap_test(alt_starts, pos))
			break;
		if (!*s->r.budget)
			return ABCOM_ELIMIT;
		size = decode_at(s, pos, &f, &known);
		if (!size)
			break;
		bitmap_set(alt_starts, pos);
		mark_conflict(s, pos, pos + size);
		if (f.is_syscall) {
			int err = record_site(s, &hist, true);

			if (err)
				return err;
		}
		history_push(&hist, s->r.vaddr + pos, (uint8_t)size, f.control);
		pos += size;
	}
	return ABCOM_OK;
}

int sweep_misaligned_targets(struct sweep *s)
{
	struct bitmap alt_starts;
	int err = bitmap_init(&alt_starts, s->r.len);

	if (err)
		return err;
	for (size_t t = bitmap_next(&s->targets, 0, s->r.len); t < s->r.len;
	     t = bitmap_next(&s->targets, t + 1, s->r.len)) {
		s->stats.branch_targets++;
		if (bitmap_test(&s->starts, t))
			continue;
		s->stats.misaligned_targets++;
		err = follow_alternative(s, t, &alt_starts);
		if (err)
			break;
	}
	bitmap_release(&alt_starts);
	return err;
}
