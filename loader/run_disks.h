/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --disk FILE:GUESTDIR[:ro|:rw] of "xlibos run": a raw ext4 image file
 * attached as a virtio-blk device and mounted by the guest init at
 * GUESTDIR.  The supervisor holds the file (locked against a second
 * writer); the container's host processes never get it.
 */
#ifndef XLIBOS_LOADER_RUN_DISKS_H
#define XLIBOS_LOADER_RUN_DISKS_H

#include <stdbool.h>
#include <stddef.h>

struct guest_devices;

/*
 * Open, check and lock each spec, add it to @g as the next block device,
 * and give the guest init's "disk" record for it in (*records)[i]
 * (malloc'd strings in a malloc'd array; free with run_disks_free).
 * Prints "xlibos: disk ...: reason" and returns false on failure.
 */
bool run_disks_attach(const char *const *specs, size_t n, struct guest_devices *g,
		      char ***records);

/*
 * --volume HOSTDIR:GUESTDIR[:ro]: a host directory shared live through
 * virtio-9p, served by the supervisor; "ro|rw TAG DIR" records.
 */
bool run_volumes_attach(const char *const *specs, size_t n, struct guest_devices *g,
			char ***records);

void run_disks_free(char **records, size_t n);

/* The guest's name of block device @index: /dev/vda, /dev/vdb, ... */
void run_disks_device_name(unsigned int index, char *buf, size_t len);

#endif
