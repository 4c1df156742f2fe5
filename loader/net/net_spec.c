// SPDX-License-Identifier: GPL-2.0
/* The --net option (see net_spec.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../diag.h"
#include "net_spec.h"

/* "ADDR/PREFIX" of @family into @addr and @prefix. */
static bool parse_cidr(int family, const char *text, void *addr, long *prefix)
{
	char buf[INET6_ADDRSTRLEN + 4], *slash, *end;
	long max = family == AF_INET ? 32 : 128;

	if (strlen(text) >= sizeof(buf))
		return false;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (!slash)
		return false;
	*slash = '\0';
	*prefix = strtol(slash + 1, &end, 10);
	return slash[1] && !*end && *prefix >= 1 && *prefix <= max &&
	       inet_pton(family, buf, addr) == 1;
}

static bool same_subnet4(struct in_addr a, struct in_addr b, long prefix)
{
	uint32_t mask = htonl(~0U << (32 - prefix));

	return (a.s_addr & mask) == (b.s_addr & mask);
}

/* One "key=value" of tap: or netns:; false (with a message) if bad. */
static bool parse_key(const char *value, char *kv, struct net_spec *s)
{
	char *eq = strchr(kv, '=');
	const char *key = kv, *v;
	struct in6_addr a6;
	long prefix;
	struct {
		const char *name;
		char *slot;
		size_t size;
		int family;	/* AF_INET, AF_INET6, 0: either, -1: CIDR4, -2: CIDR6 */
		bool tap_only;
	} keys[] = {
		{ "ip", s->ip, sizeof(s->ip), -1, true },
		{ "gw", s->gw, sizeof(s->gw), AF_INET, true },
		{ "ip6", s->ip6, sizeof(s->ip6), -2, true },
		{ "gw6", s->gw6, sizeof(s->gw6), AF_INET6, true },
		{ "dns", s->dns, sizeof(s->dns), 0, false },
		{ "if", s->ifname, sizeof(s->ifname), -3, false },
	};

	if (!eq) {
		diag_error("invalid --net '%s': '%s' is not KEY=VALUE", value, kv);
		return false;
	}
	*eq = '\0';
	v = eq + 1;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		bool good;

		if (strcmp(key, keys[i].name) != 0)
			continue;
		if ((keys[i].tap_only && s->mode != NET_MODE_TAP) ||
		    (keys[i].family == -3 && s->mode != NET_MODE_NETNS)) {
			diag_error("invalid --net '%s': %s= is not for this mode", value, key);
			return false;
		}
		if (*keys[i].slot) {
			diag_error("invalid --net '%s': %s= given twice", value, key);
			return false;
		}
		switch (keys[i].family) {
		case -1:
			good = parse_cidr(AF_INET, v, &a6, &prefix);
			break;
		case -2:
			good = parse_cidr(AF_INET6, v, &a6, &prefix);
			break;
		case -3:
			good = *v && strlen(v) < IFNAMSIZ && !strchr(v, '/') && !strchr(v, ' ');
			break;
		case 0:
			good = inet_pton(AF_INET, v, &a6) == 1 || inet_pton(AF_INET6, v, &a6) == 1;
			break;
		default:
			good = inet_pton(keys[i].family, v, &a6) == 1;
		}
		if (!good || strlen(v) >= keys[i].size) {
			diag_error("invalid --net '%s': bad %s '%s'", value, key, v);
			return false;
		}
		strcpy(keys[i].slot, v);
		return true;
	}
	diag_error("invalid --net '%s': unknown key '%s'", value, key);
	return false;
}

static bool check_tap(const char *value, const struct net_spec *s)
{
	struct in_addr ip, gw;
	struct in6_addr ip6;
	long prefix, prefix6;

	if (!*s->ip) {
		diag_error("invalid --net '%s': tap: needs ip=ADDR/PREFIX (the guest's address)", value);
		return false;
	}
	parse_cidr(AF_INET, s->ip, &ip, &prefix);
	if (*s->gw) {
		inet_pton(AF_INET, s->gw, &gw);
		if (!same_subnet4(ip, gw, prefix) || gw.s_addr == ip.s_addr) {
			diag_error("invalid --net '%s': gateway %s is not another address of %s", value,
				   s->gw, s->ip);
			return false;
		}
	}
	if (*s->gw6 && !*s->ip6) {
		diag_error("invalid --net '%s': gw6= needs ip6=", value);
		return false;
	}
	if (*s->ip6)
		parse_cidr(AF_INET6, s->ip6, &ip6, &prefix6);
	return true;
}

bool net_spec_parse(const char *value, bool default_user, size_t npublish, struct net_spec *s)
{
	char buf[sizeof(s->netns_path) + 256], *rest, *kv;

	memset(s, 0, sizeof(*s));
	s->mode = default_user || npublish ? NET_MODE_USER : NET_MODE_NONE;
	if (!value)
		return true;
	if (strlen(value) >= sizeof(buf)) {
		diag_error("invalid --net: too long");
		return false;
	}
	strcpy(buf, value);
	rest = strchr(buf, ',');
	if (rest)
		*rest++ = '\0';
	if (strcmp(buf, "none") == 0 && !rest) {
		s->mode = NET_MODE_NONE;
	} else if (strcmp(buf, "user") == 0) {
		s->mode = NET_MODE_USER;
		if (rest && strcmp(rest, "allow-host-loopback") == 0) {
			s->allow_host_loopback = true;
			rest = NULL;
		} else if (rest) {
			diag_error("invalid --net '%s': user takes only allow-host-loopback", value);
			return false;
		}
	} else if (strncmp(buf, "tap:", 4) == 0) {
		s->mode = NET_MODE_TAP;
		if (!buf[4] || strlen(buf + 4) >= IFNAMSIZ || strchr(buf + 4, '/')) {
			diag_error("invalid --net '%s': tap:IFNAME needs a network interface name", value);
			return false;
		}
		strcpy(s->ifname, buf + 4);
	} else if (strncmp(buf, "netns:", 6) == 0) {
		s->mode = NET_MODE_NETNS;
		if (buf[6] != '/') {
			diag_error("invalid --net '%s': netns:PATH needs an absolute path", value);
			return false;
		}
		strcpy(s->netns_path, buf + 6);
	} else {
		diag_error("invalid --net '%s': expected none, user, tap:IFNAME,ip=ADDR/PREFIX or netns:PATH",
			   value);
		return false;
	}
	while (rest) {
		kv = rest;
		rest = strchr(rest, ',');
		if (rest)
			*rest++ = '\0';
		if (s->mode == NET_MODE_NONE || s->mode == NET_MODE_USER || !parse_key(value, kv, s))
			return false;
	}
	if (s->mode == NET_MODE_TAP && !check_tap(value, s))
		return false;
	if (npublish && s->mode != NET_MODE_USER) {
		diag_error("--publish needs --net user (with tap: and netns: the guest's own address is reachable)");
		return false;
	}
	return true;
}

void net_spec_records(const struct net_spec *s, unsigned int mtu, struct net_link *link)
{
	snprintf(link->net, sizeof(link->net), "eth0 %s %s %u", s->ip, *s->gw ? s->gw : "-", mtu);
	if (*s->ip6)
		snprintf(link->net6, sizeof(link->net6), "%s %s", s->ip6, *s->gw6 ? s->gw6 : "-");
	else
		link->net6[0] = '\0';
	snprintf(link->dns, sizeof(link->dns), "%s", s->dns);
}
