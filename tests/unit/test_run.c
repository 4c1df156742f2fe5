// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of "xlibos run" pieces that need no kernel: option parsing,
 * default paths, the kernel command line, the config (loader encoder
 * against the guest init's parser), the newc cpio writer and the mapping
 * from the guest's end to the exit status.
 *
 * Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asm/xlibos_boot.h>

#include "config.h"
#include "cpio.h"
#include "diag.h"
#include "tap.h"
#include "capture.h"
#include "exit_status.h"
#include "guest-init/config_format.h"
#include "guest-init/run_status.h"
#include "run_config.h"
#include "run_options.h"


static bool contains(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}


/* ---- option parsing ---- */

static struct run_options opts;

/* Parse "run" plus the NULL-terminated arguments; *msg gets the diagnostics. */
static enum options_result parse(const char **msg, ...)
{
	static char *argv[32];
	int argc = 0;
	va_list ap;
	enum options_result r;

	argv[argc++] = "run";
	va_start(ap, msg);
	for (char *a; (a = va_arg(ap, char *)) && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;

	run_options_free(&opts);
	capture_start();
	r = options_parse_run(argc, argv, 8ULL << 30, &opts);
	*msg = capture_end();
	return r;
}

static void test_parse_run(void)
{
	static char long_cmdline[XLIBOS_CMDLINE_MAX + 1];
	size_t max_extra = XLIBOS_CMDLINE_MAX - 1 - strlen(RUN_CMDLINE_PREFIX) - 1;
	const char *msg;

	unsetenv("XLIBOS_IMAGE");
	check(parse(&msg, "--", "ls", "-l", NULL) == OPTIONS_OK && !*msg &&
	      opts.mem_size == 128ULL << 20 && strcmp(opts.mem_arg, "128M") == 0 &&
	      !opts.rootfs_path && !opts.workdir && !opts.image_path && !opts.extra_cmdline &&
	      opts.nenv == 0 && opts.ncmd == 2 && strcmp(opts.cmd[0], "ls") == 0 &&
	      strcmp(opts.cmd[1], "-l") == 0 && !opts.cmd[2], "defaults");
	check(parse(&msg, "--rootfs", "/r", "--mem=64M", "--env", "A=1", "--env=B=2=3",
		    "--workdir", "/w", "--image", "k.img", "--cmdline", "loglevel=8",
		    "--", "sh", NULL) == OPTIONS_OK &&
	      strcmp(opts.rootfs_path, "/r") == 0 && opts.mem_size == 64ULL << 20 &&
	      opts.nenv == 2 && strcmp(opts.env[0], "A=1") == 0 && strcmp(opts.env[1], "B=2=3") == 0 &&
	      strcmp(opts.workdir, "/w") == 0 && strcmp(opts.image_path, "k.img") == 0 &&
	      strcmp(opts.extra_cmdline, "loglevel=8") == 0 && opts.ncmd == 1,
	      "every option, both spellings, --env repeated");
	check(parse(&msg, "--env", "EMPTY=", "--", "x", NULL) == OPTIONS_OK && opts.nenv == 1,
	      "--env with an empty value");
	check(parse(&msg, "--", "--help", "--mem", NULL) == OPTIONS_OK && opts.ncmd == 2 &&
	      strcmp(opts.cmd[0], "--help") == 0, "options after -- belong to the command");
	check(parse(&msg, "--", "x", "--", "y", NULL) == OPTIONS_OK && opts.ncmd == 3,
	      "a second -- is an argument");
	check(parse(&msg, "--help", NULL) == OPTIONS_HELP, "--help");
	check(parse(&msg, "--mem", "1G", "-h", "--", "x", NULL) == OPTIONS_HELP, "-h");

	check(parse(&msg, NULL) == OPTIONS_ERROR &&
	      strcmp(msg, "xlibos: missing '-- COMMAND [ARGS...]'\ntry 'xlibos --help'\n") == 0,
	      "no arguments: missing command, plus hint");
	check(parse(&msg, "--", NULL) == OPTIONS_ERROR && contains(msg, "missing command after '--'"),
	      "nothing after --");
	check(parse(&msg, "ls", NULL) == OPTIONS_ERROR &&
	      contains(msg, "unexpected argument 'ls' for 'run' (put the command after '--')"),
	      "command without --");
	check(parse(&msg, "--frob", "--", "x", NULL) == OPTIONS_ERROR &&
	      contains(msg, "unknown option '--frob' for 'run'"), "unknown option");
	check(parse(&msg, "--initrd", "x", "--", "x", NULL) == OPTIONS_ERROR &&
	      contains(msg, "unknown option '--initrd' for 'run'"), "--initrd is boot-only");
	check(parse(&msg, "--rootfs", NULL) == OPTIONS_ERROR &&
	      contains(msg, "option '--rootfs' requires an argument"), "missing value");
	check(parse(&msg, "--rootfs", "a", "--rootfs", "b", "--", "x", NULL) == OPTIONS_ERROR &&
	      contains(msg, "'--rootfs' given more than once"), "--rootfs twice");
	check(parse(&msg, "--env", "NOEQUALS", "--", "x", NULL) == OPTIONS_ERROR &&
	      contains(msg, "invalid --env 'NOEQUALS': expected KEY=VALUE"), "--env without =");
	check(parse(&msg, "--env", "=v", "--", "x", NULL) == OPTIONS_ERROR &&
	      contains(msg, "invalid --env '=v': empty variable name"), "--env with an empty key");
	check(parse(&msg, "--workdir", "rel/dir", "--", "x", NULL) == OPTIONS_ERROR &&
	      contains(msg, "--workdir 'rel/dir' must be an absolute path"), "relative --workdir");
	check(parse(&msg, "--workdir", "", "--", "x", NULL) == OPTIONS_ERROR, "empty --workdir");
	check(parse(&msg, "--rootfs=", "--", "x", NULL) == OPTIONS_ERROR, "empty --rootfs");
	check(parse(&msg, "--image=", "--", "x", NULL) == OPTIONS_ERROR, "empty --image");
	check(parse(&msg, "--mem", "16M", "--", "x", NULL) == OPTIONS_ERROR &&
	      contains(msg, "too small"), "--mem checked as for boot");

	memset(long_cmdline, 'x', max_extra);
	check(parse(&msg, "--cmdline", long_cmdline, "--", "x", NULL) == OPTIONS_OK,
	      "--cmdline of %zu bytes fits after the prefix", max_extra);
	long_cmdline[max_extra] = 'x';
	check(parse(&msg, "--cmdline", long_cmdline, "--", "x", NULL) == OPTIONS_ERROR &&
	      contains(msg, "maximum"), "one byte more does not");

	setenv("XLIBOS_IMAGE", "/env.img", 1);
	check(parse(&msg, "--", "x", NULL) == OPTIONS_OK && strcmp(opts.image_path, "/env.img") == 0,
	      "XLIBOS_IMAGE");
	unsetenv("XLIBOS_IMAGE");
	run_options_free(&opts);
}

static void test_paths(void)
{
	char buf[256];

	check(run_kernel_cmdline(NULL, NULL, buf, sizeof(buf)) &&
	      strcmp(buf, "rdinit=/.xlibos/init loglevel=0") == 0, "kernel command line without --cmdline");
	check(run_kernel_cmdline(NULL, "", buf, sizeof(buf)) &&
	      strcmp(buf, "rdinit=/.xlibos/init loglevel=0") == 0, "empty --cmdline adds nothing");
	check(run_kernel_cmdline(NULL, "loglevel=8 x", buf, sizeof(buf)) &&
	      strcmp(buf, "rdinit=/.xlibos/init loglevel=0 loglevel=8 x") == 0, "--cmdline appended");
	check(run_kernel_cmdline("off", "x", buf, sizeof(buf)) &&
	      strcmp(buf, "rdinit=/.xlibos/init loglevel=0 xlibos.abcom=off x") == 0,
	      "--abcom becomes xlibos.abcom=, before --cmdline");
	check(!run_kernel_cmdline(NULL, "x", buf, 10), "too small a buffer");
	check(strcmp("/" XLIBOS_GUEST_ABCOM_TABLES, XLIBOS_ABCOM_TABLES_FILE) == 0,
	      "the guest init removes the site tables the LibOS reads");

	check(run_default_rootfs("/w/build/xlibos.img", buf, sizeof(buf)) &&
	      strcmp(buf, "/w/build/rootfs") == 0, "rootfs beside the image");
	check(run_default_rootfs("xlibos.img", buf, sizeof(buf)) && strcmp(buf, "rootfs") == 0,
	      "image in the current directory");
	check(run_default_rootfs("/xlibos.img", buf, sizeof(buf)) && strcmp(buf, "/rootfs") == 0,
	      "image in /");
	check(run_init_beside("/w/build/bin/xlibos", buf, sizeof(buf)) &&
	      strcmp(buf, "/w/build/bin/xlibos-init") == 0, "xlibos-init beside the loader");
	check(!run_init_beside("xlibos", buf, sizeof(buf)), "no directory, no default init");

	setenv("XLIBOS_INIT", "/my/init", 1);
	check(run_locate_init(buf, sizeof(buf)) && strcmp(buf, "/my/init") == 0, "XLIBOS_INIT");
	unsetenv("XLIBOS_INIT");
	check(run_locate_init(buf, sizeof(buf)) && contains(buf, "/xlibos-init"),
	      "default init from /proc/self/exe (%s)", buf);
}

/* ---- config: loader encoder -> init parser ---- */

static bool encode(char *const *argv, size_t argc, const char *const *env, size_t nenv,
		   const char *workdir, char **data, size_t *size)
{
	const struct run_config cfg = {
		.argv = argv, .argc = argc, .env = env, .nenv = nenv, .workdir = workdir,
	};

	return run_config_encode(&cfg, data, size);
}

static void test_config_roundtrip(void)
{
	char *argv[] = { "printf", "a b\nc", "", "\xff\x01", NULL };
	const char *env[] = { "FOO=bar", "PATH=/opt/bin", "MULTI=x\ny", "FOO=again" };
	struct init_config cfg;
	char err[128];
	char *data;
	size_t size;

	check(encode(argv, 4, env, 4, "/work dir", &data, &size) &&
	      memcmp(data, XLIBOS_CONFIG_MAGIC, strlen(XLIBOS_CONFIG_MAGIC)) == 0,
	      "encode: starts with the magic line");
	check(config_parse(data, size, &cfg, err, sizeof(err)), "parse what the loader wrote");
	check(cfg.argc == 4 && strcmp(cfg.argv[0], "printf") == 0 &&
	      strcmp(cfg.argv[1], "a b\nc") == 0 && strcmp(cfg.argv[2], "") == 0 &&
	      strcmp(cfg.argv[3], "\xff\x01") == 0 && !cfg.argv[4],
	      "argv survives: spaces, newline, empty, non-UTF-8");
	check(strcmp(cfg.workdir, "/work dir") == 0, "workdir");
	check(strcmp(config_getenv(cfg.envp, "PATH"), "/opt/bin") == 0, "--env PATH replaces the default");
	check(strcmp(config_getenv(cfg.envp, "HOME"), "/root") == 0, "HOME defaults to /root");
	check(strcmp(config_getenv(cfg.envp, "FOO"), "again") == 0, "a later --env wins");
	check(strcmp(config_getenv(cfg.envp, "MULTI"), "x\ny") == 0, "newline in a value");
	check(cfg.nenv == 4 && !cfg.envp[4], "no duplicate keys (PATH, HOME, FOO, MULTI)");
	check(!config_getenv(cfg.envp, "FO") && !config_getenv(cfg.envp, "HOSTNAME"),
	      "no prefix matches, no HOSTNAME");
	config_free(&cfg);	/* cfg.data is NULL: data is still ours */
	free(data);

	check(encode(argv, 1, NULL, 0, NULL, &data, &size), "encode: minimal");
	check(config_parse(data, size, &cfg, err, sizeof(err)) && strcmp(cfg.workdir, "/") == 0 &&
	      strcmp(config_getenv(cfg.envp, "PATH"),
		     "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") == 0 &&
	      cfg.nenv == 2, "defaults: workdir /, PATH, HOME only");
	config_free(&cfg);
	free(data);
}

static bool parse_text(const char *text, size_t len, char *err, size_t errlen)
{
	struct init_config cfg;
	char *copy = malloc(len + 1);
	bool ok;

	memcpy(copy, text, len);
	ok = config_parse(copy, len, &cfg, err, errlen);
	if (ok)
		config_free(&cfg);
	free(copy);
	return ok;
}

#define PARSE(lit, err) parse_text(lit, sizeof(lit) - 1, err, sizeof(err))

static void test_config_errors(void)
{
	char err[128];

	check(PARSE("XLIBOS-CONFIG 1\nargv\0true\0", err), "smallest valid config");
	check(!PARSE("", err) && contains(err, "magic"), "empty file");
	check(!PARSE("XLIBOS-CONFIG 2\nargv\0true\0", err) && contains(err, "magic"), "other version");
	check(!PARSE("XLIBOS-CONFIG 1\n", err) && contains(err, "no command"), "no argv");
	check(!PARSE("XLIBOS-CONFIG 1\nargv\0true", err) && contains(err, "truncated"),
	      "value without its NUL");
	check(!PARSE("XLIBOS-CONFIG 1\nargv\0true\0env", err) && contains(err, "truncated"),
	      "tag without a value");
	check(!PARSE("XLIBOS-CONFIG 1\nargv\0true\0bogus\0root\0", err) && contains(err, "unknown"),
	      "unknown tag");
	check(!PARSE("XLIBOS-CONFIG 1\nargv\0true\0env\0NOEQ\0", err) && contains(err, "KEY="),
	      "env without =");
	check(!PARSE("XLIBOS-CONFIG 1\nargv\0true\0env\0=x\0", err) && contains(err, "KEY="),
	      "env with an empty key");
	check(!PARSE("XLIBOS-CONFIG 1\nargv\0true\0workdir\0tmp\0", err) && contains(err, "absolute"),
	      "relative workdir");
}

/* ---- cpio writer ---- */

static void test_cpio_header(void)
{
	char h[CPIO_HEADER_SIZE + 1];
	const struct cpio_entry file = {
		.name = "bin/sh", .mode = 0100755, .uid = 1000, .gid = 100,
		.mtime = 0x5f5e1000, .size = 12345,
	};
	const struct cpio_entry dev = {
		.name = "dev/sda", .mode = 060660, .rdev_major = 8, .rdev_minor = 1,
	};
	const struct cpio_entry dir = { .name = "etc", .mode = 040755 };
	const struct cpio_entry huge = { .name = "big", .mode = 0100644, .size = 1ULL << 32 };

	check(cpio_format_header(h, &file, 7) && strlen(h) == CPIO_HEADER_SIZE &&
	      strcmp(h, "070701" "00000007" "000081ED" "000003E8" "00000064" "00000001"
		     "5F5E1000" "00003039" "00000000" "00000000" "00000000" "00000000"
		     "00000007" "00000000") == 0, "newc header of a regular file, field by field");
	check(cpio_format_header(h, &dev, 1) &&
	      memcmp(h + 6 + 8 * 9, "0000000800000001", 16) == 0, "device numbers in rdevmajor/minor");
	check(cpio_format_header(h, &dir, 1) && memcmp(h + 6 + 8 * 4, "00000002", 8) == 0,
	      "directories have nlink 2");
	check(!cpio_format_header(h, &huge, 1), "4 GiB file rejected (32-bit size field)");
}

/* The archive written to a memfd, read back. */
static char *archive_bytes(int fd, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char *buf = malloc((size_t)end + 1);

	*len = pread(fd, buf, (size_t)end, 0) == end ? (size_t)end : 0;
	return buf;
}

static void test_cpio_writer(void)
{
	struct cpio_writer *w = malloc(sizeof(*w));
	const struct cpio_entry a = { .name = "a", .mode = 0100644, .size = 3 };
	const struct cpio_entry empty = { .name = "empty", .mode = 0100600 };
	const struct cpio_entry link = { .name = "l", .mode = 0120777, .size = 5 };
	int fd = memfd_create("test-cpio", 0);
	size_t len;
	char *bytes;

	cpio_writer_init(w, fd, UINT64_MAX);
	check(cpio_add(w, &a, "xyz") && w->offset % 4 == 0, "entry padded to 4 bytes");
	check(cpio_add(w, &empty, NULL) && w->offset % 4 == 0, "empty file");
	check(cpio_begin_entry(w, &link) && cpio_write_data(w, "tar", 3) &&
	      cpio_write_data(w, "gt", 2) && w->offset % 4 == 0, "data in pieces");
	check(cpio_finish(w), "trailer written");
	bytes = archive_bytes(fd, &len);
	/* a: 110 + "a\0" = 112, + "xyz" + 1 pad = 116 */
	check(len == w->offset && memcmp(bytes + 110, "a\0", 2) == 0 &&
	      memcmp(bytes + 112, "xyz\0", 4) == 0 && memcmp(bytes + 116, "070701", 6) == 0,
	      "layout: header, name, data, padding, next header");
	/* Trailer: 110-byte header, 11-byte name, 3 bytes of padding. */
	check(len >= 124 && memmem(bytes, len, "TRAILER!!!", 11) == bytes + len - 14,
	      "archive ends with TRAILER!!! (NUL and padding)");
	/* 110 + "l\0" is already aligned: the data follows the name directly. */
	check(memmem(bytes, len, "l\0targt\0\0\0", 10) != NULL,
	      "data written in pieces is contiguous, then padded");
	free(bytes);
	close(fd);

	fd = memfd_create("test-cpio", 0);
	cpio_writer_init(w, fd, 200);
	check(cpio_add(w, &a, "xyz") && cpio_add(w, &a, "xyz") && cpio_finish(w) &&
	      cpio_over_limit(w) && w->offset == 116 * 2 + 124,
	      "past the limit the writer still counts the full size");
	check(lseek(fd, 0, SEEK_END) <= 200, "but stores nothing beyond it");
	close(fd);

	fd = memfd_create("test-cpio", 0);
	cpio_writer_init(w, fd, UINT64_MAX);
	check(cpio_begin_entry(w, &a) && cpio_write_data(w, "x", 1) &&
	      !cpio_begin_entry(w, &empty) && w->error == EINVAL,
	      "a short entry is a caller bug, caught");
	check(!cpio_write_data(w, "x", 1), "errors stick");
	close(fd);

	cpio_writer_init(w, -1, UINT64_MAX);
	check(cpio_add(w, &a, "xyz") && !cpio_finish(w) && w->error == EBADF,
	      "write errors reported at flush");
	free(w);
}

/* ---- exit status of run ---- */

#define EXITED(n) ((n) << 8)
#define KILLED(sig) (sig)

static int decide(uint32_t reason, int32_t status, bool recorded, int wstatus,
		  enum handoff_stage stage, char *msg, size_t len)
{
	struct xlibos_exit_record rec = { 0 };

	if (recorded) {
		rec.magic = XLIBOS_EXIT_MAGIC;
		rec.reason = reason;
		rec.status = status;
		snprintf(rec.message, sizeof(rec.message), "Attempted to kill init!");
	}
	return exit_status_decide_run(&rec, wstatus, stage, msg, len);
}

static void test_exit_status_run(void)
{
	const enum handoff_stage K = HANDOFF_IN_KERNEL;
	char msg[2048];

	check(decide(XLIBOS_EXIT_POWEROFF, 0, true, EXITED(0), K, msg, sizeof(msg)) == 0 && !*msg,
	      "power-off with status 0 -> 0, quiet");
	check(decide(XLIBOS_EXIT_POWEROFF, 7, true, EXITED(0), K, msg, sizeof(msg)) == 7 && !*msg,
	      "status 7 -> 7");
	check(decide(XLIBOS_EXIT_POWEROFF, 139, true, EXITED(0), K, msg, sizeof(msg)) == 139,
	      "status 139 (SIGSEGV in the guest) -> 139");
	check(decide(XLIBOS_EXIT_POWEROFF, 255, true, EXITED(0), K, msg, sizeof(msg)) == 255,
	      "status 255");
	check(decide(XLIBOS_EXIT_HALT, 3, true, EXITED(0), K, msg, sizeof(msg)) == 3, "halt: status too");
	check(decide(XLIBOS_EXIT_POWEROFF, 256, true, EXITED(0), K, msg, sizeof(msg)) == 125 &&
	      contains(msg, "exit status 256"), "status out of range -> 125 with a message");
	check(decide(XLIBOS_EXIT_POWEROFF, -1, true, EXITED(0), K, msg, sizeof(msg)) == 125,
	      "negative status -> 125");
	check(decide(XLIBOS_EXIT_PANIC, 0, true, EXITED(0), K, msg, sizeof(msg)) == 125 &&
	      strcmp(msg, "guest kernel panic: Attempted to kill init!") == 0, "panic -> 125 with the line");
	check(decide(XLIBOS_EXIT_RESTART, 0, true, EXITED(0), K, msg, sizeof(msg)) == 125 &&
	      contains(msg, "restart"), "restart -> 125");
	check(decide(0, 0, false, KILLED(SIGSEGV), K, msg, sizeof(msg)) == 125 &&
	      contains(msg, "SIGSEGV"), "LibOS killed -> 125");
	check(decide(0, 0, false, EXITED(0), K, msg, sizeof(msg)) == 125 &&
	      contains(msg, "terminated unexpectedly"), "LibOS exit without a record -> 125");
	check(decide(0, 0, false, EXITED(2), HANDOFF_SETUP, msg, sizeof(msg)) == 125 && !*msg,
	      "loader child setup failure (already reported) -> 125, quiet");
}

int main(void)
{
	test_parse_run();
	test_paths();
	test_config_roundtrip();
	test_config_errors();
	test_cpio_header();
	test_cpio_writer();
	test_exit_status_run();
	free(captured);

	return tap_summary();
}
