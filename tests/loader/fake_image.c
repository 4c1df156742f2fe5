// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for the xlibos kernel, to test the loader without one.
 *
 * Built freestanding and linked (fake_image.lds) exactly where the real
 * image goes.  The loader calls fake_entry(boot_info) like the kernel's
 * entry point; the first word of the command line picks a behaviour:
 *
 *   poweroff | halt | restart    write that exit record, exit_group(0)
 *   panic                        exit record PANIC "fake panic: <rest>"
 *   segv                         die of SIGSEGV without a record
 *   exit7                        exit_group(7) without a record
 *   return                       return to the loader (a bug it must catch)
 *   check mem=N                  verify the boot info and memory, power off
 *   initrd size=N                verify the initrd the test made, power off
 *   sleep | sleep-ignint         print "fake: sleeping pid=N", wait for signals
 *   rdinit=/.xlibos/init loglevel=0   "xlibos run": verify the initrd is a newc
 *                                archive with /.xlibos/{init,config}, then
 *                                obey the words after it: fake_dump (copy the
 *                                initrd to fd 1), fake_panic, fake_exit7 (no
 *                                record), fake_status=N (power off with
 *                                status N; default 0)
 *
 * Checks that fail end in a PANIC record naming the check, so the test sees
 * "guest kernel panic: fake check failed: ...".
 *
 * Build-time knobs: NOTE_VERSION (default XLIBOS_BOOT_VERSION; -1 omits the note) and
 * BIG_BSS (a 48 MiB zero-filled array).
 */
#include <stddef.h>
#include <stdint.h>

#include <asm/xlibos_boot.h>
#include <asm/xlibos_hostcalls.h>

#ifndef NOTE_VERSION
#define NOTE_VERSION XLIBOS_BOOT_VERSION
#endif

#define STR_(x) #x
#define STR(x) STR_(x)

#if NOTE_VERSION >= 0
/* The note the loader looks for: name "XLibOS", type 1, desc u32 version. */
__asm__(".pushsection .note.xlibos, \"a\", @note\n"
	".balign 4\n"
	".long 7\n"			/* namesz, with the NUL */
	".long 4\n"			/* descsz */
	".long " STR(XLIBOS_NOTE_TYPE) "\n"
	".asciz \"XLibOS\"\n"
	".balign 4\n"
	".long " STR(NOTE_VERSION) "\n"
	".popsection\n");

/*
 * The host-call note (asm/xlibos_hostcalls.h): the loader's seccomp
 * filter lets only .hypercall.text call the host, and only these calls:
 * write, mmap, munmap, rt_sigaction, getpid, futex, exit_group.
 */
__asm__(".pushsection .note.xlibos, \"a\", @note\n"
	".balign 4\n"
	".long 7\n"
	".long (6 + 7) * 4\n"
	".long " STR(XLIBOS_NOTE_HOSTCALLS) "\n"
	".asciz \"XLibOS\"\n"
	".balign 4\n"
	".long " STR(XLIBOS_HOSTCALLS_NOTE_VERSION) ", 7\n"
	".quad __hypercall_text_start, __hypercall_text_end\n"
	".long 1, 9, 11, 13, 39, 202, 231\n"
	".popsection\n");
#endif

/* ---- raw system calls (no libc here) ---- */

/* The only code that may call the host (the filter checks the IP). */
#define HYPERCALL __attribute__((noinline, section(".hypercall.text")))

static HYPERCALL long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static HYPERCALL long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall" : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define NR_write 1
#define NR_mmap 9
#define NR_munmap 11
#define NR_rt_sigaction 13
#define NR_futex 202
#define NR_getpid 39
#define NR_exit_group 231

__attribute__((noreturn)) static void exit_group(int status)
{
	for (;;)
		sys3(NR_exit_group, status, 0, 0);
}

/* ---- tiny string helpers; gcc may emit calls to these ---- */

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static int starts_with(const char *s, const char *prefix)
{
	return memcmp(s, prefix, str_len(prefix)) == 0;
}

/* The word after "key=" anywhere in the command line, as a number. */
static int find_number(const char *cmdline, const char *key, uint64_t *out)
{
	size_t klen = str_len(key);

	for (const char *p = cmdline; *p; p++) {
		if ((p == cmdline || p[-1] == ' ') && starts_with(p, key) && p[klen] == '=') {
			uint64_t v = 0;

			for (p += klen + 1; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (uint64_t)(*p - '0');
			*out = v;
			return 1;
		}
	}
	return 0;
}

static char *append(char *p, char *end, const char *s)
{
	while (*s && p < end - 1)
		*p++ = *s++;
	*p = '\0';
	return p;
}

static char *append_num(char *p, char *end, uint64_t v)
{
	char digits[24];
	int n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < 23);
	while (n && p < end - 1)
		*p++ = digits[--n];
	*p = '\0';
	return p;
}

/* ---- talking to the loader ---- */

static struct xlibos_boot_info *boot_info;
static char line[256];

static void console(const char *s)
{
	sys3(NR_write, boot_info->console_fd, (long)s, (long)str_len(s));
}

__attribute__((noreturn)) static void finish_status(uint32_t reason, const char *message,
						     int32_t status)
{
	struct xlibos_exit_record *rec = (void *)(uintptr_t)boot_info->exit_record;
	char *end = rec->message + sizeof(rec->message);

	rec->reason = reason;
	rec->status = status;
	append(rec->message, end, message ? message : "");
	/* The supervisor trusts the record once magic is set: set it last. */
	__asm__ volatile("" ::: "memory");
	rec->magic = XLIBOS_EXIT_MAGIC;
	exit_group(0);
}

__attribute__((noreturn)) static void finish(uint32_t reason, const char *message)
{
	finish_status(reason, message, 0);
}

__attribute__((noreturn)) static void check_failed(const char *what)
{
	char msg[200];

	append(append(msg, msg + sizeof(msg), "fake check failed: "), msg + sizeof(msg), what);
	finish(XLIBOS_EXIT_PANIC, msg);
}

#define CHECK(cond) do { if (!(cond)) check_failed(#cond); } while (0)

/* ---- the behaviours ---- */

#define RUN_PREFIX "rdinit=/.xlibos/init loglevel=0"

static int has_word(const char *cmdline, const char *word)
{
	size_t len = str_len(word);

	for (const char *p = cmdline; *p; p++)
		if ((p == cmdline || p[-1] == ' ') && starts_with(p, word) &&
		    (p[len] == ' ' || p[len] == '\0'))
			return 1;
	return 0;
}

/* Does the NUL-terminated needle occur in the len bytes at hay? */
static int contains(const char *hay, uint64_t len, const char *needle)
{
	size_t n = str_len(needle) + 1;	/* names in the archive end in NUL */

	for (uint64_t i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return 1;
	return 0;
}

__attribute__((noreturn)) static void run_mode(void)
{
	struct xlibos_boot_info *bi = boot_info;
	const char *rd = (const char *)(uintptr_t)(XLIBOS_PHYS_VIRT + bi->initrd_phys);
	uint64_t size = bi->initrd_size, status = 0, tail;

	CHECK(bi->initrd_phys != 0 && size > 128);
	CHECK(memcmp(rd, "070701", 6) == 0);
	CHECK(contains(rd, size, ".xlibos/init"));
	CHECK(contains(rd, size, ".xlibos/config"));
	tail = size - 128;
	CHECK(contains(rd + tail, 128, "TRAILER!!!"));
	if (has_word(bi->cmdline, "fake_dump")) {
		for (uint64_t done = 0; done < size;) {
			long n = sys3(NR_write, 1, (long)(rd + done), (long)(size - done));

			CHECK(n > 0);
			done += (uint64_t)n;
		}
	}
	if (has_word(bi->cmdline, "fake_panic"))
		finish(XLIBOS_EXIT_PANIC, "fake panic: init died");
	if (has_word(bi->cmdline, "fake_exit7"))
		exit_group(7);
	find_number(bi->cmdline, "fake_status", &status);
	finish_status(XLIBOS_EXIT_POWEROFF, NULL, (int32_t)status);
}

static volatile int data_word = 42;	/* in .data: must be loaded and writable */
#ifdef BIG_BSS
static volatile unsigned char big_bss[48 << 20];
#endif

struct fake_timespec {
	long sec, nsec;
};
typedef int (*clock_gettime_fn)(int, struct fake_timespec *);

static void check_boot_info(void)
{
	struct xlibos_boot_info *bi = boot_info;
	uint64_t mem = 0;
	const unsigned char *phys0 = (const void *)(uintptr_t)(XLIBOS_PHYS_VIRT + XLIBOS_IMAGE_PHYS);

	CHECK(bi->magic == XLIBOS_BOOT_MAGIC);
	CHECK(bi->version == XLIBOS_BOOT_VERSION);
	CHECK(find_number(bi->cmdline, "mem", &mem) && bi->phys_size == mem);
	CHECK(bi->console_fd == 2);
	CHECK(bi->initrd_phys == 0 && bi->initrd_size == 0);
	CHECK(bi->exit_record != 0 && (bi->exit_record & 4095) == 0);
	CHECK(bi->reserved0 == 0);

	/* The fd maps the very same pages as the fixed window (as the filter allows). */
	long m = sys6(NR_mmap, 0x10000000, 4096, 1 /* PROT_READ */,
		      0x11 /* MAP_SHARED | MAP_FIXED */, bi->phys_fd, (long)XLIBOS_IMAGE_PHYS);
	CHECK(m == 0x10000000);
	CHECK(memcmp((const void *)m, phys0, 4096) == 0);
	sys3(NR_munmap, m, 4096, 0);

	/* Data segment loaded, writable. */
	CHECK(data_word == 42);
	data_word = 43;
	CHECK(data_word == 43);
#ifdef BIG_BSS
	for (size_t i = 0; i < sizeof(big_bss); i += 4096)
		CHECK(big_bss[i] == 0);
	big_bss[sizeof(big_bss) - 1] = 1;
#endif

	/* The host vDSO's clock works from here. */
	struct fake_timespec ts = { -1, -1 };
	clock_gettime_fn gettime = (clock_gettime_fn)(uintptr_t)bi->vdso_clock_gettime;

	CHECK(gettime != 0);
	CHECK(gettime(1 /* CLOCK_MONOTONIC */, &ts) == 0);
	CHECK(ts.sec >= 0 && ts.nsec >= 0 && ts.nsec < 1000000000);
	console("fake: check ok\n");
}

static void check_initrd(void)
{
	struct xlibos_boot_info *bi = boot_info;
	uint64_t size = 0;
	extern char fake_image_end[] __asm__("_end");
	uint64_t image_end = (uint64_t)(uintptr_t)fake_image_end - XLIBOS_PHYS_VIRT;

	CHECK(find_number(bi->cmdline, "size", &size) && bi->initrd_size == size);
	CHECK((bi->initrd_phys & 4095) == 0);
	CHECK(bi->initrd_phys + bi->initrd_size <= bi->phys_size);
	CHECK(bi->phys_size - (bi->initrd_phys + bi->initrd_size) < 4096);
	CHECK(bi->initrd_phys >= image_end + (16 << 20));

	const char *rd = (const char *)(uintptr_t)(XLIBOS_PHYS_VIRT + bi->initrd_phys);

	CHECK(memcmp(rd, "XLIBOS-INITRD-01", 16) == 0);
	CHECK(memcmp(rd + size - 16, "END-OF-INITRD-01", 16) == 0);
	console("fake: initrd ok\n");
}

static unsigned int sleep_word;

__attribute__((noreturn)) static void sleep_forever(int ignore_sigint)
{
	if (ignore_sigint) {
		/* struct kernel_sigaction: handler, flags, restorer, mask */
		long act[4] = { 1 /* SIG_IGN */, 0, 0, 0 };

		sys6(NR_rt_sigaction, 2 /* SIGINT */, (long)act, 0, 8, 0, 0);
	}
	append_num(append(line, line + sizeof(line), "fake: sleeping pid="),
		   line + sizeof(line), (uint64_t)sys3(NR_getpid, 0, 0, 0));
	append(line + str_len(line), line + sizeof(line), "\n");
	console(line);
	/* FUTEX_WAIT_BITSET on a word that never changes: sleeps until killed */
	for (;;)
		sys6(NR_futex, (long)&sleep_word, 9, 0, 0, 0, -1);
}

/* Linking with -e fake_data_entry gives an entry point in non-executable data. */
char fake_data_entry[16] = "not code";

void fake_entry(struct xlibos_boot_info *bi);
void fake_entry(struct xlibos_boot_info *bi)
{
	const char *cmd;

	boot_info = bi;
	cmd = bi->cmdline;
	append(append(append(line, line + sizeof(line), "fake: cmdline='"),
		      line + sizeof(line), cmd), line + sizeof(line), "'\n");
	console(line);

	if (starts_with(cmd, RUN_PREFIX))
		run_mode();
	if (starts_with(cmd, "poweroff"))
		finish(XLIBOS_EXIT_POWEROFF, NULL);
	if (starts_with(cmd, "halt"))
		finish(XLIBOS_EXIT_HALT, NULL);
	if (starts_with(cmd, "restart"))
		finish(XLIBOS_EXIT_RESTART, NULL);
	if (starts_with(cmd, "panic")) {
		char msg[200];

		append(append(msg, msg + sizeof(msg), "fake panic:"), msg + sizeof(msg), cmd + 5);
		finish(XLIBOS_EXIT_PANIC, msg);
	}
	if (starts_with(cmd, "segv")) {
		/* Through a volatile pointer so gcc cannot see the NULL page. */
		static volatile int *volatile bad_pointer;

		*bad_pointer = 0;
	}
	if (starts_with(cmd, "exit7"))
		exit_group(7);
	if (starts_with(cmd, "return"))
		return;
	if (starts_with(cmd, "check")) {
		check_boot_info();
		finish(XLIBOS_EXIT_POWEROFF, NULL);
	}
	if (starts_with(cmd, "initrd")) {
		check_initrd();
		finish(XLIBOS_EXIT_POWEROFF, NULL);
	}
	if (starts_with(cmd, "sleep-ignint"))
		sleep_forever(1);
	if (starts_with(cmd, "sleep"))
		sleep_forever(0);
	finish(XLIBOS_EXIT_PANIC, "fake: unknown command");
}
