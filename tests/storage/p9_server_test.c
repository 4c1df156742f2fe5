// SPDX-License-Identifier: GPL-2.0
/*
 * The --volume 9P server (loader/p9/) driven directly with crafted
 * T-messages, as a hostile guest would send them, against a scratch
 * directory: the operations a Linux mount needs, then walks out of the
 * volume ("..", "/", symlinks, a hard link to an outside file, a mount
 * point), bad lengths and counts, truncated messages, too many fids,
 * FIFOs and device nodes, a read-only volume.  An inotify watch on the
 * outside files proves nothing there was read or changed.
 * usage: p9_server_test SCRATCH_DIR   (prints ok/not ok lines and a summary)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "p9/p9_server.h"
#include "p9/p9_wire.h"

static unsigned int passed, failed, skipped, n_checks;

static bool check(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", cond ? "ok" : "not ok", ++n_checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (cond)
		passed++;
	else
		failed++;
	return cond;
}

static void skip(const char *desc, const char *why)
{
	printf("ok %u - %s # SKIP %s\n", ++n_checks, desc, why);
	skipped++;
}

/* --- a tiny 9P client ---------------------------------------------------- */

static struct p9_server *S;
static uint8_t rq[P9_MAX_MSIZE + 4096], rs[P9_MAX_MSIZE];
static size_t rq_len, rs_len, rpos;

static void b_start(uint8_t type)
{
	rq_len = P9_HDR_SIZE;
	rq[4] = type;
	rq[5] = 0x34;
	rq[6] = 0x12;
}

static void b_bytes(const void *p, size_t n)
{
	memcpy(rq + rq_len, p, n);
	rq_len += n;
}

static void b8(uint8_t v) { b_bytes(&v, 1); }
static void b16(uint16_t v) { b_bytes(&v, 2); }	/* x86: little-endian */
static void b32(uint32_t v) { b_bytes(&v, 4); }
static void b64(uint64_t v) { b_bytes(&v, 8); }

static void bstr(const char *s)
{
	b16((uint16_t)strlen(s));
	b_bytes(s, strlen(s));
}

static uint8_t r8(void) { return rpos < rs_len ? rs[rpos++] : 0; }

static uint32_t r32(void)
{
	uint32_t v = 0;

	if (rpos + 4 <= rs_len)
		memcpy(&v, rs + rpos, 4);
	rpos += 4;
	return v;
}

static uint64_t r64(void)
{
	uint64_t v = 0;

	if (rpos + 8 <= rs_len)
		memcpy(&v, rs + rpos, 8);
	rpos += 8;
	return v;
}

static uint16_t r16(void)
{
	uint16_t v = 0;

	if (rpos + 2 <= rs_len)
		memcpy(&v, rs + rpos, 2);
	rpos += 2;
	return v;
}

/* Send what was built; 0: the expected R-message, errno: Rlerror, -1: none. */
static int xfer_cap(size_t cap)
{
	uint32_t size = (uint32_t)rq_len;
	uint8_t type = rq[4];

	memcpy(rq, &size, 4);
	rs_len = p9_server_handle(S, rq, rq_len, rs, cap);
	rpos = P9_HDR_SIZE;
	if (rs_len == 0)
		return -1;
	if (rs_len < P9_HDR_SIZE || memcmp(rs + 5, rq + 5, 2))
		return -2;
	{
		uint32_t len;

		memcpy(&len, rs, 4);
		if (len != rs_len)
			return -2;
	}
	if (rs[4] == P9_RLERROR)
		return (int)r32();
	return rs[4] == type + 1 ? 0 : -2;
}

static int xfer(void)
{
	return xfer_cap(sizeof(rs));
}

static struct stat qid_st;	/* last qid read: type in st_mode, path in st_ino */

static void rqid(void)
{
	uint8_t t = r8();

	r32();
	qid_st.st_mode = t;
	qid_st.st_ino = r64();
}

static int t_version(uint32_t msize, const char *v, uint32_t *got)
{
	int err;

	b_start(P9_TVERSION);
	b32(msize);
	bstr(v);
	err = xfer();
	if (!err && got)
		*got = r32();
	return err;
}

static int t_attach(uint32_t fid, uint32_t uid)
{
	int err;

	b_start(P9_TATTACH);
	b32(fid);
	b32(P9_NOFID);
	bstr("root");
	bstr("");
	b32(uid);
	err = xfer();
	if (!err)
		rqid();
	return err;
}

static unsigned int nwqid;

/* Walk @fid to @newfid through @n names; nwqid is how many were walked. */
static int t_walkv(uint32_t fid, uint32_t newfid, unsigned int n, const char *const *names)
{
	int err;

	b_start(P9_TWALK);
	b32(fid);
	b32(newfid);
	b16((uint16_t)n);
	for (unsigned int i = 0; i < n; i++)
		bstr(names[i]);
	err = xfer();
	nwqid = 0;
	if (!err) {
		nwqid = r16();
		for (unsigned int i = 0; i < nwqid; i++)
			rqid();
	}
	return err;
}

static int t_walk1(uint32_t fid, uint32_t newfid, const char *name)
{
	return t_walkv(fid, newfid, name ? 1 : 0, &name);
}

/* Walk a '/'-separated path from fid 1 (the root) to @newfid. */
static int walk_path(uint32_t newfid, const char *path)
{
	const char *names[P9_MAXWELEM];
	char buf[1024], *save, *tok;
	unsigned int n = 0;
	int err;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, "/", &save); tok && n < P9_MAXWELEM;
	     tok = strtok_r(NULL, "/", &save))
		names[n++] = tok;
	err = t_walkv(1, newfid, n, names);
	if (!err && nwqid != n)
		return -3;	/* partial */
	return err;
}

static int t_simple_fid(uint8_t type, uint32_t fid)
{
	b_start(type);
	b32(fid);
	return xfer();
}

static int t_clunk(uint32_t fid) { return t_simple_fid(P9_TCLUNK, fid); }

static int t_lopen(uint32_t fid, uint32_t flags)
{
	b_start(P9_TLOPEN);
	b32(fid);
	b32(flags);
	return xfer();
}

static int t_lcreate(uint32_t fid, const char *name, uint32_t flags, uint32_t mode, uint32_t gid)
{
	b_start(P9_TLCREATE);
	b32(fid);
	bstr(name);
	b32(flags);
	b32(mode);
	b32(gid);
	return xfer();
}

static int t_read(uint32_t fid, uint64_t off, uint32_t count, char *buf, size_t cap, size_t *n)
{
	int err;

	b_start(P9_TREAD);
	b32(fid);
	b64(off);
	b32(count);
	err = xfer();
	*n = 0;
	if (!err) {
		*n = r32();
		if (buf)
			memcpy(buf, rs + rpos, *n < cap ? *n : cap);
	}
	return err;
}

static int t_write(uint32_t fid, uint64_t off, const char *data, size_t len)
{
	b_start(P9_TWRITE);
	b32(fid);
	b64(off);
	b32((uint32_t)len);
	b_bytes(data, len);
	return xfer();
}

static struct {
	uint32_t mode, uid, gid;
	uint64_t nlink, size, mtime;
} ga;

static int t_getattr(uint32_t fid)
{
	int err;

	b_start(P9_TGETATTR);
	b32(fid);
	b64(0x7ff);
	err = xfer();
	if (!err) {
		r64();
		rqid();
		ga.mode = r32();
		ga.uid = r32();
		ga.gid = r32();
		ga.nlink = r64();
		r64();
		ga.size = r64();
		r64();
		r64();
		r64();
		r64();
		ga.mtime = r64();
	}
	return err;
}

static int t_setattr(uint32_t fid, uint32_t valid, uint32_t mode, uint32_t uid, uint32_t gid,
		     uint64_t size, uint64_t mtime)
{
	b_start(P9_TSETATTR);
	b32(fid);
	b32(valid);
	b32(mode);
	b32(uid);
	b32(gid);
	b64(size);
	b64(0);
	b64(0);
	b64(mtime);
	b64(0);
	return xfer();
}

static int t_name_op(uint8_t type, uint32_t dfid, const char *name, uint32_t a, uint32_t b)
{
	b_start(type);
	b32(dfid);
	bstr(name);
	b32(a);
	if (type == P9_TMKNOD) {
		b32(1);
		b32(3);
	}
	if (type != P9_TUNLINKAT)
		b32(b);
	return xfer();
}

static int t_symlink(uint32_t dfid, const char *name, const char *target)
{
	b_start(P9_TSYMLINK);
	b32(dfid);
	bstr(name);
	bstr(target);
	b32(0);
	return xfer();
}

static int t_renameat(uint32_t od, const char *on, uint32_t nd, const char *nn)
{
	b_start(P9_TRENAMEAT);
	b32(od);
	bstr(on);
	b32(nd);
	bstr(nn);
	return xfer();
}

static int t_link(uint32_t dfid, uint32_t fid, const char *name)
{
	b_start(P9_TLINK);
	b32(dfid);
	b32(fid);
	bstr(name);
	return xfer();
}

static char rl_buf[4096];

static int t_readlink(uint32_t fid)
{
	int err = t_simple_fid(P9_TREADLINK, fid);

	rl_buf[0] = 0;
	if (!err) {
		uint16_t l = r16();

		snprintf(rl_buf, sizeof(rl_buf), "%.*s", (int)l, (char *)rs + rpos);
	}
	return err;
}

/* --- host side ----------------------------------------------------------- */

static char root[4096], vol[4200], outside[4200];

static void put_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror(path);
		exit(2);
	}
	fchmod(fd, mode);
	close(fd);
}

static char *slurp(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	buf[0] = 0;
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	close(fd);
	return buf;
}

static char *vpath(const char *rel)
{
	static char buf[2][4400];
	static int i;

	i ^= 1;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", vol, rel);
	return buf[i];
}

static int vol_fd(void)
{
	int fd = open(vol, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		perror(vol);
		exit(2);
	}
	return fd;
}

/* --- the checks ------------------------------------------------------------ */

static bool as_root;

static void session(bool read_only)
{
	uint32_t msize;

	p9_server_free(S);
	S = p9_server_new(vol_fd(), read_only ? P9_SHARE_READ_ONLY : P9_SHARE_READ_WRITE);
	if (!S) {
		perror("p9_server_new");
		exit(2);
	}
	t_version(262144, "9P2000.L", &msize);
	t_attach(1, 0);
}

static void test_session(void)
{
	uint32_t msize = 0;
	struct stat st;

	session(false);
	t_version(1U << 30, "9P2000.L", &msize);
	check(msize == P9_MAX_MSIZE, "Tversion: a 1 GiB msize is capped at %u (got %u)", P9_MAX_MSIZE, msize);
	check(rs_len > 11 && !memcmp(rs + 13, "9P2000.L", 8), "Tversion: answers 9P2000.L");
	t_version(262144, "9P2000.u", NULL);
	check(!memcmp(rs + 13, "unknown", 7), "Tversion: another dialect gets 'unknown'");
	check(t_version(100, "9P2000.L", NULL) == EINVAL, "Tversion: msize 100 is refused");
	check(t_version(262144, "9P2000.L", &msize) == 0 && msize == 262144, "Tversion: msize 262144");
	check(t_attach(1, 0) == 0 && (qid_st.st_mode & P9_QTDIR), "Tattach: the root is a directory");
	stat(vol, &st);
	check(qid_st.st_ino == st.st_ino, "Tattach: qid path is the volume's inode");
	check(t_attach(1, 0) == EEXIST, "Tattach: a fid in use is refused");
	check(t_walk1(1, 2, NULL) == 0 && p9_server_nfids(S) == 2, "Twalk with no names clones a fid");
	check(t_clunk(2) == 0 && p9_server_nfids(S) == 1, "Tclunk releases it");
	check(t_clunk(2) == EBADF, "Tclunk of an unknown fid: EBADF");
	b_start(P9_TFLUSH);
	b16(7);
	check(xfer() == 0, "Tflush answered");
	b_start(200);
	check(xfer() == EOPNOTSUPP, "an unknown message type: EOPNOTSUPP");
	b_start(P9_RVERSION);
	b32(8192);
	bstr("9P2000.L");
	check(xfer() == EOPNOTSUPP, "an R-message sent as a request: EOPNOTSUPP");
	b_start(P9_TAUTH);
	b32(9);
	bstr("u");
	bstr("");
	b32(0);
	check(xfer() == EOPNOTSUPP, "Tauth: EOPNOTSUPP (no authentication)");
}

static void test_files(void)
{
	char buf[256];
	struct stat st;
	size_t n;

	session(false);
	umask(077);	/* the guest's modes must not be the supervisor's umask's */
	check(walk_path(2, "sub") == 0 && t_lcreate(2, "new.txt", 2, 0644, 1234) == 0,
	      "Tlcreate sub/new.txt");
	check(t_write(2, 0, "from the guest\n", 15) == 0 && r32() == 15, "Twrite 15 bytes");
	check(!strcmp(slurp(vpath("sub/new.txt")), "from the guest\n"), "... the host reads them");
	stat(vpath("sub/new.txt"), &st);
	check((st.st_mode & 07777) == 0644, "... mode 0644 as asked, not the umask's (%o)",
	      st.st_mode & 07777);
	if (as_root)
		check(st.st_uid == 0 && st.st_gid == 1234,
		      "... owner: the attach uid 0, the gid asked 1234 (%u:%u)", st.st_uid, st.st_gid);
	else
		check(st.st_uid == getuid(), "... owned by the user (rootless)");
	put_file(vpath("sub/new.txt"), "from the host\n", 0644);
	check(t_read(2, 0, 4096, buf, sizeof(buf), &n) == 0 && n == 14 &&
	      !memcmp(buf, "from the host\n", 14), "Tread sees the host's change at once");
	check(t_getattr(2) == 0 && ga.size == 14 && (ga.mode & 0777) == 0644, "Tgetattr: size and mode");
	if (as_root)
		check(ga.uid == st.st_uid && ga.gid == st.st_gid, "Tgetattr: the host's owner (%u:%u)", ga.uid, ga.gid);
	else
		check(ga.uid == 0 && ga.gid == 0, "Tgetattr (rootless): the user's own files show as 0:0 (%u:%u)",
		      ga.uid, ga.gid);
	if (!as_root)
		check(t_setattr(2, 0x6, 0, 0, 0, 0, 0) == 0 && stat(vpath("sub/new.txt"), &st) == 0 &&
		      st.st_uid == getuid(), "Tsetattr uid/gid 0:0 (rootless): stays the user's");
	check(t_setattr(2, 0x8, 0, 0, 0, 4, 0) == 0 && !strcmp(slurp(vpath("sub/new.txt")), "from"),
	      "Tsetattr size 4 truncates it");
	check(t_setattr(2, 0x1, 04755, 0, 0, 0, 0) == 0 && stat(vpath("sub/new.txt"), &st) == 0 &&
	      (st.st_mode & 07777) == 0755, "Tsetattr mode 04755: 0755 on the host (no set-uid)");
	check(t_setattr(2, 0x20 | 0x100, 0, 0, 0, 0, 1000000) == 0 &&
	      stat(vpath("sub/new.txt"), &st) == 0 && st.st_mtime == 1000000, "Tsetattr mtime");
	if (as_root)
		check(t_setattr(2, 0x6, 0, 4321, 4322, 0, 0) == 0 &&
		      stat(vpath("sub/new.txt"), &st) == 0 && st.st_uid == 4321 && st.st_gid == 4322,
		      "Tsetattr uid/gid 4321:4322");
	b_start(P9_TFSYNC);
	b32(2);
	b32(0);
	check(xfer() == 0, "Tfsync");
	check(t_clunk(2) == 0, "Tclunk");

	put_file(vpath("setuid-prog"), "#!/bin/sh\n", 04755);
	check(walk_path(3, "setuid-prog") == 0 && t_lopen(3, 0) == 0 && stat(vpath("setuid-prog"), &st) == 0 &&
	      (st.st_mode & 07777) == 04755, "Tlopen read-only of a host set-uid file: bits kept");
	t_clunk(3);
	check(walk_path(3, "setuid-prog") == 0 && t_lopen(3, 1) == 0 && stat(vpath("setuid-prog"), &st) == 0 &&
	      (st.st_mode & 07777) == 0755, "Tlopen for writing of a host set-uid file: set-uid dropped first");
	t_clunk(3);
	chmod(vpath("setuid-prog"), 06755);
	check(walk_path(3, "setuid-prog") == 0 && t_setattr(3, 0x8, 0, 0, 0, 1, 0) == 0 &&
	      stat(vpath("setuid-prog"), &st) == 0 && (st.st_mode & 07777) == 0755 && st.st_size == 1,
	      "Tsetattr size of a set-uid/gid file: bits dropped, then truncated");
	t_clunk(3);
	check(walk_path(3, "hello") == 0 && t_lopen(3, 0) == 0, "Tlopen hello read-only");
	check(t_read(3, 0, 0xffffffffU, buf, sizeof(buf), &n) == 0 && n == 6,
	      "Tread count 0xffffffff: capped, the file's 6 bytes");
	check(t_read(3, 1ULL << 63, 10, buf, sizeof(buf), &n) == EINVAL, "Tread at offset 2^63: EINVAL");
	check(t_write(3, 0, "x", 1) == EBADF, "Twrite on a read-only open: EBADF");
	check(t_lopen(3, 0) == EBUSY, "Tlopen twice: EBUSY");
	b_start(P9_TREAD);
	b32(3);
	b64(0);
	b32(1000);
	check(xfer_cap(16) == 0 && r32() == 5 && rs_len == 16, "Tread: no more than the answer buffer holds");
	t_clunk(3);

	check(walk_path(3, "sub") == 0 && t_name_op(P9_TMKDIR, 3, "d1", 02750, 55) == 0,
	      "Tmkdir sub/d1 02750");
	stat(vpath("sub/d1"), &st);
	check(S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 02750, "... a directory, mode 2750 (%o)",
	      st.st_mode & 07777);
	check(t_symlink(3, "ln", "../../outside/secret") == 0, "Tsymlink sub/ln -> ../../outside/secret");
	check(readlink(vpath("sub/ln"), buf, sizeof(buf)) == 20 && !memcmp(buf, "../../outside/secret", 20),
	      "... a symlink holding that text on the host");
	check(walk_path(4, "sub/ln") == 0 && t_readlink(4) == 0 && !strcmp(rl_buf, "../../outside/secret"),
	      "Treadlink gives the text");
	check(t_lopen(4, 0) == ELOOP, "Tlopen of a symlink: ELOOP (never followed)");
	t_clunk(4);
	check(t_renameat(3, "ln", 1, "moved-ln") == 0 && lstat(vpath("moved-ln"), &st) == 0,
	      "Trenameat sub/ln -> moved-ln");
	check(t_name_op(P9_TUNLINKAT, 1, "moved-ln", 0, 0) == 0 && lstat(vpath("moved-ln"), &st) != 0,
	      "Tunlinkat moved-ln");
	check(t_name_op(P9_TMKNOD, 3, "fifo2", S_IFIFO | 0600, 0) == 0 &&
	      stat(vpath("sub/fifo2"), &st) == 0 && S_ISFIFO(st.st_mode), "Tmknod a FIFO");
	check(t_name_op(P9_TMKNOD, 3, "null", S_IFCHR | 0666, 0) == EPERM &&
	      lstat(vpath("sub/null"), &st) != 0, "Tmknod a character device: EPERM, nothing made");
	check(t_name_op(P9_TMKNOD, 3, "blk", S_IFBLK | 0666, 0) == EPERM, "Tmknod a block device: EPERM");
	check(walk_path(4, "hello") == 0 && t_link(3, 4, "hello-link") == 0 &&
	      stat(vpath("sub/hello-link"), &st) == 0 && st.st_nlink == 2, "Tlink sub/hello-link -> hello");

	/* A fid keeps working after its directory is renamed (paths follow). */
	check(walk_path(5, "sub/d1") == 0 && t_lcreate(5, "f", 1, 0600, 0) == 0, "Tlcreate sub/d1/f");
	t_clunk(5);
	check(walk_path(5, "sub/d1/f") == 0 && t_renameat(3, "d1", 1, "d2") == 0, "Trenameat sub/d1 -> d2");
	check(t_lopen(5, 1) == 0 && t_write(5, 0, "ok", 2) == 0 && !strcmp(slurp(vpath("d2/f")), "ok"),
	      "... the fid of d1/f still opens and writes d2/f");
	t_clunk(5);
	{
		const char *up[] = { "d2", "..", "hello" };

		check(t_walkv(1, 5, 3, up) == 0 && nwqid == 3, "Twalk d2/../hello");
		t_clunk(5);
	}
	check(walk_path(5, "d2/f") == 0 && t_simple_fid(P9_TREMOVE, 5) == 0 &&
	      lstat(vpath("d2/f"), &st) != 0 && p9_server_nfids(S) == 3, "Tremove d2/f (and its fid)");
	check(walk_path(5, "d2") == 0, "walk to d2");
	b_start(P9_TRENAME);
	b32(5);
	b32(3);
	bstr("d3");
	check(xfer() == 0 && stat(vpath("sub/d3"), &st) == 0, "Trename d2 -> sub/d3");
	check(t_getattr(5) == 0 && S_ISDIR(ga.mode), "... its fid still works");
	t_clunk(5);
	check(t_name_op(P9_TUNLINKAT, 3, "d3", 0x200, 0) == 0 && lstat(vpath("sub/d3"), &st) != 0,
	      "Tunlinkat AT_REMOVEDIR sub/d3");
	b_start(P9_TSTATFS);
	b32(1);
	check(xfer() == 0 && r32() == 0x01021997, "Tstatfs");
	b_start(P9_TLOCK);
	b32(4);
	b8(1);
	b32(0);
	b64(0);
	b64(0);
	b32(42);
	bstr("guest");
	check(xfer() == 0 && r8() == 0, "Tlock: granted");
	b_start(P9_TGETLOCK);
	b32(4);
	b8(1);
	b64(0);
	b64(10);
	b32(42);
	bstr("guest");
	check(xfer() == 0 && r8() == 2, "Tgetlock: unlocked");
	b_start(P9_TXATTRWALK);
	b32(4);
	b32(9);
	bstr("user.x");
	check(xfer() == EOPNOTSUPP, "Txattrwalk: EOPNOTSUPP");
	t_clunk(4);
	t_clunk(3);
}

/* Read a directory in small pieces; every name once. */
static void test_readdir(void)
{
	char seen[64][64];
	unsigned int nseen = 0, calls = 0, dup = 0;
	uint64_t off = 0;
	bool dots = false, root_dotdot_ok = false;
	struct stat st;

	session(false);
	stat(vol, &st);
	mkdir(vpath("many"), 0755);
	for (int i = 0; i < 40; i++) {
		char name[64];

		snprintf(name, sizeof(name), "many/entry-%02d", i);
		put_file(vpath(name), "", 0644);
	}
	walk_path(2, "many");
	check(t_lopen(2, 0) == 0, "Tlopen a directory");
	for (;;) {
		uint32_t count;
		size_t end;

		b_start(P9_TREADDIR);
		b32(2);
		b64(off);
		b32(100);	/* two or three entries at a time */
		if (xfer() || ++calls > 100)
			break;
		count = r32();
		if (count == 0)
			break;
		end = rpos + count;
		while (rpos < end) {
			uint16_t l;
			char name[64];

			rqid();
			off = r64();
			r8();
			l = r16();
			snprintf(name, sizeof(name), "%.*s", l, (char *)rs + rpos);
			rpos += l;
			for (unsigned int i = 0; i < nseen; i++)
				dup += !strcmp(seen[i], name);
			if (nseen < 64)
				strcpy(seen[nseen++], name);
		}
	}
	check(nseen == 42 && dup == 0, "Treaddir 100 bytes at a time: 40 files + . + .., none twice (%u, %u dups, %u calls)",
	      nseen, dup, calls);
	t_clunk(2);
	/* The root's ".." is the root itself. */
	t_walk1(1, 2, NULL);
	t_lopen(2, 0);
	b_start(P9_TREADDIR);
	b32(2);
	b64(0);
	b32(65536);
	if (xfer() == 0) {
		size_t end = r32();

		end += rpos;
		while (rpos < end) {
			uint16_t l;

			rqid();
			r64();
			r8();
			l = r16();
			if (l == 2 && !memcmp(rs + rpos, "..", 2)) {
				dots = true;
				root_dotdot_ok = qid_st.st_ino == st.st_ino;
			}
			rpos += l;
		}
	}
	check(dots && root_dotdot_ok, "Treaddir of the root: '..' has the root's own qid");
	b_start(P9_TREADDIR);
	b32(2);
	b64(0);
	b32(10);
	check(xfer() == EINVAL, "Treaddir with count 10 (no entry fits): EINVAL");
	t_clunk(2);
}

static void test_escapes(void)
{
	struct stat vst, st;
	char buf[256];
	size_t n;

	session(false);
	stat(vol, &vst);
	{
		const char *up[] = { "..", "..", "..", "..", "..", "..", "..", "..",
				     "..", "..", "..", "..", "..", "..", "..", "..", ".." };

		check(t_walkv(1, 2, 16, up) == 0 && nwqid == 16 && qid_st.st_ino == vst.st_ino,
		      "Twalk 16 x '..' from the root stays at the root");
		check(t_walk1(2, 3, "hello") == 0, "... and walks on inside the volume");
		t_clunk(3);
		t_clunk(2);
		check(t_walkv(1, 2, 17, up) == EINVAL && p9_server_nfids(S) == 1, "Twalk of 17 names: EINVAL");
	}
	check(t_walk1(1, 2, "/etc") == EINVAL, "Twalk '/etc': EINVAL");
	check(t_walk1(1, 2, "sub/../..") == EINVAL, "Twalk 'sub/../..': EINVAL");
	check(t_walk1(1, 2, "") == EINVAL, "Twalk '': EINVAL");
	b_start(P9_TWALK);
	b32(1);
	b32(2);
	b16(1);
	b16(5);
	b_bytes("he\0lo", 5);
	check(xfer() == EINVAL, "Twalk of a name with a NUL byte: EINVAL");
	{
		char longname[300];

		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = 0;
		check(t_walk1(1, 2, longname) == ENAMETOOLONG, "Twalk of a 299-byte name: ENAMETOOLONG");
	}
	check(t_walk1(1, 2, "esc-file") == 0 && (qid_st.st_mode & P9_QTSYMLINK),
	      "Twalk to a symlink pointing outside: the link itself");
	check(t_lopen(2, 0) == ELOOP && t_lopen(2, 2 | 01000) == ELOOP, "... Tlopen of it: ELOOP");
	check(t_setattr(2, 0x8, 0, 0, 0, 0, 0) != 0, "... Tsetattr size on it fails");
	check(t_setattr(2, 0x1, 0777, 0, 0, 0, 0) != 0, "... Tsetattr mode on it fails");
	t_clunk(2);
	{
		const char *through[] = { "esc-dir", "secret" };

		check(t_walkv(1, 2, 2, through) == 0 && nwqid == 1 && p9_server_nfids(S) == 1,
		      "Twalk esc-dir/secret stops at the symlink (1 qid, no fid made)");
	}
	{
		const char *abs[] = { "abs-dir", "passwd" };

		check(t_walkv(1, 2, 2, abs) == 0 && nwqid == 1, "Twalk abs-dir/passwd (-> /etc): stops at the link");
	}
	check(walk_path(2, "sub") == 0, "walk to sub");
	check(t_lcreate(2, "../../outside/new", 2, 0644, 0) == EINVAL, "Tlcreate '../../outside/new': EINVAL");
	t_clunk(2);
	check(t_lcreate(1, "esc-file", 2 | 01000, 0644, 0) == EEXIST,
	      "Tlcreate over the outside symlink: EEXIST (not followed)");
	check(t_lcreate(1, "suid", 2, 06755, 0) == 0 && stat(vpath("suid"), &st) == 0 &&
	      (st.st_mode & 07777) == 0755, "Tlcreate mode 06755: 0755 on the host (no set-id files)");
	t_clunk(1);
	t_attach(1, 0);
	check(t_lcreate(1, "dangling", 2, 0644, 0) == EEXIST && lstat("/tmp/xlibos-p9-nowhere", &st) != 0,
	      "Tlcreate over a dangling symlink to /tmp: EEXIST, nothing made there");
	check(t_name_op(P9_TMKDIR, 1, "..", 0755, 0) == EINVAL, "Tmkdir '..': EINVAL");
	check(t_name_op(P9_TMKDIR, 1, "a/b", 0755, 0) == EINVAL, "Tmkdir 'a/b': EINVAL");
	check(t_renameat(1, "hello", 1, "../hello") == EINVAL, "Trenameat to '../hello': EINVAL");
	check(t_renameat(1, "..", 1, "x") == EINVAL, "Trenameat of '..': EINVAL");
	check(t_name_op(P9_TUNLINKAT, 1, "esc-file", 0, 0) == 0 && lstat(vpath("esc-file"), &st) != 0,
	      "Tunlinkat of the symlink removes the link only");
	check(t_symlink(1, "esc-file", "../outside/secret") == 0, "(put it back)");

	/* The hard link to the outside file of another owner. */
	if (as_root) {
		check(walk_path(2, "hard") == 0 && t_lopen(2, 0) == EACCES,
		      "Tlopen of a hard link to another owner's outside file: EACCES");
		check(t_setattr(2, 0x8, 0, 0, 0, 0, 0) == EACCES, "... Tsetattr size on it: EACCES");
		check(t_setattr(2, 0x1, 0777, 0, 0, 0, 0) == EACCES, "... Tsetattr mode: EACCES");
		b_start(P9_TFSYNC);
		b32(2);
		b32(0);
		check(xfer() == EACCES, "... Tfsync: EACCES");
		t_clunk(2);
	} else {
		skip("Tlopen of a hard link to another owner's outside file", "needs root");
	}

	/* FIFOs, sockets, devices are never opened for I/O. */
	check(walk_path(2, "fifo") == 0 && t_lopen(2, 0) == EACCES, "Tlopen of a FIFO: EACCES (and no hang)");
	t_clunk(2);
	if (as_root) {
		check(walk_path(2, "null") == 0 && t_lopen(2, 2) == EACCES, "Tlopen of a device node: EACCES");
		t_clunk(2);
	} else {
		skip("Tlopen of a device node", "needs root to make one");
	}

	/* A mount point inside the volume is not crossed. */
	if (as_root && unshare(CLONE_NEWNS) == 0 &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
	    mount("tmpfs", vpath("mnt"), "tmpfs", 0, "size=1m") == 0) {
		int err;

		/* A server opened in this mount namespace sees the mount. */
		session(false);
		put_file(vpath("mnt/on-tmpfs"), "x", 0644);
		err = t_walk1(1, 2, "mnt");
		check(err == EXDEV, "Twalk onto a mount point inside the volume: EXDEV (%d)", err);
		{
			const char *into[] = { "mnt", "on-tmpfs" };

			check(t_walkv(1, 2, 2, into) == EXDEV && p9_server_nfids(S) == 1,
			      "Twalk mnt/on-tmpfs: EXDEV");
		}
		umount(vpath("mnt"));
	} else {
		skip("Twalk onto a mount point inside the volume", "cannot mount here");
	}
	(void)buf;
	(void)n;
}

static void test_hostile(void)
{
	static const uint8_t types[] = { P9_TSTATFS, P9_TLOPEN, P9_TLCREATE, P9_TSYMLINK, P9_TMKNOD,
		P9_TRENAME, P9_TREADLINK, P9_TGETATTR, P9_TSETATTR, P9_TREADDIR, P9_TFSYNC, P9_TLOCK,
		P9_TGETLOCK, P9_TLINK, P9_TMKDIR, P9_TRENAMEAT, P9_TUNLINKAT, P9_TVERSION, P9_TATTACH,
		P9_TFLUSH, P9_TWALK, P9_TREAD, P9_TWRITE, P9_TCLUNK, P9_TREMOVE };
	unsigned int bad = 0, tried = 0;
	uint8_t full[512];
	size_t full_len;

	session(false);
	/* Every message type with a plausible body, cut at every length. */
	for (unsigned int t = 0; t < sizeof(types); t++) {
		b_start(types[t]);
		b32(1);			/* a fid, or msize */
		bstr("trunc-x");	/* a name (or the version) */
		b32(1);
		bstr("trunc-y");
		b32(0);
		b64(0);
		b64(0);
		b32(0);
		bstr("z");
		full_len = rq_len;
		memcpy(full, rq, full_len);
		for (size_t cut = P9_HDR_SIZE; cut < full_len; cut++) {
			int err;

			/* Only cuts that end before a field the type reads all of. */
			memcpy(rq, full, cut);
			rq_len = cut;
			err = xfer();
			tried++;
			if (err == 0 && p9_server_nfids(S) == 1)
				continue;	/* a shorter valid message (e.g. Tclunk 1 then more) */
			if (err <= 0 && err != 0)
				bad++;
		}
		/* Keep the session: re-attach fid 1 if a cut clunked it. */
		session(false);
	}
	check(bad == 0, "%u truncated messages of %zu types: each answered (Rlerror or a reply), none dropped",
	      tried, sizeof(types));
	{
		/* A cut inside a name must never reach the host as a shorter name. */
		const char *partial[] = { "t", "tr", "tru", "trun", "trunc", "trunc-" };
		bool none = true;

		for (unsigned int i = 0; i < 6; i++)
			none &= access(vpath(partial[i]), F_OK) != 0 &&
				access(vpath(partial[i]), F_OK) != 0;
		check(none, "... and none of them made a file with a cut name");
	}
	/* Size field lies. */
	b_start(P9_TCLUNK);
	b32(1);
	rq_len = 11;
	{
		uint32_t big = 4096;

		memcpy(rq, &big, 4);
		check(p9_server_handle(S, rq, 11, rs, sizeof(rs)) == 0,
		      "a size field beyond the bytes received: not 9P (0, the device stops)");
		big = 3;
		memcpy(rq, &big, 4);
		check(p9_server_handle(S, rq, 11, rs, sizeof(rs)) == 0, "a size field below the header: not 9P");
		big = 11;
		memcpy(rq, &big, 4);
		check(p9_server_handle(S, rq, 11, rs, 10) == 0, "an answer buffer of 10 bytes: not 9P");
		check(p9_server_handle(S, rq, 5, rs, sizeof(rs)) == 0, "a 5-byte request: not 9P");
	}
	/* Counts that lie. */
	walk_path(2, "sub");
	t_lcreate(2, "w", 2, 0644, 0);
	b_start(P9_TWRITE);
	b32(2);
	b64(0);
	b32(0x7fffffff);
	b_bytes("abc", 3);
	check(xfer() == EINVAL, "Twrite claiming 2 GiB but carrying 3 bytes: EINVAL");
	b_start(P9_TWRITE);
	b32(2);
	b64(0);
	b32(3);
	b_bytes("abcdef", 6);
	check(xfer() == 0 && r32() == 3 && !strcmp(slurp(vpath("sub/w")), "abc"),
	      "Twrite with trailing bytes: writes only its count");
	b_start(P9_TWALK);
	b32(1);
	b32(3);
	b16(2);
	bstr("sub");
	b16(60000);
	b_bytes("x", 1);
	check(xfer() == EINVAL && p9_server_nfids(S) == 2, "Twalk with a name length past the end: EINVAL");
	t_clunk(2);
	/* Too many fids. */
	{
		unsigned int made = 0;
		int last = 0;

		for (uint32_t f = 100; f < 100 + P9_MAX_FIDS + 10; f++) {
			last = t_walk1(1, f, NULL);
			if (last == 0)
				made++;
			else
				break;
		}
		check(made == P9_MAX_FIDS - 1 && last == ENFILE,
		      "fids capped at %u (made %u more, then error %d)", P9_MAX_FIDS, made, last);
		check(t_version(262144, "9P2000.L", NULL) == 0 && p9_server_nfids(S) == 0,
		      "Tversion releases every fid");
	}
}

static void test_read_only(void)
{
	struct stat st;
	char buf[64];
	size_t n;

	session(true);
	check(walk_path(2, "hello") == 0 && t_lopen(2, 0) == 0 &&
	      t_read(2, 0, 64, buf, sizeof(buf), &n) == 0 && n == 6, ":ro: reads work");
	t_clunk(2);
	walk_path(2, "hello");
	check(t_lopen(2, 1) == EROFS && t_lopen(2, 2) == EROFS && t_lopen(2, 01000) == EROFS,
	      ":ro: Tlopen for writing or truncating: EROFS");
	check(t_setattr(2, 0x8, 0, 0, 0, 0, 0) == EROFS && t_setattr(2, 0x1, 0, 0, 0, 0, 0) == EROFS,
	      ":ro: Tsetattr: EROFS");
	check(t_lcreate(1, "ro-new", 2, 0644, 0) == EROFS, ":ro: Tlcreate: EROFS");
	check(t_name_op(P9_TMKDIR, 1, "ro-dir", 0755, 0) == EROFS, ":ro: Tmkdir: EROFS");
	check(t_symlink(1, "ro-ln", "x") == EROFS, ":ro: Tsymlink: EROFS");
	check(t_name_op(P9_TMKNOD, 1, "ro-fifo", S_IFIFO | 0644, 0) == EROFS, ":ro: Tmknod: EROFS");
	check(t_link(1, 2, "ro-link") == EROFS, ":ro: Tlink: EROFS");
	check(t_name_op(P9_TUNLINKAT, 1, "hello", 0, 0) == EROFS, ":ro: Tunlinkat: EROFS");
	check(t_renameat(1, "hello", 1, "hello2") == EROFS, ":ro: Trenameat: EROFS");
	check(t_simple_fid(P9_TREMOVE, 2) == EROFS && p9_server_nfids(S) == 1, ":ro: Tremove: EROFS (fid clunked)");
	b_start(P9_TXATTRCREATE);
	b32(1);
	bstr("user.x");
	b64(1);
	b32(0);
	check(xfer() == EROFS, ":ro: Txattrcreate: EROFS");
	check(stat(vpath("hello"), &st) == 0 && st.st_size == 6 && access(vpath("ro-new"), F_OK) != 0 &&
	      access(vpath("hello2"), F_OK) != 0, ":ro: the volume is unchanged");
}

/* What the outside files look like; compared at the end. */
static void snapshot(char *buf, size_t cap)
{
	struct stat a, b;

	stat(outside, &a);
	lstat(outside[0] ? "" : "", &b);
	{
		char p[4400];

		snprintf(p, sizeof(p), "%s/secret", outside);
		stat(p, &b);
	}
	snprintf(buf, cap, "%o %ld %ld.%09ld | %o %u:%u %ld %ld %ld.%09ld | %s", a.st_mode, (long)a.st_nlink,
		 (long)a.st_mtim.tv_sec, a.st_mtim.tv_nsec, b.st_mode, b.st_uid, b.st_gid, (long)b.st_size,
		 (long)b.st_nlink, (long)b.st_mtim.tv_sec, b.st_mtim.tv_nsec, "");
}

int main(int argc, char **argv)
{
	char before[512], after[512], p[4400];
	char events[4096];
	int ino;
	ssize_t ev;

	if (argc != 2) {
		fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
		return 2;
	}
	alarm(60);	/* a hang (an open FIFO) fails instead of wedging */
	as_root = geteuid() == 0;
	snprintf(root, sizeof(root), "%s", argv[1]);
	snprintf(vol, sizeof(vol), "%s/vol", root);
	snprintf(outside, sizeof(outside), "%s/outside", root);
	mkdir(vol, 0755);
	mkdir(outside, 0755);
	snprintf(p, sizeof(p), "%s/secret", outside);
	put_file(p, "SECRET\n", 0600);
	if (as_root) {
		chown(p, 4321, 4321);
		chown(vol, 0, 0);
	}
	mkdir(vpath("sub"), 0755);
	mkdir(vpath("mnt"), 0755);
	put_file(vpath("hello"), "hello\n", 0644);
	symlink("../outside/secret", vpath("esc-file"));
	symlink("../outside", vpath("esc-dir"));
	symlink("/etc", vpath("abs-dir"));
	symlink("/tmp/xlibos-p9-nowhere", vpath("dangling"));
	if (link(p, vpath("hard")) != 0)
		fprintf(stderr, "# no hard link: %s\n", strerror(errno));
	mkfifo(vpath("fifo"), 0644);
	if (as_root)
		mknod(vpath("null"), S_IFCHR | 0666, makedev(1, 3));

	ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	inotify_add_watch(ino, outside, IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE |
			  IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE);
	inotify_add_watch(ino, p, IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_DELETE_SELF);
	snapshot(before, sizeof(before));

	test_session();
	test_files();
	test_readdir();
	test_escapes();
	test_hostile();
	test_read_only();
	p9_server_free(S);

	snapshot(after, sizeof(after));
	check(!strcmp(before, after), "the outside directory and file are unchanged");
	ev = read(ino, events, sizeof(events));
	check(ev < 0 && errno == EAGAIN, "inotify: nothing outside was read, written or touched (%zd bytes of events)", ev);
	check(!strcmp(slurp(p), "SECRET\n"), "the outside secret still says SECRET");
	if (skipped)
		printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	else
		printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
