// SPDX-License-Identifier: GPL-2.0
/*
 * abcom_scan: sweep a region, then decide for every syscall site whether a
 * patch can be proven safe.  Patchability needs every branch target of the
 * region, so it is decided after the whole region has been decoded.
 */
#include <string.h>
#include "internal.h"

int site_vec_push(struct site_vec *sv, const struct abcom_site *s, unsigned flags)
{
	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 64;
		struct abcom_site *v = abcom_realloc(sv->v, cap * sizeof(*v));
		uint8_t *f;

		if (!v)
			return ABCOM_ENOMEM;
		sv->v = v;
		f = abcom_realloc(sv->flags, cap * sizeof(*f));
		if (!f)
			return ABCOM_ENOMEM;
		sv->flags = f;
		sv->cap = cap;
	}
	sv->v[sv->n] = *s;
	sv->flags[sv->n] = (uint8_t)flags;
	sv->n++;
	return ABCOM_OK;
}

static bool class_patchable(enum abcom_class cls)
{
	return cls == ABCOM_ADJ_MOV_EAX || cls == ABCOM_ADJ_MOV_RAX ||
	       cls == ABCOM_EARLIER_IMM || cls == ABCOM_GO_STACK;
}

/*
 * Only the 7 rewritten bytes must be free of branch targets: the rest of
 * a longer window keeps its original bytes, so a jump into it runs the
 * original instructions and the original `syscall` (the slow path), which
 * is correct.  An alternative decoding anywhere in the window, though,
 * means our reading of it may be wrong, so that blocks the whole window.
 */
static enum abcom_reason judge(const struct sweep *s, const struct abcom_site *site,
			       unsigned flags)
{
	size_t start = site->start - s->r.vaddr;
	size_t end = start + site->window_len;
	size_t covered = start + (site->window_len < ABCOM_JMP_LEN ?
				  site->window_len : ABCOM_JMP_LEN);

	if (site->hidden)
		return ABCOM_R_DECODE_CONFLICT;
	if (!(flags & CLASSIFY_REPLAY)) {
		if (!class_patchable(site->cls))
			return ABCOM_R_NUMBER_UNKNOWN;
		if (flags & CLASSIFY_TOO_FAR)
			return ABCOM_R_TOO_FAR;
	}
	if (bitmap_next(&s->conflict, start, end) < end)
		return ABCOM_R_DECODE_CONFLICT;
	for (size_t i = start + 1; i < covered; i++) {
		if (!bitmap_test(&s->targets, i) && !bitmap_test(&s->hints, i))
			continue;
		/* a target between our instruction starts: a second reading */
		return bitmap_test(&s->starts, i) ? ABCOM_R_BRANCH_TARGET
						  : ABCOM_R_DECODE_CONFLICT;
	}
	if (site->window_len < ABCOM_JMP_LEN)
		return ABCOM_R_TOO_SHORT;
	if (flags & CLASSIFY_RIPREL)
		return ABCOM_R_RIP_RELATIVE;
	return ABCOM_R_NONE;
}

static void judge_all(struct sweep *s)
{
	for (size_t i = 0; i < s->sites.n; i++) {
		struct abcom_site *site = &s->sites.v[i];

		site->reason = judge(s, site, s->sites.flags[i]);
		site->patchable = site->reason == ABCOM_R_NONE;
		site->patch_len = site->reason == ABCOM_R_NUMBER_UNKNOWN ||
				  site->reason == ABCOM_R_TOO_FAR ? 0 :
			site->window_len < ABCOM_JMP_LEN ? site->window_len :
			ABCOM_JMP_LEN;
	}
}

static int run(struct sweep *s, const struct abcom_hints *hints)
{
	int err;

	if ((err = bitmap_init(&s->starts, s->r.len)) ||
	    (err = bitmap_init(&s->targets, s->r.len)) ||
	    (err = bitmap_init(&s->hints, s->r.len)) ||
	    (err = bitmap_init(&s->conflict, s->r.len)))
		return err;
	for (size_t i = 0; hints && i < hints->n_addrs; i++) {
		uint64_t a = hints->addrs[i];

		if (a >= s->r.vaddr && a - s->r.vaddr < s->r.len)
			bitmap_set(&s->hints, a - s->r.vaddr);
	}
	if ((err = sweep_linear(s)) || (err = sweep_misaligned_targets(s)))
		return err;
	judge_all(s);
	/* hidden sites were appended after the sweep's, in any order */
	sort_sites_by_addr(s->sites.v, s->sites.n);
	return ABCOM_OK;
}

int scan_region(const struct region *r, const struct abcom_hints *hints,
		struct abcom_site **sites, size_t *n, struct abcom_stats *stats)
{
	struct sweep s;
	int err;

	*sites = NULL;
	*n = 0;
	memset(&s, 0, sizeof(s));
	s.r = *r;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &s.cs) != CS_ERR_OK)
		return ABCOM_EDECODER;
	cs_option(s.cs, CS_OPT_DETAIL, CS_OPT_ON);
	s.insn = cs_malloc(s.cs);
	s.scratch = cs_malloc(s.cs);
	err = s.insn && s.scratch ? run(&s, hints) : ABCOM_ENOMEM;

	if (s.insn)
		cs_free(s.insn, 1);
	if (s.scratch)
		cs_free(s.scratch, 1);
	cs_close(&s.cs);
	bitmap_release(&s.starts);
	bitmap_release(&s.targets);
	bitmap_release(&s.hints);
	bitmap_release(&s.conflict);
	abcom_free(s.sites.flags);
	if (err) {
		abcom_free(s.sites.v);
		return err;
	}
	*sites = s.sites.v;
	*n = s.sites.n;
	if (stats)
		*stats = s.stats;
	return ABCOM_OK;
}

int abcom_scan_stats(const uint8_t *code, size_t len, uint64_t vaddr,
		     const struct abcom_hints *hints,
		     struct abcom_site **sites, size_t *n,
		     struct abcom_stats *stats)
{
	size_t budget = ABCOM_WORK_SLACK;
	struct region r = { code, len, vaddr, &budget };

	if (!sites || !n || (!code && len))
		return ABCOM_EINVAL;
	if (len > (SIZE_MAX - ABCOM_WORK_SLACK) / ABCOM_WORK_PER_BYTE)
		return ABCOM_EINVAL;
	budget += len * ABCOM_WORK_PER_BYTE;
	return scan_region(&r, hints, sites, n, stats);
}

int abcom_scan(const uint8_t *code, size_t len, uint64_t vaddr,
	       const struct abcom_hints *hints,
	       struct abcom_site **sites, size_t *n)
{
	return abcom_scan_stats(code, len, vaddr, hints, sites, n, NULL);
}
