/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames of the agent's protocol (agent_proto.h) on non-blocking
 * descriptors: a reader that takes one frame at a time, checked against
 * its type's bound, and a bounded byte queue that frames (or plain bytes)
 * wait in until the descriptor takes them.  Shared by the guest agent and
 * xlibos-runtime, which both read from the other side of a trust boundary.
 */
#ifndef XLIBOS_GUEST_AGENT_FRAME_H
#define XLIBOS_GUEST_AGENT_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent_proto.h"

struct frame_reader {
	unsigned char hdr[AGENT_HEADER_LEN];
	size_t hdr_have;
	uint32_t type, len;	/* of the frame being read, once the header is in */
	unsigned char *buf;	/* its payload */
	size_t cap, have;
};

enum frame_result { FRAME_MORE = 0, FRAME_READY = 1, FRAME_EOF = -1, FRAME_BAD = -2 };

/* A reader for frames of at most cap bytes (a type's own bound applies too). */
bool frame_reader_init(struct frame_reader *r, size_t cap);
void frame_reader_free(struct frame_reader *r);
/*
 * Read towards the next frame.  FRAME_READY: r->type, r->len, r->buf hold
 * it (until the next call); FRAME_MORE: the descriptor has nothing more
 * now; FRAME_EOF: closed between frames; FRAME_BAD: closed inside a
 * frame, a read error, or a frame of an unknown type or too long (*why).
 */
enum frame_result frame_read(struct frame_reader *r, int fd, const char **why);

struct byteq {
	unsigned char *buf;
	size_t cap, start, end;
};

bool byteq_init(struct byteq *q, size_t cap);
void byteq_free(struct byteq *q);
static inline size_t byteq_len(const struct byteq *q)
{
	return q->end - q->start;
}
static inline size_t byteq_room(const struct byteq *q)
{
	return q->cap - byteq_len(q);
}
/* Append len bytes; false (nothing added) if they do not fit. */
bool byteq_put(struct byteq *q, const void *data, size_t len);
/* A frame: header and payload; false if it does not fit. */
bool byteq_frame(struct byteq *q, uint32_t type, const void *data, size_t len);
/* Write what the descriptor takes now; false on an error other than EAGAIN. */
bool byteq_flush(struct byteq *q, int fd);

#endif
