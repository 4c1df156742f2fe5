// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-vsock back end (loader/virtio/vsock.c) driven as a hostile
 * guest would: rings built by hand in a stand-in guest memory, host clients
 * on the real control socket.  A connection opened and used both ways
 * under the guest's credit, half-closes both ways, a guest that sends more
 * than its credit (reset, memory bounded), packets with wrong CIDs, lengths
 * beyond their chain, short headers, writable descriptors, other socket
 * types, unknown ops (dropped and counted, or the connection reset), guest
 * requests to the host (RST), a flood of RST answers with no buffer to put
 * them in (bounded), too many clients, bad request lines, random packets,
 * and malformed rings (the device stops, its clients see EOF).
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_vsock.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "virtio/vsock.h"
#include "virtio/vsock_host.h"

#define RAM_SIZE	(8u << 20)
#define RX_BASE		0x100000u	/* rx buffer i at RX_BASE + i * RX_BUF */
#define RX_BUF		4096u
#define TX_BASE		0x200000u
#define HDR		((uint32_t)sizeof(struct virtio_vsock_hdr))
enum { RXQ, TXQ, EVQ };

struct fake {
	struct guest_ram ram;
	struct virtio_dev dev;
	uint64_t tx_next;
	uint16_t avail_idx[3];
	uint16_t next_desc[3];
	uint16_t used_seen[3];
	char path[108];
};

struct pkt {
	struct virtio_vsock_hdr h;
	uint32_t len;		/* payload bytes */
	uint8_t data[RX_BUF];
};

static const uint64_t desc_at[3] = { 0x10000, 0x20000, 0x30000 };
static const uint64_t avail_at[3] = { 0x11000, 0x21000, 0x31000 };
static const uint64_t used_at[3] = { 0x12000, 0x22000, 0x32000 };

static bool fake_start(struct fake *f, const char *name)
{
	memset(f, 0, sizeof(*f));
	f->ram.size = RAM_SIZE;
	f->ram.base = aligned_alloc(4096, RAM_SIZE);
	memset(f->ram.base, 0, RAM_SIZE);
	f->tx_next = TX_BASE;
	snprintf(f->path, sizeof(f->path), "/tmp/vsock-test-%d-%s.sock", (int)getpid(), name);
	unlink(f->path);
	if (!virtio_vsock_init(&f->dev, f->path))
		return false;
	f->dev.driver_features = f->dev.host_features;
	f->dev.ram = &f->ram;
	f->dev.area = (struct xlibos_virtio_area *)f->ram.base;
	f->dev.port = (struct xlibos_virtio_port *)(f->ram.base + 4096);
	for (int q = 0; q < 3; q++)
		f->dev.queues[q] = (struct virtio_queue){
			.ready = true, .num = 256,
			.desc = desc_at[q], .avail = avail_at[q], .used = used_at[q],
		};
	return true;
}

static void fake_stop(struct fake *f)
{
	f->dev.stop = true;
	f->dev.ops->free(&f->dev);
	free(f->ram.base);
}

static void kick(struct fake *f, int q)
{
	f->dev.ops->queue_notify(&f->dev, (unsigned int)q);
}

/* One descriptor chain of (addr, len, writable) segments on queue q. */
struct seg {
	uint64_t addr;
	uint32_t len;
	bool write;
};

static void post(struct fake *f, int q, const struct seg *s, int n)
{
	struct vring_desc *d = (struct vring_desc *)(f->ram.base + desc_at[q]);
	uint16_t *avail = (uint16_t *)(f->ram.base + avail_at[q]);
	uint16_t head = f->next_desc[q];

	for (int i = 0; i < n; i++) {
		uint16_t k = (uint16_t)((head + i) % 256);

		d[k].addr = s[i].addr;
		d[k].len = s[i].len;
		d[k].flags = (uint16_t)((s[i].write ? VRING_DESC_F_WRITE : 0) |
					(i + 1 < n ? VRING_DESC_F_NEXT : 0));
		d[k].next = (uint16_t)((k + 1) % 256);
	}
	f->next_desc[q] = (uint16_t)((head + n) % 256);
	avail[2 + f->avail_idx[q] % 256] = head;
	f->avail_idx[q]++;
	__atomic_store_n(&avail[1], f->avail_idx[q], __ATOMIC_RELEASE);
}

/* @n receive buffers of RX_BUF bytes (one descriptor each, as Linux posts). */
static void post_rx(struct fake *f, int n)
{
	/* As a driver does: never more outstanding than the ring holds. */
	uint16_t out = (uint16_t)(f->avail_idx[RXQ] - f->used_seen[RXQ]);

	if (n > 200 - out)
		n = 200 - out;
	for (int i = 0; i < n; i++) {
		struct seg s = { RX_BASE + (uint64_t)(f->next_desc[RXQ] % 256) * RX_BUF, RX_BUF, true };

		post(f, RXQ, &s, 1);
	}
	kick(f, RXQ);
}

static uint64_t tx_alloc(struct fake *f, size_t len)
{
	uint64_t at;

	if (f->tx_next + len > RAM_SIZE)
		f->tx_next = TX_BASE;	/* chains are consumed at once */
	at = f->tx_next;
	f->tx_next += (len + 63) & ~63ul;
	return at;
}

static struct virtio_vsock_hdr hdr(uint32_t guest_port, uint32_t host_port, uint16_t op,
				   uint32_t flags, uint32_t buf_alloc, uint32_t fwd_cnt, uint32_t len)
{
	struct virtio_vsock_hdr h = {
		.src_cid = htole64(3), .dst_cid = htole64(2),
		.src_port = htole32(guest_port), .dst_port = htole32(host_port),
		.len = htole32(len), .type = htole16(VIRTIO_VSOCK_TYPE_STREAM),
		.op = htole16(op), .flags = htole32(flags),
		.buf_alloc = htole32(buf_alloc), .fwd_cnt = htole32(fwd_cnt),
	};
	return h;
}

/* A transmit chain: @hlen bytes of @h, then @len bytes of @data; kicked. */
static void send_raw(struct fake *f, const void *h, uint32_t hlen, const void *data,
		     uint32_t len, bool writable)
{
	struct seg s[2];
	int n = 0;

	s[n] = (struct seg){ tx_alloc(f, hlen), hlen, false };
	memcpy(f->ram.base + s[n].addr, h, hlen);
	n++;
	if (len) {
		s[n] = (struct seg){ tx_alloc(f, len), len, writable };
		if (data)
			memcpy(f->ram.base + s[n].addr, data, len);
		n++;
	}
	post(f, TXQ, s, n);
	kick(f, TXQ);
}

static void send_pkt(struct fake *f, struct virtio_vsock_hdr h, const void *data)
{
	send_raw(f, &h, HDR, data, le32toh(h.len), false);
}

/* The next packet the device put in a receive buffer, if any. */
static bool take_rx(struct fake *f, struct pkt *p)
{
	uint16_t idx = __atomic_load_n((uint16_t *)(f->ram.base + used_at[RXQ] + 2),
				       __ATOMIC_ACQUIRE);
	struct vring_used_elem e;
	const struct vring_desc *d = (const struct vring_desc *)(f->ram.base + desc_at[RXQ]);

	if (idx == f->used_seen[RXQ])
		return false;
	e = ((struct vring_used_elem *)(f->ram.base + used_at[RXQ] + 4))[f->used_seen[RXQ] % 256];
	f->used_seen[RXQ]++;
	memcpy(&p->h, f->ram.base + d[e.id].addr, HDR);
	p->len = e.len >= HDR ? e.len - HDR : 0;
	if (p->len > RX_BUF - HDR)
		p->len = RX_BUF - HDR;
	memcpy(p->data, f->ram.base + d[e.id].addr + HDR, p->len);
	return true;
}

/* Wait up to @ms for a packet, ringing as the watcher would. */
static bool wait_rx(struct fake *f, struct pkt *p, int ms)
{
	for (int i = 0; i < ms; i++) {
		if (take_rx(f, p))
			return true;
		kick(f, RXQ);
		if (take_rx(f, p))
			return true;
		usleep(1000);
	}
	return false;
}

/* Let the device see host events for @ms without taking packets. */
static void settle(struct fake *f, int ms)
{
	for (int i = 0; i < ms; i++) {
		kick(f, RXQ);
		usleep(1000);
	}
}

static int client(struct fake *f, const char *line)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(a.sun_path, f->path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (line && write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read from @fd with the device running: up to @len bytes within @ms. */
static ssize_t client_read(struct fake *f, int fd, void *buf, size_t len, int ms)
{
	size_t got = 0;

	for (int i = 0; i < ms && got < len; i++) {
		ssize_t n = recv(fd, (char *)buf + got, len - got, MSG_DONTWAIT);

		if (n == 0)
			return got ? (ssize_t)got : 0;
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (errno != EAGAIN)
			return -1;
		kick(f, RXQ);
		usleep(1000);
	}
	return got ? (ssize_t)got : -2;	/* -2: nothing came in time */
}

/* Whether the client sees EOF (after whatever is still queued) within @ms. */
static bool client_eof(struct fake *f, int fd, int ms)
{
	char buf[4096];

	for (int i = 0; i < ms; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n == 0)
			return true;
		if (n < 0 && errno != EAGAIN)
			return false;
		if (n < 0) {
			kick(f, RXQ);
			usleep(1000);
		}
	}
	return false;
}

static struct vsock_counts counts(struct fake *f)
{
	struct vsock_counts c;

	virtio_vsock_counts(&f->dev, &c);
	return c;
}

/* A client connected to guest port @port through a REQUEST/RESPONSE. */
static int open_conn(struct fake *f, uint32_t port, uint32_t buf_alloc, uint32_t *host_port)
{
	char line[32], ok[32] = { 0 };
	struct pkt p;
	int fd;

	snprintf(line, sizeof(line), "CONNECT %u\n", port);
	fd = client(f, line);
	if (fd < 0 || !wait_rx(f, &p, 2000) || le16toh(p.h.op) != VIRTIO_VSOCK_OP_REQUEST ||
	    le32toh(p.h.dst_port) != port)
		return -1;
	*host_port = le32toh(p.h.src_port);
	send_pkt(f, hdr(port, *host_port, VIRTIO_VSOCK_OP_RESPONSE, 0, buf_alloc, 0, 0), NULL);
	snprintf(line, sizeof(line), "OK %u\n", *host_port);
	if (client_read(f, fd, ok, strlen(line), 2000) != (ssize_t)strlen(line) || strcmp(ok, line))
		return -1;
	return fd;
}

static void test_basics(void)
{
	struct fake f;
	struct stat st;
	uint8_t cid[8];

	if (!check(fake_start(&f, "basics"), "the device comes up with its control socket"))
		return;
	for (int i = 0; i < 8; i++)
		cid[i] = f.dev.ops->config_byte(&f.dev, (uint32_t)i);
	check(cid[0] == 3 && !cid[1] && !cid[7] && f.dev.ops->config_byte(&f.dev, 8) == 0,
	      "config space: guest_cid 3 (le64), nothing after");
	check(f.dev.ops->device_id == VIRTIO_ID_VSOCK && f.dev.ops->nqueues == 3,
	      "virtio id 19, queues rx, tx, event");
	check(stat(f.path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0600,
	      "the socket is 0600");
	fake_stop(&f);
	check(stat(f.path, &st) != 0, "the socket file is removed when the device is freed");
}

static void test_parse(void)
{
	static const struct { const char *line; bool ok; uint32_t port; } t[] = {
		{ "CONNECT 0", true, 0 }, { "CONNECT 1024", true, 1024 },
		{ "CONNECT 4294967294", true, 4294967294u }, { "CONNECT 4294967295", false, 0 },
		{ "CONNECT 99999999999", false, 0 }, { "CONNECT 01", false, 0 },
		{ "CONNECT +1", false, 0 }, { "CONNECT -1", false, 0 }, { "CONNECT ", false, 0 },
		{ "CONNECT", false, 0 }, { "CONNECT 1 ", false, 0 }, { "CONNECT  1", false, 0 },
		{ "connect 1", false, 0 }, { "CONNECT 1\r", false, 0 }, { "CONNECT 0x10", false, 0 },
		{ "", false, 0 },
	};
	bool all = true;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t port = 7;
		bool ok = vsock_host_parse_connect(t[i].line, strlen(t[i].line), &port);

		if (ok != t[i].ok || (ok && port != t[i].port)) {
			diag("'%s': %s", t[i].line, ok ? "taken" : "refused");
			all = false;
		}
	}
	check(all, "request lines: strict decimal ports below 2^32-1, nothing else");
}

static void test_stream(void)
{
	struct fake f;
	struct pkt p;
	uint32_t hp;
	char data[10000], got[10000], buf[64];
	uint32_t total = 0;
	bool same = true, bounded = true;
	int fd;

	if (!fake_start(&f, "stream"))
		return;
	post_rx(&f, 64);
	fd = client(&f, "CONNECT 1024\n");
	check(fd >= 0 && wait_rx(&f, &p, 2000) && le16toh(p.h.op) == VIRTIO_VSOCK_OP_REQUEST &&
	      le64toh(p.h.src_cid) == 2 && le64toh(p.h.dst_cid) == 3 &&
	      le32toh(p.h.dst_port) == 1024 && le32toh(p.h.src_port) >= VSOCK_HOST_PORT_FIRST &&
	      le16toh(p.h.type) == VIRTIO_VSOCK_TYPE_STREAM &&
	      le32toh(p.h.buf_alloc) == VSOCK_HOST_BUF && p.len == 0,
	      "CONNECT 1024: a REQUEST from CID 2 to CID 3 port 1024, our buffer advertised");
	hp = le32toh(p.h.src_port);
	/* The guest accepts with only 4096 bytes of buffer. */
	send_pkt(&f, hdr(1024, hp, VIRTIO_VSOCK_OP_RESPONSE, 0, 4096, 0, 0), NULL);
	snprintf(data, sizeof(data), "OK %u\n", hp);
	memset(buf, 0, sizeof(buf));
	check(client_read(&f, fd, buf, strlen(data), 2000) == (ssize_t)strlen(data) &&
	      !strcmp(buf, data), "RESPONSE: the client reads 'OK %u'", hp);

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 3);
	check(write(fd, data, sizeof(data)) == (ssize_t)sizeof(data), "the client writes 10000 bytes");
	/* No more than the guest's credit, however long we wait. */
	for (int i = 0; i < 300; i++) {
		if (!take_rx(&f, &p)) {
			kick(&f, RXQ);
			usleep(1000);
			continue;
		}
		if (le16toh(p.h.op) != VIRTIO_VSOCK_OP_RW || total + p.len > 4096)
			bounded = false;
		else
			memcpy(got + total, p.data, p.len);
		total += p.len;
	}
	check(bounded && total == 4096, "the guest gets exactly its credit (4096 bytes), no more (%u)",
	      total);
	/* It read them: a credit update lets the rest come. */
	post_rx(&f, 64);
	send_pkt(&f, hdr(1024, hp, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0, 65536, 4096, 0), NULL);
	while (total < sizeof(data) && wait_rx(&f, &p, 1000)) {
		if (le16toh(p.h.op) == VIRTIO_VSOCK_OP_RW && total + p.len <= sizeof(data))
			memcpy(got + total, p.data, p.len);
		total += p.len;
	}
	same = total == sizeof(data) && !memcmp(got, data, sizeof(data));
	check(same, "after CREDIT_UPDATE the rest arrives, every byte in order (%u)", total);

	/* Guest -> host. */
	send_pkt(&f, hdr(1024, hp, VIRTIO_VSOCK_OP_RW, 0, 65536, total, 1000), data);
	memset(got, 0, sizeof(got));
	check(client_read(&f, fd, got, 1000, 2000) == 1000 && !memcmp(got, data, 1000),
	      "RW from the guest: the client reads its 1000 bytes");
	send_pkt(&f, hdr(1024, hp, VIRTIO_VSOCK_OP_CREDIT_REQUEST, 0, 65536, total, 0), NULL);
	check(wait_rx(&f, &p, 2000) && le16toh(p.h.op) == VIRTIO_VSOCK_OP_CREDIT_UPDATE &&
	      le32toh(p.h.fwd_cnt) == 1000 && le32toh(p.h.buf_alloc) == VSOCK_HOST_BUF,
	      "CREDIT_REQUEST: a CREDIT_UPDATE with fwd_cnt 1000");

	/* Client half-close: SHUTDOWN(SEND); the guest can still send. */
	shutdown(fd, SHUT_WR);
	check(wait_rx(&f, &p, 2000) && le16toh(p.h.op) == VIRTIO_VSOCK_OP_SHUTDOWN &&
	      le32toh(p.h.flags) == VIRTIO_VSOCK_SHUTDOWN_SEND,
	      "client shutdown(SHUT_WR): SHUTDOWN with SEND for the guest");
	send_pkt(&f, hdr(1024, hp, VIRTIO_VSOCK_OP_RW, 0, 65536, total, 5), "after");
	check(client_read(&f, fd, got, 5, 2000) == 5 && !memcmp(got, "after", 5),
	      "the guest still sends after the client's half-close");
	/* Guest half-close: the client reads EOF. */
	send_pkt(&f, hdr(1024, hp, VIRTIO_VSOCK_OP_SHUTDOWN, VIRTIO_VSOCK_SHUTDOWN_SEND, 65536,
			 total, 0), NULL);
	check(client_eof(&f, fd, 2000), "guest SHUTDOWN(SEND): the client reads EOF");
	/* Guest close: it waits for our RST. */
	send_pkt(&f, hdr(1024, hp, VIRTIO_VSOCK_OP_SHUTDOWN,
			 VIRTIO_VSOCK_SHUTDOWN_SEND | VIRTIO_VSOCK_SHUTDOWN_RCV, 65536, total, 0), NULL);
	check(wait_rx(&f, &p, 2000) && le16toh(p.h.op) == VIRTIO_VSOCK_OP_RST &&
	      le32toh(p.h.dst_port) == 1024 && le32toh(p.h.src_port) == hp,
	      "guest SHUTDOWN(RCV|SEND): a RST answers it");
	close(fd);
	check(counts(&f).malformed == 0 && counts(&f).resets == 0, "nothing counted as malformed");

	/* The client closes first: the guest gets a RST. */
	fd = open_conn(&f, 1025, 65536, &hp);
	check(fd >= 0, "a second connection");
	close(fd);
	check(wait_rx(&f, &p, 2000) && le16toh(p.h.op) == VIRTIO_VSOCK_OP_RST &&
	      le32toh(p.h.src_port) == hp, "the client closes: RST for the guest");
	/* A guest RST: the client sees EOF. */
	fd = open_conn(&f, 1026, 65536, &hp);
	send_pkt(&f, hdr(1026, hp, VIRTIO_VSOCK_OP_RST, 0, 0, 0, 0), NULL);
	check(fd >= 0 && client_eof(&f, fd, 2000), "guest RST: the client sees EOF");
	close(fd);
	/* The guest refuses (RST instead of RESPONSE). */
	fd = client(&f, "CONNECT 9\n");
	if (fd >= 0 && wait_rx(&f, &p, 2000))
		send_pkt(&f, hdr(9, le32toh(p.h.src_port), VIRTIO_VSOCK_OP_RST, 0, 0, 0, 0), NULL);
	check(fd >= 0 && client_read(&f, fd, buf, 1, 2000) == 0,
	      "the guest refuses: the client is closed without OK");
	close(fd);
	fake_stop(&f);
}

static void test_credit_abuse(void)
{
	static uint8_t chunk[65536];
	struct fake f;
	struct pkt p;
	uint32_t hp, sent = 0;
	bool reset = false;
	int fd;

	if (!fake_start(&f, "abuse"))
		return;
	post_rx(&f, 64);
	fd = open_conn(&f, 2000, 65536, &hp);
	check(fd >= 0, "a connection whose client never reads");
	/* 64 KiB packets, never waiting for credit. */
	for (int i = 0; i < 64 && !reset; i++) {
		send_pkt(&f, hdr(2000, hp, VIRTIO_VSOCK_OP_RW, 0, 65536, 0, sizeof(chunk)), chunk);
		sent += sizeof(chunk);
		while (take_rx(&f, &p))
			if (le16toh(p.h.op) == VIRTIO_VSOCK_OP_RST)
				reset = true;
	}
	check(reset && counts(&f).resets == 1,
	      "a guest sending beyond its credit is reset (after %u bytes)", sent);
	check(sent <= VSOCK_HOST_BUF + (4u << 20), "what was taken is bounded by our buffer and the socket's");
	check(client_eof(&f, fd, 3000), "its client sees EOF");
	close(fd);
	fake_stop(&f);
}

static void test_malformed(void)
{
	struct fake f;
	struct pkt p;
	struct virtio_vsock_hdr h;
	uint32_t hp;
	unsigned long m;
	int fd;

	if (!fake_start(&f, "malformed"))
		return;
	post_rx(&f, 128);
	fd = open_conn(&f, 3000, 65536, &hp);

	h = hdr(3000, hp, VIRTIO_VSOCK_OP_RW, 0, 65536, 0, 4);
	h.src_cid = htole64(4);
	send_pkt(&f, h, "abcd");
	h = hdr(3000, hp, VIRTIO_VSOCK_OP_RW, 0, 65536, 0, 4);
	h.dst_cid = htole64(7);
	send_pkt(&f, h, "abcd");
	h = hdr(3000, hp, VIRTIO_VSOCK_OP_RW, 0, 65536, 0, 4);
	h.dst_cid = htole64(0x100000002ull);	/* CID 2 in the low half only */
	send_pkt(&f, h, "abcd");
	settle(&f, 50);
	check(counts(&f).malformed == 3 && !take_rx(&f, &p),
	      "wrong source or destination CID: dropped and counted, no answer");
	send_raw(&f, &h, 20, NULL, 0, false);
	check(counts(&f).malformed == 4, "a header of 20 bytes: dropped and counted");
	h = hdr(3000, hp, VIRTIO_VSOCK_OP_RW, 0, 65536, 0, 4);
	send_raw(&f, &h, HDR, "abcd", 4, true);
	check(counts(&f).malformed == 5, "a writable descriptor in a transmit chain: dropped and counted");
	check(client_read(&f, fd, &p.data, 1, 100) == -2, "none of these reached the client");

	m = counts(&f).malformed;
	send_pkt(&f, hdr(3001, 77, VIRTIO_VSOCK_OP_REQUEST, 0, 65536, 0, 0), NULL);
	check(wait_rx(&f, &p, 1000) && le16toh(p.h.op) == VIRTIO_VSOCK_OP_RST &&
	      le32toh(p.h.src_port) == 77 && le32toh(p.h.dst_port) == 3001 &&
	      counts(&f).malformed == m, "a guest REQUEST to the host: RST");
	send_pkt(&f, hdr(3001, 78, VIRTIO_VSOCK_OP_RW, 0, 65536, 0, 3), "abc");
	check(wait_rx(&f, &p, 1000) && le16toh(p.h.op) == VIRTIO_VSOCK_OP_RST,
	      "data for no connection: RST");
	send_pkt(&f, hdr(3001, 79, VIRTIO_VSOCK_OP_RST, 0, 65536, 0, 0), NULL);
	settle(&f, 20);
	check(!take_rx(&f, &p), "a RST for no connection: no answer");
	h = hdr(3001, 80, VIRTIO_VSOCK_OP_REQUEST, 0, 65536, 0, 0);
	h.type = htole16(VIRTIO_VSOCK_TYPE_SEQPACKET);
	send_pkt(&f, h, NULL);
	check(wait_rx(&f, &p, 1000) && le16toh(p.h.op) == VIRTIO_VSOCK_OP_RST &&
	      counts(&f).malformed == m + 1, "SEQPACKET: counted and refused with RST");

	/* A length beyond its chain, on the open connection: reset. */
	h = hdr(3000, hp, VIRTIO_VSOCK_OP_RW, 0, 65536, 0, 5000);
	send_raw(&f, &h, HDR, "abcd", 4, false);
	check(wait_rx(&f, &p, 1000) && le16toh(p.h.op) == VIRTIO_VSOCK_OP_RST &&
	      counts(&f).malformed == m + 2 && counts(&f).resets == 1,
	      "a length beyond the chain: counted, the connection reset");
	check(client_eof(&f, fd, 2000), "its client sees EOF");
	close(fd);

	/* Unknown op, or a RESPONSE on an open connection: reset. */
	fd = open_conn(&f, 3002, 65536, &hp);
	send_pkt(&f, hdr(3002, hp, 99, 0, 65536, 0, 0), NULL);
	check(fd >= 0 && wait_rx(&f, &p, 1000) && le16toh(p.h.op) == VIRTIO_VSOCK_OP_RST &&
	      counts(&f).resets == 2 && client_eof(&f, fd, 2000),
	      "an unknown op: the connection is reset, its client sees EOF");
	close(fd);
	fd = open_conn(&f, 3003, 65536, &hp);
	send_pkt(&f, hdr(3003, hp, VIRTIO_VSOCK_OP_RESPONSE, 0, 65536, 0, 0), NULL);
	check(fd >= 0 && wait_rx(&f, &p, 1000) && le16toh(p.h.op) == VIRTIO_VSOCK_OP_RST &&
	      counts(&f).resets == 3, "a second RESPONSE: reset");
	close(fd);
	fd = open_conn(&f, 3004, 65536, &hp);
	send_pkt(&f, hdr(3004, hp, VIRTIO_VSOCK_OP_SHUTDOWN, 0, 65536, 0, 4), NULL);
	check(fd >= 0 && wait_rx(&f, &p, 1000) && le16toh(p.h.op) == VIRTIO_VSOCK_OP_RST,
	      "a SHUTDOWN with a payload length: reset");
	close(fd);
	fake_stop(&f);
}

static void test_floods(void)
{
	struct fake f;
	struct pkt p;
	int fds[70], n = 0, rst = 0;

	if (!fake_start(&f, "flood"))
		return;
	/* RST answers with no buffer to put them in: at most 64 wait. */
	for (uint32_t i = 0; i < 300; i++)
		send_pkt(&f, hdr(5000 + i, 1, VIRTIO_VSOCK_OP_REQUEST, 0, 0, 0, 0), NULL);
	post_rx(&f, 128);
	while (wait_rx(&f, &p, 50))
		rst += le16toh(p.h.op) == VIRTIO_VSOCK_OP_RST;
	check(rst == 64 && counts(&f).rst_dropped == 236,
	      "300 requests with no receive buffer: 64 RSTs kept, 236 dropped and counted (%d, %lu)",
	      rst, counts(&f).rst_dropped);

	for (int i = 0; i < 70; i++) {
		fds[n] = client(&f, NULL);
		if (fds[n] >= 0)
			n++;
		if (i % 16 == 15)
			settle(&f, 20);
	}
	settle(&f, 100);
	check(n == 70 && counts(&f).refused == 6, "70 clients at once: 6 refused (%lu)",
	      counts(&f).refused);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	settle(&f, 50);

	/*
	 * Out of descriptors: accept fails; no spin, and it recovers.  Not
	 * under valgrind, which keeps descriptor limits of its own.
	 */
	if (!getenv("LD_PRELOAD") || !strstr(getenv("LD_PRELOAD"), "vgpreload")) {
		struct rlimit old, low;
		uint32_t bells;
		int fd, maxfd = dup(0);
		char c;

		close(maxfd);
		getrlimit(RLIMIT_NOFILE, &old);
		low = old;
		fd = client(&f, "CONNECT 1\n");	/* takes maxfd */
		low.rlim_cur = (rlim_t)maxfd + 1;
		setrlimit(RLIMIT_NOFILE, &low);
		settle(&f, 50);
		bells = __atomic_load_n(&f.dev.port->doorbell, __ATOMIC_SEQ_CST);
		settle(&f, 200);
		bells = __atomic_load_n(&f.dev.port->doorbell, __ATOMIC_SEQ_CST) - bells;
		check(bells < 20, "accept out of descriptors: retried on ticks, not in a loop (%u rings in 200 ms)",
		      bells);
		setrlimit(RLIMIT_NOFILE, &old);
		post_rx(&f, 8);
		check(fd >= 0 && wait_rx(&f, &p, 2000) && le16toh(p.h.op) == VIRTIO_VSOCK_OP_REQUEST,
		      "descriptors back: the waiting client is served");
		send_pkt(&f, hdr(1, le32toh(p.h.src_port), VIRTIO_VSOCK_OP_RST, 0, 0, 0, 0), NULL);
		check(client_read(&f, fd, &c, 1, 1000) == 0, "and closed when the guest refuses");
		close(fd);
	}

	/* Bad lines: closed, no REQUEST. */
	n = 0;
	fds[n++] = client(&f, "CONNECT 01\n");
	fds[n++] = client(&f, "GET / HTTP/1.0\r\n");
	fds[n++] = client(&f, "CONNECT 123456789012345678901234567890\n");
	fds[n++] = client(&f, "CONNECT 1024\r\n");
	rst = 0;
	for (int i = 0; i < n; i++) {
		char c;

		rst += fds[i] >= 0 && client_read(&f, fds[i], &c, 1, 1000) == 0;
		close(fds[i]);
	}
	check(rst == n && !take_rx(&f, &p), "bad request lines: closed, nothing sent to the guest");
	fake_stop(&f);
}

/* Random packets on a device with open connections: it goes on. */
static void test_random(void)
{
	static uint8_t junk[65536 + 64];
	struct fake f;
	struct pkt p;
	uint32_t hp[2];
	int fd[2], fd3;
	unsigned int seed = 12345;

	if (!fake_start(&f, "random"))
		return;
	post_rx(&f, 128);
	fd[0] = open_conn(&f, 4000, 65536, &hp[0]);
	fd[1] = open_conn(&f, 4001, 65536, &hp[1]);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)rand_r(&seed);
	for (int i = 0; i < 20000; i++) {
		struct virtio_vsock_hdr h;
		uint32_t len = (uint32_t)rand_r(&seed) % 200;
		int k = rand_r(&seed) % 2;

		/* Fresh connections now and then: the random ones reset them. */
		if (i % 1000 == 999) {
			for (int j = 0; j < 2; j++) {
				close(fd[j]);
				fd[j] = open_conn(&f, 4000 + (uint32_t)j, 65536, &hp[j]);
			}
		}

		memcpy(&h, junk + rand_r(&seed) % 65536, HDR);
		if (rand_r(&seed) % 2) {
			h.src_cid = htole64(3);
			h.dst_cid = htole64(2);
		}
		if (rand_r(&seed) % 2) {
			h.src_port = htole32(4000 + (uint32_t)k);
			h.dst_port = htole32(hp[k]);
			h.type = htole16(VIRTIO_VSOCK_TYPE_STREAM);
			h.op = htole16((uint16_t)(rand_r(&seed) % 9));
		}
		if (rand_r(&seed) % 4)
			h.len = htole32(rand_r(&seed) % 8 ? len : len + 1);
		send_raw(&f, &h, HDR, junk + i % 1024, len, false);
		while (take_rx(&f, &p))
			;
		if (i % 64 == 0)
			post_rx(&f, 64);
	}
	check(!f.dev.broken, "20000 random packets: the device goes on");
	fd3 = open_conn(&f, 4002, 65536, &hp[0]);
	check(fd3 >= 0, "and a new connection still works");
	close(fd[0]);
	close(fd[1]);
	close(fd3);
	fake_stop(&f);
}

static void test_broken_rings(void)
{
	struct fake f;
	struct seg s;
	struct pkt p;
	uint32_t hp;
	int fd, fd2;
	char c;

	if (!fake_start(&f, "ring1"))
		return;
	post_rx(&f, 8);
	fd = open_conn(&f, 6000, 65536, &hp);
	s = (struct seg){ RX_BASE, RX_BUF, false };
	post(&f, RXQ, &s, 1);
	kick(&f, RXQ);
	check(f.dev.broken, "a receive buffer that is readable: the device stops");
	check(fd >= 0 && client_read(&f, fd, &c, 1, 1000) == 0, "its clients see EOF");
	fd2 = client(&f, "CONNECT 6000\n");
	check(fd2 < 0, "new clients are refused");
	kick(&f, TXQ);
	kick(&f, RXQ);
	check(!take_rx(&f, &p), "a stopped device serves nothing");
	close(fd);
	fake_stop(&f);

	if (!fake_start(&f, "ring2"))
		return;
	s = (struct seg){ RX_BASE, 20, true };
	post(&f, RXQ, &s, 1);
	kick(&f, RXQ);
	check(f.dev.broken, "a receive buffer smaller than a header: the device stops");
	fake_stop(&f);

	if (!fake_start(&f, "ring3"))
		return;
	*(uint16_t *)(f.ram.base + avail_at[TXQ] + 2) = 1000;
	kick(&f, TXQ);
	check(f.dev.broken, "a transmit index 1000 ahead: the device stops");
	fake_stop(&f);

	if (!fake_start(&f, "ring5"))
		return;
	/* Descriptors reused while the device holds them: 300 buffers in a ring of 256. */
	for (int i = 0; i < 300; i++) {
		s = (struct seg){ RX_BASE + (uint64_t)(i % 256) * RX_BUF, RX_BUF, true };
		post(&f, RXQ, &s, 1);
		if (i % 50 == 49)
			kick(&f, RXQ);
	}
	kick(&f, RXQ);
	check(f.dev.broken, "more receive buffers than the ring holds: the device stops (no endless serving)");
	fake_stop(&f);

	if (!fake_start(&f, "ring4"))
		return;
	s = (struct seg){ RAM_SIZE - 8, 64, false };
	post(&f, TXQ, &s, 1);
	kick(&f, TXQ);
	check(f.dev.broken, "a transmit buffer past guest memory: the device stops");
	fake_stop(&f);
}

int main(void)
{
	test_basics();
	test_parse();
	test_stream();
	test_credit_abuse();
	test_malformed();
	test_floods();
	test_random();
	test_broken_rings();
	return tap_summary();
}
