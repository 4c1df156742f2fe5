// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the loader's pure helpers: size parsing and formatting,
 * /proc/meminfo parsing, option parsing and --mem limits, the default
 * image path, initrd placement, exit-status mapping and the vDSO lookup.
 *
 * Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed".
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <time.h>

#include <asm/xlibos_boot.h>

#include "diag.h"
#include "tap.h"
#include "capture.h"
#include "exit_status.h"
#include "hostmem.h"
#include "initrd.h"
#include "options.h"
#include "size.h"
#include "vdso.h"



static bool contains(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

/* ---- size_parse / size_format ---- */

static void test_size_parse(void)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} good[] = {
		{ "0", 0 },
		{ "134217728", 134217728 },
		{ "64M", 64ULL << 20 },
		{ "64m", 64ULL << 20 },
		{ "1G", 1ULL << 30 },
		{ "1g", 1ULL << 30 },
		{ "512K", 512ULL << 10 },
		{ "2T", 2ULL << 40 },
		{ "128MiB", 128ULL << 20 },
		{ "128mib", 128ULL << 20 },
		{ "128MB", 128ULL << 20 },
		{ "128mb", 128ULL << 20 },
		{ "4096B", 4096 },
		{ "18446744073709551615", UINT64_MAX },
		{ "16777215T", 16777215ULL << 40 },
	};
	static const char *const bad[] = {
		"", "abc", "M", "-1", "+1", " 1", "1 ", "0x10", "1.5G", "1Q", "1MiBx",
		"1iB", "1Mi", "1GG", "18446744073709551616", "16777216T", "99999999999999999999G",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint64_t v = 12345;
		bool ok = size_parse(good[i].text, &v);

		check(ok && v == good[i].bytes, "size_parse(\"%s\") = %" PRIu64, good[i].text,
		      good[i].bytes);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 12345;

		check(!size_parse(bad[i], &v) && v == 12345, "size_parse(\"%s\") rejected", bad[i]);
	}
}

static void test_size_format(void)
{
	static const struct {
		uint64_t bytes;
		const char *text;
	} cases[] = {
		{ 0, "0" },
		{ 4095, "4095" },
		{ 4096, "4K" },
		{ 1536 << 10, "1536K" },
		{ 32ULL << 20, "32M" },
		{ 1ULL << 30, "1G" },
		{ 3ULL << 40, "3T" },
		{ (1ULL << 30) + 4096, "1048580K" },
	};
	char buf[SIZE_FORMAT_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_format(cases[i].bytes, buf, sizeof(buf));
		check(strcmp(buf, cases[i].text) == 0, "size_format(%" PRIu64 ") = %s (got %s)",
		      cases[i].bytes, cases[i].text, buf);
	}
}

/* ---- /proc/meminfo ---- */

static void test_meminfo(void)
{
	uint64_t bytes = 0;

	check(hostmem_parse_meminfo("MemTotal:       24683656 kB\nMemFree: 1 kB\n", &bytes) &&
	      bytes == 24683656ULL * 1024, "meminfo: MemTotal on the first line");
	check(hostmem_parse_meminfo("Foo: 1 kB\nMemTotal: 1024 kB\n", &bytes) &&
	      bytes == 1024 * 1024, "meminfo: MemTotal on a later line");
	check(!hostmem_parse_meminfo("MemFree: 1 kB\n", &bytes), "meminfo: no MemTotal");
	check(!hostmem_parse_meminfo("MemTotal: lots\n", &bytes), "meminfo: garbage MemTotal");
	check(!hostmem_parse_meminfo("", &bytes), "meminfo: empty");
	check(hostmem_total() > 0, "hostmem_total() reads this host's RAM");
}

/* ---- --mem validation ---- */

static void test_check_mem(void)
{
	const uint64_t host = 8ULL << 30;	/* pretend 8 GiB of RAM */
	uint64_t bytes = 0;
	const char *msg;

	capture_start();
	check(options_check_mem("128M", host, &bytes) && bytes == 128ULL << 20, "--mem 128M ok");
	check(options_check_mem("32M", host, &bytes) && bytes == 32ULL << 20, "--mem 32M (minimum) ok");
	check(options_check_mem("16G", host, &bytes) && bytes == 16ULL << 30, "--mem 2x host RAM ok");
	check(options_check_mem("33554433", host, &bytes) && bytes == (32ULL << 20) + 4096,
	      "--mem rounds up to a whole page");
	check(*capture_end() == '\0', "valid --mem prints nothing");

	capture_start();
	check(!options_check_mem("abc", host, &bytes), "--mem abc rejected");
	msg = capture_end();
	check(strcmp(msg, "xlibos: invalid --mem 'abc': expected a size like 128M or 1G\n") == 0,
	      "--mem abc message is exact");

	capture_start();
	check(!options_check_mem("0", host, &bytes), "--mem 0 rejected");
	check(contains(capture_end(), "invalid --mem '0'"), "--mem 0 message");

	capture_start();
	check(!options_check_mem("18446744073709551615", host, &bytes),
	      "--mem that overflows when page-rounded rejected");
	check(contains(capture_end(), "invalid --mem"), "overflow message");

	capture_start();
	check(!options_check_mem("16M", host, &bytes), "--mem 16M rejected");
	msg = capture_end();
	check(strcmp(msg, "xlibos: --mem 16M is too small to boot (minimum 32M)\n") == 0,
	      "--mem 16M message is exact");

	capture_start();
	check(!options_check_mem("32764K", host, &bytes), "--mem one page under 32M rejected");
	check(options_check_mem("32767K", host, &bytes) && bytes == 32ULL << 20,
	      "--mem 32767K rounds up to 32M and is accepted");
	capture_end();

	capture_start();
	check(!options_check_mem("17G", host, &bytes), "--mem above 2x host RAM rejected");
	msg = capture_end();
	check(contains(msg, "--mem 17G is too large (maximum 16G"), "too-large message names the maximum");

	capture_start();
	check(options_check_mem("1T", 0, &bytes) && bytes == XLIBOS_PHYS_MAX,
	      "--mem 1T ok when host RAM is unknown");
	check(!options_check_mem("1025G", 0, &bytes), "--mem above XLIBOS_PHYS_MAX rejected");
	check(contains(capture_end(), "maximum 1T"), "window limit message");

	capture_start();
	check(options_check_mem("1T", 1ULL << 50, &bytes) && !options_check_mem("1025G", 1ULL << 50, &bytes),
	      "huge host still capped at XLIBOS_PHYS_MAX");
	capture_end();
}

/* ---- option parsing ---- */

static enum options_result parse(struct boot_options *o, const char **msg, ...)
{
	char *argv[16] = { "boot" };
	int argc = 1;
	va_list ap;
	enum options_result r;

	va_start(ap, msg);
	for (char *a; (a = va_arg(ap, char *)) && argc < 15;)
		argv[argc++] = a;
	va_end(ap);
	memset(o, 0x5a, sizeof(*o));
	capture_start();
	r = options_parse_boot(argc, argv, 8ULL << 30, o);
	*msg = capture_end();
	return r;
}

static void test_parse_boot(void)
{
	struct boot_options o;
	const char *msg;
	static char long_cmdline[XLIBOS_CMDLINE_MAX + 1];

	unsetenv("XLIBOS_IMAGE");
	check(parse(&o, &msg, NULL) == OPTIONS_OK && o.mem_size == XLIBOS_DEFAULT_MEM &&
	      strcmp(o.mem_arg, "128M") == 0 && strcmp(o.cmdline, "") == 0 &&
	      !o.initrd_path && !o.image_path && !*msg,
	      "no options: defaults (128M, empty cmdline, default image)");

	check(parse(&o, &msg, "--mem", "64M", "--cmdline", "console=hvc0 quiet", "--initrd", "rd.cpio",
		    "--image", "vmlinux", NULL) == OPTIONS_OK &&
	      o.mem_size == 64ULL << 20 && strcmp(o.cmdline, "console=hvc0 quiet") == 0 &&
	      strcmp(o.initrd_path, "rd.cpio") == 0 && strcmp(o.image_path, "vmlinux") == 0,
	      "all options, separate values");

	check(parse(&o, &msg, "--mem=1G", "--cmdline=a=b c", "--image=x.img", NULL) == OPTIONS_OK &&
	      o.mem_size == 1ULL << 30 && strcmp(o.cmdline, "a=b c") == 0 &&
	      strcmp(o.image_path, "x.img") == 0, "--opt=value form");

	check(parse(&o, &msg, "--cmdline=", NULL) == OPTIONS_OK && strcmp(o.cmdline, "") == 0,
	      "empty --cmdline allowed");

	check(parse(&o, &msg, "--help", NULL) == OPTIONS_HELP, "--help");
	check(parse(&o, &msg, "--mem", "64M", "-h", NULL) == OPTIONS_HELP, "-h after options");
	check(parse(&o, &msg, "--mem", "abc", "--help", NULL) == OPTIONS_HELP,
	      "--help wins over a bad value");

	check(parse(&o, &msg, "--frob", NULL) == OPTIONS_ERROR &&
	      strcmp(msg, "xlibos: unknown option '--frob' for 'boot'\ntry 'xlibos --help'\n") == 0,
	      "unknown option: error plus hint");
	check(parse(&o, &msg, "--memory", "1G", NULL) == OPTIONS_ERROR && contains(msg, "'--memory'"),
	      "no prefix matching (--memory is not --mem)");
	check(parse(&o, &msg, "--me", "1G", NULL) == OPTIONS_ERROR, "no abbreviations");
	check(parse(&o, &msg, "--mem", NULL) == OPTIONS_ERROR &&
	      contains(msg, "option '--mem' requires an argument") && contains(msg, "xlibos --help"),
	      "missing argument");
	check(parse(&o, &msg, "vmlinux", NULL) == OPTIONS_ERROR && contains(msg, "unexpected argument"),
	      "positional argument rejected");
	check(parse(&o, &msg, "--cmdline", "a", "--cmdline", "b", NULL) == OPTIONS_ERROR &&
	      contains(msg, "'--cmdline' given more than once"), "--cmdline twice rejected");
	check(parse(&o, &msg, "--mem", "abc", NULL) == OPTIONS_ERROR &&
	      contains(msg, "invalid --mem 'abc'") && !contains(msg, "--help"),
	      "bad --mem: one line, no hint");
	check(parse(&o, &msg, "--image", "", NULL) == OPTIONS_ERROR, "empty --image rejected");
	check(parse(&o, &msg, "--initrd=", NULL) == OPTIONS_ERROR, "empty --initrd rejected");

	memset(long_cmdline, 'x', XLIBOS_CMDLINE_MAX - 1);
	check(parse(&o, &msg, "--cmdline", long_cmdline, NULL) == OPTIONS_OK,
	      "--cmdline of XLIBOS_CMDLINE_MAX-1 bytes fits");
	long_cmdline[XLIBOS_CMDLINE_MAX - 1] = 'x';
	check(parse(&o, &msg, "--cmdline", long_cmdline, NULL) == OPTIONS_ERROR &&
	      contains(msg, "maximum 2047"), "--cmdline of XLIBOS_CMDLINE_MAX bytes rejected");

	setenv("XLIBOS_IMAGE", "/env/vmlinux", 1);
	check(parse(&o, &msg, NULL) == OPTIONS_OK && strcmp(o.image_path, "/env/vmlinux") == 0,
	      "XLIBOS_IMAGE replaces the default image");
	check(parse(&o, &msg, "--image", "arg.img", NULL) == OPTIONS_OK &&
	      strcmp(o.image_path, "arg.img") == 0, "--image beats XLIBOS_IMAGE");
	setenv("XLIBOS_IMAGE", "", 1);
	check(parse(&o, &msg, NULL) == OPTIONS_OK && !o.image_path, "empty XLIBOS_IMAGE is ignored");
	unsetenv("XLIBOS_IMAGE");
}

static void test_default_image(void)
{
	char buf[256];

	check(options_image_beside("/work/main/build/bin/xlibos", buf, sizeof(buf)) &&
	      strcmp(buf, "/work/main/build/xlibos.img") == 0, "build/bin/xlibos -> build/xlibos.img");
	check(options_image_beside("/bin/xlibos", buf, sizeof(buf)) && strcmp(buf, "/xlibos.img") == 0,
	      "/bin/xlibos -> /xlibos.img");
	check(!options_image_beside("xlibos", buf, sizeof(buf)), "no directory -> no default");
	check(!options_image_beside("/a/b/c", buf, 8), "too small a buffer -> no default");
	check(options_default_image(buf, sizeof(buf)) && contains(buf, "/xlibos.img"),
	      "default image from /proc/self/exe (%s)", buf);
}

/* ---- initrd placement ---- */

static void test_initrd_place(void)
{
	const uint64_t M = 1ULL << 20;
	const uint64_t image_end = XLIBOS_IMAGE_PHYS + 10 * M + 123;	/* not page aligned */
	uint64_t at = 0;

	check(initrd_place(128 * M, image_end, 4096, &at) && at == 128 * M - 4096,
	      "one-page initrd ends exactly at the top");
	check(initrd_place(128 * M, image_end, 5000, &at) && at == 128 * M - 8192 &&
	      at + 5000 <= 128 * M, "odd-sized initrd page aligned, below the top");
	check(initrd_place(128 * M, image_end, 1, &at) && at % 4096 == 0 && at + 1 <= 128 * M,
	      "one-byte initrd");

	uint64_t kernel_end = (image_end + 4095) & ~4095ULL;
	uint64_t room = 128 * M - kernel_end - XLIBOS_KERNEL_HEADROOM;

	check(initrd_place(128 * M, image_end, room, &at) && at == kernel_end + XLIBOS_KERNEL_HEADROOM,
	      "largest initrd leaves exactly 16M above the image");
	check(!initrd_place(128 * M, image_end, room + 1, &at), "one byte more does not fit");
	check(!initrd_place(32 * M, image_end, 20 * M, &at), "20M initrd in 32M does not fit");
	check(!initrd_place(32 * M, image_end, 64 * M, &at), "initrd larger than memory");
	check(!initrd_place(32 * M, UINT64_MAX - 10, 4096, &at), "absurd image end does not overflow");
}

/* ---- exit status ---- */

static int decide(uint32_t magic, uint32_t reason, const char *message, int wstatus,
		  enum handoff_stage stage, char *msg, size_t len)
{
	static struct xlibos_exit_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.magic = magic;
	rec.reason = reason;
	if (message)
		snprintf(rec.message, sizeof(rec.message), "%s", message);
	return exit_status_decide(&rec, wstatus, stage, msg, len);
}

/* wait() statuses built the way the kernel encodes them. */
#define EXITED(code)	(((code) & 0xff) << 8)
#define SIGNALED(sig)	((sig) & 0x7f)

static void test_exit_status(void)
{
	char msg[XLIBOS_EXIT_MSG_MAX + 128];
	const enum handoff_stage K = HANDOFF_IN_KERNEL;
	struct xlibos_exit_record full;
	int st;

	check(WIFEXITED(EXITED(3)) && WEXITSTATUS(EXITED(3)) == 3 && WIFSIGNALED(SIGNALED(SIGSEGV)) &&
	      WTERMSIG(SIGNALED(SIGSEGV)) == SIGSEGV, "test's wait-status encoding matches <sys/wait.h>");

	st = decide(XLIBOS_EXIT_MAGIC, XLIBOS_EXIT_POWEROFF, NULL, EXITED(0), K, msg, sizeof(msg));
	check(st == 0 && !msg[0], "poweroff -> 0, quiet");
	st = decide(XLIBOS_EXIT_MAGIC, XLIBOS_EXIT_HALT, NULL, EXITED(0), K, msg, sizeof(msg));
	check(st == 0 && !msg[0], "halt -> 0, quiet");
	st = decide(XLIBOS_EXIT_MAGIC, XLIBOS_EXIT_POWEROFF, NULL, SIGNALED(SIGSEGV), K, msg, sizeof(msg));
	check(st == 0, "a written record wins over a later crash");
	st = decide(XLIBOS_EXIT_MAGIC, XLIBOS_EXIT_RESTART, NULL, EXITED(0), K, msg, sizeof(msg));
	check(st == 3 && strcmp(msg, "guest requested restart (not supported), exiting") == 0,
	      "restart -> 3 with message");
	st = decide(XLIBOS_EXIT_MAGIC, XLIBOS_EXIT_PANIC, "Attempted to kill init!\n", EXITED(0), K,
		    msg, sizeof(msg));
	check(st == 1 && strcmp(msg, "guest kernel panic: Attempted to kill init!") == 0,
	      "panic -> 1, message without trailing newline (%s)", msg);
	st = decide(XLIBOS_EXIT_MAGIC, XLIBOS_EXIT_PANIC, "", EXITED(0), K, msg, sizeof(msg));
	check(st == 1 && contains(msg, "(no message)"), "panic without a message");
	st = decide(XLIBOS_EXIT_MAGIC, 77, NULL, EXITED(0), K, msg, sizeof(msg));
	check(st == 1 && contains(msg, "unknown reason 77"), "unknown reason -> 1");

	/* An unterminated message must not be read past the record. */
	memset(&full, 'A', sizeof(full));
	full.magic = XLIBOS_EXIT_MAGIC;
	full.reason = XLIBOS_EXIT_PANIC;
	st = exit_status_decide(&full, EXITED(0), K, msg, sizeof(msg));
	check(st == 1 && strlen(msg) == strlen("guest kernel panic: ") + XLIBOS_EXIT_MSG_MAX - 1,
	      "unterminated panic message is bounded");

	st = decide(0, 0, NULL, SIGNALED(SIGSEGV), K, msg, sizeof(msg));
	check(st == 1 && strcmp(msg, "LibOS terminated unexpectedly (killed by signal SIGSEGV)") == 0,
	      "SIGSEGV -> 1 (%s)", msg);
	st = decide(0, 0, NULL, SIGNALED(SIGKILL), K, msg, sizeof(msg));
	check(st == 1 && contains(msg, "(killed by signal SIGKILL)"), "SIGKILL -> 1");
	st = decide(0, 0, NULL, SIGNALED(SIGRTMIN + 3), K, msg, sizeof(msg));
	check(st == 1 && contains(msg, "killed by signal"), "real-time signal named somehow (%s)", msg);
	st = decide(0, 0, NULL, EXITED(0), K, msg, sizeof(msg));
	check(st == 1 && contains(msg, "(exit status 0)"), "exit 0 without a record -> 1");
	st = decide(0, 0, NULL, EXITED(7), K, msg, sizeof(msg));
	check(st == 1 && strcmp(msg, "LibOS terminated unexpectedly (exit status 7)") == 0,
	      "exit 7 without a record -> 1");
	st = decide(0x12345678, XLIBOS_EXIT_POWEROFF, NULL, EXITED(0), K, msg, sizeof(msg));
	check(st == 1, "record without magic is ignored");

	st = decide(0, 0, NULL, EXITED(2), HANDOFF_SETUP, msg, sizeof(msg));
	check(st == 2 && !msg[0], "setup failure: child's status, child already reported");
	st = decide(0, 0, NULL, EXITED(1), HANDOFF_RETURNED, msg, sizeof(msg));
	check(st == 1 && !msg[0], "entry returned: child already reported");
	st = decide(0, 0, NULL, SIGNALED(SIGBUS), HANDOFF_SETUP, msg, sizeof(msg));
	check(st == 1 && contains(msg, "SIGBUS"), "setup killed by a signal is reported");
	st = exit_status_decide(NULL, EXITED(0), HANDOFF_SETUP, msg, sizeof(msg));
	check(st == 1 && msg[0], "setup exiting 0 without booting is still a failure");
}

/* ---- vDSO ---- */

static void test_vdso(void)
{
	typedef int (*gettime_fn)(clockid_t, struct timespec *);
	const void *base = (const void *)getauxval(AT_SYSINFO_EHDR);
	uint64_t addr = vdso_clock_gettime();
	struct timespec ts = { -1, -1 }, ref;

	check(vdso_lookup_at(NULL, "__vdso_clock_gettime") == 0, "vdso_lookup_at(NULL) = 0");
	if (!base) {
		check(addr == 0, "no vDSO on this host -> 0");
		return;
	}
	check(addr > (uint64_t)(uintptr_t)base && addr < (uint64_t)(uintptr_t)base + (1 << 20),
	      "__vdso_clock_gettime found inside the vDSO (0x%" PRIx64 ")", addr);
	check(vdso_lookup_at(base, "no_such_symbol") == 0, "unknown vDSO symbol -> 0");
	check(vdso_lookup_at(base, "__vdso_gettimeofday") != 0, "__vdso_gettimeofday found too");

	gettime_fn fn = (gettime_fn)(uintptr_t)addr;

	clock_gettime(CLOCK_MONOTONIC, &ref);
	check(addr && fn(CLOCK_MONOTONIC, &ts) == 0 && ts.tv_sec >= ref.tv_sec &&
	      ts.tv_sec - ref.tv_sec < 5, "calling it returns the monotonic time");
}

int main(void)
{
	test_size_parse();
	test_size_format();
	test_meminfo();
	test_check_mem();
	test_parse_boot();
	test_default_image();
	test_initrd_place();
	test_exit_status();
	test_vdso();
	free(captured);

	return tap_summary();
}
