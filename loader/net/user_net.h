/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --net user: user-mode networking with Debian's libslirp, in the
 * supervisor (outside the sandbox).  The guest network is slirp's default:
 * the guest 10.0.2.15/24, the gateway 10.0.2.2 (the host's loopback for
 * the guest only with allow-host-loopback: a container does not reach
 * the host's local services by default, as with Docker and podman), DNS
 * 10.0.2.3 (forwarded to the host's resolver); IPv6 fd00::/64.  The supervisor
 * holds every host socket; the container's host processes have none.
 *
 * libslirp is not thread-safe: one thread of ours owns it.  The virtio-net
 * device's thread hands it the guest's frames through a bounded queue and
 * an eventfd; frames for the guest come back through @to_guest, called on
 * that thread.  No offloads: slirp takes and gives whole frames.
 */
#ifndef XLIBOS_LOADER_NET_USER_NET_H
#define XLIBOS_LOADER_NET_USER_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "publish.h"

#define USER_NET_GUEST_ADDR	"10.0.2.15"
#define USER_NET_PREFIX_LEN	24
#define USER_NET_GATEWAY	"10.0.2.2"
#define USER_NET_DNS		"10.0.2.3"
/* slirp's largest (IF_MTU_MAX is 65521), as slirp4netns and passt use. */
#define USER_NET_MTU		65520
#define USER_NET_STR_(x)	#x
#define USER_NET_STR(x)		USER_NET_STR_(x)
/* The guest init's "net" record (guest-init/config_format.h). */
#define USER_NET_INIT_RECORD	"eth0 " USER_NET_GUEST_ADDR "/" USER_NET_STR(USER_NET_PREFIX_LEN) \
				" " USER_NET_GATEWAY " " USER_NET_STR(USER_NET_MTU)
/* Its "net6" record: slirp's prefix, its host (also the host's ::1). */
#define USER_NET_INIT_RECORD6	"fd00::15/64 fd00::2"

/*
 * The network, with every published port bound now (so a busy port fails
 * the start with a message); nothing runs until the back end's start.
 * Fills @link with the guest's side of it.
 */
struct net_backend *user_net_new(const struct net_publish *publish, size_t npublish,
				 bool allow_host_loopback, const struct net_guest *device,
				 struct net_link *link);

#endif
