// SPDX-License-Identifier: GPL-2.0
/*
 * Classic BPF for the two filters.  libseccomp cannot compare the
 * instruction pointer, which is how guest system calls are told from the
 * LibOS's own, so the programs are written out here; each rule's block
 * returns on every path, so a rule is skipped with one short jump.
 */
#define _GNU_SOURCE
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>

#include <asm/xlibos_hostcalls.h>

#include "diag.h"
#include "hostcall_policy.h"
#include "image.h"
#include "sandbox_filter.h"

#define DATA(field)	offsetof(struct seccomp_data, field)
#define ARG_LO(i)	(DATA(args) + 8 * (i))
#define ARG_HI(i)	(DATA(args) + 8 * (i) + 4)

static bool emit(struct sandbox_filter *f, struct sock_filter insn)
{
	if (f->len >= SANDBOX_FILTER_MAX)
		return false;
	f->insns[f->len++] = insn;
	return true;
}

#define LD(off)		emit(f, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
#define RET(val)	emit(f, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (val)))
#define JEQ(k, t, e)	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (e)))
#define JGE(k, t, e)	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (k), (t), (e)))
#define JSET(k, t, e)	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (k), (t), (e)))

/*
 * Is the call from the hypercall section?  Falls through if so, else
 * jumps to a final "ret @outside" placed right after (5 instructions).
 */
static bool emit_from_hypercalls(struct sandbox_filter *f, const struct image *img,
				 uint32_t outside)
{
	uint32_t hi = (uint32_t)(img->hypercall_start >> 32);
	uint32_t lo = (uint32_t)img->hypercall_start;
	uint32_t end = (uint32_t)img->hypercall_end;

	/* image.c made sure the range does not cross a 4 GiB boundary */
	return LD(DATA(arch)) && JEQ(AUDIT_ARCH_X86_64, 0, 6) &&
	       LD(DATA(instruction_pointer) + 4) && JEQ(hi, 0, 4) &&
	       LD(DATA(instruction_pointer)) && JGE(lo, 0, 2) && JGE(end, 1, 0) &&
	       emit(f, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, 1)) && RET(outside);
}

static uint64_t resolve(uint64_t v, int phys_fd)
{
	return v == XLIBOS_ARG_PHYS_FD ? (uint64_t)phys_fd : v;
}

/* One argument check; on failure "ret @deny".  Falls through on success. */
static bool emit_check(struct sandbox_filter *f, const struct hostcall_check *c,
		       int phys_fd, uint32_t deny)
{
	uint64_t v[3];

	switch (c->kind) {
	case XLIBOS_ARGCHK_ANY:
		return true;
	case XLIBOS_ARGCHK_POSITIVE:
		/* 1 .. INT_MAX: high word 0, sign bit clear, not 0 */
		return LD(ARG_HI(c->arg)) && JEQ(0, 1, 0) && RET(deny) &&
		       LD(ARG_LO(c->arg)) && JSET(0x80000000U, 1, 0) && JEQ(0, 0, 1) &&
		       RET(deny);
	case XLIBOS_ARGCHK_IN:
		for (int i = 0; i < 3; i++)
			v[i] = resolve(c->values[i], phys_fd);
		if ((v[0] >> 32) != (v[1] >> 32) || (v[0] >> 32) != (v[2] >> 32))
			return false;
		return LD(ARG_HI(c->arg)) && JEQ((uint32_t)(v[0] >> 32), 1, 0) && RET(deny) &&
		       LD(ARG_LO(c->arg)) && JEQ((uint32_t)v[0], 3, 0) &&
		       JEQ((uint32_t)v[1], 2, 0) && JEQ((uint32_t)v[2], 1, 0) && RET(deny);
	}
	return false;
}

bool sandbox_filter_policy(const struct image *img, int phys_fd, struct sandbox_filter *f)
{
	const uint32_t notify = SECCOMP_RET_USER_NOTIF;
	bool ok;

	f->len = 0;
	ok = emit_from_hypercalls(f, img, SECCOMP_RET_ALLOW) && LD(DATA(nr));
	for (size_t i = 0; ok && i < hostcall_nrules; i++) {
		const struct hostcall_rule *r = &hostcall_rules[i];
		size_t skip = f->len;

		/* jeq nr: into the block, else over it (offset patched below) */
		ok = JEQ((uint32_t)r->nr, 0, 0) &&
		     emit_check(f, &r->checks[0], phys_fd, notify) &&
		     emit_check(f, &r->checks[1], phys_fd, notify) &&
		     RET(SECCOMP_RET_ALLOW);
		if (ok && f->len - skip - 1 > 255)
			ok = false;
		if (ok)
			f->insns[skip].jf = (uint8_t)(f->len - skip - 1);
	}
	ok = ok && RET(notify);
	if (!ok)
		diag_error("cannot build the host seccomp policy filter");
	return ok;
}

bool sandbox_filter_trap(const struct image *img, struct sandbox_filter *f)
{
	f->len = 0;
	if (emit_from_hypercalls(f, img, SECCOMP_RET_TRAP) && RET(SECCOMP_RET_ALLOW))
		return true;
	diag_error("cannot build the host seccomp trap filter");
	return false;
}
