/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The supervisor-to-guest control channel's well-known port: the guest
 * init's agent listens on AF_VSOCK port XLIBOS_CONTROL_PORT (the guest is
 * CID 3), and host clients reach it through `xlibos run --control-socket
 * PATH` with "CONNECT 1024\n" (loader/virtio/vsock.h).  Shared by the
 * loader, xlibos-runtime and the guest init; nothing else here.
 */
#ifndef XLIBOS_LOADER_CONTROL_PORT_H
#define XLIBOS_LOADER_CONTROL_PORT_H

#define XLIBOS_CONTROL_PORT	1024

#endif
