// SPDX-License-Identifier: GPL-2.0
/*
 * A host process outside the container, for the escape tests to aim at.
 *
 *   victim LOG INFO
 *
 * Writes "PID FLAG_ADDRESS PORT" to INFO once ready (FLAG_ADDRESS: a
 * string in its memory; PORT: a TCP listener on 127.0.0.1), then logs to
 * LOG everything done to it: each signal (with the sender's pid), each
 * connection (with what it sent), a change of the flag, being traced.
 * An empty LOG and a live, untraced victim mean nothing reached it.
 * Ends by itself after ten minutes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FLAG_TEXT "victim flag, untouched"

static volatile char flag[64] = FLAG_TEXT;
static int log_fd;

/* Async-signal-safe: the line is built by hand. */
static void on_signal(int sig, siginfo_t *si, void *uc)
{
	char line[64], num[24];
	int n = 0, k = 0;
	long v;

	(void)uc;
	memcpy(line, "signal ", 7);
	n = 7;
	line[n++] = (char)('0' + sig / 10);
	line[n++] = (char)('0' + sig % 10);
	memcpy(line + n, " from pid ", 10);
	n += 10;
	v = si->si_pid;
	do {
		num[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && k < 20);
	while (k)
		line[n++] = num[--k];
	line[n++] = '\n';
	(void)!write(log_fd, line, (size_t)n);
}

static int tracer_pid(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n;
	char *p;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, "TracerPid:");
	return p ? atoi(p + 10) : 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	struct sigaction act;
	struct pollfd pfd;
	char tmp[4096], buf[256];
	int lfd, sig, fd, was_traced = 0, flag_logged = 0;
	time_t end = time(NULL) + 600;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: victim LOG INFO\n");
		return 2;
	}
	log_fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0)
		return 1;
	memset(&act, 0, sizeof(act));
	act.sa_sigaction = on_signal;
	act.sa_flags = SA_SIGINFO | SA_RESTART;
	for (sig = 1; sig < 32; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &act, NULL);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 8) || getsockname(lfd, (struct sockaddr *)&sa, &len))
		return 1;

	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	f = fopen(tmp, "w");
	if (!f)
		return 1;
	fprintf(f, "%d %p %d\n", getpid(), (void *)flag, ntohs(sa.sin_port));
	if (fclose(f) || rename(tmp, argv[2]))
		return 1;

	pfd.fd = lfd;
	pfd.events = POLLIN;
	while (time(NULL) < end) {
		if (poll(&pfd, 1, 20) > 0) {
			fd = accept(lfd, NULL, NULL);
			if (fd >= 0) {
				ssize_t n;

				usleep(100000);
				n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
				buf[n > 0 ? n : 0] = '\0';
				dprintf(log_fd, "connection, received: %s\n", buf);
				close(fd);
			}
		}
		if (!flag_logged && strcmp((const char *)flag, FLAG_TEXT)) {
			dprintf(log_fd, "flag overwritten: %.63s\n", (const char *)flag);
			flag_logged = 1;
		}
		if (!was_traced && tracer_pid()) {
			dprintf(log_fd, "traced by pid %d\n", tracer_pid());
			was_traced = 1;
		}
	}
	return 0;
}
