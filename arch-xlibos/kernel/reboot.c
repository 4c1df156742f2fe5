// SPDX-License-Identifier: GPL-2.0
/*
 * Power-off, halt, restart and panic end the host process; the shared
 * exit record tells the loader which one it was.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/panic_notifier.h>
#include <linux/notifier.h>
#include <linux/pm.h>
#include <linux/reboot.h>
#include <linux/string.h>
#include <linux/sched/signal.h>
#include <asm/hypercall.h>
#include <asm/abcom.h>
#include <asm/xlibos.h>

static struct xlibos_exit_record *exit_record(void)
{
	return (struct xlibos_exit_record *)xlibos_boot.exit_record;
}

/*
 * The LibOS ends as a whole: every other host process is killed, and the
 * first one (whose exit status the loader waits for) is asked to exit.
 */
static void __noreturn end_all_host_processes(int code)
{
	int self = hc0(getpid);
	struct task_struct *p;

	rcu_read_lock();
	for_each_process(p) {
		int pid = READ_ONCE(p->thread.host_pid);

		if (pid && pid != self && pid != xlibos_host_pid)
			hc2(kill, pid, SIGKILL);
	}
	rcu_read_unlock();
	if (self != xlibos_host_pid)
		xlibos_request_shutdown(code);
	xlibos_host_exit_process(code);
}

static void __noreturn xlibos_exit(u32 reason, int code)
{
	struct xlibos_exit_record *rec = exit_record();

	if (rec) {
		/* A panic that ends in a restart stays a panic. */
		if (READ_ONCE(rec->magic) != XLIBOS_EXIT_MAGIC ||
		    (rec->reason != XLIBOS_EXIT_PANIC &&
		     rec->reason != XLIBOS_EXIT_HOST_DIED))
			rec->reason = reason;
		rec->abcom = xlibos_abcom_stats;
		rec->abcom.mode = xlibos_abcom_mode;
		__atomic_store_n(&rec->magic, XLIBOS_EXIT_MAGIC,
				 __ATOMIC_RELEASE);
		if (rec->reason == XLIBOS_EXIT_PANIC)
			code = 2;
	}
	end_all_host_processes(code);
}

void machine_power_off(void)
{
	xlibos_exit(XLIBOS_EXIT_POWEROFF, 0);
}

void machine_halt(void)
{
	xlibos_exit(XLIBOS_EXIT_HALT, 0);
}

void machine_restart(char *cmd)
{
	xlibos_exit(XLIBOS_EXIT_RESTART, 0);
}

static void xlibos_pm_power_off(void)
{
	xlibos_exit(XLIBOS_EXIT_POWEROFF, 0);
}

/* Set, so that reboot(RB_POWER_OFF) is a power-off and not a halt. */
void (*pm_power_off)(void) = xlibos_pm_power_off;

static int xlibos_panic_event(struct notifier_block *nb, unsigned long ev,
			      void *msg)
{
	struct xlibos_exit_record *rec = exit_record();

	if (rec) {
		strscpy(rec->message, msg, sizeof(rec->message));
		rec->reason = XLIBOS_EXIT_PANIC;
		__atomic_store_n(&rec->magic, XLIBOS_EXIT_MAGIC,
				 __ATOMIC_RELEASE);
	}
	return NOTIFY_DONE;
}

static struct notifier_block xlibos_panic_nb = {
	.notifier_call = xlibos_panic_event,
	.priority = INT_MIN,	/* after everyone else has said their piece */
};

/* panic() calls this once the whole panic report is on the console. */
static long xlibos_panic_blink(int state)
{
	xlibos_exit(XLIBOS_EXIT_PANIC, 2);
}

void __init xlibos_panic_init(void)
{
	atomic_notifier_chain_register(&panic_notifier_list, &xlibos_panic_nb);
	panic_blink = xlibos_panic_blink;
}
