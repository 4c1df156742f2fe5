// SPDX-License-Identifier: GPL-2.0
/*
 * The guest vDSO, as x86-64 programs expect it: AT_SYSINFO_EHDR points at
 * [vdso], an ELF whose clock functions read the data page in [vvar] right
 * below it (kept current by the timekeeping core, kernel/time/vsyscall.c)
 * and enter the LibOS only for what the page cannot answer
 * (asm/vdso/gettimeofday.h).
 *
 * [vvar] holds two pages.  A task in a time namespace finds its
 * namespace's page (clock mode VDSO_CLOCKMODE_TIMENS and the offsets) at
 * the first and the real data page at the second; the generic vDSO code
 * applies the offsets.  Entering another namespace zaps [vvar], so the
 * next access faults in the new layout.
 *
 * The vDSO's text is part of the LibOS image (vdso-image.S) and so of
 * guest physical memory: its pages are mapped like any other page of a
 * program, read-only, from the shared memory every host process maps.
 */
#include <linux/binfmts.h>
#include <linux/elf.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/time_namespace.h>
#include <vdso/datapage.h>
#include <vdso/helpers.h>
#include <asm/abcom.h>
#include <asm/vdso.h>

extern char vdso_start[], vdso_end[];

enum vvar_pages {
	VVAR_DATA_PAGE_OFFSET,
	VVAR_TIMENS_PAGE_OFFSET,
	VVAR_NR_PAGES,
};

#define VVAR_SIZE	(VVAR_NR_PAGES << PAGE_SHIFT)

static union {
	struct vdso_data data[CS_BASES];
	u8 page[PAGE_SIZE];
} vdso_data_store __page_aligned_data;
struct vdso_data *vdso_data = vdso_data_store.data;

/*
 * hrtimer_switch_to_hres() lowers hrtimer_resolution from a tick to 1 ns,
 * then programs the next event.  The vDSO's copy waits for the next
 * timekeeping update (kernel/time/vsyscall.c), up to a tick later, and a
 * container runs its first program within that tick: clock_getres() in
 * the vDSO said 4 ms where the system call said 1 ns.  The clock event
 * device calls this as it programs an event, with interrupts off; with
 * one vCPU nothing else writes the page meanwhile.
 */
void xlibos_vdso_sync_hrtimer_res(void)
{
	struct vdso_data *vd = vdso_data;
	u32 res = hrtimer_resolution;

	if (likely(READ_ONCE(vd[CS_HRES_COARSE].hrtimer_res) == res))
		return;
	vdso_write_begin(vd);
	WRITE_ONCE(vd[CS_HRES_COARSE].hrtimer_res, res);
	vdso_write_end(vd);
}

static int vdso_mremap(const struct vm_special_mapping *sm,
		       struct vm_area_struct *new_vma)
{
	current->mm->context.vdso = (void __user *)new_vma->vm_start;
	return 0;
}

static vm_fault_t vvar_fault(const struct vm_special_mapping *sm,
			     struct vm_area_struct *vma, struct vm_fault *vmf);

static struct vm_special_mapping vvar_mapping __ro_after_init = {
	.name	= "[vvar]",
	.fault	= vvar_fault,
};

static struct vm_special_mapping vdso_mapping __ro_after_init = {
	.name	= "[vdso]",
	.mremap	= vdso_mremap,
};

#ifdef CONFIG_TIME_NS
struct vdso_data *arch_get_vdso_data(void *vvar_page)
{
	return (struct vdso_data *)vvar_page;
}

/* A task changed time namespace: its [vvar] refaults with the new pages. */
int vdso_join_timens(struct task_struct *task, struct time_namespace *ns)
{
	struct mm_struct *mm = task->mm;
	struct vm_area_struct *vma;
	VMA_ITERATOR(vmi, mm, 0);

	mmap_read_lock(mm);
	for_each_vma(vmi, vma) {
		if (vma_is_special_mapping(vma, &vvar_mapping))
			zap_page_range(vma, vma->vm_start,
				       vma->vm_end - vma->vm_start);
	}
	mmap_read_unlock(mm);
	return 0;
}

static struct page *find_timens_vvar_page(struct vm_area_struct *vma)
{
	/*
	 * VM_PFNMAP keeps remote accesses (/proc/PID/mem, process_vm_readv)
	 * away from this handler: only the mm's own tasks fault here.
	 */
	if (likely(vma->vm_mm == current->mm))
		return current->nsproxy->time_ns->vvar_page;
	WARN_ONCE(1, "vvar page accessed remotely");
	return NULL;
}
#else
static struct page *find_timens_vvar_page(struct vm_area_struct *vma)
{
	return NULL;
}
#endif

static vm_fault_t vvar_fault(const struct vm_special_mapping *sm,
			     struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct page *timens_page = find_timens_vvar_page(vma);
	unsigned long pfn;

	switch (vmf->pgoff) {
	case VVAR_DATA_PAGE_OFFSET:
		if (timens_page)
			pfn = page_to_pfn(timens_page);
		else
			pfn = virt_to_pfn(vdso_data);
		break;
	case VVAR_TIMENS_PAGE_OFFSET:
		/* the real page, where the namespace's page sends the vDSO */
		if (!timens_page)
			return VM_FAULT_SIGBUS;
		pfn = virt_to_pfn(vdso_data);
		break;
	default:
		return VM_FAULT_SIGBUS;
	}
	return vmf_insert_pfn(vma, vmf->address, pfn);
}

static int __init vdso_init(void)
{
	unsigned long npages = (vdso_end - vdso_start) >> PAGE_SHIFT;
	struct page **pages;
	unsigned long i;

	BUILD_BUG_ON(VVAR_NR_PAGES != __VVAR_PAGES);
	if (memcmp(vdso_start, ELFMAG, SELFMAG))
		panic("xlibos: the built-in vDSO is not an ELF object\n");
	pages = kcalloc(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		panic("xlibos: no memory for the vDSO's page list\n");
	for (i = 0; i < npages; i++)
		pages[i] = virt_to_page(vdso_start + (i << PAGE_SHIFT));
	vdso_mapping.pages = pages;

	/* fallbacks enter the LibOS as rewritten sites do, unless abcom is off */
	if (xlibos_abcom_mode != XLIBOS_ABCOM_OFF)
		vdso_data[CS_HRES_COARSE].arch_data.fast_entry =
			(unsigned long)xlibos_fast_entry;
	return 0;
}
arch_initcall(vdso_init);

int arch_setup_additional_pages(struct linux_binprm *bprm, int uses_interp)
{
	unsigned long text_len = vdso_end - vdso_start;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long base;
	int ret = 0;

	if (mmap_write_lock_killable(mm))
		return -EINTR;
	base = get_unmapped_area(NULL, 0, VVAR_SIZE + text_len, 0, 0);
	if (IS_ERR_VALUE(base)) {
		ret = base;
		goto out;
	}
	vma = _install_special_mapping(mm, base, VVAR_SIZE,
				       VM_READ | VM_MAYREAD | VM_PFNMAP | VM_IO,
				       &vvar_mapping);
	if (IS_ERR(vma)) {
		ret = PTR_ERR(vma);
		goto out;
	}
	vma = _install_special_mapping(mm, base + VVAR_SIZE, text_len,
				       VM_READ | VM_EXEC | VM_MAYREAD |
				       VM_MAYWRITE | VM_MAYEXEC,
				       &vdso_mapping);
	if (IS_ERR(vma)) {
		do_munmap(mm, base, VVAR_SIZE, NULL);
		ret = PTR_ERR(vma);
		goto out;
	}
	mm->context.vdso = (void __user *)(base + VVAR_SIZE);
out:
	mmap_write_unlock(mm);
	return ret;
}
