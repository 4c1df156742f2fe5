// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile files and forged tables: what abcom refuses to decode (sections
 * that overlap, lie outside the file, are too many), the work limit, and
 * the checks of a site table against the file (abcom_site_sane,
 * abcom_sites_match_file, abcom_check_sites), including that the tables
 * abcom itself makes for real programs pass them whole.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "abcom_elf.h"
#include "internal.h"
#include "tap.h"
#include "tests.h"

#define CODE_OFF	0x40

struct sect {
	uint64_t off, len;
};

/*
 * An x86-64 ELF file: the header, code at CODE_OFF, then the section
 * headers (a null one, then one executable section per sects[]).
 */
static uint8_t *make_elf(const uint8_t *code, size_t code_len,
			 const struct sect *sects, size_t n, size_t *size)
{
	size_t shoff = (CODE_OFF + code_len + 7) & ~7UL;
	uint8_t *f;
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			     ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
		.e_shoff = shoff, .e_ehsize = sizeof(Elf64_Ehdr),
		.e_shentsize = sizeof(Elf64_Shdr), .e_shnum = (Elf64_Half)(n + 1),
	};

	*size = shoff + (n + 1) * sizeof(Elf64_Shdr);
	f = calloc(1, *size);
	memcpy(f, &eh, sizeof(eh));
	memcpy(f + CODE_OFF, code, code_len);
	for (size_t i = 0; i < n; i++) {
		Elf64_Shdr sh = {
			.sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
			.sh_offset = sects[i].off, .sh_size = sects[i].len,
		};

		memcpy(f + shoff + (i + 1) * sizeof(sh), &sh, sizeof(sh));
	}
	return f;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 64 KiB of code: `nop; mov $60,%eax; syscall` over and over. */
static uint8_t *busy_code(size_t len)
{
	static const uint8_t unit[] = { 0x90, 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05 };
	uint8_t *c = malloc(len);

	for (size_t i = 0; i < len; i++)
		c[i] = unit[i % sizeof(unit)];
	return c;
}

static void refusals(void)
{
	size_t len = 64 * 1024, size, n;
	uint8_t *code = busy_code(len), *f;
	struct abcom_site *sites;
	struct sect *many = malloc(2000 * sizeof(*many));
	double t0;
	int err;

	struct sect one = { CODE_OFF, len };
	f = make_elf(code, len, &one, 1, &size);
	err = abcom_scan_elf_image(f, size, &sites, &n);
	check(err == ABCOM_OK && n == len / 8, "one code section: %zu sites (%s)", n,
	      abcom_strerror(err));
	abcom_free(sites);
	free(f);

	/* the review's file: the same bytes as a thousand sections */
	for (int i = 0; i < 1000; i++)
		many[i] = (struct sect){ CODE_OFF + (i % 8), len - 8 };
	f = make_elf(code, len, many, 1000, &size);
	t0 = seconds();
	err = abcom_scan_elf_image(f, size, &sites, &n);
	check(err == ABCOM_EREFUSED && !sites && seconds() - t0 < 0.1,
	      "1000 executable sections over the same bytes: refused at once (%s, %.3f s)",
	      abcom_strerror(err), seconds() - t0);
	free(f);

	struct sect two[] = { { CODE_OFF, 4096 }, { CODE_OFF + 4095, 4096 } };
	f = make_elf(code, len, two, 2, &size);
	check(abcom_scan_elf_image(f, size, &sites, &n) == ABCOM_EREFUSED,
	      "two sections sharing one byte: refused");
	free(f);

	struct sect out = { CODE_OFF, len + 4096 };
	f = make_elf(code, len, &out, 1, &size);
	check(abcom_scan_elf_image(f, size, &sites, &n) == ABCOM_EREFUSED,
	      "a section running past the end of the file: refused");
	free(f);
	struct sect far = { 1ULL << 60, 16 };
	f = make_elf(code, len, &far, 1, &size);
	check(abcom_scan_elf_image(f, size, &sites, &n) == ABCOM_EREFUSED,
	      "a section at an offset beyond the file: refused");
	free(f);

	for (int i = 0; i < ABCOM_MAX_EXEC_SECTIONS + 1; i++)
		many[i] = (struct sect){ CODE_OFF + 8 * (uint64_t)i, 8 };
	f = make_elf(code, len, many, ABCOM_MAX_EXEC_SECTIONS, &size);
	err = abcom_scan_elf_image(f, size, &sites, &n);
	check(err == ABCOM_OK && n == ABCOM_MAX_EXEC_SECTIONS,
	      "%d disjoint sections: decoded (%s, %zu sites)", ABCOM_MAX_EXEC_SECTIONS,
	      abcom_strerror(err), n);
	abcom_free(sites);
	free(f);
	f = make_elf(code, len, many, ABCOM_MAX_EXEC_SECTIONS + 1, &size);
	check(abcom_scan_elf_image(f, size, &sites, &n) == ABCOM_EREFUSED,
	      "%d executable sections: refused", ABCOM_MAX_EXEC_SECTIONS + 1);
	free(f);

	/* sections in reverse order: the sites still come out sorted */
	for (int i = 0; i < 64; i++)
		many[i] = (struct sect){ CODE_OFF + 1024 * (uint64_t)(63 - i), 1024 };
	f = make_elf(code, len, many, 64, &size);
	err = abcom_scan_elf_image(f, size, &sites, &n);
	bool sorted = err == ABCOM_OK && n == len / 8;
	for (size_t i = 1; sorted && i < n; i++)
		sorted = sites[i - 1].addr < sites[i].addr;
	check(sorted, "sections in reverse file order: sites sorted by offset");
	abcom_free(sites);
	free(f);
	free(many);
	free(code);
}

static void work_limit(void)
{
	static uint8_t nops[4096];
	size_t budget = 100, n;
	struct region r = { nops, sizeof(nops), 0x1000, &budget };
	struct abcom_site *sites;

	memset(nops, 0x90, sizeof(nops));
	check(scan_region(&r, NULL, &sites, &n, NULL) == ABCOM_ELIMIT && !sites,
	      "a scan out of work stops with ABCOM_ELIMIT");
	budget = 5000;
	check(scan_region(&r, NULL, &sites, &n, NULL) == ABCOM_OK,
	      "the same scan with enough work finishes");
	abcom_free(sites);

	/* the costliest code found (a look back over 16 instructions per
	 * syscall) stays well inside the default limit */
	uint8_t *c = malloc(1 << 20);
	int err;

	for (size_t i = 0; i < (1 << 20); i++)
		c[i] = i % 18 == 16 ? 0x0f : i % 18 == 17 ? 0x05 : 0x90;
	err = abcom_scan(c, 1 << 20, 0x1000, NULL, &sites, &n);
	check(err == ABCOM_OK && n == (1 << 20) / 18,
	      "1 MiB of `16 x nop; syscall`: within the work limit (%s, %zu sites)",
	      abcom_strerror(err), n);
	abcom_free(sites);
	free(c);
}

static void sorting(void)
{
	struct abcom_site *v = calloc(5000, sizeof(*v));
	bool ok = true;

	for (size_t i = 0; i < 5000; i++)
		v[i].addr = (i * 7919) % 5000;	/* a permutation */
	sort_sites_by_addr(v, 5000);
	for (size_t i = 0; i < 5000; i++)
		ok &= v[i].addr == i;
	check(ok, "sites sorted by addr from any order");
	free(v);
}

/* One valid file and its one site, for forging. */
struct forge {
	uint8_t *file;
	size_t size;
	struct abcom_range ranges[ABCOM_MAX_EXEC_SECTIONS];
	size_t n_ranges;
	struct abcom_site site;
};

static bool kept(const struct forge *g, const struct abcom_site *s)
{
	struct abcom_site copy = *s;
	size_t n = 1;

	return abcom_check_sites(g->file, g->size, &copy, &n) == ABCOM_OK && n == 1;
}

/* The LibOS's check without the file (it compares the bytes where it patches). */
static bool window_kept(const struct abcom_site *s)
{
	struct abcom_site copy = *s;
	size_t n = 1;

	return abcom_check_windows(&copy, &n) == ABCOM_OK && n == 1;
}

static bool matches(const struct forge *g, const struct abcom_site *s)
{
	return abcom_sites_match_file(g->file, g->size, g->ranges, g->n_ranges, s, 1);
}

static void forged_sites(void)
{
	/* nop; mov $60,%eax; syscall; lea 0x10(%rip),%rcx; mov %rdi,%rax; syscall */
	static const uint8_t code[] = {
		0x90, 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05,
		0x48, 0x8d, 0x0d, 0x10, 0, 0, 0, 0x48, 0x89, 0xf8, 0x0f, 0x05,
		0xc3,
	};
	struct sect one = { CODE_OFF, sizeof(code) };
	struct abcom_site *sites, s;
	struct forge g;
	size_t n;

	g.file = make_elf(code, sizeof(code), &one, 1, &g.size);
	abcom_elf_exec_ranges(g.file, g.size, g.ranges, &g.n_ranges);
	if (!check(abcom_scan_elf_image(g.file, g.size, &sites, &n) == ABCOM_OK && n == 2,
		   "forgery base: two sites"))
		return;
	g.site = sites[0];
	check(matches(&g, &sites[0]) && kept(&g, &sites[0]) &&
	      matches(&g, &sites[1]) && kept(&g, &sites[1]) &&
	      window_kept(&sites[0]) && window_kept(&sites[1]),
	      "abcom's own sites pass every check (one with a rip-relative lea)");
	check(sites[1].riprel_disp != 0, "the second window displaces the lea");

	s = sites[1];
	s.riprel_disp = 0;
	s.riprel_end = 0;
	check(matches(&g, &s) && !kept(&g, &s) && !window_kept(&s),
	      "a rip-relative instruction the table does not name: dropped");
	abcom_free(sites);

	s = g.site;
	s.addr += 1;
	s.start += 1;
	check(!matches(&g, &s) && !kept(&g, &s), "site moved by one byte: dropped");

	s = g.site;
	s.window_len = 200;
	s.post_len = 200 - s.syscall_off - s.syscall_len;
	check(!abcom_site_sane(&s) && !kept(&g, &s) && !window_kept(&s),
	      "a window longer than 48 bytes: dropped");

	s = g.site;
	s.syscall_off = 3;
	check(!abcom_site_sane(&s), "syscall_off not addr - start: not sane");

	s = g.site;
	s.start = g.site.start - 1;	/* the nop joins: bytes still the file's */
	s.syscall_off++;
	s.window_len++;
	memcpy(s.bytes, g.file + s.start, s.window_len);
	s.bounds[0] = 0;
	s.bounds[1] = s.syscall_off;	/* but the mov's start is missing */
	s.n_bounds = 2;
	check(abcom_site_sane(&s) && matches(&g, &s) && !kept(&g, &s) && !window_kept(&s),
	      "bounds that skip an instruction: sane, bytes match, dropped by decoding");
	s.bounds[1] = 1;
	s.bounds[2] = s.syscall_off;
	s.n_bounds = 3;
	check(kept(&g, &s) && window_kept(&s), "the same window with its true bounds: kept");

	s = g.site;
	s.addr = s.start + 6;	/* claim the syscall one byte late */
	s.syscall_off = 6;
	s.syscall_len = 2;
	s.window_len = 8;
	memcpy(s.bytes, g.file + s.start, 8);
	s.bounds[1] = 6;
	check(!kept(&g, &s) && !window_kept(&s), "a syscall where the bytes hold none: dropped");

	s = g.site;
	s.start = 4;	/* in the ELF header: outside the executable range */
	s.addr = s.start + s.syscall_off;
	memcpy(s.bytes, g.file + s.start, s.window_len);
	check(!matches(&g, &s) && !kept(&g, &s), "a window outside the code section: dropped");

	struct abcom_site two[2] = { g.site, g.site };
	size_t two_n = 2;

	check(abcom_check_windows(two, &two_n) == ABCOM_OK && two_n == 1,
	      "the same site twice, without the file: one kept");
	two[1] = g.site;
	check(!abcom_sites_match_file(g.file, g.size, g.ranges, g.n_ranges, two, 2),
	      "the same site twice: the table does not match");
	free(g.file);
}

/* Every table abcom makes for a real program passes abcom_check_sites and _windows whole. */
static void real_tables(void)
{
	static const char *const paths[] = {
		"/bin/busybox", "/lib/x86_64-linux-gnu/libc.so.6",
		"/lib64/ld-linux-x86-64.so.2", "build/bin/xlibos-init", "build/bin/xlibos",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct abcom_site *sites;
		struct stat st;
		size_t n, kept_n;
		uint8_t *f;
		int fd = open(paths[i], O_RDONLY);

		if (fd < 0 || fstat(fd, &st)) {
			check(true, "%s: not here # SKIP", paths[i]);
			if (fd >= 0)
				close(fd);
			continue;
		}
		f = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (!check(f != MAP_FAILED &&
			   abcom_scan_elf_image(f, st.st_size, &sites, &n) == ABCOM_OK,
			   "%s: decoded", paths[i]))
			continue;
		kept_n = n;
		check(abcom_check_sites(f, st.st_size, sites, &kept_n) == ABCOM_OK &&
		      kept_n == n, "%s: all %zu sites pass the checks (kept %zu)",
		      paths[i], n, kept_n);
		kept_n = n;
		check(abcom_check_windows(sites, &kept_n) == ABCOM_OK && kept_n == n,
		      "%s: all %zu windows pass the LibOS's check (kept %zu)", paths[i], n,
		      kept_n);
		abcom_free(sites);
		munmap(f, st.st_size);
	}
}

/* The hosted front end (abcom-scan) refuses the same files. */
static void front_end(void)
{
	static const uint8_t code[] = { 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05, 0xc3 };
	struct sect two[] = { { CODE_OFF, 8 }, { CODE_OFF, 8 } };
	char path[] = "/tmp/abcom-overlap-XXXXXX", err[256] = "";
	struct abcom_elf_file ef;
	size_t size;
	uint8_t *f = make_elf(code, sizeof(code), two, 2, &size);
	int fd = mkstemp(path);

	if (!check(fd >= 0 && write(fd, f, size) == (ssize_t)size, "wrote %s", path))
		return;
	close(fd);
	check(abcom_elf_open(path, &ef, err, sizeof(err)) != 0 && strstr(err, "refused"),
	      "abcom_elf_open refuses overlapping sections (%s)", err);
	unlink(path);
	free(f);
}

void test_limits(void)
{
	refusals();
	work_limit();
	sorting();
	forged_sites();
	real_tables();
	front_end();
}
