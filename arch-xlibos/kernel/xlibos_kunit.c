// SPDX-License-Identifier: GPL-2.0
/* KUnit tests of the xlibos port's own mechanisms. */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/hypercall.h>
#include <asm/pgtable.h>
#include <asm/xlibos.h>

/* Generous upper bound: only catches a sleep that never ends. */
#define SLEEP_SANITY_LIMIT_MS	10000

static void sleep_takes_the_time_asked(struct kunit *test, unsigned int ms)
{
	u64 host0 = xlibos_host_monotonic_ns();
	ktime_t t0 = ktime_get();
	u64 host_ms, guest_ms;

	msleep(ms);
	guest_ms = ktime_ms_delta(ktime_get(), t0);
	host_ms = (xlibos_host_monotonic_ns() - host0) / NSEC_PER_MSEC;

	KUNIT_EXPECT_GE(test, guest_ms, (u64)ms);
	KUNIT_EXPECT_GE(test, host_ms, (u64)ms);
	KUNIT_EXPECT_LT(test, host_ms, (u64)SLEEP_SANITY_LIMIT_MS);
}

static void msleep_short(struct kunit *test)
{
	sleep_takes_the_time_asked(test, 20);
}

static void msleep_long(struct kunit *test)
{
	sleep_takes_the_time_asked(test, 300);
}

static void vmalloc_is_mirrored(struct kunit *test)
{
	const size_t size = 4 << 20;
	unsigned long i;
	u8 *p;

	for (i = 0; i < 3; i++) {
		size_t off;

		p = vmalloc(size);
		KUNIT_ASSERT_NOT_NULL(test, p);
		for (off = 0; off < size; off += PAGE_SIZE)
			p[off] = (u8)(off >> PAGE_SHIFT) + i;
		for (off = 0; off < size; off += PAGE_SIZE)
			KUNIT_EXPECT_EQ(test, p[off],
					(u8)((off >> PAGE_SHIFT) + i));
		vfree(p);
		/* Make the freed range reusable now, not lazily. */
		vm_unmap_aliases();
	}
}

static int count_and_exit(void *arg)
{
	atomic_inc(arg);
	return 0;
}

static void kthreads_come_and_go(struct kunit *test)
{
	atomic_t ran = ATOMIC_INIT(0);
	int i;

	for (i = 0; i < 64; i++) {
		struct task_struct *t;

		t = kthread_run(count_and_exit, &ran, "xlibos-kunit/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	for (i = 0; i < 250 && atomic_read(&ran) < 64; i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&ran), 64);
}

static struct completion tasklet_done;

static void tasklet_fn(struct tasklet_struct *t)
{
	complete(&tasklet_done);
}

static DECLARE_TASKLET(test_tasklet, tasklet_fn);

static void softirq_runs_after_irq_enable(struct kunit *test)
{
	init_completion(&tasklet_done);
	local_irq_disable();
	tasklet_schedule(&test_tasklet);
	KUNIT_EXPECT_FALSE(test, completion_done(&tasklet_done));
	local_irq_enable();
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&tasklet_done, 5 * HZ),
			0UL);
}

static void masked_interrupt_is_replayed(struct kunit *test)
{
	unsigned long jiffies0;
	int i;

	/* Spin with interrupts off across several ticks: none may be lost. */
	local_irq_disable();
	jiffies0 = jiffies;
	mdelay(30);
	KUNIT_EXPECT_EQ(test, jiffies, jiffies0);
	local_irq_enable();
	for (i = 0; i < 100 && !time_after(jiffies, jiffies0); i++)
		msleep(20);
	KUNIT_EXPECT_TRUE(test, time_after(jiffies, jiffies0));
}

static void nofault_copy_reports_fault(struct kunit *test)
{
	unsigned long buf = 0, src = 0x1234;
	void *hole = (void *)(VMALLOC_END - PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, copy_from_kernel_nofault(&buf, &src,
						       sizeof(buf)), 0L);
	KUNIT_EXPECT_EQ(test, buf, 0x1234UL);
	KUNIT_EXPECT_EQ(test, copy_from_kernel_nofault(&buf, hole,
						       sizeof(buf)), -EFAULT);
}

static struct kunit_case xlibos_test_cases[] = {
	KUNIT_CASE(msleep_short),
	KUNIT_CASE(msleep_long),
	KUNIT_CASE(vmalloc_is_mirrored),
	KUNIT_CASE(kthreads_come_and_go),
	KUNIT_CASE(softirq_runs_after_irq_enable),
	KUNIT_CASE(masked_interrupt_is_replayed),
	KUNIT_CASE(nofault_copy_reports_fault),
	{}
};

static struct kunit_suite xlibos_test_suite = {
	.name = "xlibos",
	.test_cases = xlibos_test_cases,
};
kunit_test_suite(xlibos_test_suite);

MODULE_LICENSE("GPL");
