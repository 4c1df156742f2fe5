/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-vsock back end: the supervisor-to-guest control channel.  The
 * guest (Linux's virtio_vsock) is CID 3, the host CID 2; queues rx
 * (packets for the guest), tx (packets from it) and event (unused: its
 * buffers are taken and kept).  Only SOCK_STREAM, and only the host opens
 * connections: a host client of the control socket (vsock_host.h) asks
 * for a guest port, and bytes then flow both ways with virtio-vsock's
 * credit-based flow control, half-closes as SHUTDOWN packets.  Everything
 * the guest sends is hostile: a packet with wrong CIDs, a bad length or an
 * unknown type is dropped and counted, one that breaks a connection's
 * rules (an unknown op, more data than its credit) resets it, and a
 * malformed ring stops the device (transport.h).  Memory per connection
 * is bounded (VSOCK_HOST_BUF bytes from the guest waiting for a slow host
 * client); a guest request to connect to the host is answered with RST.
 */
#ifndef XLIBOS_LOADER_VIRTIO_VSOCK_H
#define XLIBOS_LOADER_VIRTIO_VSOCK_H

#include <stdbool.h>

#include "transport.h"

#define VSOCK_GUEST_CID		3
#define VSOCK_HOST_CID		2
/* Bytes from the guest we hold per connection: the credit we give it. */
#define VSOCK_HOST_BUF		(256u * 1024)
/* From a client's accept to the guest's answer to its CONNECT. */
#define VSOCK_CONNECT_TIMEOUT_MS	5000
/* When the container ends: how long clients get to take what we hold. */
#define VSOCK_EXIT_FLUSH_MS	2000
/* Host-side ports of our connections are taken from here on. */
#define VSOCK_HOST_PORT_FIRST	49152u

/*
 * Set @dev up as the guest's vsock device, with the control socket at
 * @socket_path made now (mode 0600; an existing path is an error): false
 * with a message.  The path is removed when the device is freed.
 */
bool virtio_vsock_init(struct virtio_dev *dev, const char *socket_path);

struct vsock_counts {
	unsigned long malformed;	/* guest packets dropped as malformed */
	unsigned long resets;		/* connections we reset for the guest's fault */
	unsigned long refused;		/* host clients refused: too many */
	unsigned long rst_dropped;	/* RST replies dropped: too many pending */
};

void virtio_vsock_counts(struct virtio_dev *dev, struct vsock_counts *c);

#endif
