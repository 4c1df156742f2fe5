// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_frame.h"

bool frame_reader_init(struct frame_reader *r, size_t cap)
{
	*r = (struct frame_reader){ .cap = cap };
	r->buf = malloc(cap ? cap : 1);
	return r->buf != NULL;
}

void frame_reader_free(struct frame_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* One read(2) into p; 1 got bytes (*n), 0 would block, -1 end of file, -2 error. */
static int read_some(int fd, void *p, size_t len, size_t *n)
{
	ssize_t got;

	do
		got = read(fd, p, len);
	while (got < 0 && errno == EINTR);
	if (got > 0) {
		*n = (size_t)got;
		return 1;
	}
	/* A peer that closed with our bytes unread resets the connection: an end too. */
	if (got == 0 || errno == ECONNRESET)
		return -1;
	return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -2;
}

enum frame_result frame_read(struct frame_reader *r, int fd, const char **why)
{
	size_t n;
	int rc;

	/* A frame handed out last time is done with. */
	if (r->hdr_have == AGENT_HEADER_LEN && r->have == r->len) {
		r->hdr_have = 0;
		r->have = 0;
	}
	while (r->hdr_have < AGENT_HEADER_LEN) {
		rc = read_some(fd, r->hdr + r->hdr_have, AGENT_HEADER_LEN - r->hdr_have, &n);
		if (rc == 0)
			return FRAME_MORE;
		if (rc == -1 && r->hdr_have == 0)
			return FRAME_EOF;
		if (rc < 0) {
			*why = rc == -1 ? "connection closed inside a frame" : strerror(errno);
			return FRAME_BAD;
		}
		r->hdr_have += n;
		if (r->hdr_have < AGENT_HEADER_LEN)
			continue;
		r->type = agent_get_u32(r->hdr);
		r->len = agent_get_u32(r->hdr + 4);
		if (!agent_frame_max(r->type)) {
			*why = "unknown frame type";
			return FRAME_BAD;
		}
		/* Empty frames are bounded by 1 only to tell them from unknown ones. */
		if (r->len > agent_frame_max(r->type) || r->len > r->cap ||
		    (agent_frame_max(r->type) == 1 && r->len)) {
			*why = "frame too long";
			return FRAME_BAD;
		}
	}
	while (r->have < r->len) {
		rc = read_some(fd, r->buf + r->have, r->len - r->have, &n);
		if (rc == 0)
			return FRAME_MORE;
		if (rc < 0) {
			*why = rc == -1 ? "connection closed inside a frame" : strerror(errno);
			return FRAME_BAD;
		}
		r->have += n;
	}
	return FRAME_READY;
}

bool byteq_init(struct byteq *q, size_t cap)
{
	*q = (struct byteq){ .cap = cap };
	q->buf = malloc(cap);
	return q->buf != NULL;
}

void byteq_free(struct byteq *q)
{
	free(q->buf);
	q->buf = NULL;
	q->cap = q->start = q->end = 0;
}

bool byteq_put(struct byteq *q, const void *data, size_t len)
{
	if (len > byteq_room(q))
		return false;
	if (q->cap - q->end < len) {
		memmove(q->buf, q->buf + q->start, byteq_len(q));
		q->end -= q->start;
		q->start = 0;
	}
	memcpy(q->buf + q->end, data, len);
	q->end += len;
	return true;
}

bool byteq_frame(struct byteq *q, uint32_t type, const void *data, size_t len)
{
	unsigned char hdr[AGENT_HEADER_LEN];

	if (len > UINT32_MAX || AGENT_HEADER_LEN + len > byteq_room(q))
		return false;
	agent_put_u32(hdr, type);
	agent_put_u32(hdr + 4, (uint32_t)len);
	return byteq_put(q, hdr, sizeof(hdr)) && (!len || byteq_put(q, data, len));
}

bool byteq_flush(struct byteq *q, int fd)
{
	while (byteq_len(q)) {
		ssize_t n = write(fd, q->buf + q->start, byteq_len(q));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK;
		q->start += (size_t)n;
	}
	q->start = q->end = 0;
	return true;
}
