// SPDX-License-Identifier: GPL-2.0
/*
 * The patchable system call sites of an executable file, found once per
 * file (and kept while the file is unchanged) by the abcom library with
 * Capstone (abcom_scan_elf_image(): every SHF_EXECINSTR section decoded
 * from its start, a known instruction boundary).  Sites are kept in
 * file-offset terms, so one table serves every process that maps the
 * file, wherever it is mapped.
 *
 * Usually nothing is decoded here: the loader hands in the tables of the
 * rootfs's files (XLIBOS_ABCOM_TABLES_FILE, computed by the same library
 * and cached on the host), which are found by size and a hash of the
 * file's first and last pages (reading a 2 MB program whole at its first
 * exec cost a container's start about 4 ms).  A handed table is not
 * trusted: each site's window is decoded again (abcom_check_windows())
 * before the table is used, a site that does not decode is dropped (its
 * syscall stays on the trap path), and patch_site() patches a window
 * only inside an executable mapping of the file and only if the code
 * there is byte for byte the window's.  A table found for the wrong file
 * can at worst patch a window whose bytes are that file's but which the
 * file also branches into: only the process running that file is hurt.
 *
 * Capstone is ordinary hosted code: it may use SSE registers (harmless
 * here, the callers run in a host signal handler whose frame holds the
 * user's vector state) and reads a stack canary at %fs:0x28, so it runs on
 * its own stack with %fs pointing at a canary of ours.
 */
#include <linux/fs.h>
#include <linux/initrd.h>
#include <linux/kernel_read_file.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/xxhash.h>
#include <asm/abcom.h>
#include <asm/hypercall.h>
#include <asm/prctl.h>
#include <asm/xlibos.h>
#include <abcom.h>

#define MAX_FILE_SIZE		(512LL << 20)
#define SCAN_STACK_SIZE		(64 * 1024)

struct xlibos_site_table {
	struct list_head list;
	/* which file, in which version */
	dev_t dev;
	unsigned long ino;
	u32 generation;
	loff_t size;
	struct timespec64 mtime;
	/* patchable sites, by syscall offset */
	size_t n;
	struct abcom_site *sites;
};

/* Tables are never freed: a container runs few distinct programs. */
static LIST_HEAD(tables);
static DEFINE_MUTEX(tables_lock);

/* The loader's tables, until a file claims one (under tables_lock). */
struct handed_table {
	struct list_head list;
	u64 size, sample;
	size_t n;
	struct abcom_site *sites;
};

static LIST_HEAD(handed);

static u8 scan_stack[SCAN_STACK_SIZE] __aligned(16);
static unsigned long scan_tls[16];	/* %fs:0x28 is the canary */

struct scan_call {
	const u8 *file;
	size_t size;
	struct abcom_site *sites;
	size_t n;
	int err;
};

static void scan_on_stack(void *arg)
{
	struct scan_call *c = arg;

	c->err = abcom_scan_elf_image(c->file, c->size, &c->sites, &c->n);
}

/* c->sites[0..c->n) from the loader: keep those whose windows decode as they say. */
static void check_on_stack(void *arg)
{
	struct scan_call *c = arg;

	c->err = abcom_check_windows(c->sites, &c->n);
}

/* Run Capstone.  Under tables_lock, which also guards the stack and scan_tls. */
static int on_scan_stack(void (*fn)(void *), struct scan_call *c)
{
	static bool capstone_ready;

	if (!capstone_ready) {
		xlibos_capstone_setup();
		capstone_ready = true;
	}
	hc2(arch_prctl, ARCH_SET_FS, scan_tls);
	xlibos_call_on_stack(fn, c, (unsigned long)scan_stack + SCAN_STACK_SIZE);
	hc2(arch_prctl, ARCH_SET_FS, current->thread.fsbase);
	return c->err;
}

static bool same_file(const struct xlibos_site_table *t,
		      const struct inode *inode)
{
	/* not ctime: unlinking (the guest init does) or chmod changes it */
	return t->dev == inode->i_sb->s_dev && t->ino == inode->i_ino &&
	       t->generation == inode->i_generation &&
	       t->size == i_size_read(inode) &&
	       timespec64_equal(&t->mtime, &inode->i_mtime);
}

/*
 * The whole file, or NULL (too large, unreadable, changed size).  From the
 * direct map when it can be: every host process maps all of guest memory,
 * while each vmalloc page costs a host fault per host process (the mirror,
 * traps.c), about 500 of them for a 2 MB program at every exec.
 */
static u8 *read_whole(struct file *file, loff_t size)
{
	loff_t pos = 0;
	u8 *buf;

	if (size <= 0 || size > MAX_FILE_SIZE)
		return NULL;
	buf = kvmalloc(size, GFP_KERNEL);
	if (buf && kernel_read(file, buf, size, &pos) != size) {
		kvfree(buf);
		buf = NULL;
	}
	return buf;
}

/*
 * Decode the whole file (abcom_scan_elf_image(), as the loader does):
 * anything but an x86-64 ELF file with code sections has no sites.
 */
static void scan_file(struct xlibos_site_table *t, const u8 *buf)
{
	struct scan_call c = { .file = buf, .size = t->size };

	if (on_scan_stack(scan_on_stack, &c) == ABCOM_OK) {
		t->sites = c.sites;	/* abcom's allocation, kept */
		t->n = c.n;
	}
}

/* The sample hash of @file (xlibos_boot.h), through its page cache. */
static bool sample_hash(struct file *file, loff_t size, u64 *hash)
{
	static u8 buf[2 * XLIBOS_ABCOM_SAMPLE];	/* under tables_lock */
	ssize_t len = size <= 2 * XLIBOS_ABCOM_SAMPLE ? size : XLIBOS_ABCOM_SAMPLE;
	loff_t pos = 0;

	if (kernel_read(file, buf, len, &pos) != len)
		return false;
	if (size > 2 * XLIBOS_ABCOM_SAMPLE) {
		pos = size - XLIBOS_ABCOM_SAMPLE;
		if (kernel_read(file, buf + len, XLIBOS_ABCOM_SAMPLE, &pos) !=
		    XLIBOS_ABCOM_SAMPLE)
			return false;
		len += XLIBOS_ABCOM_SAMPLE;
	}
	*hash = xxh64(buf, len, size);
	return true;
}

/*
 * Take the loader's table for this file, if it handed one in, with only
 * the sites whose windows decode as the table says.
 */
static bool take_handed(struct xlibos_site_table *t, struct file *file)
{
	struct handed_table *h;
	u64 hash;

	if (list_empty(&handed) || t->size <= 0 || t->size > MAX_FILE_SIZE ||
	    !sample_hash(file, t->size, &hash))
		return false;
	list_for_each_entry(h, &handed, list) {
		struct scan_call c = { .sites = h->sites, .n = h->n };

		if (h->size != t->size || h->sample != hash)
			continue;
		if (c.n && on_scan_stack(check_on_stack, &c) != ABCOM_OK)
			c.n = 0;
		t->sites = h->sites;
		t->n = c.n;
		list_del(&h->list);
		kfree(h);
		return true;
	}
	return false;
}

/* The table for @file, scanning it the first time.  Never NULL but on ENOMEM. */
struct xlibos_site_table *xlibos_sites_of(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct xlibos_site_table *t;
	u8 *buf;

	mutex_lock(&tables_lock);
	list_for_each_entry(t, &tables, list)
		if (same_file(t, inode))
			goto out;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		goto out;
	t->dev = inode->i_sb->s_dev;
	t->ino = inode->i_ino;
	t->generation = inode->i_generation;
	t->size = i_size_read(inode);
	t->mtime = inode->i_mtime;
	if (!take_handed(t, file)) {
		buf = read_whole(file, t->size);
		if (buf)
			scan_file(t, buf);
		kvfree(buf);
	}
	list_add(&t->list, &tables);
out:
	mutex_unlock(&tables_lock);
	return t;
}

/* First site whose syscall is at or after @off. */
static size_t lower_bound(const struct xlibos_site_table *t, u64 off)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->sites[mid].addr < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct abcom_site *xlibos_site_at(struct xlibos_site_table *t,
					u64 syscall_off)
{
	size_t i = lower_bound(t, syscall_off);

	return i < t->n && t->sites[i].addr == syscall_off ? &t->sites[i] : NULL;
}

/* The sites whose syscall is at or after @off: *n of them, in order. */
const struct abcom_site *xlibos_sites_from(struct xlibos_site_table *t,
					   u64 off, size_t *n)
{
	size_t i = lower_bound(t, off);

	*n = t->n - i;
	return t->sites + i;
}

/* One record of the tables file; returns its length, or 0 if it is bad. */
static size_t parse_handed(const u8 *p, size_t left)
{
	const struct xlibos_abcom_table_hdr *hdr = (const void *)p;
	struct handed_table *h;
	size_t bytes;

	if (left < sizeof(*hdr) || hdr->magic != XLIBOS_ABCOM_TABLE_MAGIC ||
	    hdr->site_size != sizeof(struct abcom_site) ||
	    check_mul_overflow((size_t)hdr->n_sites, sizeof(struct abcom_site),
			       &bytes) ||
	    bytes > left - sizeof(*hdr))
		return 0;
	if (hdr->abcom_version != ABCOM_VERSION)
		return sizeof(*hdr) + bytes;	/* not ours to use */
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return 0;
	/* a file without sites gets a record too: nothing to decode */
	if (bytes) {
		h->sites = kvmalloc(bytes, GFP_KERNEL);
		if (!h->sites) {
			kfree(h);
			return 0;
		}
		memcpy(h->sites, p + sizeof(*hdr), bytes);
	}
	h->n = hdr->n_sites;
	h->size = hdr->file_size;
	h->sample = hdr->file_sample;
	list_add_tail(&h->list, &handed);
	return sizeof(*hdr) + bytes;
}

/* Before init runs (and removes /.xlibos): read what the loader handed in. */
static int __init abcom_read_handed_tables(void)
{
	void *buf = NULL;
	ssize_t len;
	size_t off = 0, used;

	if (xlibos_abcom_mode == XLIBOS_ABCOM_OFF)
		return 0;
	wait_for_initramfs();
	len = kernel_read_file_from_path(XLIBOS_ABCOM_TABLES_FILE, 0, &buf,
					 INT_MAX, NULL, READING_UNKNOWN);
	if (len <= 0)
		return 0;
	mutex_lock(&tables_lock);
	while (off < len && (used = parse_handed((u8 *)buf + off, len - off)))
		off += used;
	mutex_unlock(&tables_lock);
	vfree(buf);
	return 0;
}
late_initcall(abcom_read_handed_tables);
