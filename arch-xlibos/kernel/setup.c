// SPDX-License-Identifier: GPL-2.0
/*
 * Boot: take over from the loader, describe guest physical memory to
 * memblock and start the generic kernel.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/start_kernel.h>
#include <linux/memblock.h>
#include <linux/initrd.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/console.h>
#include <linux/cpu.h>
#include <linux/seq_file.h>
#include <linux/delay.h>
#include <linux/random.h>
#include <asm/prctl.h>
#include <asm/hypercall.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <asm/xlibos.h>

struct xlibos_boot_info xlibos_boot;
int xlibos_host_pid;

/*
 * Called by head.S on init_task's stack.  Nothing here may use "current"
 * before the GS base points at init_task.
 */
asmlinkage void __init xlibos_start_kernel(struct xlibos_boot_info *bi)
{
	hc2(arch_prctl, ARCH_SET_GS, &init_task.thread.self);

	if (bi->magic != XLIBOS_BOOT_MAGIC ||
	    bi->version != XLIBOS_BOOT_VERSION) {
		static const char msg[] =
			"xlibos: boot info does not match this image\n";

		hc3(write, 2, msg, sizeof(msg) - 1);
		xlibos_host_exit_process(2);
	}
	memcpy(&xlibos_boot, bi, sizeof(xlibos_boot));
	memzero_explicit(bi->rng_seed, sizeof(bi->rng_seed));
	xlibos_time_early_init();
	xlibos_boot.cmdline[XLIBOS_CMDLINE_MAX - 1] = '\0';

	xlibos_host_pid = hc0(getpid);
	xlibos_vcpu_set_owner(&init_task);
	xlibos_vcpu.owner_tid = hc0(gettid);
	xlibos_vcpu.owner_pid = xlibos_host_pid;
	init_task.thread.host_pid = xlibos_host_pid;
	init_task.thread.host_tid = xlibos_vcpu.owner_tid;
	xlibos_traps_host_init();
	xlibos_irq_host_init();
	xlibos_host_thread_init(&init_task);

	start_kernel();
}

static void __init setup_memory(void)
{
	phys_addr_t image_start = __pa(_stext);
	phys_addr_t image_end = PAGE_ALIGN(__pa(_end));

	memblock_add(0, xlibos_boot.phys_size);
	/* Physical address 0 would read as a failed memblock_phys_alloc(). */
	memblock_reserve(0, PAGE_SIZE);
	memblock_reserve(image_start, image_end - image_start);

	if (xlibos_boot.initrd_size) {
		memblock_reserve(xlibos_boot.initrd_phys,
				 xlibos_boot.initrd_size);
#ifdef CONFIG_BLK_DEV_INITRD
		initrd_start = (unsigned long)__va(xlibos_boot.initrd_phys);
		initrd_end = initrd_start + xlibos_boot.initrd_size;
#endif
	}

	xlibos_virtio_reserve();

	min_low_pfn = 0;
	max_low_pfn = PFN_DOWN(xlibos_boot.phys_size);
	max_pfn = max_low_pfn;
	max_mapnr = max_pfn;
	high_memory = __va(xlibos_boot.phys_size);
	memblock_set_current_limit(xlibos_boot.phys_size);
}

void __init setup_arch(char **cmdline_p)
{
	strscpy(boot_command_line, xlibos_boot.cmdline, COMMAND_LINE_SIZE);
	/*
	 * No block device is the root unless asked for: without an init in
	 * the initramfs, the root is an empty tmpfs.
	 */
	if (!strstr(boot_command_line, "root="))
		strlcat(boot_command_line, " root=none rootfstype=tmpfs",
			COMMAND_LINE_SIZE);
	*cmdline_p = boot_command_line;

	/* "quiet" and "loglevel=" must rule before the log is replayed. */
	parse_early_param();
	xlibos_console_init();
	xlibos_panic_init();
	pr_info("xlibos: %llu MiB guest memory, host process %d\n",
		xlibos_boot.phys_size >> 20, xlibos_host_pid);

	setup_memory();
	/* Or the first getrandom() waits about a second for jitter entropy. */
	add_bootloader_randomness(xlibos_boot.rng_seed,
				  sizeof(xlibos_boot.rng_seed));
	memzero_explicit(xlibos_boot.rng_seed, sizeof(xlibos_boot.rng_seed));
	setup_initial_init_mm(_stext, _etext, _edata, _end);
	paging_init();
}

static int show_cpuinfo(struct seq_file *m, void *v)
{
	seq_puts(m, "processor\t: 0\n");
	seq_puts(m, "vendor_id\t: xlibos\n");
	seq_puts(m, "model name\t: xlibos virtual CPU (x86_64)\n");
	seq_printf(m, "bogomips\t: %lu.%02lu\n\n",
		   loops_per_jiffy / (500000 / HZ),
		   (loops_per_jiffy / (5000 / HZ)) % 100);
	return 0;
}

static void *c_start(struct seq_file *m, loff_t *pos)
{
	return *pos < 1 ? (void *)1 : NULL;
}

static void *c_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return NULL;
}

static void c_stop(struct seq_file *m, void *v)
{
}

const struct seq_operations cpuinfo_op = {
	.start	= c_start,
	.next	= c_next,
	.stop	= c_stop,
	.show	= show_cpuinfo,
};
