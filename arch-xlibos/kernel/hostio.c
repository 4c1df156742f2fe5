// SPDX-License-Identifier: GPL-2.0
/*
 * The container's stdio: character devices bound to the host's file
 * descriptors 0, 1 and 2 (/dev/xlibos-fd0..2), binary-safe, with EOF.
 *
 * Writes go straight to the host fd through a bounce buffer.  Reads are
 * served by a host thread that blocks in read(2) on the host fd (never
 * the vCPU), fills a buffer and raises XLIBOS_HOSTIO_IRQ; readers sleep on
 * a wait queue until then.  The thread reads only when a reader is waiting
 * and the buffer has been consumed.
 *
 * Also /proc/xlibos/exit_status: the guest init writes the container's
 * exit status there for the loader.
 */
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/kstrtox.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/proc_fs.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <asm/hypercall.h>
#include <asm/irq.h>
#include <asm/xlibos.h>

#define HOSTIO_BUF_SIZE		(64 * 1024)
#define READER_STACK_SIZE	(16 * 1024)

/* Input state shared with the reader host thread (no vCPU there). */
static struct {
	u32 request;		/* futex: bumped when the buffer is free */
	u32 len;		/* bytes filled by the reader; 0: free */
	u32 eof;		/* host read returned 0 or failed */
	u32 started;
} in;

static u8 in_buf[HOSTIO_BUF_SIZE];
static u32 in_off;		/* consumed so far; guest side only */
static DEFINE_MUTEX(in_lock);
static DECLARE_WAIT_QUEUE_HEAD(in_wait);
static unsigned long reader_stack[READER_STACK_SIZE / sizeof(long)]
	__aligned(16);

static void __noreturn stdin_reader(void *unused)
{
	xlibos_host_signals_block();
	for (;;) {
		u32 seq = __atomic_load_n(&in.request, __ATOMIC_ACQUIRE);
		long n;

		if (__atomic_load_n(&in.len, __ATOMIC_ACQUIRE)) {
			xlibos_futex_wait(&in.request, seq, NULL);
			continue;
		}
		n = hc3(read, 0, in_buf, sizeof(in_buf));
		if (n == -EINTR || n == -EAGAIN)
			continue;
		if (n <= 0) {
			__atomic_store_n(&in.eof, 1, __ATOMIC_RELEASE);
			xlibos_raise_irq(XLIBOS_HOSTIO_IRQ);
			for (;;)
				xlibos_futex_wait(&in.eof, 1, NULL);
		}
		__atomic_store_n(&in.len, n, __ATOMIC_RELEASE);
		xlibos_raise_irq(XLIBOS_HOSTIO_IRQ);
	}
}

static irqreturn_t hostio_interrupt(int irq, void *dev)
{
	wake_up_interruptible(&in_wait);
	return IRQ_HANDLED;
}

static bool input_ready(void)
{
	return __atomic_load_n(&in.len, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&in.eof, __ATOMIC_ACQUIRE);
}

static void start_reader(void)
{
	long tid;

	if (in.started)
		return;
	in.started = 1;
	tid = xlibos_host_clone(XLIBOS_HOST_THREAD_FLAGS,
				(unsigned long)reader_stack +
				sizeof(reader_stack), stdin_reader, NULL);
	if (tid < 0) {
		pr_err("xlibos: cannot start the stdin reader (%ld)\n", tid);
		__atomic_store_n(&in.eof, 1, __ATOMIC_RELEASE);
	}
}

static ssize_t fd0_read(struct file *file, char __user *buf, size_t count,
			loff_t *ppos)
{
	ssize_t done;
	u32 len;

	if (!count)
		return 0;
	if (mutex_lock_interruptible(&in_lock))
		return -ERESTARTSYS;
	start_reader();
	while (!input_ready()) {
		mutex_unlock(&in_lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(in_wait, input_ready()))
			return -ERESTARTSYS;
		if (mutex_lock_interruptible(&in_lock))
			return -ERESTARTSYS;
	}
	len = __atomic_load_n(&in.len, __ATOMIC_ACQUIRE);
	if (!len) {
		mutex_unlock(&in_lock);
		return 0;	/* EOF */
	}
	done = min_t(size_t, count, len - in_off);
	if (copy_to_user(buf, in_buf + in_off, done)) {
		mutex_unlock(&in_lock);
		return -EFAULT;
	}
	in_off += done;
	if (in_off == len) {
		in_off = 0;
		__atomic_store_n(&in.len, 0, __ATOMIC_RELEASE);
		__atomic_fetch_add(&in.request, 1, __ATOMIC_ACQ_REL);
		xlibos_futex_wake(&in.request, 1);
	}
	mutex_unlock(&in_lock);
	return done;
}

static __poll_t fd0_poll(struct file *file, poll_table *wait)
{
	mutex_lock(&in_lock);
	start_reader();
	mutex_unlock(&in_lock);
	poll_wait(file, &in_wait, wait);
	return input_ready() ? EPOLLIN | EPOLLRDNORM : 0;
}

static ssize_t host_write(int fd, const char __user *buf, size_t count)
{
	size_t done = 0;
	char *bounce = kmalloc(min_t(size_t, count, HOSTIO_BUF_SIZE),
			       GFP_KERNEL);

	if (!bounce)
		return -ENOMEM;
	while (done < count) {
		size_t chunk = min_t(size_t, count - done, HOSTIO_BUF_SIZE);
		size_t off = 0;

		if (copy_from_user(bounce, buf + done, chunk)) {
			kfree(bounce);
			return done ? done : -EFAULT;
		}
		while (off < chunk) {
			long n = hc3(write, fd, bounce + off, chunk - off);

			if (n == -EINTR || n == -EAGAIN)
				continue;
			if (n <= 0) {
				kfree(bounce);
				return done + off ? done + off : (n ? n : -EIO);
			}
			off += n;
		}
		done += chunk;
	}
	kfree(bounce);
	return done;
}

static ssize_t fd1_write(struct file *file, const char __user *buf,
			 size_t count, loff_t *ppos)
{
	return host_write(1, buf, count);
}

static ssize_t fd2_write(struct file *file, const char __user *buf,
			 size_t count, loff_t *ppos)
{
	return host_write(2, buf, count);
}

static const struct file_operations fd0_fops = {
	.owner = THIS_MODULE,
	.read = fd0_read,
	.poll = fd0_poll,
	.llseek = no_llseek,
};

static const struct file_operations fd1_fops = {
	.owner = THIS_MODULE,
	.write = fd1_write,
	.llseek = no_llseek,
};

static const struct file_operations fd2_fops = {
	.owner = THIS_MODULE,
	.write = fd2_write,
	.llseek = no_llseek,
};

static struct miscdevice hostio_devs[] = {
	{ .minor = MISC_DYNAMIC_MINOR, .name = "xlibos-fd0",
	  .fops = &fd0_fops, .mode = 0666 },
	{ .minor = MISC_DYNAMIC_MINOR, .name = "xlibos-fd1",
	  .fops = &fd1_fops, .mode = 0666 },
	{ .minor = MISC_DYNAMIC_MINOR, .name = "xlibos-fd2",
	  .fops = &fd2_fops, .mode = 0666 },
};

static ssize_t exit_status_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct xlibos_exit_record *rec =
		(struct xlibos_exit_record *)xlibos_boot.exit_record;
	int status, err;

	err = kstrtoint_from_user(buf, count, 10, &status);
	if (err)
		return err;
	if (status < 0 || status > 255)
		return -EINVAL;
	if (rec)
		WRITE_ONCE(rec->status, status);
	return count;
}

static const struct proc_ops exit_status_ops = {
	.proc_write = exit_status_write,
	.proc_lseek = noop_llseek,
};

/*
 * SIGINT, SIGTERM and SIGHUP sent to the LibOS from the host (the loader
 * relays ^C and kill(1)) go to the container's init, as docker does.
 *
 * PID 1 drops a signal it neither blocks nor handles, and a signal can
 * come while the kernel still boots (no init yet, or init not yet past
 * its first instruction).  So a signal is forwarded only once init is
 * ready for it; until then it stays pending and is retried from a timer.
 */
static const int forwarded_signals[] = { SIGHUP, SIGINT, SIGTERM };
static u32 host_signals_pending;
static struct timer_list hostsig_retry;

#define HOSTSIG_RETRY_MS	5

static void host_signal_handler(int sig, struct siginfo *si, void *uc)
{
	/*
	 * The supervisor signals the first host process; a terminal's ^C
	 * reaches every host process of the container: count it once.
	 */
	if (hc0(getpid) != xlibos_host_pid)
		return;
	__atomic_fetch_or(&host_signals_pending, 1U << sig, __ATOMIC_SEQ_CST);
	xlibos_raise_irq(XLIBOS_HOSTSIG_IRQ);
}

/* Init's pid if it is a user process that blocks or handles sig; RCU held. */
static struct pid *init_ready_for(int sig)
{
	struct pid *pid = find_pid_ns(1, &init_pid_ns);
	struct task_struct *init = pid_task(pid, PIDTYPE_PID);
	unsigned long flags;
	bool ready;

	if (!init || (init->flags & PF_KTHREAD) ||
	    !lock_task_sighand(init, &flags))
		return NULL;
	/* real_blocked: the mask before a sigtimedwait() that waits for sig */
	ready = sigismember(&init->blocked, sig) ||
		sigismember(&init->real_blocked, sig) ||
		init->sighand->action[sig - 1].sa.sa_handler != SIG_DFL;
	unlock_task_sighand(init, &flags);
	return ready ? pid : NULL;
}

static void forward_host_signals(void)
{
	u32 sigs = __atomic_exchange_n(&host_signals_pending, 0,
				       __ATOMIC_ACQ_REL);
	u32 held = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(forwarded_signals); i++) {
		int sig = forwarded_signals[i];
		struct pid *init;

		if (!(sigs & (1U << sig)))
			continue;
		rcu_read_lock();
		init = init_ready_for(sig);
		if (init)
			kill_pid(init, sig, 1);
		else
			held |= 1U << sig;
		rcu_read_unlock();
	}
	if (held) {
		__atomic_fetch_or(&host_signals_pending, held, __ATOMIC_SEQ_CST);
		mod_timer(&hostsig_retry,
			  jiffies + msecs_to_jiffies(HOSTSIG_RETRY_MS));
	}
}

static irqreturn_t hostsig_interrupt(int irq, void *dev)
{
	forward_host_signals();
	return IRQ_HANDLED;
}

static void hostsig_retry_fn(struct timer_list *unused)
{
	forward_host_signals();
}

static int __init hostio_init(void)
{
	struct proc_dir_entry *dir;
	int i, err;

	timer_setup(&hostsig_retry, hostsig_retry_fn, 0);
	err = request_irq(XLIBOS_HOSTSIG_IRQ, hostsig_interrupt, 0, "hostsig",
			  NULL);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		xlibos_install_host_handler(forwarded_signals[i],
					    host_signal_handler);

	err = request_irq(XLIBOS_HOSTIO_IRQ, hostio_interrupt, 0, "hostio",
			  NULL);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(hostio_devs); i++) {
		err = misc_register(&hostio_devs[i]);
		if (err)
			pr_err("xlibos: cannot register %s (%d)\n",
			       hostio_devs[i].name, err);
	}
	dir = proc_mkdir("xlibos", NULL);
	if (dir)
		proc_create("exit_status", 0200, dir, &exit_status_ops);
	return 0;
}
device_initcall(hostio_init);
