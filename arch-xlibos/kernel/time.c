// SPDX-License-Identifier: GPL-2.0
/*
 * Time.  The clocksource is the host's CLOCK_MONOTONIC.  The one-shot
 * clockevent is a host thread that sleeps (futex with an absolute
 * timeout) until the programmed deadline, then raises XLIBOS_TIMER_IRQ.
 * An idle vCPU therefore costs no host CPU between events.
 */
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/clockchips.h>
#include <linux/clocksource.h>
#include <linux/sched_clock.h>
#include <linux/delay.h>
#include <linux/time.h>
#include <linux/timekeeping.h>
#include <linux/futex.h>
#include <asm/param.h>
#include <asm/vdso.h>
#include <asm/hypercall.h>
#include <asm/xlibos.h>

#define NO_DEADLINE	U64_MAX
#define TIMER_THREAD_STACK	(16 * 1024)
/* how often an unserved interrupt makes the timer thread look */
#define WATCH_NS		(500 * NSEC_PER_MSEC)

static u64 boot_ns;

/* Programmed expiry (host monotonic ns) and a futex word bumped on change */
static u64 timer_deadline = NO_DEADLINE;
static u32 timer_seq;

static unsigned long timer_thread_stack[TIMER_THREAD_STACK / sizeof(long)]
	__aligned(16);

/* Set by a host process other than the first to make the first one exit. */
static u32 shutdown_requested;
static int shutdown_code;

void xlibos_request_shutdown(int code)
{
	shutdown_code = code;
	__atomic_store_n(&shutdown_requested, 1, __ATOMIC_RELEASE);
	__atomic_fetch_add(&timer_seq, 1, __ATOMIC_ACQ_REL);
	xlibos_futex_wake(&timer_seq, 1);
}

static u64 xlibos_clock_ns(void)
{
	return xlibos_host_monotonic_ns() - boot_ns;
}

unsigned long long notrace sched_clock(void)
{
	return xlibos_clock_ns();
}

static u64 xlibos_cs_read(struct clocksource *cs)
{
	return xlibos_clock_ns();
}

static struct clocksource xlibos_clocksource = {
	.name	= "xlibos-host",
	.rating	= 300,
	.read	= xlibos_cs_read,
	.mask	= CLOCKSOURCE_MASK(64),
	.flags	= CLOCK_SOURCE_IS_CONTINUOUS,
};

/* Host thread: no vCPU, no "current"; it only reads and raises. */
static void __noreturn timer_thread(void *unused)
{
	xlibos_host_signals_block();
	for (;;) {
		u32 seq = __atomic_load_n(&timer_seq, __ATOMIC_ACQUIRE);
		u64 deadline = __atomic_load_n(&timer_deadline, __ATOMIC_ACQUIRE);
		struct __kernel_timespec abs;

		if (__atomic_load_n(&shutdown_requested, __ATOMIC_ACQUIRE))
			xlibos_host_exit_process(shutdown_code);
		if (deadline != NO_DEADLINE &&
		    xlibos_host_monotonic_ns() >= deadline) {
			if (__atomic_compare_exchange_n(&timer_deadline,
							&deadline, NO_DEADLINE,
							false, __ATOMIC_ACQ_REL,
							__ATOMIC_ACQUIRE))
				xlibos_raise_irq(XLIBOS_TIMER_IRQ);
			continue;
		}
		/*
		 * An interrupt still waits for the vCPU: look again soon,
		 * and check that its owner's host thread still exists.
		 */
		if (__atomic_load_n(&xlibos_irq.pending, __ATOMIC_SEQ_CST)) {
			u64 look = xlibos_host_monotonic_ns() + WATCH_NS;

			if (look < deadline)
				deadline = look;
			xlibos_hostwatch_check_owner();
		}
		if (deadline == NO_DEADLINE) {
			xlibos_futex_wait(&timer_seq, seq, NULL);
			continue;
		}
		abs.tv_sec = deadline / NSEC_PER_SEC;
		abs.tv_nsec = deadline % NSEC_PER_SEC;
		xlibos_futex_wait(&timer_seq, seq, &abs);
	}
}

static void program_deadline(u64 deadline)
{
	__atomic_store_n(&timer_deadline, deadline, __ATOMIC_RELEASE);
	__atomic_fetch_add(&timer_seq, 1, __ATOMIC_ACQ_REL);
	xlibos_futex_wake(&timer_seq, 1);
}

static int xlibos_set_next_event(unsigned long delta,
				 struct clock_event_device *evt)
{
	program_deadline(xlibos_host_monotonic_ns() + delta);
	/* the switch to high resolution programs an event at once */
	xlibos_vdso_sync_hrtimer_res();
	return 0;
}

static int xlibos_shutdown(struct clock_event_device *evt)
{
	program_deadline(NO_DEADLINE);
	return 0;
}

static struct clock_event_device xlibos_clockevent = {
	.name			= "xlibos-timer",
	.rating			= 300,
	.features		= CLOCK_EVT_FEAT_ONESHOT,
	.set_next_event		= xlibos_set_next_event,
	.set_state_shutdown	= xlibos_shutdown,
	.set_state_oneshot	= xlibos_shutdown,
	.tick_resume		= xlibos_shutdown,
	.irq			= XLIBOS_TIMER_IRQ,
	.cpumask		= cpu_possible_mask,
};

static irqreturn_t xlibos_timer_interrupt(int irq, void *dev)
{
	struct clock_event_device *evt = dev;

	evt->event_handler(evt);
	return IRQ_HANDLED;
}

void read_persistent_clock64(struct timespec64 *ts)
{
	u64 now = xlibos_host_realtime_ns();

	ts->tv_sec = now / NSEC_PER_SEC;
	ts->tv_nsec = now % NSEC_PER_SEC;
}

/* Before the first printk, so that timestamps start at zero. */
void __init xlibos_time_early_init(void)
{
	boot_ns = xlibos_host_monotonic_ns();
}

void __init time_init(void)
{
	long tid;

	/* __delay() counts nanoseconds, so a jiffy is NSEC_PER_SEC / HZ loops */
	lpj_fine = NSEC_PER_SEC / HZ;

	tid = xlibos_host_clone(XLIBOS_HOST_THREAD_FLAGS,
				(unsigned long)timer_thread_stack +
				sizeof(timer_thread_stack), timer_thread, NULL);
	if (tid < 0)
		panic("xlibos: cannot start the host timer thread (%ld)", tid);

	if (request_irq(XLIBOS_TIMER_IRQ, xlibos_timer_interrupt, IRQF_TIMER,
			"timer", &xlibos_clockevent))
		panic("xlibos: cannot request the timer interrupt");

	clocksource_register_hz(&xlibos_clocksource, NSEC_PER_SEC);
	clockevents_config_and_register(&xlibos_clockevent, NSEC_PER_SEC,
					1000, ULONG_MAX);
}

/* Delays: busy-wait on the host clock. */
void __delay(unsigned long loops)
{
	u64 end = xlibos_host_monotonic_ns() + loops;

	while (xlibos_host_monotonic_ns() < end)
		cpu_relax();
}
EXPORT_SYMBOL(__delay);

void __const_udelay(unsigned long xloops)
{
	/* xloops is microseconds * 2^32 / 10^6 */
	__delay((xloops * NSEC_PER_SEC) >> 32);
}
EXPORT_SYMBOL(__const_udelay);

void __udelay(unsigned long usecs)
{
	__delay(usecs * NSEC_PER_USEC);
}
EXPORT_SYMBOL(__udelay);

void __ndelay(unsigned long nsecs)
{
	__delay(nsecs);
}
EXPORT_SYMBOL(__ndelay);
