// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "net_setup.h"

/* linux/ipv6.h's struct in6_ifreq (musl has no kernel headers). */
struct in6_ifreq_ {
	struct in6_addr ifr6_addr;
	uint32_t ifr6_prefixlen;
	int ifr6_ifindex;
};

struct net_params {
	char ifname[IFNAMSIZ];
	char addr_text[INET_ADDRSTRLEN];
	struct in_addr addr, mask, gateway;
	bool have_gateway;
	int mtu;
};

static bool parse(const char *net, struct net_params *p)
{
	char addr[INET_ADDRSTRLEN + 4], gw[INET_ADDRSTRLEN + 1], *slash, *end;
	long prefix;

	memset(p, 0, sizeof(*p));
	if (sscanf(net, "%15s %19s %16s %d", p->ifname, addr, gw, &p->mtu) != 4 ||
	    !(slash = strchr(addr, '/')))
		return false;
	*slash = '\0';
	prefix = strtol(slash + 1, &end, 10);
	p->have_gateway = strcmp(gw, "-") != 0;	/* "-": no default route */
	if (*end || prefix < 1 || prefix > 32 || p->mtu < 68 ||
	    inet_pton(AF_INET, addr, &p->addr) != 1 ||
	    (p->have_gateway && inet_pton(AF_INET, gw, &p->gateway) != 1))
		return false;
	inet_ntop(AF_INET, &p->addr, p->addr_text, sizeof(p->addr_text));
	p->mask.s_addr = htonl(~0U << (32 - prefix));
	return true;
}

static void set_sin(struct sockaddr *sa, struct in_addr a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = a };

	memcpy(sa, &sin, sizeof(sin));
}

static bool configure(int fd, const struct net_params *p)
{
	struct ifreq ifr;
	struct rtentry rt;
	const char *step;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, p->ifname);
	ifr.ifr_mtu = p->mtu;
	step = "MTU";
	if (ioctl(fd, SIOCSIFMTU, &ifr) != 0)
		goto fail;
	set_sin(&ifr.ifr_addr, p->addr);
	step = "address";
	if (ioctl(fd, SIOCSIFADDR, &ifr) != 0)
		goto fail;
	set_sin(&ifr.ifr_netmask, p->mask);
	step = "netmask";
	if (ioctl(fd, SIOCSIFNETMASK, &ifr) != 0)
		goto fail;
	step = "flags";
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		goto fail;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	step = "up";
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
		goto fail;
	if (!p->have_gateway)
		return true;
	memset(&rt, 0, sizeof(rt));
	set_sin(&rt.rt_dst, (struct in_addr){ 0 });
	set_sin(&rt.rt_genmask, (struct in_addr){ 0 });
	set_sin(&rt.rt_gateway, p->gateway);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = (char *)p->ifname;
	step = "default route";
	if (ioctl(fd, SIOCADDRT, &rt) != 0)
		goto fail;
	return true;
fail:
	fprintf(stderr, "xlibos: network interface %s: cannot set its %s: %s\n", p->ifname, step,
		strerror(errno));
	return false;
}

/* /etc/NAME with @text, unless the image has one (even a dangling link). */
static void write_if_missing(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0) {
		if (errno != EEXIST)
			fprintf(stderr, "xlibos: %s: %s\n", path, strerror(errno));
		return;
	}
	if (write(fd, text, len) != (ssize_t)len)
		fprintf(stderr, "xlibos: %s: %s\n", path, strerror(errno));
	close(fd);
}

static void write_files(const struct net_params *p, const char *dns)
{
	char text[512];
	struct utsname u;
	const char *host = uname(&u) == 0 ? u.nodename : "localhost";

	if (mkdir("/etc", 0755) != 0 && errno != EEXIST)
		return;
	if (dns) {
		snprintf(text, sizeof(text), "nameserver %s\n", dns);
		write_if_missing("/etc/resolv.conf", text);
	}
	snprintf(text, sizeof(text),
		 "127.0.0.1\tlocalhost\n"
		 "::1\tlocalhost ip6-localhost ip6-loopback\n"
		 "%s\t%s\n", p->addr_text, host);
	write_if_missing("/etc/hosts", text);
	snprintf(text, sizeof(text), "%s\n", host);
	write_if_missing("/etc/hostname", text);
}

/* /proc/sys/net/ipv6/conf/IF/KEY = VALUE; false if it cannot be. */
static bool ipv6_conf(const char *ifname, const char *key, const char *value)
{
	char path[96];
	int fd;
	bool ok;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = write(fd, value, strlen(value)) == (ssize_t)strlen(value);
	close(fd);
	return ok;
}

/*
 * "ADDR6/PREFIX GATEWAY6": a static address, usable at once (no duplicate
 * address detection: the network is the back end's alone) and no
 * autoconfiguration beside it, and the default route.
 */
static bool configure6(const char *ifname, const char *net6)
{
	char addr[INET6_ADDRSTRLEN + 4], gw[INET6_ADDRSTRLEN + 1], *slash, *end;
	struct in6_ifreq_ ifr6 = { 0 };
	struct in6_rtmsg rt = { 0 };
	struct ifreq ifr = { 0 };
	const char *step = "address";
	long prefix;
	int fd;

	if (sscanf(net6, "%49s %46s", addr, gw) != 2 || !(slash = strchr(addr, '/')))
		goto bad;
	*slash = '\0';
	prefix = strtol(slash + 1, &end, 10);
	if (*end || prefix < 1 || prefix > 128 || inet_pton(AF_INET6, addr, &ifr6.ifr6_addr) != 1 ||
	    (strcmp(gw, "-") != 0 && inet_pton(AF_INET6, gw, &rt.rtmsg_gateway) != 1))
		goto bad;
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "xlibos: network: IPv6 socket: %s\n", strerror(errno));
		return false;
	}
	ipv6_conf(ifname, "accept_dad", "0");
	ipv6_conf(ifname, "accept_ra", "0");
	ipv6_conf(ifname, "autoconf", "0");
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) != 0)
		goto fail;
	ifr6.ifr6_prefixlen = (uint32_t)prefix;
	ifr6.ifr6_ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCSIFADDR, &ifr6) != 0)
		goto fail;
	if (strcmp(gw, "-") == 0) {	/* no default route */
		close(fd);
		return true;
	}
	rt.rtmsg_flags = RTF_UP | RTF_GATEWAY;
	rt.rtmsg_metric = 1;
	rt.rtmsg_ifindex = ifr.ifr_ifindex;
	step = "IPv6 default route";
	if (ioctl(fd, SIOCADDRT, &rt) != 0)
		goto fail;
	close(fd);
	return true;
fail:
	fprintf(stderr, "xlibos: network interface %s: cannot set its %s: %s\n", ifname, step,
		strerror(errno));
	close(fd);
	return false;
bad:
	fprintf(stderr, "xlibos: bad IPv6 network record '%s'\n", net6);
	return false;
}

bool net_setup(const char *net, const char *net6, const char *dns)
{
	struct net_params p;
	int fd;
	bool ok;

	if (!parse(net, &p)) {
		fprintf(stderr, "xlibos: bad network record '%s'\n", net);
		return false;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "xlibos: network: socket: %s\n", strerror(errno));
		return false;
	}
	ok = configure(fd, &p);
	close(fd);
	if (ok && net6)
		ok = configure6(p.ifname, net6);
	if (ok)
		write_files(&p, dns);
	return ok;
}
