// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-assembled code: every class, replay windows (patchable whatever the
 * class), branch targets inside and at the edge of a window, numbers that
 * no kernel accepts, and `0f 05` bytes that are not a syscall instruction.
 *
 * A site without a window of its number (REG_NUMBER, OTHER, an EARLIER_IMM
 * whose mov is too far back) is patched through a replay window: the
 * shortest run of whole, straight-line, position independent instructions
 * ending with the syscall and at least 7 bytes long, at most 4 instructions
 * / 32 bytes back.  One displaced rip-relative instruction is allowed (its
 * disp32 is relocated in the trampoline); two are not.  The class and number still say where rax comes from.
 * When no such run exists (a control transfer or the region start comes
 * first) the last resort is a forward window: the instructions before the
 * syscall that a replay window could take, then up to 3 straight-line,
 * position independent instructions after it (no control transfer, no
 * rip-relative operand, no syscall) until it is 7 bytes long (post_len
 * bytes after the syscall).  When that fails too (a control transfer, a
 * rip-relative instruction or the region end right after the syscall) the
 * window is the syscall alone and the verdict is the number's: unknown for
 * REG_NUMBER / OTHER, too far for EARLIER_IMM.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "tests.h"

#define VA 0x401000ull

struct scan {
	struct abcom_site *sites;
	size_t n;
	int err;
};

static struct scan scan_hinted(const uint8_t *code, size_t len,
			       const uint64_t *hints, size_t n_hints)
{
	struct abcom_hints h = { hints, n_hints };
	struct scan s;

	s.err = abcom_scan(code, len, VA, &h, &s.sites, &s.n);
	return s;
}

#define SCAN(...) ({ static const uint8_t c_[] = { __VA_ARGS__ }; \
		     scan_hinted(c_, sizeof(c_), NULL, 0); })

static void show(const struct scan *s)
{
	if (s->err)
		diag("abcom_scan: %s", abcom_strerror(s->err));
	for (size_t i = 0; i < s->n; i++)
		diag("site %#llx class %s nr %lld start %#llx len %u post %u %s%s",
		     (unsigned long long)s->sites[i].addr,
		     abcom_class_name(s->sites[i].cls), (long long)s->sites[i].nr,
		     (unsigned long long)s->sites[i].start, s->sites[i].window_len,
		     s->sites[i].post_len, abcom_reason_text(s->sites[i].reason),
		     s->sites[i].hidden ? " hidden" : "");
}

/* One site expected at offset `at`: class, number, window, post, verdict. */
static void expect_window(const char *desc, struct scan s, unsigned at,
			  enum abcom_class cls, long long nr, unsigned start,
			  unsigned window, unsigned post, enum abcom_reason reason)
{
	const struct abcom_site *x = s.n == 1 ? &s.sites[0] : NULL;
	bool ok = !s.err && x && x->addr == VA + at && x->cls == cls &&
		  x->start == VA + start && x->window_len == window &&
		  x->post_len == post &&
		  x->reason == reason && x->patchable == (reason == ABCOM_R_NONE) &&
		  (nr == -999 || (x->nr_kind == ABCOM_NR_IMM && x->nr == nr));

	if (!check(ok, "%s", desc))
		show(&s);
	abcom_free(s.sites);
}

/* ... whose window ends with the syscall (post_len 0) */
static void expect_one(const char *desc, struct scan s, unsigned at,
		       enum abcom_class cls, long long nr, unsigned start,
		       unsigned window, enum abcom_reason reason)
{
	expect_window(desc, s, at, cls, nr, start, window, 0, reason);
}

/* One patchable site whose rip-relative displacement is at @disp, counting
 * from @end (window offsets). */
static void expect_riprel(const char *desc, struct scan s, unsigned disp,
			  unsigned end)
{
	const struct abcom_site *x = s.n == 1 ? &s.sites[0] : NULL;

	if (!check(!s.err && x && x->patchable && x->riprel_disp == disp &&
		   x->riprel_end == end, "%s", desc))
		show(&s);
	abcom_free(s.sites);
}

static void expect_none(const char *desc, struct scan s)
{
	if (!check(!s.err && s.n == 0, "%s", desc))
		show(&s);
	abcom_free(s.sites);
}

static void classes(void)
{
	expect_one("ADJ_MOV_EAX: mov $39,%eax; syscall",
		   SCAN(0xb8, 39, 0, 0, 0, 0x0f, 0x05, 0xc3),
		   5, ABCOM_ADJ_MOV_EAX, 39, 0, 7, ABCOM_R_NONE);
	expect_one("ADJ_MOV_RAX: mov $15,%rax; syscall (__restore_rt)",
		   SCAN(0x48, 0xc7, 0xc0, 15, 0, 0, 0, 0x0f, 0x05, 0x90),
		   7, ABCOM_ADJ_MOV_RAX, 15, 0, 9, ABCOM_R_NONE);
	expect_one("EARLIER_IMM: mov $231,%eax; xor %edi,%edi; mov %rcx,%r10; syscall",
		   SCAN(0xb8, 231, 0, 0, 0, 0x31, 0xff, 0x49, 0x89, 0xca, 0x0f, 0x05),
		   10, ABCOM_EARLIER_IMM, 231, 0, 12, ABCOM_R_NONE);
	{
		struct scan s = SCAN(0x48, 0x8b, 0x44, 0x24, 0x08, 0x0f, 0x05);
		bool ok = s.n == 1 && s.sites[0].nr_kind == ABCOM_NR_STACK8;

		check(ok, "GO_STACK: the number is [rsp+8], read at run time");
		expect_one("GO_STACK: mov 0x8(%rsp),%rax; syscall", s,
			   5, ABCOM_GO_STACK, -999, 0, 7, ABCOM_R_NONE);
	}
	/* the region start limits these windows to < 7 bytes, and the region
	 * end right after the syscall rules out a forward window */
	expect_one("REG_NUMBER: mov %rdi,%rax; syscall at the region start: "
		   "too short to replay, nothing after it, unpatchable",
		   SCAN(0x48, 0x89, 0xf8, 0x0f, 0x05),
		   3, ABCOM_REG_NUMBER, -999, 3, 2, ABCOM_R_NUMBER_UNKNOWN);
	expect_one("REG_NUMBER: mov %edi,%eax further back: replayed, patchable",
		   SCAN(0x89, 0xf8, 0x48, 0x89, 0xf7, 0x0f, 0x05),
		   5, ABCOM_REG_NUMBER, -999, 0, 7, ABCOM_R_NONE);
	expect_one("OTHER: mov (%rdi),%eax; syscall: too short to replay, "
		   "nothing after it, unpatchable",
		   SCAN(0x8b, 0x07, 0x0f, 0x05),
		   2, ABCOM_OTHER, -999, 2, 2, ABCOM_R_NUMBER_UNKNOWN);
	expect_one("OTHER: xor %eax,%eax; syscall: too short to replay, "
		   "nothing after it, unpatchable",
		   SCAN(0x31, 0xc0, 0x0f, 0x05),
		   2, ABCOM_OTHER, -999, 2, 2, ABCOM_R_NUMBER_UNKNOWN);
	expect_one("OTHER: syscall first in the region (nothing known, nothing "
		   "to replay, a ret after it)",
		   SCAN(0x0f, 0x05, 0xc3),
		   0, ABCOM_OTHER, -999, 0, 2, ABCOM_R_NUMBER_UNKNOWN);
	expect_one("OTHER: mov $1,%al only sets the low byte (too short to "
		   "replay, nothing after it)",
		   SCAN(0xb0, 1, 0x0f, 0x05),
		   2, ABCOM_OTHER, -999, 2, 2, ABCOM_R_NUMBER_UNKNOWN);
	expect_one("OTHER: mov $1,%al after a 5-byte mov: replayed, patchable",
		   SCAN(0xbf, 1, 0, 0, 0, 0xb0, 1, 0x0f, 0x05),
		   7, ABCOM_OTHER, -999, 0, 9, ABCOM_R_NONE);
}

static void dataflow(void)
{
	expect_one("an intervening mov %edi,%eax overrides the immediate "
		   "(REG_NUMBER; replayed from the mov $39: patchable)",
		   SCAN(0xb8, 39, 0, 0, 0, 0x89, 0xf8, 0x0f, 0x05),
		   7, ABCOM_REG_NUMBER, -999, 0, 9, ABCOM_R_NONE);
	expect_one("lock cmpxchg between (implicit eax write) hides the number "
		   "(OTHER; the 5-byte cmpxchg replayed: patchable)",
		   SCAN(0xb8, 39, 0, 0, 0, 0xf0, 0x48, 0x0f, 0xb1, 0x0f, 0x0f, 0x05),
		   10, ABCOM_OTHER, -999, 5, 7, ABCOM_R_NONE);
	expect_one("cltq between (implicit rax write) hides the number "
		   "(OTHER; replayed from the mov $39: patchable)",
		   SCAN(0xb8, 39, 0, 0, 0, 0x48, 0x98, 0x0f, 0x05),
		   7, ABCOM_OTHER, -999, 0, 9, ABCOM_R_NONE);
	expect_one("a conditional jump between ends the block (nothing to "
		   "replay, nothing after it: unpatchable)",
		   SCAN(0xb8, 39, 0, 0, 0, 0x74, 0x00, 0x0f, 0x05),
		   7, ABCOM_OTHER, -999, 7, 2, ABCOM_R_NUMBER_UNKNOWN);
	expect_one("test %eax,%eax between only reads eax",
		   SCAN(0xb8, 39, 0, 0, 0, 0x85, 0xc0, 0x0f, 0x05),
		   7, ABCOM_EARLIER_IMM, 39, 0, 9, ABCOM_R_NONE);
	expect_one("EARLIER_IMM with a rip-relative load between: displaced, "
		   "the displacement relocated",
		   SCAN(0xb8, 231, 0, 0, 0, 0x48, 0x8b, 0x3d, 0, 0, 0, 0, 0x0f, 0x05),
		   12, ABCOM_EARLIER_IMM, 231, 0, 14, ABCOM_R_NONE);
	expect_riprel("... its disp32 at window offset 8, relative to offset 12",
		      SCAN(0xb8, 231, 0, 0, 0, 0x48, 0x8b, 0x3d, 0, 0, 0, 0,
			   0x0f, 0x05), 8, 12);
	expect_one("EARLIER_IMM with two rip-relative instructions between: "
		   "unpatchable",
		   SCAN(0xb8, 231, 0, 0, 0, 0x48, 0x8b, 0x3d, 0, 0, 0, 0,
			0x48, 0x8d, 0x35, 0, 0, 0, 0, 0x0f, 0x05),
		   19, ABCOM_EARLIER_IMM, 231, 0, 21, ABCOM_R_RIP_RELATIVE);
	expect_one("EARLIER_IMM with 5 instructions between: number kept, mov "
		   "too far back, the last 2 replayed: patchable",
		   SCAN(0xb8, 1, 0, 0, 0, 0x31, 0xff, 0x31, 0xf6, 0x31, 0xd2,
			0x45, 0x31, 0xd2, 0x45, 0x31, 0xc0, 0x0f, 0x05),
		   17, ABCOM_EARLIER_IMM, 1, 11, 8, ABCOM_R_NONE);
	/* 4 one-byte pushes + the syscall are 6 bytes: no replay window, and
	 * the region ends after the syscall: no forward window */
	expect_one("EARLIER_IMM 5 back over 4 one-byte insns: too far, nothing "
		   "to replay within 4 insns, nothing after it",
		   SCAN(0xb8, 1, 0, 0, 0, 0x56, 0x57, 0x52, 0x51, 0x0f, 0x05),
		   9, ABCOM_EARLIER_IMM, 1, 9, 2, ABCOM_R_TOO_FAR);
	expect_one("EARLIER_IMM 4 instructions back (3 between): patchable",
		   SCAN(0xb8, 1, 0, 0, 0, 0x31, 0xff, 0x31, 0xf6, 0x31, 0xd2,
			0x0f, 0x05),
		   11, ABCOM_EARLIER_IMM, 1, 0, 13, ABCOM_R_NONE);
	expect_one("mov $imm,%eax in the c7 c0 encoding, adjacent: EARLIER_IMM",
		   SCAN(0xc7, 0xc0, 39, 0, 0, 0, 0x0f, 0x05),
		   6, ABCOM_EARLIER_IMM, 39, 0, 8, ABCOM_R_NONE);
}

static void replay(void)
{
	expect_one("xor %eax,%eax; syscall right after a branch: too short to "
		   "replay, nothing after it, unpatchable",
		   SCAN(0x48, 0x85, 0xff, 0x74, 0x00, 0x31, 0xc0, 0x0f, 0x05),
		   7, ABCOM_OTHER, -999, 7, 2, ABCOM_R_NUMBER_UNKNOWN);
	expect_one("mov $1,%edi; xor %eax,%eax; syscall: 9-byte replay window, "
		   "patchable",
		   SCAN(0xbf, 1, 0, 0, 0, 0x31, 0xc0, 0x0f, 0x05),
		   7, ABCOM_OTHER, -999, 0, 9, ABCOM_R_NONE);
	expect_one("the replay window may start at a branch target: patchable",
		   SCAN(0x74, 0x00, 0xbf, 1, 0, 0, 0, 0x31, 0xc0, 0x0f, 0x05),
		   9, ABCOM_OTHER, -999, 2, 9, ABCOM_R_NONE);
	/* jmp back onto the xor at offset 5 (glibc's _exit loop shape) */
	expect_one("replay window with a branch target inside its first 7 "
		   "bytes: unpatchable",
		   SCAN(0xbf, 1, 0, 0, 0, 0x31, 0xc0, 0x0f, 0x05, 0xeb, 0xfa),
		   7, ABCOM_OTHER, -999, 0, 9, ABCOM_R_BRANCH_TARGET);
	/* boundaries 0, 5, 7, 9; jmp back onto the xor at offset 7 */
	expect_one("replay window with a branch target past its first 7 bytes: "
		   "patchable",
		   SCAN(0xbf, 1, 0, 0, 0, 0x89, 0xf2, 0x31, 0xc0, 0x0f, 0x05,
			0xeb, 0xfa),
		   9, ABCOM_OTHER, -999, 0, 11, ABCOM_R_NONE);
	expect_one("replay window displacing a rip-relative lea: relocated, "
		   "patchable",
		   SCAN(0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0x89, 0xd0, 0x0f, 0x05),
		   9, ABCOM_REG_NUMBER, -999, 0, 11, ABCOM_R_NONE);
	expect_riprel("... its disp32 at window offset 3, relative to offset 7",
		      SCAN(0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0x89, 0xd0, 0x0f, 0x05),
		      3, 7);
	expect_one("a rip-relative lea before the shortest replay window does "
		   "not matter",
		   SCAN(0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0xba, 60, 0, 0, 0, 0x89, 0xd0,
			0x0f, 0x05),
		   14, ABCOM_REG_NUMBER, -999, 7, 9, ABCOM_R_NONE);
	/* mov %edi,%eax then 4 one-byte pushes: 6 bytes in 4 insns (and
	 * nothing after the syscall for a forward window) */
	expect_one("REG_NUMBER needing a 5th instruction to reach 7 bytes: "
		   "unpatchable",
		   SCAN(0x89, 0xf8, 0x56, 0x57, 0x52, 0x51, 0x0f, 0x05),
		   6, ABCOM_REG_NUMBER, -999, 6, 2, ABCOM_R_NUMBER_UNKNOWN);
	{
		static const uint8_t c[] = { 0xbf, 1, 0, 0, 0, 0x31, 0xc0,
					     0x0f, 0x05 };
		uint64_t h = VA + 5;   /* a symbol at the xor */

		expect_one("a symbol inside the first 7 bytes of a replay "
			   "window counts as a target",
			   scan_hinted(c, sizeof(c), &h, 1), 7, ABCOM_OTHER,
			   -999, 0, 9, ABCOM_R_BRANCH_TARGET);
	}
}

/*
 * glibc's read: test %edi,%edi; je L; xor %eax,%eax; syscall;
 * cmp $-0x1000,%rax; ja L; ret; L: ret.  The je ends the block 4 bytes
 * before the end of the syscall, so the window runs on over the cmp.
 */
static const uint8_t glibc_read[] = {
	0x85, 0xff, 0x74, 0x0d, 0x31, 0xc0, 0x0f, 0x05,
	0x48, 0x3d, 0x00, 0xf0, 0xff, 0xff, 0x77, 0x01, 0xc3, 0xc3,
};

/*
 * Plan the one site of code[0..len) with `slot` and check the patch
 * against the code; returns NULL or what is wrong.  *out gets the patch.
 */
static const char *plan_one(const uint8_t *code, size_t len, uint32_t slot,
			    struct abcom_patch *out)
{
	uint8_t buf[64];
	struct abcom_site *sites;
	const char *err = NULL;
	size_t n;
	int perr;

	if (len > sizeof(buf))
		return "code too long";
	memcpy(buf, code, len);
	if (abcom_scan(buf, len, VA, NULL, &sites, &n) || n != 1)
		return "scan did not find exactly one site";
	perr = abcom_plan(&sites[0], slot, out);
	if (perr)
		err = abcom_strerror(perr);
	else
		err = verify_patch(&sites[0], out, buf, len, VA);
	abcom_free(sites);
	return err;
}

static void forward(void)
{
	expect_window("glibc's read (je; xor %eax,%eax; syscall; cmp): forward "
		      "window from the xor, 6 bytes after the syscall, patchable",
		      scan_hinted(glibc_read, sizeof(glibc_read), NULL, 0),
		      6, ABCOM_OTHER, -999, 4, 10, 6, ABCOM_R_NONE);
	{
		struct abcom_patch p;
		const char *err = plan_one(glibc_read, sizeof(glibc_read),
					   abcom_slot_region_base(0) + 0x40, &p);
		bool ok = !err && p.addr == VA + 4 && p.displaced_len == 2 &&
			  memcmp(p.displaced, glibc_read + 4, 2) == 0 &&
			  p.resume_addr == VA + 8 && p.post_len == 6 &&
			  memcmp(p.post, glibc_read + 8, 6) == 0 &&
			  p.continue_addr == VA + 14;

		if (err)
			diag("%s", err);
		check(ok, "forward window plan: displaced = the xor, post = the "
		      "cmp, continue at start + 10");
	}
	/* test %edi,%edi; je L; xor %eax,%eax; syscall; ret; L: ret */
	expect_one("xor %eax,%eax; syscall; ret after a branch: a control "
		   "transfer after the syscall, unpatchable",
		   SCAN(0x85, 0xff, 0x74, 0x03, 0x31, 0xc0, 0x0f, 0x05, 0xc3, 0xc3),
		   6, ABCOM_OTHER, -999, 6, 2, ABCOM_R_NUMBER_UNKNOWN);
	expect_one("xor %eax,%eax; syscall; mov 0x10(%rip),%rdx: a rip-relative "
		   "instruction after the syscall, unpatchable",
		   SCAN(0x31, 0xc0, 0x0f, 0x05, 0x48, 0x8b, 0x15, 0x10, 0, 0, 0,
			0xc3),
		   2, ABCOM_OTHER, -999, 2, 2, ABCOM_R_NUMBER_UNKNOWN);
	/* syscall first; 5 one-byte pushes after it would be needed */
	expect_one("a forward window needing a 4th instruction after the "
		   "syscall: unpatchable",
		   SCAN(0x0f, 0x05, 0x56, 0x57, 0x52, 0x51, 0x50, 0xc3),
		   0, ABCOM_OTHER, -999, 0, 2, ABCOM_R_NUMBER_UNKNOWN);
	expect_window("a forward window over 3 one-byte instructions after the "
		      "syscall: patchable",
		      SCAN(0x31, 0xc0, 0x0f, 0x05, 0x56, 0x57, 0x52, 0xc3),
		      2, ABCOM_OTHER, -999, 0, 7, 3, ABCOM_R_NONE);
	/* test %edi,%edi; jne L; xor %eax,%eax; syscall; L: cmp ...; ret */
	expect_window("a forward window whose instruction after the syscall is "
		      "a branch target (inside the first 7 bytes): unpatchable",
		      SCAN(0x85, 0xff, 0x75, 0x04, 0x31, 0xc0, 0x0f, 0x05,
			   0x48, 0x3d, 0x00, 0xf0, 0xff, 0xff, 0xc3),
		      6, ABCOM_OTHER, -999, 4, 10, 6, ABCOM_R_BRANCH_TARGET);
	{
		/* test %edi,%edi; je L; mov %rdi,%rax; syscall;
		 * test %rax,%rax; ret; L: ret: boundaries 0, 3, 5 */
		static const uint8_t c[] = { 0x85, 0xff, 0x74, 0x09, 0x48, 0x89,
					     0xf8, 0x0f, 0x05, 0x48, 0x85, 0xc0,
					     0xc3, 0xc3 };
		struct abcom_patch p;
		const char *err;

		expect_window("REG_NUMBER forward window: mov %rdi,%rax; syscall; "
			      "test %rax,%rax after a je, patchable",
			      scan_hinted(c, sizeof(c), NULL, 0), 7,
			      ABCOM_REG_NUMBER, -999, 4, 8, 3, ABCOM_R_NONE);
		/* slot byte 2 = 0x10 (adc) at offset 5: a replay window would
		 * refuse it, a forward window never resumes at the old bytes */
		err = plan_one(c, sizeof(c), 0x00100000, &p);
		if (err)
			diag("%s", err);
		check(!err && p.post_len == 3 && p.continue_addr == VA + 12 &&
		      !abcom_byte_is_invalid_opcode(p.new_bytes[5]),
		      "a forward window plans with slot 0x100000 (valid opcode "
		      "at its boundary 5)");
	}
	{
		/* nopl 0(%rax,%rax); L: mov %rdx,%rax; syscall; jmp L
		 * (musl's pthread_exit): a replay window would start at the
		 * nopl with L inside its 7 bytes */
		static const uint8_t c[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00, 0x48,
					     0x89, 0xd0, 0x0f, 0x05, 0xeb, 0xf9 };
		static const uint8_t jmp_l[] = { 0xff, 0x25, 0, 0, 0, 0 };
		struct abcom_patch p;
		const char *err;
		uint64_t to;

		expect_window("a loop back into the replay window's 7 bytes: a "
			      "loop window from L through the jmp, patchable",
			      scan_hinted(c, sizeof(c), NULL, 0), 8,
			      ABCOM_REG_NUMBER, -999, 5, 7, 2, ABCOM_R_NONE);
		err = plan_one(c, sizeof(c), 0x00100000, &p);
		if (err)
			diag("%s", err);
		memcpy(&to, p.post + sizeof(jmp_l), sizeof(to));
		check(!err && p.post_len == sizeof(jmp_l) + 8 &&
		      !memcmp(p.post, jmp_l, sizeof(jmp_l)) && to == VA + 5,
		      "... its trampoline jumps back to L (jmp *0(%%rip); .quad L) "
		      "instead of replaying the jmp");
	}
	/* jmp L with L two instructions back, 6 bytes in all: too short */
	expect_window("a loop window shorter than 7 bytes: unpatchable",
		      SCAN(0x89, 0xd0, 0x0f, 0x05, 0xeb, 0xfa),
		      2, ABCOM_REG_NUMBER, -999, 2, 2, 0,
		      ABCOM_R_NUMBER_UNKNOWN);
}

static void numbers(void)
{
	expect_one("x32 number (0x40000000 | 39) recorded as is",
		   SCAN(0xb8, 39, 0, 0, 0x40, 0x0f, 0x05),
		   5, ABCOM_ADJ_MOV_EAX, 0x40000027, 0, 7, ABCOM_R_NONE);
	expect_one("out-of-range number 1000 recorded",
		   SCAN(0xb8, 0xe8, 0x03, 0, 0, 0x0f, 0x05),
		   5, ABCOM_ADJ_MOV_EAX, 1000, 0, 7, ABCOM_R_NONE);
	expect_one("mov $0xffffffff,%eax zero-extends: 4294967295",
		   SCAN(0xb8, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x05),
		   5, ABCOM_ADJ_MOV_EAX, 4294967295LL, 0, 7, ABCOM_R_NONE);
	expect_one("mov $-1,%rax sign-extends: -1",
		   SCAN(0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x05),
		   7, ABCOM_ADJ_MOV_RAX, -1, 0, 9, ABCOM_R_NONE);
}

static void branch_targets(void)
{
	/* je +5 lands on the syscall at 7, inside the 7 patched bytes */
	expect_one("syscall that is a branch target inside the patch: unpatchable",
		   SCAN(0x74, 0x05, 0xb8, 39, 0, 0, 0, 0x0f, 0x05),
		   7, ABCOM_ADJ_MOV_EAX, 39, 2, 7, ABCOM_R_BRANCH_TARGET);
	expect_one("branch target at the window start: patchable",
		   SCAN(0x74, 0x00, 0xb8, 39, 0, 0, 0, 0x0f, 0x05),
		   7, ABCOM_ADJ_MOV_EAX, 39, 2, 7, ABCOM_R_NONE);
	expect_one("a later jump back to the syscall: unpatchable",
		   SCAN(0xb8, 39, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xfc),
		   5, ABCOM_ADJ_MOV_EAX, 39, 0, 7, ABCOM_R_BRANCH_TARGET);
	/* __restore_rt shape: the syscall at +7 is not rewritten, so a jump
	 * there runs the real instruction (slow path) */
	expect_one("ADJ_MOV_RAX whose syscall is a target: patch does not cover it",
		   SCAN(0x74, 0x07, 0x48, 0xc7, 0xc0, 15, 0, 0, 0, 0x0f, 0x05),
		   9, ABCOM_ADJ_MOV_RAX, 15, 2, 9, ABCOM_R_NONE);
	expect_one("EARLIER_IMM with a target on an instruction inside the patch",
		   SCAN(0x74, 0x05, 0xb8, 231, 0, 0, 0, 0x31, 0xff, 0x49, 0x89, 0xca,
			0x0f, 0x05),
		   12, ABCOM_EARLIER_IMM, 231, 2, 12, ABCOM_R_BRANCH_TARGET);
	expect_one("EARLIER_IMM with a target past the 7 patched bytes: patchable",
		   SCAN(0x74, 0x07, 0xb8, 231, 0, 0, 0, 0x31, 0xff, 0x49, 0x89, 0xca,
			0x0f, 0x05),
		   12, ABCOM_EARLIER_IMM, 231, 2, 12, ABCOM_R_NONE);
	expect_one("a jump into the middle of the mov: decode disagreement",
		   SCAN(0x74, 0x01, 0xb8, 39, 0, 0, 0, 0x0f, 0x05),
		   7, ABCOM_ADJ_MOV_EAX, 39, 2, 7, ABCOM_R_DECODE_CONFLICT);
	{
		static const uint8_t c[] = { 0xb8, 39, 0, 0, 0, 0x0f, 0x05 };
		uint64_t h = VA + 5;   /* a symbol at the syscall */

		expect_one("a symbol at the syscall counts as a target",
			   scan_hinted(c, sizeof(c), &h, 1), 5, ABCOM_ADJ_MOV_EAX,
			   39, 0, 7, ABCOM_R_BRANCH_TARGET);
	}
}

static void false_positives(void)
{
	expect_none("0f 05 inside a call rel32 displacement is not a syscall",
		    SCAN(0xe8, 0x0f, 0x05, 0, 0, 0xc3));
	expect_none("0f 05 inside a mov imm32 is not a syscall",
		    SCAN(0xb8, 0x0f, 0x05, 0, 0, 0xc3));
	expect_none("0f 05 inside a jbe rel32 is not a syscall",
		    SCAN(0x0f, 0x86, 0x0f, 0x05, 0, 0, 0xc3));
	expect_none("0f 05 as SIB + disp8 of a lea is not a syscall",
		    SCAN(0x48, 0x8d, 0x44, 0x0f, 0x05, 0xc3));
	expect_none("0f 05 inside a movabs imm64 is not a syscall",
		    SCAN(0x48, 0xb8, 0xb8, 39, 0, 0, 0, 0x0f, 0x05, 0x90, 0xc3));
	expect_none("a syscall cut by the region end is not reported",
		    SCAN(0x90, 0x0f));
	expect_none("0f 05 after an EVEX instruction Capstone 4 lacks",
		    SCAN(0x62, 0xf3, 0x7d, 0x20, 0x3f, 0x0f, 0x05, 0xc3));
}

static void resync(void)
{
	static const uint8_t c[] = { 0x48, 0xb8, 0xb8, 39, 0, 0, 0, 0x0f, 0x05,
				     0x90, 0xc3 };
	uint64_t h = VA + 2;

	expect_one("a symbol inside a movabs: found from the symbol, not patched",
		   scan_hinted(c, sizeof(c), &h, 1), 7, ABCOM_ADJ_MOV_EAX, 39, 2, 7,
		   ABCOM_R_DECODE_CONFLICT);
	expect_one("undecodable bytes are skipped and the sweep resynchronises",
		   SCAN(0x06, 0x06, 0xb8, 39, 0, 0, 0, 0x0f, 0x05),
		   7, ABCOM_ADJ_MOV_EAX, 39, 2, 7, ABCOM_R_NONE);
	{
		/* jmp +1 over the b8 into "nop; syscall" hidden in the imm32 */
		struct scan s = SCAN(0xeb, 0x01, 0xb8, 0x90, 0x0f, 0x05, 0x90, 0xc3);
		bool ok = !s.err && s.n == 1 && s.sites[0].hidden &&
			  s.sites[0].addr == VA + 4 && !s.sites[0].patchable &&
			  s.sites[0].reason == ABCOM_R_DECODE_CONFLICT;

		if (!check(ok, "a syscall reachable only through a misaligned jump "
			   "is reported as hidden and unpatchable"))
			show(&s);
		abcom_free(s.sites);
	}
	{
		struct abcom_stats st;
		struct abcom_site *sites;
		size_t n;
		static const uint8_t c2[] = { 0xc5, 0xfb, 0x93, 0xc0, 0xb8, 39, 0, 0,
					      0, 0x0f, 0x05 };
		int err = abcom_scan_stats(c2, sizeof(c2), VA, NULL, &sites, &n, &st);

		check(!err && n == 1 && sites[0].addr == VA + 9 &&
		      sites[0].cls == ABCOM_ADJ_MOV_EAX && st.length_only == 1 &&
		      st.bad_bytes == 0,
		      "kmovd (unknown to Capstone 4) is stepped over by length");
		abcom_free(sites);
	}
	{
		struct abcom_site *sites = (void *)1;
		size_t n = 1;

		check(abcom_scan(NULL, 0, VA, NULL, &sites, &n) == ABCOM_OK &&
		      n == 0 && sites == NULL, "an empty region has no sites");
	}
}

void test_synthetic(void)
{
	classes();
	dataflow();
	replay();
	forward();
	numbers();
	branch_targets();
	false_positives();
	resync();
}
