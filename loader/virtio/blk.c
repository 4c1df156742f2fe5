// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk: requests read from the guest's queue, served with
 * preadv/pwritev straight between the host file and guest memory, and
 * flushes as fdatasync, so what the guest fsync()ed is on the host's disk
 * when its fsync returns (the guest's driver sends a flush: we offer
 * VIRTIO_BLK_F_FLUSH, a volatile write cache).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>
#include <endian.h>
#include <linux/virtio_config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../diag.h"
#include "blk.h"

#define SECTOR 512ULL

struct blk {
	int fd;
	bool read_only;
	bool unflushed;			/* written since the last fdatasync */
	uint64_t capacity;		/* sectors */
	char serial[VIRTIO_BLK_ID_BYTES];
	struct virtio_blk_config config;	/* little-endian, as the guest reads it */
	struct iovec data[VIRTIO_CHAIN_MAX];
};

static uint8_t blk_config_byte(struct virtio_dev *dev, uint32_t offset)
{
	struct blk *b = dev->priv;

	return offset < sizeof(b->config) ? ((uint8_t *)&b->config)[offset] : 0;
}

/* The chain's data buffers: @iov minus @skip bytes in front, @trim behind. */
static unsigned int data_iov(struct blk *b, const struct iovec *iov, unsigned int n,
			     size_t skip, size_t trim, size_t *len)
{
	unsigned int out = 0;
	size_t total = 0;

	for (unsigned int i = 0; i < n; i++)
		total += iov[i].iov_len;
	if (total < skip + trim) {
		*len = 0;
		return 0;
	}
	total -= skip + trim;
	*len = total;
	for (unsigned int i = 0; i < n && total; i++) {
		size_t l = iov[i].iov_len;
		char *p = iov[i].iov_base;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		p += skip;
		l -= skip;
		skip = 0;
		if (l > total)
			l = total;
		b->data[out].iov_base = p;
		b->data[out].iov_len = l;
		out++;
		total -= l;
	}
	return out;
}

static bool in_range(struct blk *b, uint64_t sector, size_t len)
{
	return len % SECTOR == 0 && sector <= b->capacity &&
	       len / SECTOR <= b->capacity - sector;
}

/* preadv/pwritev until done; false on an error or end of file. */
static bool transfer(struct blk *b, bool write, struct iovec *iov, unsigned int n,
		     uint64_t off)
{
	while (n) {
		ssize_t r = write ? pwritev(b->fd, iov, (int)n, (off_t)off)
				  : preadv(b->fd, iov, (int)n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		off += (uint64_t)r;
		while (n && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (char *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return true;
}

static uint8_t serve(struct blk *b, const struct virtio_chain *c, uint32_t *written)
{
	struct virtio_blk_outhdr hdr;
	unsigned int n;
	size_t len;

	*written = 0;
	if (iov_copy_from(c->iov, c->n_out, 0, &hdr, sizeof(hdr)) != sizeof(hdr))
		return VIRTIO_BLK_S_IOERR;
	switch (le32toh(hdr.type)) {
	case VIRTIO_BLK_T_IN:
		n = data_iov(b, c->iov + c->n_out, c->n_in, 0, 1, &len);
		if (!in_range(b, le64toh(hdr.sector), len) ||
		    !transfer(b, false, b->data, n, le64toh(hdr.sector) * SECTOR))
			return VIRTIO_BLK_S_IOERR;
		*written = (uint32_t)len;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_OUT:
		if (b->read_only)
			return VIRTIO_BLK_S_IOERR;
		n = data_iov(b, c->iov, c->n_out, sizeof(hdr), 0, &len);
		b->unflushed = true;
		if (!in_range(b, le64toh(hdr.sector), len) ||
		    !transfer(b, true, b->data, n, le64toh(hdr.sector) * SECTOR))
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		/*
		 * Requests are served one at a time, so with nothing written
		 * since the last fdatasync everything acknowledged is already
		 * on disk (ext4's commit sends flushes back to back).
		 */
		if (b->read_only || !b->unflushed)
			return VIRTIO_BLK_S_OK;
		if (fdatasync(b->fd) != 0)
			return VIRTIO_BLK_S_IOERR;
		b->unflushed = false;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		n = data_iov(b, c->iov + c->n_out, c->n_in, 0, 1, &len);
		*written = (uint32_t)iov_copy_to(b->data, n, 0, b->serial,
						 len < sizeof(b->serial) ? len : sizeof(b->serial));
		return VIRTIO_BLK_S_OK;
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

static void blk_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct virtio_queue *vq = &dev->queues[q];
	struct virtio_chain chain;
	bool any = false;

	while (!dev->stop && virtio_queue_pop(dev, vq, &chain) > 0) {
		uint32_t written;
		uint8_t status;

		if (chain.n_in == 0 || chain.n_out == 0) {
			virtio_dev_fail(dev, "request without a header or a status byte");
			break;
		}
		status = serve(dev->priv, &chain, &written);
		/* The status byte is the last byte of the writable part. */
		size_t in_len = 0;

		for (unsigned int i = chain.n_out; i < chain.n_out + chain.n_in; i++)
			in_len += chain.iov[i].iov_len;
		if (in_len == 0) {
			virtio_dev_fail(dev, "request without room for its status");
			break;
		}
		iov_copy_to(chain.iov + chain.n_out, chain.n_in, in_len - 1, &status, 1);
		virtio_queue_push(dev, vq, chain.head, written + 1);
		any = true;
	}
	if (any)
		virtio_queue_raise(dev, vq);
}

static void blk_free(struct virtio_dev *dev)
{
	struct blk *b = dev->priv;

	if (!b)
		return;
	close(b->fd);
	free(b);
	dev->priv = NULL;
}

static const struct virtio_dev_ops blk_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.nqueues = 1,
	.queue_notify = blk_queue_notify,
	.config_byte = blk_config_byte,
	.free = blk_free,
};

bool virtio_blk_init(struct virtio_dev *dev, int fd, const char *name, bool read_only)
{
	struct blk *b;
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_error("disk '%s': not a regular file", name);
		return false;
	}
	if (st.st_size < (off_t)(64 * 1024) || st.st_size % SECTOR) {
		diag_error("disk '%s': size %lld is not a multiple of 512 bytes of at least 64 KiB",
			   name, (long long)st.st_size);
		return false;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		diag_error("disk '%s': out of memory", name);
		return false;
	}
	b->fd = fd;
	b->read_only = read_only;
	b->capacity = (uint64_t)st.st_size / SECTOR;
	snprintf(b->serial, sizeof(b->serial), "xlibos-%u", dev->index);
	b->config.capacity = htole64(b->capacity);
	b->config.seg_max = htole32(VIRTIO_QUEUE_SIZE - 2);
	dev->ops = &blk_ops;
	dev->priv = b;
	dev->host_features = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_BLK_F_SEG_MAX) |
			     (1ULL << VIRTIO_BLK_F_FLUSH);
	if (read_only)
		dev->host_features |= 1ULL << VIRTIO_BLK_F_RO;
	return true;
}
