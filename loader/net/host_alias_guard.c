// SPDX-License-Identifier: GPL-2.0
/* What the guest may send to slirp's host aliases (see host_alias_guard.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <string.h>

#include "host_alias_guard.h"
#include "user_net.h"

#define ETH_HLEN	14
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_ACK		0x10
#define DNS_PORT	53

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static bool published_udp(uint16_t port, const struct net_publish *publish, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (publish[i].udp && publish[i].guest_port == port)
			return true;
	return false;
}

/* A TCP, UDP or ICMP packet @l4 (@l4len bytes) to an alias. */
static enum guard_verdict judge(uint8_t proto, bool icmp, const uint8_t *l4, size_t l4len,
				bool to_dns, const struct net_publish *publish, size_t npublish)
{
	if (proto == 6 && l4len >= 20) {
		if (to_dns)
			return get16(l4 + 2) == DNS_PORT ? GUARD_PASS : GUARD_DROP;
		if ((l4[13] & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN)
			return GUARD_REFUSE;
		return GUARD_PASS;
	}
	if (proto == 17 && l4len >= 8) {
		if (to_dns)
			return get16(l4 + 2) == DNS_PORT ? GUARD_PASS : GUARD_DROP;
		return published_udp(get16(l4), publish, npublish) ? GUARD_PASS : GUARD_DROP;
	}
	return icmp ? GUARD_PASS : GUARD_DROP;
}

enum guard_verdict host_alias_guard(const uint8_t *frame, size_t len,
				    const struct net_publish *publish, size_t npublish)
{
	const uint8_t *ip = frame + ETH_HLEN;
	uint16_t type;

	if (len < ETH_HLEN)
		return GUARD_PASS;	/* slirp ignores it */
	type = get16(frame + 12);
	len -= ETH_HLEN;
	if (type == 0x0800) {
		static const uint8_t net[3] = { 10, 0, 2 };
		struct in_addr dns;
		size_t ihl;

		if (len < 20 || memcmp(ip + 16, net, 3) != 0)
			return GUARD_PASS;	/* not to an alias (slirp drops a short one) */
		ihl = (size_t)(ip[0] & 15) * 4;
		/* Fragments could hide a SYN's flags from us: none to an alias. */
		if (ihl < 20 || len < ihl || (get16(ip + 6) & 0x3fff))
			return GUARD_DROP;
		inet_pton(AF_INET, USER_NET_DNS, &dns);
		return judge(ip[9], ip[9] == 1, ip + ihl, len - ihl, !memcmp(ip + 16, &dns, 4),
			     publish, npublish);
	}
	if (type == 0x86dd) {
		static const uint8_t net6[8] = { 0xfd };
		struct in6_addr dns6;

		if (len < 40 || memcmp(ip + 24, net6, 8) != 0)
			return GUARD_PASS;
		inet_pton(AF_INET6, "fd00::3", &dns6);
		/* Only a TCP, UDP or ICMPv6 header right after IPv6's. */
		return judge(ip[6], ip[6] == 58, ip + 40, len - 40, !memcmp(ip + 24, &dns6, 16),
			     publish, npublish);
	}
	return GUARD_PASS;
}

/* Internet checksum of @len bytes, starting from @sum. */
static uint16_t checksum(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t host_alias_refusal(const uint8_t *syn, size_t len, uint8_t *out)
{
	const uint8_t *ip = syn + ETH_HLEN;
	bool v6 = get16(syn + 12) == 0x86dd;
	size_t ihl = v6 ? 40 : (size_t)(ip[0] & 15) * 4, alen = v6 ? 16 : 4;
	const uint8_t *src = ip + (v6 ? 8 : 12), *dst = src + alen, *tcp = ip + ihl;
	uint8_t *oip = out + ETH_HLEN, *otcp = oip + (v6 ? 40 : 20);
	uint32_t ack, sum = 6 + 20;	/* the pseudo-header's protocol and length */

	if (len < ETH_HLEN + ihl + 20)
		return 0;
	memset(out, 0, HOST_ALIAS_RST_MAX);
	memcpy(out, syn + 6, 6);		/* to the sender */
	memcpy(out + 6, syn, 6);
	memcpy(out + 12, syn + 12, 2);
	if (v6) {
		oip[0] = 0x60;
		put16(oip + 4, 20);
		oip[6] = 6;
		oip[7] = 64;
	} else {
		oip[0] = 0x45;
		put16(oip + 2, 40);
		put16(oip + 6, 0x4000);		/* don't fragment */
		oip[8] = 64;
		oip[9] = 6;
	}
	memcpy(oip + (v6 ? 8 : 12), dst, alen);	/* from the address it asked */
	memcpy(oip + (v6 ? 8 : 12) + alen, src, alen);
	if (!v6)
		put16(oip + 10, checksum(0, oip, 20));
	memcpy(otcp, tcp + 2, 2);
	memcpy(otcp + 2, tcp, 2);
	ack = ((uint32_t)get16(tcp + 4) << 16 | get16(tcp + 6)) + 1;
	put16(otcp + 8, (uint16_t)(ack >> 16));
	put16(otcp + 10, (uint16_t)ack);
	otcp[12] = 5 << 4;
	otcp[13] = TCP_RST | TCP_ACK;
	for (size_t i = 0; i < 2 * alen; i += 2)
		sum += get16(oip + (v6 ? 8 : 12) + i);
	put16(otcp + 16, checksum(sum, otcp, 20));
	return ETH_HLEN + (v6 ? 40 : 20) + 20;
}
