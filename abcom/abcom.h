/* SPDX-License-Identifier: GPL-2.0 */
/*
 * abcom: find `syscall` instructions in x86-64 code and plan rewriting them
 * into jumps into the LibOS.
 *
 * The core (this header) is pure: bytes in, sites and plans out.  It does no
 * I/O and calls no libc function except memcpy/memset; memory comes from the
 * allocator hooks below, so the same code can be linked into the freestanding
 * LibOS.  The ELF front end (abcom_elf.h) is the hosted part.
 *
 * Decoding uses Capstone from known instruction boundaries (region start,
 * symbol starts, the ELF entry) with a linear sweep; it never byte-scans for
 * `0f 05`.
 *
 * The rewrite (gVisor-style, red-zone safe): the first 7 bytes of a site's
 * window become `ff 24 25 <slot_addr>` = `jmp *slot_addr`, an indirect jump
 * through a 64-bit pointer at an absolute address below 2 GiB.  Each site
 * gets its own slot and trampoline.  Nothing is pushed: the 128-byte red zone
 * below %rsp stays intact (a `call` would clobber it).
 *
 * Trampoline contract (built by the LibOS from struct abcom_patch):
 *
 *   tramp + 0                 the displaced bytes, verbatim: every instruction
 *                             of the window before the `syscall` (they are
 *                             checked to be position independent), so that
 *                             offset b of the window is offset b of the
 *                             trampoline;
 *   tramp + syscall_off       the syscall entry: rcx = resume_addr (what the
 *                             real instruction leaves in rcx), r11 = rflags,
 *                             number taken from rax as the displaced code
 *                             left it; returns to resume_addr.
 *
 * Because the displaced code is replayed, the number needs no special
 * handling: for ABCOM_GO_STACK the replayed `mov 0x8(%rsp),%rax` loads it,
 * and the jmp does not move %rsp.  site->nr is metadata (the LibOS may
 * specialise rt_sigreturn, vfork, clone, ...).
 *
 * Traps: a thread can resume at an original instruction boundary b inside
 * the rewritten bytes (0 < b < 7).  When the kernel restarts a syscall with
 * rip -= 2 onto the old `syscall` (b = 5 or 6), abcom_plan() makes sure
 * the new byte there is an opcode invalid in 64-bit mode, so the thread
 * takes #UD (SIGILL, si_addr = site + b) instead of running garbage; the
 * LibOS then resumes it at tramp + b: the entry, with the restart number in
 * rax (which also handles restart_syscall).  Slot addresses from
 * abcom_slot_region_base() always satisfy this.  A thread stopped at any
 * other boundary (preempted between two displaced instructions, or with
 * that address in a signal frame) is the LibOS's to move to tramp + b when
 * it patches, and on rt_sigreturn.
 */
#ifndef ABCOM_H
#define ABCOM_H

#ifdef __KERNEL__
#include <linux/types.h>	/* the LibOS build (arch-xlibos/kernel) */
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

/*
 * Changes whenever the sites abcom finds or accepts may change: site
 * tables computed by another version (the loader's cache, tables handed
 * to the LibOS) are not used.
 */
#define ABCOM_VERSION 7

/* --- results and errors ------------------------------------------------ */

#define ABCOM_OK             0
#define ABCOM_ENOMEM        -1  /* allocator returned NULL */
#define ABCOM_EDECODER      -2  /* Capstone could not be opened */
#define ABCOM_EINVAL        -3  /* bad argument */
#define ABCOM_ENOTPATCHABLE -4  /* abcom_plan() on an unpatchable site */
#define ABCOM_ESLOT         -5  /* slot address unusable for this site */
#define ABCOM_EREFUSED      -6  /* an ELF file abcom will not decode (see
				   abcom_elf_exec_ranges()) */
#define ABCOM_ELIMIT        -7  /* the work limit ran out */

const char *abcom_strerror(int err);

/* --- memory ------------------------------------------------------------ */

/*
 * All allocations of the core go through these hooks.  The hosted library
 * defaults to malloc/realloc/free (alloc_libc.c); a freestanding user links
 * its own `abcom_default_allocator` or calls abcom_set_allocator() first.
 * Capstone has its own hook (cs_option(0, CS_OPT_MEM, ...)), set separately.
 */
struct abcom_allocator {
	void *(*realloc)(void *ctx, void *ptr, size_t size); /* size 0: free */
	void *ctx;
};

extern const struct abcom_allocator abcom_default_allocator;
void abcom_set_allocator(const struct abcom_allocator *a);
void abcom_free(void *ptr);     /* frees arrays returned by abcom_scan() */

/* --- scanning ---------------------------------------------------------- */

/*
 * A site's class is the shape of the straight-line code before the syscall
 * (classify.c walks back up to 16 instructions, stopping at a control
 * transfer).  Patchability is decided separately (enum abcom_reason):
 * branch targets, decode conflicts and distance limits make a site of a
 * patchable class stay on the slow path without changing its class, so the
 * counts describe the code and the verdict describes what abcom dares.
 */
enum abcom_class {
	ABCOM_ADJ_MOV_EAX,   /* b8 imm32 0f 05                           7 bytes */
	ABCOM_ADJ_MOV_RAX,   /* 48 c7 c0 imm32 0f 05 (__restore_rt)      9 bytes */
	ABCOM_EARLIER_IMM,   /* mov $imm,%eax/%rax earlier in the block         */
	ABCOM_GO_STACK,      /* 48 8b 44 24 08 0f 05 (Go: mov 0x8(%rsp),%rax)   */
	ABCOM_REG_NUMBER,    /* mov %reg,%eax/%rax earlier in the block         */
	ABCOM_OTHER,         /* memory, xor, computed, unknown                  */
	ABCOM_NCLASSES
};

/* Where the syscall number comes from. */
enum abcom_nr_kind {
	ABCOM_NR_UNKNOWN,
	ABCOM_NR_IMM,        /* site->nr holds the value rax has at the syscall */
	ABCOM_NR_STACK8,     /* loaded from 8(%rsp) just before (Go)            */
	ABCOM_NR_REG,        /* copied from another register                    */
};

/* Why a site stays on the slow path. */
enum abcom_reason {
	ABCOM_R_NONE,            /* patchable */
	ABCOM_R_NUMBER_UNKNOWN,  /* class REG_NUMBER / OTHER, and no replay
				    window either (see below) */
	ABCOM_R_BRANCH_TARGET,   /* a branch target or symbol inside the 7
				    rewritten bytes (not at their first) */
	ABCOM_R_DECODE_CONFLICT, /* another decoding overlaps the window, or a
				    target lands inside one of its insns */
	ABCOM_R_TOO_SHORT,       /* window shorter than the 7-byte jmp */
	ABCOM_R_RIP_RELATIVE,    /* a displaced instruction is rip-relative */
	ABCOM_R_TOO_FAR,         /* the mov $imm is > 4 insns / 32 bytes back */
	ABCOM_NREASONS
};

#define ABCOM_JMP_LEN      7   /* ff 24 25 disp32 */
#define ABCOM_MAX_WINDOW  48   /* 32 bytes back + a syscall (<= 15 bytes) */
#define ABCOM_MAX_BOUNDS   8

/*
 * The window is [start, addr + syscall_len): for the immediate and Go
 * classes it runs from the instruction that sets the number through the
 * syscall (these are the instructions the trampoline replays).  Any other
 * site, or one whose mov is too far back, gets a "replay window" when it
 * can: the shortest run of whole straight-line, position-independent
 * instructions ending with the syscall that is at least 7 bytes long (at
 * most 4 instructions / 32 bytes); the number need not be known, since the
 * trampoline replays them verbatim.  Otherwise the window is the syscall
 * alone.  As a last resort a "forward window" also takes the straight-line,
 * position-independent instructions right after the syscall (post_len
 * bytes, at most 3 instructions) until it is 7 bytes long: the trampoline
 * replays them after the call and jumps back to the window's end.  The
 * LibOS must then return from the call into the trampoline, so that a
 * restart (rip - 2) lands there too, and move threads stopped at a
 * boundary inside the 7 bytes (including right after the old syscall).
 * A "loop window" is a forward window `L: ...; syscall; jmp L` starting at
 * L, whose jmp the trampoline does not replay but turns into an absolute
 * jump to L (post_jmp).
 * One displaced instruction before the syscall may be rip-relative
 * (riprel_disp): the trampoline's copy gets its disp32 adjusted, which
 * works where the trampoline is within 2 GB of what it addresses (the
 * LibOS checks, and leaves the site alone otherwise).
 * A patch rewrites [start, start + patch_len).
 */
struct abcom_site {
	uint64_t addr;            /* the syscall instruction */
	uint64_t start;           /* first byte a patch would replace */
	int64_t nr;               /* valid when nr_kind == ABCOM_NR_IMM */
	enum abcom_class cls;
	enum abcom_nr_kind nr_kind;
	enum abcom_reason reason; /* ABCOM_R_NONE iff patchable */
	bool patchable;
	bool hidden;              /* seen only when decoding from a branch target
				     inside another instruction (not by the sweep) */
	uint8_t window_len;
	uint8_t patch_len;        /* bytes rewritten: ABCOM_JMP_LEN, or 0 */
	uint8_t syscall_off;      /* addr - start */
	uint8_t syscall_len;
	uint8_t post_len;         /* window bytes after the syscall (a forward
				     window, see below), usually 0 */
	bool post_jmp;            /* those bytes are a jmp back to start (a loop
				     window): the trampoline jumps there */
	uint8_t n_bounds;         /* original instruction starts, as offsets */
	uint8_t bounds[ABCOM_MAX_BOUNDS];
	uint8_t riprel_disp;      /* a displaced rip-relative instruction: its
				     disp32's offset in the window (0: none) */
	uint8_t riprel_end;       /* ... and its end's, what disp32 counts from */
	uint8_t bytes[ABCOM_MAX_WINDOW]; /* original bytes of the window */
};

struct abcom_hints {
	const uint64_t *addrs;    /* known instruction starts: symbols, entry */
	size_t n_addrs;           /* (also treated as possible branch targets) */
};

struct abcom_stats {
	size_t insns;             /* instructions decoded by the sweep */
	size_t length_only;       /* insns Capstone 4 cannot decode, stepped
				     over by length (length_fallback.c) */
	size_t bad_bytes;         /* bytes skipped because nothing decoded */
	size_t hint_cuts;         /* instructions cut short by a hint address */
	size_t branch_targets;    /* distinct direct targets inside the region */
	size_t misaligned_targets;/* ... that fall inside a swept instruction */
	size_t hidden_sites;
};

/*
 * Scan code[0..len) mapped at vaddr.  On success *sites is an array of *n
 * sites in address order (free it with abcom_free; NULL when *n == 0).
 * hints and stats may be NULL.
 */
int abcom_scan(const uint8_t *code, size_t len, uint64_t vaddr,
	       const struct abcom_hints *hints,
	       struct abcom_site **sites, size_t *n);
int abcom_scan_stats(const uint8_t *code, size_t len, uint64_t vaddr,
		     const struct abcom_hints *hints,
		     struct abcom_site **sites, size_t *n,
		     struct abcom_stats *stats);

/*
 * Work limit: a scan decodes at most ABCOM_WORK_PER_BYTE instructions per
 * byte of code (plus ABCOM_WORK_SLACK), whatever the bytes; beyond that it
 * fails with ABCOM_ELIMIT.  Real code needs about 0.25 per byte (busybox,
 * glibc: the sweep, alternatives from misaligned targets and the look back
 * at each site together); bytes made to cost the most (a syscall after
 * every 16 one-byte instructions, misaligned branch targets) about 2.5.
 */
#define ABCOM_WORK_PER_BYTE	8
#define ABCOM_WORK_SLACK	4096

/*
 * What a file handed to abcom_scan_elf_image() may ask for.  Its
 * executable sections must lie inside the file and must not overlap (the
 * same bytes decoded once per section made the work grow with the square
 * of the file's size), at most ABCOM_MAX_EXEC_SECTIONS of them, each at
 * most ABCOM_MAX_SECTION_SIZE bytes, and at most ABCOM_MAX_SECTIONS
 * section headers in all.
 */
#define ABCOM_MAX_SECTIONS	 1024
#define ABCOM_MAX_EXEC_SECTIONS	 256
#define ABCOM_MAX_SECTION_SIZE	 (256ULL << 20)

/* A run of bytes of a file: [off, off + len). */
struct abcom_range {
	uint64_t off;
	uint64_t len;
};

/*
 * The executable (SHF_EXECINSTR PROGBITS, non-empty) sections of an
 * x86-64 ELF file in memory, in file offsets, sorted by offset, into
 * ranges[ABCOM_MAX_EXEC_SECTIONS].  Reads only the headers.  ABCOM_EINVAL
 * for anything but an x86-64 ELF file with a section header table inside
 * the file; ABCOM_EREFUSED when its sections break the rules above.
 */
int abcom_elf_exec_ranges(const uint8_t *file, size_t size,
			  struct abcom_range *ranges, size_t *n);

/*
 * The patchable sites of a whole x86-64 ELF file in memory, in file
 * offsets (addr and start are offsets into the file): every executable
 * section (abcom_elf_exec_ranges()) decoded from its start, with one work
 * limit for the whole file (ABCOM_WORK_PER_BYTE per byte of the file).
 * *sites is sorted by addr (free with abcom_free; NULL when *n == 0).
 * ABCOM_EINVAL, ABCOM_EREFUSED or ABCOM_ELIMIT for a file not decoded.
 */
int abcom_scan_elf_image(const uint8_t *file, size_t size,
			 struct abcom_site **sites, size_t *n);

/*
 * Checking a site table that came from elsewhere (the loader's cache, the
 * tables handed to the LibOS) against the file it claims to describe.
 *
 * abcom_site_sane(): the fields of a patchable site are consistent with
 * each other (lengths, offsets, bounds), so that using them cannot reach
 * outside the site's own window.  No decoding.
 *
 * abcom_sites_match_file(): every site is sane, the table is sorted by
 * addr without duplicates, each window lies inside one executable range
 * of the file and its bytes are the file's.  No decoding either (the
 * loader checks records with it outside its sandbox).
 *
 * abcom_check_sites(): decodes each window again with Capstone and keeps
 * (compacting sites[], updating *n) only the sites that match the file
 * (as above) and whose window decodes as the site says: instructions
 * starting exactly at its bounds, a `syscall` at syscall_off, the
 * displaced instructions straight-line and position independent but for
 * the one rip-relative instruction it names, the ones after it likewise
 * or, for a loop window, a jmp back to its start.  What it cannot see
 * from the window alone (a branch elsewhere into it) is the table's
 * maker's to get right; such a mistake hurts only the process running
 * that file.  ABCOM_OK, or ABCOM_ENOMEM / ABCOM_EDECODER (then *n is 0).
 *
 * abcom_check_windows(): the same without the file: sane, sorted, and each
 * window decoding as its site says.  For a user of the sites who compares
 * each window with the code where it patches (the LibOS: the code as it
 * is mapped, inside an executable mapping of the file) instead of reading
 * the whole file first.
 */
bool abcom_site_sane(const struct abcom_site *s);
bool abcom_sites_match_file(const uint8_t *file, size_t size,
			    const struct abcom_range *ranges, size_t n_ranges,
			    const struct abcom_site *sites, size_t n);
int abcom_check_sites(const uint8_t *file, size_t size,
		      struct abcom_site *sites, size_t *n);
int abcom_check_windows(struct abcom_site *sites, size_t *n);

const char *abcom_class_name(enum abcom_class cls);
const char *abcom_reason_text(enum abcom_reason reason);

/* --- planning ---------------------------------------------------------- */

/*
 * One store.  [site + off, site + off + len) always lies inside one naturally
 * aligned 8-byte word (given the site's address), so it can be done with a
 * single `lock cmpxchg` on that word; plain byte stores are also correct as
 * long as the steps stay in order, since each step only touches bytes that
 * no thread can execute until a later step (see plan.c).
 */
struct abcom_write_step {
	uint8_t off;
	uint8_t len;
	uint8_t bytes[8];
};

#define ABCOM_MAX_STEPS 4

/* The byte written first at the site start: invalid in 64-bit mode (#UD
 * with rip = the site, unlike int3 which reports rip + 1). */
#define ABCOM_TRAP_BYTE 0x06

struct abcom_patch {
	uint64_t addr;                     /* == site->start */
	uint64_t resume_addr;              /* end of the syscall */
	uint32_t slot_addr;
	uint8_t len;                       /* ABCOM_JMP_LEN */
	uint8_t old_bytes[ABCOM_JMP_LEN];
	uint8_t new_bytes[ABCOM_JMP_LEN];
	uint8_t displaced_len;             /* == site->syscall_off */
	uint8_t displaced[ABCOM_MAX_WINDOW];
	uint8_t riprel_disp, riprel_end;   /* == site's: the trampoline's copy
					      of that disp32 is relocated */
	uint8_t post_len;                  /* == site->post_len */
	uint8_t post[ABCOM_MAX_WINDOW];    /* replayed after the call */
	uint64_t continue_addr;            /* end of the window: where the
					      trampoline goes after post */
	uint8_t n_steps;
	struct abcom_write_step steps[ABCOM_MAX_STEPS];
};

int abcom_plan(const struct abcom_site *site, uint32_t slot_addr,
	       struct abcom_patch *out);

/* --- slot addresses ---------------------------------------------------- */

/* True if `b` as the first byte of an instruction raises #UD in 64-bit mode. */
bool abcom_byte_is_invalid_opcode(uint8_t b);

/*
 * True if the jmp through slot_addr can be written over this site: slot
 * below 2 GiB, 8-byte aligned, and every original instruction boundary
 * inside the 7 rewritten bytes lands on an invalid opcode.
 */
bool abcom_slot_ok(const struct abcom_site *site, uint32_t slot_addr);

/*
 * Base of the i-th 64 KiB region (8192 slots) whose addresses have invalid
 * opcodes in both bits 16-23 and 24-31, so every slot in it suits every
 * site.  Returns 0 when i >= abcom_slot_region_count().
 */
uint32_t abcom_slot_region_base(unsigned i);
unsigned abcom_slot_region_count(void);

#endif /* ABCOM_H */
