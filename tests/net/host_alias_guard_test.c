// SPDX-License-Identifier: GPL-2.0
/*
 * The host-alias guard of --net user (loader/net/host_alias_guard.c) on
 * frames made by hand: what may reach slirp's aliases of the host, what is
 * dropped, what is refused, and the refusal itself (a RST whose checksums
 * a receiver accepts).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "net/host_alias_guard.h"
#include "tap.h"

#define SYN	0x02
#define ACK	0x10

static const struct net_publish publish[] = {
	{ .udp = true, .guest_port = 5353, .host_port = 5353 },
	{ .udp = false, .guest_port = 80, .host_port = 8080 },
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An IPv4 frame from 10.0.2.15 to @dst: TCP or UDP ports, TCP flags. */
static size_t frame4(uint8_t *f, const char *dst, uint8_t proto, uint16_t sport, uint16_t dport,
		     uint8_t flags, uint16_t frag)
{
	uint8_t *ip = f + 14, *l4 = ip + 20;

	memset(f, 0, 14 + 20 + 20);
	memcpy(f, "\x52\x55\x0a\x00\x02\x02", 6);
	memcpy(f + 6, "\x52\x54\x00\x12\x34\x56", 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 40);
	put16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = proto;
	inet_pton(AF_INET, "10.0.2.15", ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	put16(l4, sport);
	put16(l4 + 2, dport);
	put16(l4 + 4, 0x1234);
	put16(l4 + 6, 0x5678);	/* seq 0x12345678 */
	l4[12] = 5 << 4;
	l4[13] = flags;
	return 14 + 20 + 20;
}

/* An IPv6 frame from fd00::15 to @dst with next header @nh. */
static size_t frame6(uint8_t *f, const char *dst, uint8_t nh, uint16_t dport, uint8_t flags)
{
	uint8_t *ip = f + 14, *l4 = ip + 40;

	memset(f, 0, 14 + 40 + 20);
	put16(f + 12, 0x86dd);
	ip[0] = 0x60;
	put16(ip + 4, 20);
	ip[6] = nh;
	ip[7] = 64;
	inet_pton(AF_INET6, "fd00::15", ip + 8);
	inet_pton(AF_INET6, dst, ip + 24);
	put16(l4, 40000);
	put16(l4 + 2, dport);
	l4[12] = 5 << 4;
	l4[13] = flags;
	return 14 + 40 + 20;
}

static enum guard_verdict judge(const uint8_t *f, size_t len)
{
	return host_alias_guard(f, len, publish, 2);
}

/* Internet checksum over @len bytes plus @sum: 0 when they check out. */
static uint16_t fold(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int main(void)
{
	uint8_t f[128], rst[HOST_ALIAS_RST_MAX];
	size_t len, n;

	len = frame4(f, "10.0.2.2", 6, 40000, 22, SYN, 0);
	check(judge(f, len) == GUARD_REFUSE, "a SYN to 10.0.2.2 (the host's loopback) is refused");
	n = host_alias_refusal(f, len, rst);
	check(n == 54 && rst[14 + 33] == 0x14 && !memcmp(rst, f + 6, 6) &&
	      !memcmp(rst + 14 + 12, f + 14 + 16, 4) && !memcmp(rst + 14 + 16, f + 14 + 12, 4),
	      "its refusal is a RST|ACK from 10.0.2.2:22 back to the sender");
	{
		uint8_t *ip = rst + 14, *tcp = ip + 20;
		uint32_t pseudo = 6 + 20;

		for (int i = 12; i < 20; i += 2)
			pseudo += (uint32_t)(ip[i] << 8 | ip[i + 1]);
		check(fold(0, ip, 20) == 0 && fold(pseudo, tcp, 20) == 0 &&
		      tcp[8] == 0x12 && tcp[9] == 0x34 && tcp[10] == 0x56 && tcp[11] == 0x79,
		      "the RST's IP and TCP checksums check out; it acknowledges seq + 1");
	}
	len = frame4(f, "10.0.2.2", 6, 80, 40000, SYN | ACK, 0);
	check(judge(f, len) == GUARD_PASS, "a SYN|ACK (a published port's answer) passes");
	len = frame4(f, "10.0.2.2", 6, 80, 40000, ACK, 0);
	check(judge(f, len) == GUARD_PASS, "data of a connection passes");
	len = frame4(f, "10.0.2.77", 6, 40000, 22, SYN, 0);
	check(judge(f, len) == GUARD_REFUSE, "a SYN to another alias (10.0.2.77) is refused too");
	len = frame4(f, "10.0.2.2", 6, 40000, 22, SYN, 0x2000);
	check(judge(f, len) == GUARD_DROP, "a first fragment to an alias is dropped");
	len = frame4(f, "10.0.2.2", 6, 40000, 22, 0, 0x0001);
	check(judge(f, len) == GUARD_DROP, "a later fragment to an alias is dropped");
	len = frame4(f, "10.0.2.2", 17, 5353, 40000, 0, 0);
	check(judge(f, len) == GUARD_PASS, "UDP from a published UDP port passes");
	len = frame4(f, "10.0.2.2", 17, 5354, 53, 0, 0);
	check(judge(f, len) == GUARD_DROP, "UDP from any other port to an alias is dropped");
	len = frame4(f, "10.0.2.3", 17, 40000, 53, 0, 0);
	check(judge(f, len) == GUARD_PASS, "DNS to slirp's name server passes");
	len = frame4(f, "10.0.2.3", 6, 40000, 22, SYN, 0);
	check(judge(f, len) == GUARD_DROP, "anything else to the name server is dropped");
	len = frame4(f, "10.0.2.2", 1, 0, 0, 0, 0);
	check(judge(f, len) == GUARD_PASS, "ICMP to an alias passes (slirp answers ping)");
	len = frame4(f, "10.0.2.2", 47, 0, 0, 0, 0);
	check(judge(f, len) == GUARD_DROP, "another protocol to an alias is dropped");
	len = frame4(f, "10.0.2.2", 6, 40000, 22, SYN, 0);
	check(judge(f, 14 + 20 + 10) == GUARD_DROP, "a TCP header cut short is dropped");
	len = frame4(f, "192.0.2.1", 6, 40000, 22, SYN, 0);
	check(judge(f, len) == GUARD_PASS, "a SYN to the outside passes");
	len = frame6(f, "fd00::2", 6, 22, SYN);
	check(judge(f, len) == GUARD_REFUSE, "an IPv6 SYN to fd00::2 is refused");
	n = host_alias_refusal(f, len, rst);
	check(n == 74 && rst[12] == 0x86 && rst[13] == 0xdd && rst[14 + 40 + 13] == 0x14,
	      "its refusal is an IPv6 RST|ACK");
	len = frame6(f, "fd00::2", 44, 22, SYN);
	check(judge(f, len) == GUARD_DROP, "an IPv6 fragment header to an alias is dropped");
	len = frame6(f, "fd00::3", 17, 53, 0);
	check(judge(f, len) == GUARD_PASS, "DNS to fd00::3 passes");
	len = frame6(f, "2001:db8::1", 6, 22, SYN);
	check(judge(f, len) == GUARD_PASS, "an IPv6 SYN to the outside passes");
	return tap_summary();
}
