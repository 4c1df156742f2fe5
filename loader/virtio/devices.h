/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio devices of one container, served by the supervisor: the
 * device area in guest memory (asm/xlibos_virtio.h) and a back-end thread
 * per device.  The container's host processes never hold the devices'
 * host files.
 */
#ifndef XLIBOS_LOADER_VIRTIO_DEVICES_H
#define XLIBOS_LOADER_VIRTIO_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../net/net_spec.h"
#include "../net/publish.h"
#include "../p9/p9_server.h"
#include "transport.h"

struct guest_devices {
	unsigned int n;
	struct virtio_dev dev[XLIBOS_VIRTIO_MAX_DEVICES];
	struct guest_ram ram;		/* the supervisor's mapping */
	struct xlibos_virtio_area *area;
};

void guest_devices_init(struct guest_devices *g);

/* A block device on @fd (taken over, even on failure); /dev/vda, vdb, ... */
bool guest_devices_add_blk(struct guest_devices *g, int fd, const char *name, bool read_only);

/*
 * A shared host directory on @dirfd (O_PATH|O_DIRECTORY is enough; taken
 * over, even on failure), served as virtio-9p (9P2000.L) under mount tag
 * @tag, shared as @share says (p9_server.h); @name in messages.
 */
bool guest_devices_add_p9(struct guest_devices *g, int dirfd, const char *tag,
			  enum p9_share share, const char *name);

/*
 * The guest's eth0 (virtio-net) on the back end @spec names (--net user:
 * libslirp in the supervisor, with @publish's host ports bound now; tap:
 * a TAP device; netns: a namespace's interface taken over): false with a
 * message if it cannot be had.  @link: what the guest's eth0 gets.
 */
bool guest_devices_add_net(struct guest_devices *g, const struct net_spec *spec,
			   const struct net_publish *publish, size_t npublish, struct net_link *link);

/*
 * The supervisor-to-guest control channel (virtio-vsock, guest CID 3) with
 * its host side, an AF_UNIX socket made now at @socket_path (mode 0600;
 * an existing path is an error), removed when the devices stop.
 */
bool guest_devices_add_vsock(struct guest_devices *g, const char *socket_path);

/*
 * Supervisor, before the first host process starts: map guest memory
 * (@memfd, @size bytes), describe the devices in it, start their threads
 * (on host CPU @cpu unless it is negative).
 */
bool guest_devices_start(struct guest_devices *g, int memfd, uint64_t size, int cpu);

/* Stop the threads, close the files, unmap guest memory. */
void guest_devices_stop(struct guest_devices *g);

/*
 * The same, but guest memory stays mapped: the supervisor's address space
 * is torn down after it exits (teardown_child.h), and so are its pages.
 */
void guest_devices_stop_leave_memory(struct guest_devices *g);

#endif
