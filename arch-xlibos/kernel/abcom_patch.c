// SPDX-License-Identifier: GPL-2.0
/*
 * Rewriting system call sites in a process (the plan and its safety
 * argument are abcom/plan.c's).  Both modes patch only what the file's
 * site table (abcom_sites.c) proves:
 *
 *   online  a `syscall` that trapped is patched, if it is a known site;
 *   full    also, when a page of an executable file mapping is faulted in,
 *           every site starting in it is patched before its code runs.
 *
 * The new bytes go into the process's private copy of the page (a forced
 * write, as a debugger's breakpoint: file pages are never changed).  Each
 * patched site gets a slot and a trampoline in the process's abcom area.
 * Writes are ordered as abcom_plan() says; with one vCPU no other thread
 * runs while they are made, but one may be stopped inside the window: it
 * takes #UD on the trap bytes and xlibos_abcom_resume() moves it to the
 * same place in the trampoline.
 */
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/proc_fs.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <asm/abcom.h>
#include <asm/unaligned.h>
#include <abcom.h>

enum xlibos_abcom_mode xlibos_abcom_mode = XLIBOS_ABCOM_FULL;
struct xlibos_abcom_counters xlibos_abcom_stats;

static int __init abcom_mode_setup(char *s)
{
	if (!strcmp(s, "off"))
		xlibos_abcom_mode = XLIBOS_ABCOM_OFF;
	else if (!strcmp(s, "online"))
		xlibos_abcom_mode = XLIBOS_ABCOM_ONLINE;
	else if (!strcmp(s, "full"))
		xlibos_abcom_mode = XLIBOS_ABCOM_FULL;
	else
		return 0;
	return 1;
}
__setup("xlibos.abcom=", abcom_mode_setup);

/* A patched window: its start, and its trampoline as site_entry() packs it */
struct patched_site {
	unsigned long start;
	unsigned long entry;
};

/*
 * What a process has patched (mm->context.abcom).  The windows are kept
 * sorted in one array: a program patches tens to a few hundred, every
 * exec starts over and every fork copies them, and an array costs one
 * allocation where a tree of them costs one per few sites.
 */
struct xlibos_abcom_mm {
	struct mutex lock;
	unsigned int next_slot;		/* 0: no area mapped yet */
	bool no_area;			/* its address was taken: never patch */
	unsigned int nr_sites, max_sites;
	struct patched_site *sites;
};

#define MIN_SITES	32

static struct xlibos_abcom_mm *abcom_mm_alloc(void)
{
	struct xlibos_abcom_mm *am = kzalloc(sizeof(*am), GFP_KERNEL);

	if (am)
		mutex_init(&am->lock);
	return am;
}

/* Where a window starting at @start is, or goes, in the sorted array. */
static unsigned int site_index(const struct xlibos_abcom_mm *am,
			       unsigned long start)
{
	unsigned int lo = 0, hi = am->nr_sites, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (am->sites[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The patched window that starts at @start, or NULL.  Caller holds lock. */
static struct patched_site *find_site(struct xlibos_abcom_mm *am,
				      unsigned long start)
{
	unsigned int i = site_index(am, start);

	return i < am->nr_sites && am->sites[i].start == start ?
	       &am->sites[i] : NULL;
}

/* Record a window not patched before.  Caller holds am->lock. */
static bool add_site(struct xlibos_abcom_mm *am, unsigned long start,
		     unsigned long entry)
{
	unsigned int i;

	if (am->nr_sites == am->max_sites) {
		unsigned int max = max(2 * am->max_sites, MIN_SITES);
		struct patched_site *s;

		s = krealloc_array(am->sites, max, sizeof(*s), GFP_KERNEL);
		if (!s)
			return false;
		am->sites = s;
		am->max_sites = max;
	}
	i = site_index(am, start);
	memmove(am->sites + i + 1, am->sites + i,
		(am->nr_sites - i) * sizeof(*am->sites));
	am->sites[i] = (struct patched_site){ start, entry };
	am->nr_sites++;
	return true;
}

static struct xlibos_abcom_mm *abcom_mm(struct mm_struct *mm)
{
	struct xlibos_abcom_mm *am = READ_ONCE(mm->context.abcom);

	if (am)
		return am;
	am = abcom_mm_alloc();
	if (am && cmpxchg(&mm->context.abcom, NULL, am)) {
		kfree(am);
		am = mm->context.abcom;
	}
	return am;
}

/* fork: the child has the parent's patched pages, so it has its sites. */
int xlibos_abcom_dup_mm(struct mm_struct *oldmm, struct mm_struct *mm)
{
	struct xlibos_abcom_mm *old = oldmm->context.abcom, *am;

	mm->context.abcom = NULL;
	if (!old)
		return 0;
	am = abcom_mm_alloc();
	if (!am)
		return -ENOMEM;
	mutex_lock(&old->lock);
	am->next_slot = old->next_slot;
	am->no_area = old->no_area;
	if (old->nr_sites) {
		am->sites = kmemdup(old->sites,
				    old->nr_sites * sizeof(*old->sites),
				    GFP_KERNEL);
		am->nr_sites = am->max_sites = am->sites ? old->nr_sites : 0;
	}
	mutex_unlock(&old->lock);
	if (old->nr_sites && !am->sites) {
		kfree(am);
		return -ENOMEM;
	}
	mm->context.abcom = am;
	return 0;
}

void xlibos_abcom_free_mm(struct mm_struct *mm)
{
	struct xlibos_abcom_mm *am = mm->context.abcom;

	if (am) {
		kfree(am->sites);
		kfree(am);
		mm->context.abcom = NULL;
	}
}

static bool write_user(struct mm_struct *mm, unsigned long addr,
		       const void *buf, int len)
{
	return access_remote_vm(mm, addr, (void *)buf, len,
				FOLL_FORCE | FOLL_WRITE) == len;
}

/*
 * Access to the user pages a batch of patches touches: the code pages and
 * the area's slot and trampoline pages, each looked up (and made the
 * process's private copy, as a debugger's write does) once per batch
 * instead of once per access.  Caller holds mmap_lock for reading.
 */
#define PATCH_PAGES	4

struct patch_pages {
	struct mm_struct *mm;
	unsigned int next;
	unsigned long base[PATCH_PAGES];
	struct page *page[PATCH_PAGES];
};

static void patch_pages_drop(struct patch_pages *pp, unsigned int i)
{
	if (pp->page[i]) {
		set_page_dirty_lock(pp->page[i]);
		put_page(pp->page[i]);
	}
	pp->page[i] = NULL;
	pp->base[i] = 0;
}

static struct page *patch_page(struct patch_pages *pp, unsigned long base)
{
	unsigned int i;

	for (i = 0; i < PATCH_PAGES; i++)
		if (pp->page[i] && pp->base[i] == base)
			return pp->page[i];
	i = pp->next++ % PATCH_PAGES;
	patch_pages_drop(pp, i);
	if (get_user_pages_remote(pp->mm, base, 1, FOLL_FORCE | FOLL_WRITE,
				  &pp->page[i], NULL, NULL) != 1) {
		pp->page[i] = NULL;
		return NULL;
	}
	pp->base[i] = base;
	return pp->page[i];
}

/* Copy @len bytes to (@write) or from user address @addr. */
static bool patch_copy(struct patch_pages *pp, unsigned long addr, void *buf,
		       int len, bool write)
{
	while (len > 0) {
		unsigned int off = offset_in_page(addr);
		int n = min_t(int, len, PAGE_SIZE - off);
		struct page *page = patch_page(pp, addr - off);
		u8 *kaddr;

		if (!page)
			return false;
		kaddr = kmap_local_page(page);
		if (write)
			memcpy(kaddr + off, buf, n);
		else
			memcpy(buf, kaddr + off, n);
		kunmap_local(kaddr);
		addr += n;
		buf += n;
		len -= n;
	}
	return true;
}

/* The area, mapped in the current process (whose mm @mm is). */
static bool map_area(struct mm_struct *mm, struct xlibos_abcom_mm *am)
{
	u64 entry = (unsigned long)xlibos_fast_entry;
	unsigned long addr;

	if (am->no_area)
		return false;
	addr = vm_mmap(NULL, XLIBOS_ABCOM_AREA, XLIBOS_ABCOM_AREA_SIZE,
		       PROT_READ | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, 0);
	if (addr != XLIBOS_ABCOM_AREA || !write_user(mm, addr, &entry, 8)) {
		if (!IS_ERR_VALUE(addr) && addr == XLIBOS_ABCOM_AREA)
			vm_munmap(addr, XLIBOS_ABCOM_AREA_SIZE);
		am->no_area = true;
		return false;
	}
	am->next_slot = 1;
	return true;
}

/*
 * The trampoline at @t (address @taddr):
 *
 *   +0        the instructions displaced from before the syscall (a
 *             rip-relative one with its disp32 relocated)
 *   +so       movabs $resume, %rcx    the address after the old syscall
 *             mov %rcx, %r11          where the call returns (or, for a
 *             / movabs $tail, %r11    forward window, the tail below)
 *             jmp *slot 0             the fast entry
 *   tail - 2  jmp +so                 a restart (ip - 2) calls again
 *   tail      the instructions displaced from after the syscall
 *             jmp *0(%rip); .quad continue
 *
 * so = the syscall's offset in the window, so that a thread stopped at a
 * boundary b <= so of the window resumes at trampoline + b.
 */
#define TRAMP_CALL_LEN		(10 + 10 + ABCOM_JMP_LEN)

static unsigned long tramp_tail(unsigned long taddr, unsigned int so)
{
	return taddr + so + TRAMP_CALL_LEN + 2;
}

/*
 * The displaced rip-relative instruction, copied to the same offset of the
 * trampoline at @taddr: make its disp32 reach the same address from there.
 */
static bool relocate(const struct abcom_patch *p, unsigned long taddr, u8 *t)
{
	s64 to = (s64)(p->addr + p->riprel_end) +
		 (s32)get_unaligned_le32(t + p->riprel_disp);
	s64 disp = to - (s64)(taddr + p->riprel_end);

	if (disp != (s32)disp)
		return false;
	put_unaligned_le32((u32)disp, t + p->riprel_disp);
	return true;
}

static int build_trampoline(const struct abcom_patch *p, unsigned long taddr,
			    u8 *t)
{
	bool forward = p->post_len;
	int n = p->displaced_len;
	int size = n + TRAMP_CALL_LEN + (forward ? 2 + p->post_len + 14 : 0);

	if (size > XLIBOS_ABCOM_TRAMP_SIZE)
		return -E2BIG;
	memcpy(t, p->displaced, n);
	if (p->riprel_disp && !relocate(p, taddr, t))
		return -ERANGE;
	t[n++] = 0x48;				/* movabs $resume, %rcx */
	t[n++] = 0xb9;
	put_unaligned_le64(p->resume_addr, t + n);
	n += 8;
	if (forward) {
		t[n++] = 0x49;			/* movabs $tail, %r11 */
		t[n++] = 0xbb;
		put_unaligned_le64(tramp_tail(taddr, p->displaced_len), t + n);
		n += 8;
	} else {
		t[n++] = 0x49;			/* mov %rcx, %r11 */
		t[n++] = 0x89;
		t[n++] = 0xcb;
	}
	t[n++] = 0xff;				/* jmp *slot 0 */
	t[n++] = 0x24;
	t[n++] = 0x25;
	put_unaligned_le32((u32)XLIBOS_ABCOM_AREA, t + n);
	n += 4;
	if (!forward)
		return n;
	t[n] = 0xeb;				/* jmp back to the call */
	t[n + 1] = (u8)(-(TRAMP_CALL_LEN + 2));
	n += 2;
	memcpy(t + n, p->post, p->post_len);
	n += p->post_len;
	t[n++] = 0xff;				/* jmp *0(%rip) */
	t[n++] = 0x25;
	put_unaligned_le32(0, t + n);
	n += 4;
	put_unaligned_le64(p->continue_addr, t + n);
	return n + 8;
}

/*
 * What the per-process table keeps for a patched window start: the
 * trampoline, the syscall's offset and end in the window, and whether the
 * call returns into the trampoline.
 */
static unsigned long site_entry(unsigned long taddr,
				const struct abcom_site *s)
{
	return taddr | (unsigned long)s->syscall_off << 32 |
	       (unsigned long)(s->syscall_off + s->syscall_len) << 40 |
	       (unsigned long)!!s->post_len << 48;
}

/* Where in the trampoline a thread at window offset @b continues. */
static unsigned long tramp_place(unsigned long v, unsigned int b)
{
	unsigned long taddr = v & 0xffffffffUL;
	unsigned int so = (v >> 32) & 0xff, end = (v >> 40) & 0xff;

	if (b <= so || !(v >> 48))
		return taddr + b;
	return tramp_tail(taddr, so) + (b - end);
}

/*
 * Tasks of @mm stopped (in the LibOS: on one vCPU no other runs) at an
 * instruction boundary inside the rewritten bytes resume at the same
 * place in the trampoline: the new bytes there are no instruction.
 */
static void move_if_stopped(struct task_struct *t, unsigned long start,
			    unsigned long entry)
{
	struct pt_regs *regs = task_pt_regs(t);

	if (regs->ip > start && regs->ip < start + ABCOM_JMP_LEN) {
		regs->ip = tramp_place(entry, regs->ip - start);
		xlibos_abcom_stats.resumed++;
	}
}

static void move_stopped_tasks(struct mm_struct *mm, unsigned long start,
			       unsigned long entry)
{
	struct task_struct *p, *t;

	if (atomic_read(&mm->mm_users) == 1) {	/* ours alone */
		move_if_stopped(current, start, entry);
		return;
	}
	rcu_read_lock();
	for_each_process_thread(p, t)
		if (t->mm == mm)
			move_if_stopped(t, start, entry);
	rcu_read_unlock();
}

/* Patch one site, given in file offsets, of the current process. */
static void patch_site(struct patch_pages *pp, struct xlibos_abcom_mm *am,
		       const struct abcom_site *fsite, unsigned long delta,
		       u64 *counter)
{
	u8 cur[ABCOM_MAX_WINDOW], tramp[XLIBOS_ABCOM_TRAMP_SIZE];
	struct abcom_site s = *fsite;
	struct abcom_patch p;
	unsigned long slot, taddr, entry;
	u64 target;
	int i, len;

	/* fields that could reach outside the window are never used */
	if (!abcom_site_sane(&s))
		return;
	s.addr += delta;
	s.start += delta;
	mutex_lock(&am->lock);
	if (find_site(am, s.start))
		goto out;
	/* Only code that is still what the file says. */
	if (!patch_copy(pp, s.start, cur, s.window_len, false) ||
	    memcmp(cur, s.bytes, s.window_len))
		goto out;
	if (!am->next_slot || am->next_slot >= XLIBOS_ABCOM_NR_SLOTS)
		goto out;
	slot = XLIBOS_ABCOM_AREA + 8UL * am->next_slot;
	taddr = XLIBOS_ABCOM_TRAMP + XLIBOS_ABCOM_TRAMP_SIZE * am->next_slot;
	if (abcom_plan(&s, slot, &p) != ABCOM_OK)
		goto out;
	len = build_trampoline(&p, taddr, tramp);
	target = taddr;
	if (len < 0 || !patch_copy(pp, taddr, tramp, len, true) ||
	    !patch_copy(pp, slot, &target, 8, true))
		goto out;
	entry = site_entry(taddr, &s);
	if (!add_site(am, s.start, entry))
		goto out;
	am->next_slot++;
	move_stopped_tasks(pp->mm, s.start, entry);
	for (i = 0; i < p.n_steps; i++)
		if (!patch_copy(pp, s.start + p.steps[i].off,
				(void *)p.steps[i].bytes, p.steps[i].len, true))
			break;
	(*counter)++;
out:
	mutex_unlock(&am->lock);
}

/*
 * Before a batch of patches: the area exists (mapping it needs mmap_lock
 * for writing, the batch holds it for reading), and the batch's pages.
 */
static bool patch_begin(struct mm_struct *mm, struct xlibos_abcom_mm *am,
			struct patch_pages *pp)
{
	bool ok;

	mutex_lock(&am->lock);
	ok = am->next_slot || map_area(mm, am);
	mutex_unlock(&am->lock);
	if (!ok)
		return false;
	mmap_read_lock(mm);
	*pp = (struct patch_pages){ .mm = mm };
	return true;
}

static void patch_end(struct patch_pages *pp)
{
	unsigned int i;

	for (i = 0; i < PATCH_PAGES; i++)
		patch_pages_drop(pp, i);
	mmap_read_unlock(pp->mm);
}

/* The executable file mapping around @addr, and its offset delta. */
static struct file *code_file_at(struct mm_struct *mm, unsigned long addr,
				 unsigned long *delta, unsigned long *start,
				 unsigned long *end)
{
	struct vm_area_struct *vma;
	struct file *file = NULL;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma && vma->vm_file && (vma->vm_flags & VM_EXEC)) {
		file = get_file(vma->vm_file);
		*delta = vma->vm_start - (vma->vm_pgoff << PAGE_SHIFT);
		*start = vma->vm_start;
		*end = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return file;
}

/* Online: the `syscall` that just trapped, at regs->ip - 2. */
void xlibos_abcom_online(struct pt_regs *regs)
{
	struct mm_struct *mm = current->mm;
	unsigned long addr = regs->ip - 2, delta, start, end;
	const struct abcom_site *site = NULL;
	struct xlibos_abcom_mm *am;
	struct patch_pages pp;
	struct file *file;

	file = code_file_at(mm, addr, &delta, &start, &end);
	if (file) {
		struct xlibos_site_table *t = xlibos_sites_of(file);

		site = t ? xlibos_site_at(t, addr - delta) : NULL;
		if (site && site->start + delta >= start &&
		    site->addr + site->syscall_len + delta <= end) {
			am = abcom_mm(mm);
			if (am && patch_begin(mm, am, &pp)) {
				patch_site(&pp, am, site, delta,
					   &xlibos_abcom_stats.patched_online);
				patch_end(&pp);
			}
		}
		fput(file);
	}
	if (!site)
		xlibos_abcom_stats.refused++;
}

/* Full: a page of user memory was just mapped at @addr. */
void xlibos_abcom_load(unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	unsigned long page = addr & PAGE_MASK, delta, start, end;
	const struct abcom_site *s;
	struct xlibos_abcom_mm *am;
	struct xlibos_site_table *t;
	struct patch_pages pp;
	bool begun = false;
	struct file *file;
	size_t n;

	file = code_file_at(mm, addr, &delta, &start, &end);
	if (!file)
		return;
	t = xlibos_sites_of(file);
	am = t ? abcom_mm(mm) : NULL;
	if (!am)
		goto out;
	/* every window that starts in this page; one batch for them all */
	for (s = xlibos_sites_from(t, page - delta, &n); n; s++, n--) {
		if (s->start + delta >= page + PAGE_SIZE)
			break;
		if (s->start + delta < page || s->start + delta < start ||
		    s->addr + s->syscall_len + delta > end)
			continue;
		if (!begun) {
			begun = patch_begin(mm, am, &pp);
			if (!begun)
				break;
		}
		patch_site(&pp, am, s, delta, &xlibos_abcom_stats.patched_load);
	}
	if (begun)
		patch_end(&pp);
out:
	fput(file);
}

/* #UD inside a rewritten window: continue at the same place in its trampoline. */
bool xlibos_abcom_resume(struct pt_regs *regs)
{
	struct xlibos_abcom_mm *am = current->mm ? current->mm->context.abcom : NULL;
	struct patched_site *site = NULL;
	unsigned int b;

	if (!am)
		return false;
	mutex_lock(&am->lock);
	for (b = 0; b < ABCOM_JMP_LEN && b <= regs->ip && !site; b++)
		site = find_site(am, regs->ip - b);
	if (site) {
		regs->ip = tramp_place(site->entry, b - 1);
		xlibos_abcom_stats.resumed++;
	}
	mutex_unlock(&am->lock);
	return site;
}

static const char *const mode_names[] = { "off", "online", "full" };

static int abcom_show(struct seq_file *m, void *v)
{
	const struct xlibos_abcom_counters *s = &xlibos_abcom_stats;

	seq_printf(m, "mode %s\n", mode_names[xlibos_abcom_mode]);
	seq_printf(m, "patched_online %llu\n", s->patched_online);
	seq_printf(m, "patched_load %llu\n", s->patched_load);
	seq_printf(m, "slow_calls %llu\n", s->slow_calls);
	seq_printf(m, "fast_calls %llu\n", s->fast_calls);
	seq_printf(m, "deferred %llu\n", s->deferred);
	seq_printf(m, "resumed %llu\n", s->resumed);
	seq_printf(m, "refused %llu\n", s->refused);
	return 0;
}

static int __init abcom_proc_init(void)
{
	proc_create_single("xlibos/abcom", 0444, NULL, abcom_show);
	return 0;
}
late_initcall(abcom_proc_init);
