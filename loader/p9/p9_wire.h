/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 9P2000.L wire format: little-endian integers and 16-bit-length strings,
 * read from a hostile message with every length checked against what is
 * left of it, written into a bounded reply buffer.
 */
#ifndef XLIBOS_LOADER_P9_WIRE_H
#define XLIBOS_LOADER_P9_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Message types (9P2000.L and the base ones it keeps). */
enum {
	P9_TLERROR = 6, P9_RLERROR,
	P9_TSTATFS = 8, P9_RSTATFS,
	P9_TLOPEN = 12, P9_RLOPEN,
	P9_TLCREATE = 14, P9_RLCREATE,
	P9_TSYMLINK = 16, P9_RSYMLINK,
	P9_TMKNOD = 18, P9_RMKNOD,
	P9_TRENAME = 20, P9_RRENAME,
	P9_TREADLINK = 22, P9_RREADLINK,
	P9_TGETATTR = 24, P9_RGETATTR,
	P9_TSETATTR = 26, P9_RSETATTR,
	P9_TXATTRWALK = 30, P9_RXATTRWALK,
	P9_TXATTRCREATE = 32, P9_RXATTRCREATE,
	P9_TREADDIR = 40, P9_RREADDIR,
	P9_TFSYNC = 50, P9_RFSYNC,
	P9_TLOCK = 52, P9_RLOCK,
	P9_TGETLOCK = 54, P9_RGETLOCK,
	P9_TLINK = 70, P9_RLINK,
	P9_TMKDIR = 72, P9_RMKDIR,
	P9_TRENAMEAT = 74, P9_RRENAMEAT,
	P9_TUNLINKAT = 76, P9_RUNLINKAT,
	P9_TVERSION = 100, P9_RVERSION,
	P9_TAUTH = 102, P9_RAUTH,
	P9_TATTACH = 104, P9_RATTACH,
	P9_TFLUSH = 108, P9_RFLUSH,
	P9_TWALK = 110, P9_RWALK,
	P9_TREAD = 116, P9_RREAD,
	P9_TWRITE = 118, P9_RWRITE,
	P9_TCLUNK = 120, P9_RCLUNK,
	P9_TREMOVE = 122, P9_RREMOVE,
};

#define P9_HDR_SIZE	7		/* size[4] type[1] tag[2] */
#define P9_NOFID	0xffffffffU
#define P9_NONUNAME	0xffffffffU
#define P9_MAXWELEM	16
#define P9_QID_SIZE	13

#define P9_QTDIR	0x80
#define P9_QTSYMLINK	0x02
#define P9_QTFILE	0x00

/* Reading a T-message: any read past the end sets @bad and yields zeros. */
struct p9_in {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

uint8_t p9_get8(struct p9_in *in);
uint16_t p9_get16(struct p9_in *in);
uint32_t p9_get32(struct p9_in *in);
uint64_t p9_get64(struct p9_in *in);
/*
 * A string as a NUL-terminated copy in @buf (@cap bytes): sets @bad if it
 * runs past the message (returns EINVAL); EINVAL if it holds a NUL byte,
 * ENAMETOOLONG if it does not fit; 0 if copied.  @buf is "" on errors.
 */
int p9_getstr(struct p9_in *in, char *buf, size_t cap);

/* Writing an R-message: past @cap sets @overflow and writes nothing. */
struct p9_out {
	uint8_t *p;
	size_t cap, off;
	bool overflow;
};

void p9_put8(struct p9_out *out, uint8_t v);
void p9_put16(struct p9_out *out, uint16_t v);
void p9_put32(struct p9_out *out, uint32_t v);
void p9_put64(struct p9_out *out, uint64_t v);
void p9_putstr(struct p9_out *out, const char *s, size_t len);
/* Room for @len bytes filled by the caller; NULL on overflow. */
uint8_t *p9_reserve(struct p9_out *out, size_t len);

/* The qid of a file from its stat: type from the mode, path the inode. */
void p9_put_qid(struct p9_out *out, const struct stat *st);

#endif
