// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-net back end (loader/virtio/net.c) driven as a hostile guest
 * would: rings built by hand in a stand-in guest memory, transmit chains
 * too short, too long, asking for offloads or with writable descriptors
 * (each dropped and counted, the device going on), a receive buffer too
 * small for a frame (given back empty, the frame goes to the next one), a
 * real ARP request answered by libslirp through the receive queue, and a
 * receive chain with a readable descriptor (the device stops).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <endian.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/user_net.h"
#include "tap.h"
#include "virtio/net.h"

/* Without offloads: a header and a frame of the MTU with a VLAN tag. */
#define USER_CHAIN_MAX	(VIRTIO_NET_HDR_LEN + VIRTIO_NET_ETH_HLEN + 4 + USER_NET_MTU)

#define RAM_SIZE	(4u << 20)
#define BUF_BASE	0x100000u

struct fake {
	struct guest_ram ram;
	struct virtio_dev dev;
	uint64_t next_buf;
	uint16_t avail_idx[2];
	uint16_t next_desc[2];
};

static const uint64_t desc_at[2] = { 0x20000, 0x10000 };	/* rx, tx */
static const uint64_t avail_at[2] = { 0x21000, 0x11000 };
static const uint64_t used_at[2] = { 0x22000, 0x12000 };

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->ram.size = RAM_SIZE;
	f->ram.base = aligned_alloc(4096, RAM_SIZE);
	memset(f->ram.base, 0, RAM_SIZE);
	f->next_buf = BUF_BASE;
}

/* The device as guest_devices_start leaves it, its queues made ready. */
static bool fake_start(struct fake *f, const struct net_spec *spec)
{
	struct net_link link;

	if (!virtio_net_init(&f->dev, spec, NULL, 0, &link))
		return false;
	/* The guest takes every feature offered (Linux's virtio_net does). */
	f->dev.driver_features = f->dev.host_features;
	f->dev.ram = &f->ram;
	f->dev.area = (struct xlibos_virtio_area *)f->ram.base;
	f->dev.port = (struct xlibos_virtio_port *)(f->ram.base + 4096);
	for (int q = 0; q < 2; q++)
		f->dev.queues[q] = (struct virtio_queue){
			.ready = true, .num = 256,
			.desc = desc_at[q], .avail = avail_at[q], .used = used_at[q],
		};
	return true;
}

static uint64_t alloc_buf(struct fake *f, size_t len)
{
	uint64_t at = f->next_buf;

	f->next_buf += (len + 4095) & ~4095ul;
	if (f->next_buf > RAM_SIZE)
		abort();
	return at;
}

/* Post a chain of @n segments to queue @q; data (if any) copied in. */
struct seg {
	size_t len;
	bool write;
	const void *data;
};

static void post(struct fake *f, int q, const struct seg *s, int n)
{
	struct vring_desc *d = (struct vring_desc *)(f->ram.base + desc_at[q]);
	uint16_t *avail = (uint16_t *)(f->ram.base + avail_at[q]);
	uint16_t head = f->next_desc[q];

	for (int i = 0; i < n; i++) {
		uint16_t k = (uint16_t)((head + i) % 256);
		uint64_t at = alloc_buf(f, s[i].len);

		if (s[i].data)
			memcpy(f->ram.base + at, s[i].data, s[i].len);
		d[k].addr = at;
		d[k].len = (uint32_t)s[i].len;
		d[k].flags = (uint16_t)((s[i].write ? VRING_DESC_F_WRITE : 0) |
					(i + 1 < n ? VRING_DESC_F_NEXT : 0));
		d[k].next = (uint16_t)((k + 1) % 256);
	}
	f->next_desc[q] = (uint16_t)((head + n) % 256);
	avail[2 + f->avail_idx[q] % 256] = head;
	f->avail_idx[q]++;
	__atomic_store_n(&avail[1], f->avail_idx[q], __ATOMIC_RELEASE);
}

static uint16_t used_idx(struct fake *f, int q)
{
	return __atomic_load_n((uint16_t *)(f->ram.base + used_at[q] + 2), __ATOMIC_ACQUIRE);
}

static struct vring_used_elem used_elem(struct fake *f, int q, uint16_t i)
{
	return ((struct vring_used_elem *)(f->ram.base + used_at[q] + 4))[i % 256];
}

static unsigned long malformed(struct fake *f)
{
	unsigned long m, t, r;

	virtio_net_counts(&f->dev, &m, &t, &r);
	return m;
}

/* A transmit chain: @hdr + frame of @len bytes (ARP request when 42). */
static void post_tx_hdr(struct fake *f, size_t len, const struct virtio_net_hdr_v1 *hdr,
			bool writable)
{
	uint8_t *buf = calloc(1, VIRTIO_NET_HDR_LEN + len + 16);
	static const uint8_t arp[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
		0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
		0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 10, 0, 2, 15,
		0, 0, 0, 0, 0, 0, 10, 0, 2, 2,
	};
	size_t total = VIRTIO_NET_HDR_LEN + len, half = total / 2;
	struct seg s[3] = {
		{ half, false, buf }, { total - half, false, buf + half }, { 64, true, NULL },
	};

	memcpy(buf, hdr, VIRTIO_NET_HDR_LEN);
	memcpy(buf + VIRTIO_NET_HDR_LEN, arp, len < sizeof(arp) ? len : sizeof(arp));
	post(f, 1, s, writable ? 3 : 2);
	free(buf);
}

static void post_tx(struct fake *f, size_t len, uint8_t hdr_flags, bool writable)
{
	struct virtio_net_hdr_v1 h = { .flags = hdr_flags };

	post_tx_hdr(f, len, &h, writable);
}

/*
 * With offloads (a TAP device in a network namespace of our own, as
 * root): the host kernel judges the guest's headers; one it refuses is
 * counted as malformed and the device goes on.
 */
static void offload_checks(void)
{
	struct net_spec spec = { .mode = NET_MODE_TAP, .ifname = "xt0", .ip = "10.9.0.2/24" };
	struct virtio_net_hdr_v1 bad_gso = { .gso_type = 0x42, .gso_size = 100, .hdr_len = 34 };
	struct virtio_net_hdr_v1 bad_csum = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 60000, .csum_offset = 6,
	};
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	struct fake f;
	int fd;

	strcpy(ifr.ifr_name, "xt0");
	if (unshare(CLONE_NEWNET) != 0 || (fd = open("/dev/net/tun", O_RDWR)) < 0) {
		printf("# skipped: the offload checks need root and /dev/net/tun\n");
		return;
	}
	if (ioctl(fd, TUNSETIFF, &ifr) != 0 || ioctl(fd, TUNSETPERSIST, 1) != 0) {
		printf("# skipped: the offload checks: cannot make a TAP device\n");
		close(fd);
		return;
	}
	close(fd);
	fake_init(&f);
	if (!check(fake_start(&f, &spec), "a device on a TAP device, with offloads"))
		return;
	check(f.dev.host_features & (1ULL << VIRTIO_NET_F_HOST_TSO4),
	      "checksum and TSO offloads are offered");
	post_tx_hdr(&f, 42, &bad_gso, false);
	f.dev.ops->queue_notify(&f.dev, 1);
	check(malformed(&f) == 1 && used_idx(&f, 1) == 1,
	      "a header with an unknown segmentation type is refused by the host and counted");
	post_tx_hdr(&f, 42, &bad_csum, false);
	f.dev.ops->queue_notify(&f.dev, 1);
	check(malformed(&f) == 2 && used_idx(&f, 1) == 2,
	      "a checksum offset past the frame is refused by the host and counted");
	post_tx(&f, 42, 0, false);
	f.dev.ops->queue_notify(&f.dev, 1);
	check(malformed(&f) == 2 && used_idx(&f, 1) == 3 && !f.dev.broken,
	      "a good frame after them is taken; the device goes on");
	f.dev.stop = true;
	f.dev.ops->free(&f.dev);
	free(f.ram.base);
}

int main(void)
{
	struct net_spec user = { .mode = NET_MODE_USER };
	struct fake f;
	unsigned long before;
	uint16_t u;

	fake_init(&f);
	if (!check(fake_start(&f, &user), "a device on user-mode networking"))
		return tap_summary();

	/* --- transmit: each bad chain dropped and counted, none stops it --- */
	post_tx(&f, 13, 0, false);
	f.dev.ops->queue_notify(&f.dev, 1);
	check(malformed(&f) == 1 && used_idx(&f, 1) == 1,
	      "a frame shorter than an Ethernet header is dropped and counted");
	post_tx(&f, USER_CHAIN_MAX - VIRTIO_NET_HDR_LEN + 1, 0, false);
	f.dev.ops->queue_notify(&f.dev, 1);
	check(malformed(&f) == 2 && used_idx(&f, 1) == 2,
	      "a chain of 65551 bytes (over 65550) is dropped and counted");
	post_tx(&f, 42, VIRTIO_NET_HDR_F_NEEDS_CSUM, false);
	f.dev.ops->queue_notify(&f.dev, 1);
	check(malformed(&f) == 3, "a header asking for a checksum offload (not offered) is dropped");
	post_tx(&f, 42, 0, true);
	f.dev.ops->queue_notify(&f.dev, 1);
	check(malformed(&f) == 4, "a transmit chain with a writable descriptor is dropped");
	post_tx(&f, USER_CHAIN_MAX - VIRTIO_NET_HDR_LEN, 0, false);
	f.dev.ops->queue_notify(&f.dev, 1);
	check(malformed(&f) == 4 && used_idx(&f, 1) == 5,
	      "a chain of exactly 65550 bytes is taken");
	check(!f.dev.broken && !f.dev.port->broken, "the device goes on after bad frames");

	/* --- receive: slirp answers a real ARP request ---------------------- */
	struct seg small[1] = { { 20, true, NULL } };
	struct seg big[2] = { { VIRTIO_NET_HDR_LEN, true, NULL }, { 4096, true, NULL } };

	post(&f, 0, small, 1);
	post(&f, 0, big, 2);
	before = malformed(&f);
	post_tx(&f, 42, 0, false);
	f.dev.ops->queue_notify(&f.dev, 1);
	/* The answer comes on slirp's thread: give it up to 2 s. */
	for (int i = 0; i < 200 && used_idx(&f, 0) < 2; i++) {
		f.dev.ops->queue_notify(&f.dev, 0);
		usleep(10000);
	}
	u = used_idx(&f, 0);
	check(u == 2, "an ARP request for 10.0.2.2 gets an answer in the receive queue");
	if (u == 2) {
		struct vring_used_elem e0 = used_elem(&f, 0, 0), e1 = used_elem(&f, 0, 1);
		struct vring_desc *d = (struct vring_desc *)(f.ram.base + desc_at[0]);
		const uint8_t *eth = f.ram.base + d[e1.id + 1].addr;
		const uint8_t *hdr = f.ram.base + d[e1.id].addr;

		check(e0.len == 0 && malformed(&f) == before + 1,
		      "the 20-byte buffer comes back empty and is counted");
		check(e1.len >= VIRTIO_NET_HDR_LEN + 42 && hdr[10] == 1 && hdr[11] == 0,
		      "the answer has a header (num_buffers 1) and a whole frame (%u bytes)",
		      e1.len);
		check(eth[12] == 0x08 && eth[13] == 0x06 && eth[21] == 2 &&
		      memcmp(eth + 28, "\x0a\x00\x02\x02", 4) == 0,
		      "it is an ARP reply from 10.0.2.2");
	}

	/* --- a receive chain with a readable descriptor stops the device ---- */
	struct seg bad[2] = { { 64, false, NULL }, { 4096, true, NULL } };

	post(&f, 0, bad, 2);
	f.dev.ops->queue_notify(&f.dev, 0);
	check(f.dev.broken, "a receive buffer with a readable descriptor stops the device");
	f.dev.stop = true;
	f.dev.ops->free(&f.dev);
	free(f.ram.base);

	/* --- descriptors reused while the device holds them ----------------- */
	fake_init(&f);
	if (check(fake_start(&f, &user), "a second device")) {
		struct seg one[1] = { { 2048, true, NULL } };

		for (int i = 0; i < 300; i++)	/* 300 buffers in a ring of 256 */
			post(&f, 0, one, 1);
		f.dev.ops->queue_notify(&f.dev, 0);
		check(f.dev.broken,
		      "more receive buffers than the ring holds stop the device (no endless serving)");
		f.dev.stop = true;
		f.dev.ops->free(&f.dev);
	}
	free(f.ram.base);
	offload_checks();
	return tap_summary();
}
