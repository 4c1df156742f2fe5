// SPDX-License-Identifier: GPL-2.0
/* --net tap: (see tap_net.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../diag.h"
#include "fd_net.h"
#include "tap_net.h"

void net_random_mac(uint8_t mac[6])
{
	if (getrandom(mac, 6, 0) != 6)
		memset(mac, 0x5a, 6);
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);	/* unicast, local */
}

/* What the guest takes, so the device sends it nothing else. */
static bool tap_configure(int fd, uint64_t features, const char *what)
{
	unsigned int offload = 0;

	if (features & (1ULL << VIRTIO_NET_F_GUEST_CSUM)) {
		offload |= TUN_F_CSUM;
		if (features & (1ULL << VIRTIO_NET_F_GUEST_TSO4))
			offload |= TUN_F_TSO4;
		if (features & (1ULL << VIRTIO_NET_F_GUEST_TSO6))
			offload |= TUN_F_TSO6;
	}
	if (ioctl(fd, TUNSETOFFLOAD, offload) != 0) {
		diag_error("network: %s: cannot set its offloads: %s", what, strerror(errno));
		return false;
	}
	return true;
}

static bool device_info(const char *ifname, unsigned int *mtu)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (s < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ok = ioctl(s, SIOCGIFMTU, &ifr) == 0;
	*mtu = ok ? (unsigned int)ifr.ifr_mtu : 1500;
	if (ok && ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP))
		diag_error("warning: TAP device %s is down: the guest's packets are dropped until it is up (ip link set %s up)",
			   ifname, ifname);
	close(s);
	return ok;
}

struct net_backend *tap_net_new(const struct net_spec *spec, const struct net_guest *guest,
				struct net_link *link)
{
	struct ifreq ifr = { 0 };
	char what[64];
	int fd;

	snprintf(what, sizeof(what), "TAP device %s", spec->ifname);
	/* TUNSETIFF would make a new device: only an existing one is asked for. */
	if (!if_nametoindex(spec->ifname)) {
		diag_error("--net tap:%s: no such network interface (make it first, e.g. ip tuntap add dev %s mode tap)",
			   spec->ifname, spec->ifname);
		return NULL;
	}
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		diag_error("--net tap:%s: /dev/net/tun: %s", spec->ifname, strerror(errno));
		return NULL;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", spec->ifname);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		int err = errno;

		close(fd);
		diag_error("--net tap:%s: cannot attach to it: %s", spec->ifname,
			   err == EPERM ? "not allowed (it needs CAP_NET_ADMIN, or a TAP device made with 'user' set to you)"
			   : err == EBUSY ? "another process has it"
			   : err == EINVAL ? "it is not a TAP device"
			   : strerror(err));
		return NULL;
	}
	*link = (struct net_link){ .offloads = true };
	if (!device_info(spec->ifname, &link->mtu)) {
		diag_error("--net tap:%s: cannot read its MTU: %s", spec->ifname, strerror(errno));
		close(fd);
		return NULL;
	}
	net_random_mac(link->mac);
	net_spec_records(spec, link->mtu, link);
	return fd_net_new(&(struct fd_net_params){ .fd = fd, .what = what,
						   .configure = tap_configure },
			  guest);
}
