// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side of tests/vsock/vsock.sh, run inside a container (static,
 * handed in through a --volume).  Usage:
 *   vsock_guest echo PORT N      serve N connections at once on AF_VSOCK PORT,
 *                                each echoed until EOF, then exit at the next
 *                                connection
 *   vsock_guest half PORT        one connection: read to EOF, then answer
 *                                "got N bytes\n" and close; exit at the next
 *                                connection
 *   vsock_guest fill PORT        one connection the client never reads: write
 *                                without blocking until 2 s pass with no room,
 *                                print "wrote N" on stdout, then keep still
 *   vsock_guest connect CID PORT connect out; print "connected" or the errno name
 * "listening" goes to stdout once the socket listens.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	printf("error %s: %s\n", what, strerror(errno));
	fflush(stdout);
	exit(1);
}

static int listen_on(unsigned int port)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY,
				 .svm_port = port };
	int fd = socket(AF_VSOCK, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 128))
		die("bind/listen");
	printf("listening\n");
	fflush(stdout);
	return fd;
}

static int accept_one(int lfd)
{
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		die("accept");
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void echo_conn(int fd)
{
	static char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write_all(fd, buf, (size_t)n))
			_exit(1);
	shutdown(fd, SHUT_WR);
	/* Wait for the client's close, so the echo is all delivered. */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	_exit(n < 0);
}

static int do_echo(unsigned int port, int n)
{
	int lfd = listen_on(port), status, bad = 0;

	for (int i = 0; i < n; i++) {
		int fd = accept_one(lfd);
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(lfd);
			echo_conn(fd);
		}
		close(fd);
	}
	while (wait(&status) > 0)
		bad += !WIFEXITED(status) || WEXITSTATUS(status);
	printf("served %d, %d failed\n", n, bad);
	fflush(stdout);
	/*
	 * The end comes from the host (one more connection, closed): at
	 * power-off, packets still queued in this kernel would be lost.
	 */
	close(accept_one(lfd));
	return bad != 0;
}

static int do_half(unsigned int port)
{
	int lfd = listen_on(port), fd = accept_one(lfd);
	char buf[65536], msg[64];
	unsigned long total = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (unsigned long)n;
	if (n < 0)
		die("read");
	snprintf(msg, sizeof(msg), "got %lu bytes\n", total);
	if (write_all(fd, msg, strlen(msg)))
		die("write after EOF");
	close(fd);
	printf("%s", msg);
	fflush(stdout);
	close(accept_one(lfd));	/* the host's word that it has the answer */
	return 0;
}

static int do_fill(unsigned int port)
{
	int lfd = listen_on(port), fd = accept_one(lfd);
	static char buf[65536];
	unsigned long total = 0;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		ssize_t w = write(fd, buf, sizeof(buf));

		if (w > 0) {
			total += (unsigned long)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN)
			die("write");
		if (poll(&p, 1, 2000) == 0)
			break;	/* no room for 2 s: the host holds no more */
	}
	printf("wrote %lu\n", total);
	fflush(stdout);
	pause();
	return 0;
}

static int do_connect(unsigned int cid, unsigned int port)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_cid = cid, .svm_port = port };
	int fd = socket(AF_VSOCK, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
		printf("connected\n");
		return 0;
	}
	printf("%s\n", errno == ECONNRESET ? "ECONNRESET" :
		       errno == ECONNREFUSED ? "ECONNREFUSED" :
		       errno == ETIMEDOUT ? "ETIMEDOUT" : strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 4 && !strcmp(argv[1], "echo"))
		return do_echo((unsigned int)atoi(argv[2]), atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "half"))
		return do_half((unsigned int)atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "fill"))
		return do_fill((unsigned int)atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "connect"))
		return do_connect((unsigned int)atoi(argv[2]), (unsigned int)atoi(argv[3]));
	fprintf(stderr, "usage: vsock_guest echo PORT N | half PORT | fill PORT | connect CID PORT\n");
	return 2;
}
