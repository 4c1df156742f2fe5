// SPDX-License-Identifier: GPL-2.0
/* 9P wire format helpers; see p9_wire.h. */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "p9_wire.h"

static const uint8_t *take(struct p9_in *in, size_t n)
{
	const uint8_t *p;

	if (in->bad || n > in->len - in->off) {
		in->bad = true;
		return NULL;
	}
	p = in->p + in->off;
	in->off += n;
	return p;
}

uint8_t p9_get8(struct p9_in *in)
{
	const uint8_t *p = take(in, 1);

	return p ? p[0] : 0;
}

uint16_t p9_get16(struct p9_in *in)
{
	const uint8_t *p = take(in, 2);
	uint16_t v;

	if (!p)
		return 0;
	memcpy(&v, p, 2);
	return le16toh(v);
}

uint32_t p9_get32(struct p9_in *in)
{
	const uint8_t *p = take(in, 4);
	uint32_t v;

	if (!p)
		return 0;
	memcpy(&v, p, 4);
	return le32toh(v);
}

uint64_t p9_get64(struct p9_in *in)
{
	const uint8_t *p = take(in, 8);
	uint64_t v;

	if (!p)
		return 0;
	memcpy(&v, p, 8);
	return le64toh(v);
}

int p9_getstr(struct p9_in *in, char *buf, size_t cap)
{
	uint16_t len = p9_get16(in);
	const uint8_t *p = take(in, len);

	buf[0] = '\0';
	if (!p || memchr(p, '\0', len))
		return EINVAL;
	if (len >= cap)
		return ENAMETOOLONG;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return 0;
}

uint8_t *p9_reserve(struct p9_out *out, size_t len)
{
	uint8_t *p;

	if (out->overflow || len > out->cap - out->off) {
		out->overflow = true;
		return NULL;
	}
	p = out->p + out->off;
	out->off += len;
	return p;
}

void p9_put8(struct p9_out *out, uint8_t v)
{
	uint8_t *p = p9_reserve(out, 1);

	if (p)
		*p = v;
}

void p9_put16(struct p9_out *out, uint16_t v)
{
	uint8_t *p = p9_reserve(out, 2);

	v = htole16(v);
	if (p)
		memcpy(p, &v, 2);
}

void p9_put32(struct p9_out *out, uint32_t v)
{
	uint8_t *p = p9_reserve(out, 4);

	v = htole32(v);
	if (p)
		memcpy(p, &v, 4);
}

void p9_put64(struct p9_out *out, uint64_t v)
{
	uint8_t *p = p9_reserve(out, 8);

	v = htole64(v);
	if (p)
		memcpy(p, &v, 8);
}

void p9_putstr(struct p9_out *out, const char *s, size_t len)
{
	uint8_t *p;

	if (len > 0xffff) {
		out->overflow = true;
		return;
	}
	p9_put16(out, (uint16_t)len);
	p = p9_reserve(out, len);
	if (p && len)
		memcpy(p, s, len);
}

void p9_put_qid(struct p9_out *out, const struct stat *st)
{
	uint8_t type = S_ISDIR(st->st_mode) ? P9_QTDIR :
		       S_ISLNK(st->st_mode) ? P9_QTSYMLINK : P9_QTFILE;

	p9_put8(out, type);
	p9_put32(out, 0);	/* version: none (no caching by version) */
	p9_put64(out, (uint64_t)st->st_ino);
}
