/* SPDX-License-Identifier: GPL-2.0 */
/*
 * main() of every fuzz harness.  A harness defines
 *
 *   static void fuzz_setup(void);                      once per process
 *   static void fuzz_one(const uint8_t *data, size_t size);  per input
 *
 * and includes this file last.  Built with afl-cc it runs AFL++'s
 * persistent loop over shared-memory test cases; built with a plain
 * compiler it runs each file named on the command line (or stdin), which
 * is how tests/security/fuzz_regress.sh replays reproducers.
 *
 * Each input is copied into a buffer of exactly its size, so that a
 * sanitizer sees a read past its end (AFL's shared buffer is larger).
 */
#ifndef XLIBOS_FUZZ_DRIVER_H
#define XLIBOS_FUZZ_DRIVER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>	/* read(), in __AFL_FUZZ_TESTCASE_LEN */

static void run_one(const uint8_t *buf, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy) {
		fprintf(stderr, "fuzz: out of memory for a %zu-byte input\n", len);
		exit(2);
	}
	memcpy(copy, buf, len);
	fuzz_one(copy, len);
	free(copy);
}

#ifdef __AFL_FUZZ_TESTCASE_LEN

__AFL_FUZZ_INIT();

int main(void)
{
	const uint8_t *buf;

	fuzz_setup();
	__AFL_INIT();
	buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000))
		run_one(buf, (size_t)__AFL_FUZZ_TESTCASE_LEN);
	return 0;
}

#else

/* The whole stream; NULL on a read error. */
static uint8_t *read_all(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0, got;
	uint8_t *buf = malloc(cap), *grown;

	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			grown = realloc(buf, cap *= 2);
			if (!grown)
				free(buf);
			buf = grown;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	*len = n;
	return buf;
}

static int run_stream(FILE *f, const char *name)
{
	size_t len;
	uint8_t *buf = read_all(f, &len);

	if (!buf) {
		fprintf(stderr, "fuzz: cannot read %s\n", name);
		return 2;
	}
	run_one(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	fuzz_setup();
	if (argc < 2)
		return run_stream(stdin, "stdin");
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		int rc;

		if (!f) {
			fprintf(stderr, "fuzz: cannot open %s\n", argv[i]);
			return 2;
		}
		rc = run_stream(f, argv[i]);
		fclose(f);
		if (rc)
			return rc;
	}
	return 0;
}

#endif /* __AFL_FUZZ_TESTCASE_LEN */
#endif /* XLIBOS_FUZZ_DRIVER_H */
