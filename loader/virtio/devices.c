// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../diag.h"
#include "../physmem.h"
#include "blk.h"
#include "devices.h"
#include "net.h"
#include "p9.h"
#include "vsock.h"

#define PAGE 4096ULL

void guest_devices_init(struct guest_devices *g)
{
	memset(g, 0, sizeof(*g));
}

bool guest_devices_add_blk(struct guest_devices *g, int fd, const char *name, bool read_only)
{
	struct virtio_dev *dev = &g->dev[g->n];

	if (g->n >= XLIBOS_VIRTIO_MAX_DEVICES) {
		diag_error("too many devices (at most %d)", XLIBOS_VIRTIO_MAX_DEVICES);
		close(fd);
		return false;
	}
	memset(dev, 0, sizeof(*dev));
	dev->index = g->n;
	if (!virtio_blk_init(dev, fd, name, read_only)) {
		close(fd);
		return false;
	}
	g->n++;
	return true;
}

bool guest_devices_add_p9(struct guest_devices *g, int dirfd, const char *tag,
			  enum p9_share share, const char *name)
{
	struct virtio_dev *dev = &g->dev[g->n];

	if (g->n >= XLIBOS_VIRTIO_MAX_DEVICES) {
		diag_error("too many devices (at most %d)", XLIBOS_VIRTIO_MAX_DEVICES);
		close(dirfd);
		return false;
	}
	memset(dev, 0, sizeof(*dev));
	dev->index = g->n;
	if (!virtio_p9_init(dev, dirfd, tag, share, name))
		return false;
	g->n++;
	return true;
}

bool guest_devices_add_net(struct guest_devices *g, const struct net_spec *spec,
			   const struct net_publish *publish, size_t npublish, struct net_link *link)
{
	struct virtio_dev *dev = &g->dev[g->n];

	if (g->n >= XLIBOS_VIRTIO_MAX_DEVICES) {
		diag_error("too many devices (at most %d)", XLIBOS_VIRTIO_MAX_DEVICES);
		return false;
	}
	memset(dev, 0, sizeof(*dev));
	dev->index = g->n;
	if (!virtio_net_init(dev, spec, publish, npublish, link))
		return link->absent;	/* absent: only lo, no device */
	g->n++;
	return true;
}

bool guest_devices_add_vsock(struct guest_devices *g, const char *socket_path)
{
	struct virtio_dev *dev = &g->dev[g->n];

	if (g->n >= XLIBOS_VIRTIO_MAX_DEVICES) {
		diag_error("too many devices (at most %d)", XLIBOS_VIRTIO_MAX_DEVICES);
		return false;
	}
	memset(dev, 0, sizeof(*dev));
	dev->index = g->n;
	if (!virtio_vsock_init(dev, socket_path))
		return false;
	g->n++;
	return true;
}

static void describe(struct guest_devices *g)
{
	g->area = (struct xlibos_virtio_area *)(g->ram.base + XLIBOS_VIRTIO_AREA_PHYS);
	memset(g->area, 0, (1 + g->n) * PAGE);
	for (unsigned int i = 0; i < g->n; i++) {
		struct virtio_dev *dev = &g->dev[i];

		dev->ram = &g->ram;
		dev->area = g->area;
		dev->port = (struct xlibos_virtio_port *)((uint8_t *)g->area + (1 + i) * PAGE);
		dev->port->device_id = dev->ops->device_id;
		dev->port->irq = XLIBOS_VIRTIO_FIRST_IRQ + i;
		dev->port->magic = XLIBOS_VIRTIO_PORT_MAGIC;
	}
	g->area->ndevices = g->n;
	g->area->magic = XLIBOS_VIRTIO_AREA_MAGIC;
}

bool guest_devices_start(struct guest_devices *g, int memfd, uint64_t size, int cpu)
{
	void *p;

	if (!g->n)
		return true;
	if (size < XLIBOS_VIRTIO_AREA_PHYS + (1 + g->n) * PAGE) {
		diag_error("guest memory too small for its devices");
		return false;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (p == MAP_FAILED) {
		diag_error("cannot map guest memory for the device back ends: %s",
			   strerror(errno));
		return false;
	}
	physmem_advise_huge(p, size);
	g->ram.base = p;
	g->ram.size = size;
	describe(g);
	for (unsigned int i = 0; i < g->n; i++) {
		if (!virtio_dev_start(&g->dev[i], cpu)) {
			guest_devices_stop(g);
			return false;
		}
	}
	return true;
}

void guest_devices_stop_leave_memory(struct guest_devices *g)
{
	for (unsigned int i = 0; i < g->n; i++) {
		virtio_dev_stop(&g->dev[i]);
		if (g->dev[i].ops->free)
			g->dev[i].ops->free(&g->dev[i]);
	}
	g->n = 0;
	g->ram.base = NULL;
}

void guest_devices_stop(struct guest_devices *g)
{
	void *base = g->ram.base;

	guest_devices_stop_leave_memory(g);
	/* The last reference to guest memory, often: this frees its pages. */
	if (base)
		munmap(base, g->ram.size);
}
