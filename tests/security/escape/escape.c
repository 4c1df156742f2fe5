// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile guest program: tries to reach the host from inside an xlibos
 * container through one door with one attempt, and says what came of it.
 *
 *   escape door=DOOR op=OP [key=value]...
 *
 * DOOR: a (call xlibos_host_syscall), b (jump to the 0f 05 at site=ADDR),
 * c-hc (our own "syscall; ret" written into .hypercall.text), c-text (the
 * same in .text below it), c-edge (a "syscall" in the last two bytes
 * before .hypercall.text: its return address is the section's start),
 * d (forge the exit record; op = long, inject, reason or status), and
 * n (this program's own syscall: run natively on the host, the control).
 * Addresses (hex): hostcall=, site=, hcstart=, hcend=, boot=.
 * Bait: dir=, tag=, port=, pid=, addr=.
 *
 * Op probe is no escape: an allowed host call (write to the host's
 * stdout) that shows the door reaches the host; "result: reached the host".
 *
 * Last line "result: refused" (every host call failed) or "result:
 * host-judged" (the host must look), exit 0; "result: ESCAPED", exit 42;
 * bad usage or a door that cannot be set up here, exit 2.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attempts.h"
#include "exit_record.h"
#include "hostcall.h"

#define EXIT_ESCAPED 42

static const unsigned char syscall_ret[] = { 0x0f, 0x05, 0xc3 };

static const char *arg(int argc, char **argv, const char *key)
{
	size_t n = strlen(key);
	int i;

	for (i = 1; i < argc; i++)
		if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
	return NULL;
}

static unsigned long addr_arg(int argc, char **argv, const char *key)
{
	const char *v = arg(argc, argv, key);

	if (!v) {
		fprintf(stderr, "escape: missing %s=\n", key);
		exit(2);
	}
	return strtoul(v, NULL, 0);
}

static int is_filler(int c)
{
	/* Bytes of the nop forms and int3 that pad between functions. */
	return c == 0x90 || c == 0xcc || c == 0x66 || c == 0x2e || c == 0x0f ||
	       c == 0x1f || c == 0x84 || c == 0x80 || c == 0x40 || c == 0x44 ||
	       c == 0x00;
}

/* Three bytes of padding after a ret or ud2 inside [start, end). */
static unsigned long find_padding(unsigned long start, unsigned long end)
{
	unsigned long p;

	for (p = start + 2; p + 3 <= end; p++) {
		int b2 = door_peek(p - 2), b1 = door_peek(p - 1);
		int c0 = door_peek(p), c1 = door_peek(p + 1), c2 = door_peek(p + 2);

		if (c0 < 0 || c1 < 0 || c2 < 0)
			return 0;
		if (!(b1 == 0xc3 || (b2 == 0x0f && b1 == 0x0b)))
			continue;
		if ((c0 == 0x0f && c1 == 0x1f) || (c0 == 0x66 && c1 == 0x0f && c2 == 0x1f) ||
		    (c0 == 0x90 && c1 == 0x90 && c2 == 0x90) ||
		    (c0 == 0xcc && c1 == 0xcc && c2 == 0xcc))
			return p;
	}
	return 0;
}

/* Length of the filler run that ends just before addr. */
static unsigned long filler_before(unsigned long addr)
{
	unsigned long n = 0;
	int c;

	while (n < 4096 && (c = door_peek(addr - n - 1)) >= 0 && is_filler(c))
		n++;
	return n;
}

/* Set up the door; 0 on success, else the exit status. */
static int open_door(const char *name, const char *op, int argc, char **argv,
		     struct door *d)
{
	unsigned long start, end, p;

	if (!strcmp(name, "a")) {
		d->kind = DOOR_HOST_SYSCALL;
		d->addr = addr_arg(argc, argv, "hostcall");
		return 0;
	}
	if (!strcmp(name, "n")) {
		d->kind = DOOR_HOST_SYSCALL;
		d->addr = (unsigned long)native_host_syscall;
		return 0;
	}
	if (attempt_needs_host_syscall(op)) {
		fprintf(stderr, "escape: op %s only through door a\n", op);
		return 2;
	}
	if (!strcmp(name, "b")) {
		d->kind = DOOR_SITE;
		d->addr = addr_arg(argc, argv, "site");
		if (door_peek(d->addr) != 0x0f || door_peek(d->addr + 1) != 0x05)
			printf("note: no 0f 05 at %#lx (any more)\n", d->addr);
		return 0;
	}
	start = addr_arg(argc, argv, "hcstart");
	end = addr_arg(argc, argv, "hcend");
	d->kind = DOOR_STUB;
	if (!strcmp(name, "c-hc")) {
		p = find_padding(start, end);
		if (!p) {
			/* No padding: over the section's first bytes. */
			p = start;
			printf("note: no padding in .hypercall.text, writing at its start\n");
		}
		if (!door_poke(p, syscall_ret, sizeof(syscall_ret)))
			goto closed;
		d->addr = p;
	} else if (!strcmp(name, "c-text")) {
		if (filler_before(start) < 24) {
			fprintf(stderr, "escape: no padding before .hypercall.text\n");
			return 2;
		}
		p = start - 16;	/* its syscall returns to start - 14: outside */
		if (!door_poke(p, syscall_ret, sizeof(syscall_ret)))
			goto closed;
		d->addr = p;
	} else if (!strcmp(name, "c-edge")) {
		if (strcmp(op, "create") && strcmp(op, "probe")) {
			/* After it, the section's first code runs with our
			 * registers; openat(AT_FDCWD) and write(1) make that
			 * harmless. */
			fprintf(stderr, "escape: door c-edge only with op create or probe\n");
			return 2;
		}
		if (filler_before(start) < 2)
			printf("note: the bytes before .hypercall.text are not padding\n");
		if (!door_poke(start - 2, syscall_ret, 2))
			goto closed;
		d->addr = start - 2;
	} else {
		fprintf(stderr, "escape: unknown door %s\n", name);
		return 2;
	}
	printf("own syscall at %#lx\n", d->addr);
	return 0;
closed:
	printf("LibOS text not writable: door closed\nresult: refused\n");
	exit(0);
}

int main(int argc, char **argv)
{
	const char *door_name = arg(argc, argv, "door");
	const char *op = arg(argc, argv, "op");
	const char *v;
	struct bait bait = { 0 };
	struct door door;
	int rc, outcome;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!door_name || !op) {
		fprintf(stderr, "usage: escape door=DOOR op=OP [key=value]...\n");
		return 2;
	}
	door_install_recovery();
	if (!strcmp(door_name, "d")) {
		rc = exit_record_forge(addr_arg(argc, argv, "boot"), op);
		if (rc == 2) {
			fprintf(stderr, "escape: unknown forgery %s\n", op);
			return 2;
		}
		printf(rc ? "result: refused\n" : "result: forged\n");
		return 0;
	}
	bait.dir = arg(argc, argv, "dir");
	bait.tag = (v = arg(argc, argv, "tag")) ? v : door_name;
	bait.port = (v = arg(argc, argv, "port")) ? atoi(v) : 0;
	bait.pid = (v = arg(argc, argv, "pid")) ? atol(v) : 0;
	bait.addr = (v = arg(argc, argv, "addr")) ? strtoul(v, NULL, 0) : 0;
	if (!bait.dir)
		bait.dir = "/nonexistent";
	rc = open_door(door_name, op, argc, argv, &door);
	if (rc)
		return rc;
	outcome = attempt_run(op, &door, &bait);
	switch (outcome) {
	case REFUSED:
		printf("result: refused\n");
		return 0;
	case HOST_JUDGED:
		printf("result: host-judged\n");
		return 0;
	case REACHED:
		printf("result: reached the host\n");
		return 0;
	case ESCAPED:
		printf("result: ESCAPED through door %s with %s\n", door_name, op);
		return EXIT_ESCAPED;
	default:
		fprintf(stderr, "escape: unknown op %s\n", op);
		return 2;
	}
}
