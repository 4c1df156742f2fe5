// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <stdnoreturn.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "resize_watch.h"

/* Retries while the guest boots: from this, doubling up to the second. */
#define RETRY_FIRST_MS	100
#define RETRY_MAX_MS	500

static noreturn void watch(const char *dir, int tty, unsigned int rows, unsigned int cols)
{
	unsigned int sent_rows = rows, sent_cols = cols;
	int backoff = RETRY_FIRST_MS;
	bool pending = false;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		struct timespec wait = { backoff / 1000, (backoff % 1000) * 1000000L };
		struct winsize ws;
		char why[256];
		bool booting;
		int sig = sigtimedwait(&set, NULL, pending ? &wait : NULL);

		if (sig == SIGWINCH) {
			pending = true;
			backoff = RETRY_FIRST_MS;
		}
		if (!pending || ioctl(tty, TIOCGWINSZ, &ws) != 0)
			continue;
		if (ws.ws_row == sent_rows && ws.ws_col == sent_cols) {
			pending = false;
			continue;
		}
		if (control_resize_main(dir, ws.ws_row, ws.ws_col, why, sizeof(why), &booting)) {
			sent_rows = ws.ws_row;
			sent_cols = ws.ws_col;
			pending = false;
		} else if (!booting && !strstr(why, "no control channel")) {
			pending = false;	/* refused: asking again changes nothing */
		} else if (backoff < RETRY_MAX_MS) {
			backoff *= 2;
		}
	}
}

void resize_watch_start(const char *dir, int tty, unsigned int rows, unsigned int cols)
{
	pid_t supervisor = getpid();

	if (fork() != 0)
		return;
	/* The supervisor's threads never see this one: it has its own session and descriptors. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != supervisor)
		_exit(0);
	prctl(PR_SET_NAME, "xlibos-winch", 0, 0, 0);
	if (setsid() < 0 || ioctl(tty, TIOCSCTTY, 0) != 0)
		_exit(0);
	/* Only the terminal: no lock of the state directory, no pipe of conmon's. */
	if (tty > 0)
		syscall(SYS_close_range, 0, (unsigned int)tty - 1, 0);
	syscall(SYS_close_range, (unsigned int)tty + 1, ~0U, 0);
	watch(dir, tty, rows ? rows : 24, cols ? cols : 80);
}
