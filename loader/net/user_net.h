/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --net user: user-mode networking with Debian's libslirp, in the
 * supervisor (outside the sandbox).  The guest network is slirp's default:
 * the guest 10.0.2.15/24, the gateway 10.0.2.2 (which is the host's
 * loopback for the guest), DNS 10.0.2.3 (forwarded to the host's
 * resolver); IPv6 fd00::/64 by router advertisements.  The supervisor
 * holds every host socket; the container's host processes have none.
 *
 * libslirp is not thread-safe: one thread of ours owns it.  The virtio-net
 * device's thread hands it the guest's frames through a bounded queue and
 * an eventfd; frames for the guest come back through @to_guest, called on
 * that thread.
 */
#ifndef XLIBOS_LOADER_NET_USER_NET_H
#define XLIBOS_LOADER_NET_USER_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

struct user_net;

typedef void (*user_net_to_guest)(void *opaque, const uint8_t *frame, size_t len);

/*
 * The network, with every published port bound now (so a busy port fails
 * the start with a message); nothing runs until user_net_start.
 */
struct user_net *user_net_new(const struct net_publish *publish, size_t npublish,
			      user_net_to_guest to_guest, void *opaque);

/* Start the thread that owns slirp (after the container's clone). */
bool user_net_start(struct user_net *un);

/*
 * A frame from the guest (copied).  Waits a little for room when the
 * queue is full, then drops it: false.
 */
bool user_net_send(struct user_net *un, const uint8_t *frame, size_t len);

/* Stop the thread, close every host socket. */
void user_net_free(struct user_net *un);

#endif
