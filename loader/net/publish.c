// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "../diag.h"
#include "publish.h"

static bool parse_port(const char *s, size_t len, unsigned int *port)
{
	unsigned int v = 0;

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return false;
	*port = v;
	return true;
}

bool net_publish_parse(const char *spec, struct net_publish *p)
{
	char addr[INET_ADDRSTRLEN];
	const char *end = spec + strlen(spec), *proto = strchr(spec, '/');
	const char *last, *first;

	*p = (struct net_publish){ .host_addr.s_addr = htonl(INADDR_ANY) };
	if (proto) {
		if (strcmp(proto, "/udp") == 0)
			p->udp = true;
		else if (strcmp(proto, "/tcp") != 0)
			goto bad;
		end = proto;
	}
	last = memrchr(spec, ':', (size_t)(end - spec));
	if (!last || !parse_port(last + 1, (size_t)(end - last - 1), &p->guest_port))
		goto bad;
	first = memrchr(spec, ':', (size_t)(last - spec));
	if (!parse_port(first ? first + 1 : spec, (size_t)(last - (first ? first + 1 : spec)),
			&p->host_port))
		goto bad;
	if (first) {
		size_t len = (size_t)(first - spec);

		if (len == 0 || len >= sizeof(addr))
			goto bad_addr;
		memcpy(addr, spec, len);
		addr[len] = '\0';
		if (inet_pton(AF_INET, addr, &p->host_addr) != 1)
			goto bad_addr;
	}
	return true;
bad_addr:
	diag_error("--publish '%s': the host address must be an IPv4 address such as 127.0.0.1",
		   spec);
	return false;
bad:
	diag_error("--publish '%s': expected [HOSTIP:]HOSTPORT:GUESTPORT[/udp], ports 1 to 65535",
		   spec);
	return false;
}
