/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces of the abcom core (not installed). */
#ifndef ABCOM_INTERNAL_H
#define ABCOM_INTERNAL_H

#include <capstone/capstone.h>
#include "abcom.h"

/* --- alloc.c ----------------------------------------------------------- */
void *abcom_realloc(void *ptr, size_t size);

/* --- bitmap.c: one bit per byte of the region -------------------------- */
struct bitmap {
	uint64_t *words;
	size_t nbits;
};
int bitmap_init(struct bitmap *bm, size_t nbits);
void bitmap_release(struct bitmap *bm);
static inline void bitmap_set(struct bitmap *bm, size_t i)
{
	bm->words[i / 64] |= (uint64_t)1 << (i % 64);
}
static inline bool bitmap_test(const struct bitmap *bm, size_t i)
{
	return (bm->words[i / 64] >> (i % 64)) & 1;
}
/* First set bit in [from, to), or `to` if none. */
size_t bitmap_next(const struct bitmap *bm, size_t from, size_t to);

/* --- decode.c: what the scanner needs to know about one instruction ---- */

/* How an instruction affects rax (and its parts eax, ax, al, ah). */
enum rax_effect {
	RAX_NONE,        /* provably leaves rax alone */
	RAX_IMM,         /* mov $imm,%eax / %rax: value known */
	RAX_REG,         /* mov %reg,%eax / %rax (or movslq) */
	RAX_OTHER,       /* writes it otherwise, or might (not on our list) */
};

struct insn_facts {
	bool control;        /* may not fall through to the next instruction */
	bool is_syscall;
	bool has_target;     /* direct jmp/jcc/call/loop: target below */
	bool rip_relative;   /* uses a rip-relative memory operand */
	uint8_t disp_offset; /* of its displacement in the instruction ... */
	uint8_t disp_size;   /* ... and its size, if rip_relative */
	uint64_t target;
	enum rax_effect rax;
	int64_t imm;         /* value rax gets, for RAX_IMM */
};

/* Fill facts for a decoded instruction (needs CS_OPT_DETAIL). */
void decode_facts(const cs_insn *insn, struct insn_facts *f);
/* Only the parts needed on every instruction of the sweep (cheap). */
void decode_flow(const cs_insn *insn, struct insn_facts *f);

/* --- length_fallback.c ------------------------------------------------ */
/* Length of an instruction Capstone 4 does not know, or 0. */
size_t fallback_length(const uint8_t *p, size_t left);

/* --- history.c: the last instructions of the current straight run ------ */
#define HISTORY_MAX 16
struct history {
	uint64_t addr[HISTORY_MAX];   /* ring, oldest first from `head` */
	uint8_t size[HISTORY_MAX];
	bool control[HISTORY_MAX];
	unsigned head, count;
};
static inline void history_reset(struct history *h) { h->head = h->count = 0; }
void history_push(struct history *h, uint64_t addr, uint8_t size, bool control);
/* k = 1 is the most recent instruction; returns false if not remembered. */
bool history_get(const struct history *h, unsigned k, uint64_t *addr,
		 uint8_t *size, bool *control);

/* --- classify.c -------------------------------------------------------- */
struct region {
	const uint8_t *code;
	size_t len;
	uint64_t vaddr;
	size_t *budget;		/* decodes left (abcom.h's work limit) */
};

/* One decode more of the work limit's; it only runs down to 0, where
 * the sweep stops with ABCOM_ELIMIT. */
static inline void work_spend(const struct region *r)
{
	if (*r->budget)
		(*r->budget)--;
}
/*
 * Fill class, number, window and bounds of a site for the syscall `sys`,
 * looking back over `hist` (the instructions right before it), and set
 * CLASSIFY_* flags for scan.c to judge patchability.
 */
#define CLASSIFY_RIPREL  1u   /* a displaced instruction is rip-relative,
				 and its displacement cannot be relocated */
#define CLASSIFY_TOO_FAR 2u   /* the mov $imm is too far back to displace */
#define CLASSIFY_REPLAY  4u   /* a window replayed without knowing the number */
#define CLASSIFY_FORWARD 8u   /* ... that runs past the syscall */
void classify_site(csh cs, cs_insn *scratch, const struct region *r,
		   const struct history *hist, const cs_insn *sys,
		   struct abcom_site *site, unsigned *flags);

/* --- site vector (scan.c) ---------------------------------------------- */
struct site_vec {
	struct abcom_site *v;
	size_t n, cap;
	uint8_t *flags;   /* parallel: CLASSIFY_* */
};
int site_vec_push(struct site_vec *sv, const struct abcom_site *s, unsigned flags);

/* --- sort.c: sites by addr, in place, O(n log n) whatever the order ---- */
void sort_sites_by_addr(struct abcom_site *v, size_t n);

/* --- scan.c: one region under a caller's work limit ------------------ */
int scan_region(const struct region *r, const struct abcom_hints *hints,
		struct abcom_site **sites, size_t *n, struct abcom_stats *stats);

/* --- sweep.c ----------------------------------------------------------- */
struct sweep {
	csh cs;
	cs_insn *insn;           /* the instruction being swept */
	cs_insn *scratch;        /* for looking back at earlier ones */
	struct region r;
	struct bitmap starts;    /* instruction starts found by the sweep */
	struct bitmap targets;   /* direct branch targets */
	struct bitmap hints;     /* caller's known instruction starts */
	struct bitmap conflict;  /* bytes decoded two different ways */
	struct site_vec sites;
	struct abcom_stats stats;
};
int sweep_linear(struct sweep *s);
int sweep_misaligned_targets(struct sweep *s);

#endif /* ABCOM_INTERNAL_H */
