// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p: each chain's readable part is one T-message, its writable part
 * receives the R-message (Linux's 9pnet_virtio; for large reads and writes
 * its "zero-copy" chains put the payload in further descriptors of the
 * same parts, so the message is simply the parts' bytes in order).  The
 * message is copied out of guest memory once (the guest may change it
 * meanwhile) and served by loader/p9/ one at a time: every operation there
 * completes promptly (no FIFO or device is ever opened for I/O), so one
 * thread per device is enough.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <linux/virtio_9p.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../diag.h"
#include "../p9/p9_server.h"
#include "p9.h"

#define P9_TAG_MAX	64

struct p9dev {
	struct p9_server *server;
	uint16_t tag_len;
	char tag[P9_TAG_MAX];
	/* One message each way, as big as the largest msize we allow. */
	uint8_t req[P9_MAX_MSIZE];
	uint8_t resp[P9_MAX_MSIZE];
};

static uint8_t p9_config_byte(struct virtio_dev *dev, uint32_t offset)
{
	struct p9dev *p = dev->priv;

	/* struct virtio_9p_config: le16 tag_len, then the tag's bytes. */
	if (offset < 2)
		return (uint8_t)(p->tag_len >> (8 * offset));
	offset -= 2;
	return offset < p->tag_len ? (uint8_t)p->tag[offset] : 0;
}

static void p9_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct virtio_queue *vq = &dev->queues[q];
	struct p9dev *p = dev->priv;
	struct virtio_chain chain;
	bool any = false;

	while (!dev->stop && virtio_queue_pop(dev, vq, &chain) > 0) {
		size_t req_len = iov_total(chain.iov, chain.n_out);
		size_t in_len = iov_total(chain.iov + chain.n_out, chain.n_in);
		size_t resp_len;

		if (req_len > sizeof(p->req)) {
			virtio_dev_fail(dev, "a 9P message of %zu bytes (at most %u)",
					req_len, P9_MAX_MSIZE);
			break;
		}
		iov_copy_from(chain.iov, chain.n_out, 0, p->req, req_len);
		resp_len = p9_server_handle(p->server, p->req, req_len, p->resp,
					    in_len < sizeof(p->resp) ? in_len : sizeof(p->resp));
		if (resp_len == 0) {
			virtio_dev_fail(dev, "a request that is not a 9P message (%zu bytes, %zu for the answer)",
					req_len, in_len);
			break;
		}
		iov_copy_to(chain.iov + chain.n_out, chain.n_in, 0, p->resp, resp_len);
		virtio_queue_push(dev, vq, chain.head, (uint32_t)resp_len);
		any = true;
	}
	if (any)
		virtio_queue_raise(dev, vq);
}

static void p9_free(struct virtio_dev *dev)
{
	struct p9dev *p = dev->priv;

	if (!p)
		return;
	p9_server_free(p->server);
	free(p);
	dev->priv = NULL;
}

static const struct virtio_dev_ops p9_ops = {
	.name = "virtio-9p",
	.device_id = VIRTIO_ID_9P,
	.nqueues = 1,
	.queue_notify = p9_queue_notify,
	.config_byte = p9_config_byte,
	.free = p9_free,
};

bool virtio_p9_init(struct virtio_dev *dev, int dirfd, const char *tag, enum p9_share share,
		    const char *name)
{
	size_t tag_len = strlen(tag);
	struct p9dev *p;

	if (tag_len == 0 || tag_len > P9_TAG_MAX) {
		diag_error("volume '%s': mount tag '%s' is empty or longer than %d bytes",
			   name, tag, P9_TAG_MAX);
		close(dirfd);
		return false;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		diag_error("volume '%s': out of memory", name);
		close(dirfd);
		return false;
	}
	p->server = p9_server_new(dirfd, share);
	if (!p->server) {
		diag_error("volume '%s': %s", name, strerror(errno));
		free(p);
		return false;
	}
	p->tag_len = (uint16_t)tag_len;
	memcpy(p->tag, tag, tag_len);
	dev->ops = &p9_ops;
	dev->priv = p;
	dev->host_features = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_9P_MOUNT_TAG);
	return true;
}
