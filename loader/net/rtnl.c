// SPDX-License-Identifier: GPL-2.0
/* Routing netlink for --net netns: (see rtnl.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>	/* before the linux/ headers: libc-compat */
#include <libmnl/libmnl.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../diag.h"
#include "rtnl.h"

typedef int (*dump_cb)(const struct nlmsghdr *nlh, void *data);

/* One request (a dump, or one change acknowledged); false on error. */
static bool request(struct mnl_socket *nl, struct nlmsghdr *nlh, dump_cb cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(nl);
	unsigned int seq = nlh->nlmsg_seq = (unsigned int)time(NULL);
	ssize_t n;
	int r = MNL_CB_OK;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return false;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		if (r <= MNL_CB_STOP)
			break;
	}
	return n >= 0 && r >= MNL_CB_STOP;
}

static struct mnl_socket *open_rtnl(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);

	if (nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == 0)
		return nl;
	diag_error("network: routing netlink: %s", strerror(errno));
	if (nl)
		mnl_socket_close(nl);
	return NULL;
}

static struct nlmsghdr *dump_header(char *buf, uint16_t type, void **extra, size_t extra_len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	*extra = mnl_nlmsg_put_extra_header(nlh, extra_len);
	return nlh;
}

/* --- links --------------------------------------------------------------- */

struct link_search {
	const char *want;
	struct rtnl_link *found;
	unsigned int candidates;
};

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_search *ls = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct rtnl_link l = { .index = ifi->ifi_index };
	bool have_mac = false;

	if (ifi->ifi_type != ARPHRD_ETHER)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			snprintf(l.name, sizeof(l.name), "%s", mnl_attr_get_str(a));
			break;
		case IFLA_MTU:
			l.mtu = mnl_attr_get_u32(a);
			break;
		case IFLA_ADDRESS:
			if (mnl_attr_get_payload_len(a) == 6) {
				memcpy(l.mac, mnl_attr_get_payload(a), 6);
				have_mac = true;
			}
			break;
		}
	}
	if (!have_mac || !l.mtu)
		return MNL_CB_OK;
	if (*ls->want ? strcmp(l.name, ls->want) == 0 : (ifi->ifi_flags & IFF_UP) != 0) {
		*ls->found = l;
		ls->candidates++;
	}
	return MNL_CB_OK;
}

bool rtnl_find_link(const char *want, struct rtnl_link *link, bool *none)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct link_search ls = { want, link, 0 };
	struct mnl_socket *nl = open_rtnl();
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	bool ok;

	if (!nl)
		return false;
	nlh = dump_header(buf, RTM_GETLINK, (void **)&ifi, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ok = request(nl, nlh, link_cb, &ls);
	mnl_socket_close(nl);
	if (!ok) {
		diag_error("network: cannot list the namespace's interfaces: %s", strerror(errno));
		return false;
	}
	*none = !ls.candidates && !*want;
	if (ls.candidates == 1 || *none)
		return ls.candidates == 1;
	if (*want)
		diag_error("--net netns: no Ethernet interface '%s' in the namespace", want);
	else
		diag_error("--net netns: the namespace has %u Ethernet interfaces up: choose one with ,if=NAME",
			   ls.candidates);
	return false;
}

/* --- addresses ---------------------------------------------------------- */

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rtnl_addrs *al = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t len = ifa->ifa_family == AF_INET ? 4 : 16;

	if ((int)ifa->ifa_index != al->ifindex || al->n == RTNL_MAX_ADDRS ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(a) != IFA_ADDRESS || mnl_attr_get_payload_len(a) != len)
			continue;
		al->a[al->n].family = ifa->ifa_family;
		al->a[al->n].prefix = ifa->ifa_prefixlen;
		memcpy(al->a[al->n].addr, mnl_attr_get_payload(a), len);
		al->n++;
		break;
	}
	return MNL_CB_OK;
}

static bool list_addresses(struct mnl_socket *nl, struct rtnl_addrs *al)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh = dump_header(buf, RTM_GETADDR, (void **)&ifa, sizeof(*ifa));

	ifa->ifa_family = AF_UNSPEC;
	return request(nl, nlh, addr_cb, al);
}

struct gateways {
	int ifindex;
	struct net_spec *s;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct gateways *g = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	const void *gw = NULL;
	int oif = 0;
	size_t len = rtm->rtm_family == AF_INET ? 4 : 16;

	if (rtm->rtm_dst_len != 0 || rtm->rtm_table != RT_TABLE_MAIN ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		if (mnl_attr_get_type(a) == RTA_GATEWAY && mnl_attr_get_payload_len(a) == len)
			gw = mnl_attr_get_payload(a);
		else if (mnl_attr_get_type(a) == RTA_OIF)
			oif = (int)mnl_attr_get_u32(a);
	}
	if (!gw || oif != g->ifindex)
		return MNL_CB_OK;
	if (rtm->rtm_family == AF_INET && !*g->s->gw)
		inet_ntop(AF_INET, gw, g->s->gw, sizeof(g->s->gw));
	else if (rtm->rtm_family == AF_INET6 && !*g->s->gw6)
		inet_ntop(AF_INET6, gw, g->s->gw6, sizeof(g->s->gw6));
	return MNL_CB_OK;
}

bool rtnl_read_addresses(int ifindex, struct net_spec *s)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], text[INET6_ADDRSTRLEN];
	struct rtnl_addrs al = { .ifindex = ifindex };
	struct gateways g = { ifindex, s };
	struct mnl_socket *nl = open_rtnl();
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	bool ok;

	if (!nl)
		return false;
	ok = list_addresses(nl, &al);
	for (unsigned int i = 0; ok && i < al.n; i++) {
		bool v4 = al.a[i].family == AF_INET;
		char *slot = v4 ? s->ip : s->ip6;
		size_t size = v4 ? sizeof(s->ip) : sizeof(s->ip6);

		if (*slot)
			continue;
		inet_ntop(al.a[i].family, al.a[i].addr, text, sizeof(text));
		snprintf(slot, size, "%s/%u", text, al.a[i].prefix);
	}
	if (ok) {
		nlh = dump_header(buf, RTM_GETROUTE, (void **)&rtm, sizeof(*rtm));
		rtm->rtm_family = AF_UNSPEC;
		ok = request(nl, nlh, route_cb, &g);
	}
	mnl_socket_close(nl);
	if (!ok)
		diag_error("network: cannot read the namespace's addresses: %s", strerror(errno));
	else if (!*s->ip)
		diag_error("--net netns: the interface has no IPv4 address");
	return ok && *s->ip;
}

/* RTM_NEWADDR or RTM_DELADDR of address @i of @al. */
static bool change_address(struct mnl_socket *nl, const struct rtnl_addrs *al, unsigned int i,
			   uint16_t type)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	size_t len = al->a[i].family == AF_INET ? 4 : 16;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
			   (type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	ifa->ifa_family = al->a[i].family;
	ifa->ifa_prefixlen = al->a[i].prefix;
	ifa->ifa_index = (unsigned int)al->ifindex;
	/* Back as they were: no duplicate address detection to wait for. */
	ifa->ifa_flags = al->a[i].family == AF_INET6 ? IFA_F_NODAD : 0;
	mnl_attr_put(nlh, IFA_LOCAL, len, al->a[i].addr);
	if (type == RTM_NEWADDR)
		mnl_attr_put(nlh, IFA_ADDRESS, len, al->a[i].addr);
	return request(nl, nlh, NULL, NULL);
}

static bool add_default_route(struct mnl_socket *nl, int ifindex, int family, const uint8_t *gw)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, family == AF_INET ? 4 : 16, gw);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return request(nl, nlh, NULL, NULL);
}

bool rtnl_restore_addresses(const struct rtnl_addrs *saved)
{
	struct mnl_socket *nl = open_rtnl();
	bool ok = true;

	if (!nl)
		return false;
	for (unsigned int i = 0; i < saved->n; i++)
		ok &= change_address(nl, saved, i, RTM_NEWADDR);
	if (saved->have_gw4)
		ok &= add_default_route(nl, saved->ifindex, AF_INET, saved->gw4);
	if (saved->have_gw6)
		ok &= add_default_route(nl, saved->ifindex, AF_INET6, saved->gw6);
	mnl_socket_close(nl);
	return ok;
}

bool rtnl_remove_addresses(int ifindex, struct rtnl_addrs *removed)
{
	struct rtnl_addrs al = { .ifindex = ifindex };
	struct mnl_socket *nl = open_rtnl();
	bool ok;

	if (!nl)
		return false;
	ok = list_addresses(nl, &al);
	for (unsigned int i = 0; ok && i < al.n; i++)
		ok = change_address(nl, &al, i, RTM_DELADDR);
	mnl_socket_close(nl);
	removed->ifindex = ifindex;
	removed->n = al.n;
	memcpy(removed->a, al.a, sizeof(al.a));
	if (!ok)
		diag_error("network: cannot take the addresses off the namespace's interface: %s",
			   strerror(errno));
	return ok;
}
