// SPDX-License-Identifier: GPL-2.0
/* printk goes straight to a host file descriptor (normally stderr). */
#include <linux/console.h>
#include <linux/init.h>
#include <linux/errno.h>
#include <asm/hypercall.h>
#include <asm/xlibos.h>

static void xlibos_console_write(struct console *con, const char *s,
				 unsigned int n)
{
	while (n) {
		long done = hc3(write, xlibos_boot.console_fd, s, n);

		if (done == -EINTR || done == -EAGAIN)
			continue;
		if (done <= 0)
			return;
		s += done;
		n -= done;
	}
}

static struct console xlibos_console = {
	.name	= "xlibos",
	.write	= xlibos_console_write,
	.flags	= CON_PRINTBUFFER | CON_ANYTIME | CON_ENABLED,
	.index	= -1,
};

void __init xlibos_console_init(void)
{
	register_console(&xlibos_console);
}
