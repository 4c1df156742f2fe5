// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile guest against the --volume back end: a program inside the
 * container takes the volume's virtio-9p device over (its port page is
 * ordinary guest memory; the guest first unmounts the volume), builds its
 * own virtqueue and sends 9P messages no Linux client would: walks out of
 * the volume, into symlinks and a hard link to an outside file, messages
 * split over many descriptors, then transport garbage that must stop the
 * device with one message.  See tests/storage/virtio_hostile.c for the
 * doorbell trick (WAKE_ADDRESS is the LibOS's xlibos_futex_wake).
 *
 * usage: p9_hostile DEVICE_INDEX WAKE_ADDRESS ATTACK
 *   ops        9P from a hostile client; prints "PASS ..." / "FAIL ..." lines
 *   size-lie   a size field beyond the message (the device stops)
 *   short-in   room for 4 bytes of answer (the device stops)
 *   huge       a 600 KiB message (the device stops)
 * Then prints "broken=N".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "virtio_port.h"

#define QSIZE	256
#define NPAGES	200		/* 800 KiB of buffers, page by page */

struct rings {
	struct vring_desc desc[QSIZE];
	struct { uint16_t flags, idx, ring[QSIZE], event; } avail;
	uint8_t pad[4096 - (2 * QSIZE + 6) % 4096];
	struct { uint16_t flags, idx; struct vring_used_elem ring[QSIZE]; uint16_t event; } used;
} __attribute__((aligned(4096)));

static struct rings *r;
static uint64_t r_phys;
static uint8_t *pages;		/* NPAGES pages, each with its own frame */
static uint64_t page_phys[NPAGES];
static uint16_t avail_idx;

static uint64_t rphys(const void *p)
{
	return r_phys + (uint64_t)((const uint8_t *)p - (const uint8_t *)r);
}

static void setup(void)
{
	queue_take(rphys(r->desc), rphys(&r->avail), rphys(&r->used), QSIZE,
		   1 /* VIRTIO_9P_MOUNT_TAG */);
}

/*
 * Send @len bytes of @msg split into pieces of @chunk bytes (one
 * descriptor each, from page 0 on), with @in_len bytes of answer room
 * (pages after them).  Returns the used length, or -1 if none came.
 */
static uint8_t reply[1 << 16];

static long send_msg(const uint8_t *msg, size_t len, size_t chunk, size_t in_len)
{
	unsigned int nd = 0, pg = 0;
	uint16_t before = __atomic_load_n(&r->used.idx, __ATOMIC_ACQUIRE);
	size_t done = 0;
	long used;

	while (done < len) {
		size_t l = len - done < chunk ? len - done : chunk;

		if (l > 4096)
			l = 4096;
		memcpy(pages + 4096 * pg, msg + done, l);
		r->desc[nd] = (struct vring_desc){ page_phys[pg], (uint32_t)l, VRING_DESC_F_NEXT,
						   (uint16_t)(nd + 1) };
		nd++, pg++, done += l;
	}
	for (size_t got = 0; got < in_len; got += 4096) {
		size_t l = in_len - got < 4096 ? in_len - got : 4096;

		r->desc[nd] = (struct vring_desc){ page_phys[pg], (uint32_t)l,
						   VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, (uint16_t)(nd + 1) };
		nd++, pg++;
	}
	r->desc[nd - 1].flags &= (uint16_t)~VRING_DESC_F_NEXT;
	r->avail.ring[avail_idx % QSIZE] = 0;
	__atomic_store_n(&r->avail.idx, ++avail_idx, __ATOMIC_RELEASE);
	__atomic_fetch_or(&port->notify, 1, __ATOMIC_SEQ_CST);
	ring();
	for (int i = 0; i < 2000 && !port->broken &&
	     __atomic_load_n(&r->used.idx, __ATOMIC_ACQUIRE) == before; i++)
		usleep(1000);
	if (__atomic_load_n(&r->used.idx, __ATOMIC_ACQUIRE) == before)
		return -1;
	used = r->used.ring[before % QSIZE].len;
	/* Gather the answer from the in pages. */
	pg = (unsigned int)((len + chunk - 1) / chunk);
	if (chunk > 4096)
		pg = (unsigned int)((len + 4095) / 4096);
	for (long off = 0; off < used && off < (long)sizeof(reply); off += 4096)
		memcpy(reply + off, pages + 4096 * (pg + (size_t)off / 4096),
		       used - off < 4096 ? (size_t)(used - off) : 4096);
	return used;
}

/* --- 9P messages ---------------------------------------------------------- */

static uint8_t m[1 << 20];
static size_t ml;

static void put(const void *p, size_t n) { memcpy(m + ml, p, n); ml += n; }
static void p8(uint8_t v) { put(&v, 1); }
static void p16(uint16_t v) { put(&v, 2); }
static void p32(uint32_t v) { put(&v, 4); }
static void p64(uint64_t v) { put(&v, 8); }
static void pstr(const char *s) { p16((uint16_t)strlen(s)); put(s, strlen(s)); }
static void start(uint8_t type) { ml = 4; p8(type); p16(1); }
static void fix(void) { uint32_t l = (uint32_t)ml; memcpy(m, &l, 4); }

static uint32_t u32at(size_t off) { uint32_t v; memcpy(&v, reply + off, 4); return v; }
static uint64_t u64at(size_t off) { uint64_t v; memcpy(&v, reply + off, 8); return v; }

/* Send the built message; the R-type, or 0 if there was no answer. */
static int call(size_t chunk)
{
	fix();
	return send_msg(m, ml, chunk, 8192) < 7 ? 0 : reply[4];
}

static unsigned int fails;

static void report(int cond, const char *what)
{
	printf("%s %s\n", cond ? "PASS" : "FAIL", what);
	fails += !cond;
}

static int walk(uint32_t fid, uint32_t newfid, int n, const char *const *names, size_t chunk)
{
	start(110);
	p32(fid);
	p32(newfid);
	p16((uint16_t)n);
	for (int i = 0; i < n; i++)
		pstr(names[i]);
	return call(chunk);
}

static void ops(void)
{
	uint64_t root_ino;
	const char *up[16];

	start(100);
	p32(65536);
	pstr("9P2000.L");
	report(call(4096) == 101 && u32at(7) == 65536, "Tversion over our own queue");
	start(104);
	p32(1);
	p32(~0U);
	pstr("");
	pstr("");
	p32(0);
	report(call(3) == 105, "Tattach, the message split in 3-byte descriptors");
	root_ino = u64at(7 + 5);
	for (int i = 0; i < 16; i++)
		up[i] = "..";
	report(walk(1, 2, 16, up, 1) == 111 && reply[7] == 16 &&
	       u64at(9 + 15 * 13 + 5) == root_ino, "16 x '..' from the root: still the root (1-byte descriptors)");
	{
		const char *esc[] = { "esc-dir", "secret" };

		report(walk(1, 3, 2, esc, 4096) == 111 && reply[7] == 1,
		       "walk esc-dir/secret: stops at the symlink");
	}
	{
		const char *slash[] = { "../outside" };

		report(walk(1, 3, 1, slash, 4096) == 7 && u32at(7) == EINVAL, "walk '../outside': EINVAL");
	}
	{
		const char *hard[] = { "hard" };

		walk(1, 4, 1, hard, 4096);
		start(12);	/* Tlopen */
		p32(4);
		p32(2);
		report(call(4096) == 7 && u32at(7) == EACCES, "Tlopen O_RDWR of the hard link to an outside file: EACCES");
	}
	{
		const char *esc[] = { "esc-file" };

		walk(1, 5, 1, esc, 4096);
		start(12);
		p32(5);
		p32(0);
		report(call(4096) == 7 && u32at(7) == ELOOP, "Tlopen of a symlink to an outside file: ELOOP");
		start(26);	/* Tsetattr size 0 */
		p32(5);
		p32(8);
		p32(0);
		p32(0);
		p32(0);
		p64(0);
		p64(0);
		p64(0);
		p64(0);
		p64(0);
		report(call(4096) == 7, "Tsetattr size 0 on it: refused");
	}
	/* Write a file with its data spread over 100 descriptors. */
	{
		static char data[50000];

		memset(data, 'x', sizeof(data));
		start(14);	/* Tlcreate in the root (fid 6 = clone of 1) */
		walk(1, 6, 0, NULL, 4096);
		start(14);
		p32(6);
		pstr("from-hostile");
		p32(2);
		p32(0644);
		p32(0);
		report(call(4096) == 15, "Tlcreate from-hostile");
		start(118);
		p32(6);
		p64(0);
		p32(sizeof(data));
		put(data, sizeof(data));
		report(call(500) == 119 && u32at(7) == sizeof(data), "Twrite 50000 bytes in 500-byte descriptors");
	}
	start(122);	/* Tremove of the root fid: refused, fid clunked */
	p32(2);
	report(call(4096) == 7 && u32at(7) == EBUSY, "Tremove of the volume's root: EBUSY");
	start(250);
	report(call(4096) == 7 && u32at(7) == EOPNOTSUPP, "message type 250: EOPNOTSUPP");
	start(120);	/* Tclunk truncated: no fid */
	report(call(4096) == 7 && u32at(7) == EINVAL, "Tclunk without its fid: EINVAL");
}

int main(int argc, char **argv)
{
	const char *attack;

	if (argc != 4)
		return 2;
	port_attach((unsigned int)atoi(argv[1]), argv[2]);
	attack = argv[3];
	r = aligned_alloc(4096, sizeof(*r));
	pages = aligned_alloc(4096, 4096 * NPAGES);
	if (!r || !pages || mlock(r, sizeof(*r)) || mlock(pages, 4096 * NPAGES))
		return 2;
	memset(r, 0, sizeof(*r));
	memset(pages, 0, 4096 * NPAGES);
	r_phys = phys_of(r);
	for (size_t off = 0; off < sizeof(*r); off += 4096)
		if (phys_of((uint8_t *)r + off) != r_phys + off) {
			fprintf(stderr, "rings not physically contiguous\n");
			return 2;
		}
	for (int i = 0; i < NPAGES; i++)
		page_phys[i] = phys_of(pages + 4096 * i);
	setup();

	if (!strcmp(attack, "ops")) {
		ops();
	} else if (!strcmp(attack, "size-lie")) {
		start(120);
		p32(1);
		fix();
		m[1] = 0x10;	/* size 4096 + 11 for an 11-byte message */
		send_msg(m, ml, 4096, 4096);
	} else if (!strcmp(attack, "short-in")) {
		start(120);
		p32(1);
		fix();
		send_msg(m, ml, 4096, 4);
	} else if (!strcmp(attack, "huge")) {
		start(118);
		p32(1);
		p64(0);
		p32(600000);
		ml += 600000;
		fix();
		send_msg(m, ml, 4096, 4096);
	} else {
		return 2;
	}
	printf("broken=%u\n", __atomic_load_n(&port->broken, __ATOMIC_ACQUIRE));
	return fails ? 1 : 0;
}
