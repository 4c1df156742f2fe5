// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets a container's programs use without a network card: socketpair,
 * AF_UNIX stream and datagram sockets on a path and in the abstract name
 * space, file descriptors passed with SCM_RIGHTS, and TCP and UDP over the
 * loopback interface (which the guest's init brings up).
 */
#include "guest_test.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return -1;
		p += w;
		n -= w;
	}
	return 0;
}

/* Read until EOF; returns the byte count and the sum of the bytes. */
static long read_all(int fd, unsigned long *sum)
{
	char buf[4096];
	long total = 0;
	ssize_t r;

	*sum = 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < r; i++)
			*sum += (unsigned char)buf[i];
		total += r;
	}
	return r < 0 ? -1 : total;
}

static void test_socketpair(void)
{
	int sv[2];
	char buf[16] = "";

	check("socketpair AF_UNIX stream", socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	check("write one end", write(sv[0], "ping", 4) == 4);
	check("read the other", read(sv[1], buf, sizeof(buf)) == 4 && !memcmp(buf, "ping", 4));
	close(sv[0]);
	check("EOF after the peer closes", read(sv[1], buf, sizeof(buf)) == 0);
	close(sv[1]);

	check("socketpair AF_UNIX seqpacket", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	write(sv[0], "ab", 2);
	write(sv[0], "cde", 3);
	check("seqpacket keeps record boundaries",
	      read(sv[1], buf, sizeof(buf)) == 2 && read(sv[1], buf, sizeof(buf)) == 3);
	close(sv[0]);
	close(sv[1]);
}

/* A child serves one connection: it sends back what it read, reversed in case. */
static void unix_stream(const struct sockaddr_un *addr, socklen_t len, const char *what)
{
	char name[96], buf[64] = "";
	int ls, c, status;
	pid_t pid;

	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(name, sizeof(name), "unix %s: bind and listen", what);
	check(name, ls >= 0 && bind(ls, (const struct sockaddr *)addr, len) == 0 &&
		    listen(ls, 4) == 0);
	pid = fork();
	if (pid == 0) {
		int a = accept(ls, NULL, NULL);
		ssize_t n = read(a, buf, sizeof(buf));

		for (ssize_t i = 0; i < n; i++)
			buf[i] ^= 0x20;
		_exit(a >= 0 && n > 0 && write(a, buf, n) == n ? 0 : 1);
	}
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(name, sizeof(name), "unix %s: connect", what);
	check(name, connect(c, (const struct sockaddr *)addr, len) == 0);
	write(c, "Hello", 5);
	snprintf(name, sizeof(name), "unix %s: the server's answer", what);
	check(name, read(c, buf, sizeof(buf)) == 5 && !memcmp(buf, "hELLO", 5));
	waitpid(pid, &status, 0);
	snprintf(name, sizeof(name), "unix %s: server exit 0", what);
	check(name, WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(c);
	close(ls);
}

static void test_unix(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	socklen_t len;
	struct stat st;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "/tmp/gt-net-%d.sock", (int)getpid());
	unlink(addr.sun_path);
	unix_stream(&addr, sizeof(addr), "path");
	check("the socket file is a socket", stat(addr.sun_path, &st) == 0 && S_ISSOCK(st.st_mode));
	errno = 0;
	{
		int s = socket(AF_UNIX, SOCK_STREAM, 0);

		check("binding an existing path fails EADDRINUSE",
		      bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 && errno == EADDRINUSE);
		close(s);
	}
	unlink(addr.sun_path);

	/* abstract: a leading NUL, no file */
	memset(addr.sun_path, 0, sizeof(addr.sun_path));
	len = offsetof(struct sockaddr_un, sun_path) + 1 +
	      snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1, "gt-net-%d", (int)getpid());
	unix_stream(&addr, len, "abstract");
}

static void test_scm_rights(void)
{
	int sv[2], fds[2], got = -1;
	char byte = 'x', buf[8] = "";
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.space, .msg_controllen = sizeof(u.space) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	pipe(fds);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fds[0], sizeof(int));
	check("sendmsg with SCM_RIGHTS", sendmsg(sv[0], &msg, 0) == 1);
	close(fds[0]);
	memset(u.space, 0, sizeof(u.space));
	msg.msg_controllen = sizeof(u.space);
	check("recvmsg", recvmsg(sv[1], &msg, 0) == 1);
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&got, CMSG_DATA(c), sizeof(int));
	check("a descriptor arrives", got >= 0);
	write(fds[1], "via", 3);
	check("it reads the pipe it was sent as", read(got, buf, sizeof(buf)) == 3 &&
						  !memcmp(buf, "via", 3));
	close(got);
	close(fds[1]);
	close(sv[0]);
	close(sv[1]);
}

static void test_tcp(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int ls, c, one = 1, status;
	unsigned long sum, want = 0;
	static char data[1 << 20];
	long n;
	pid_t pid;

	for (size_t i = 0; i < sizeof(data); i++) {
		data[i] = (char)(i * 131 + (i >> 9));
		want += (unsigned char)data[i];
	}
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	check("tcp: bind 127.0.0.1 port 0, listen",
	      ls >= 0 && bind(ls, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
	      listen(ls, 8) == 0 && getsockname(ls, (struct sockaddr *)&addr, &len) == 0);
	check("tcp: a port was chosen", ntohs(addr.sin_port) != 0);
	pid = fork();
	if (pid == 0) {
		/* the client: 1 MiB, then half-close and wait for the count */
		char answer[32] = "";
		int s = socket(AF_INET, SOCK_STREAM, 0);

		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) ||
		    write_all(s, data, sizeof(data)) || shutdown(s, SHUT_WR))
			_exit(1);
		if (read(s, answer, sizeof(answer) - 1) <= 0)
			_exit(2);
		_exit(atol(answer) == (long)sizeof(data) ? 0 : 3);
	}
	c = accept(ls, NULL, NULL);
	check("tcp: accept", c >= 0);
	n = read_all(c, &sum);
	checkf("tcp: 1 MiB arrives intact", n == (long)sizeof(data) && sum == want, "n=%ld", n);
	{
		char answer[32];
		int k = snprintf(answer, sizeof(answer), "%ld", n);

		write_all(c, answer, k);
	}
	close(c);
	waitpid(pid, &status, 0);
	check("tcp: the client saw the count (exit 0)", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(ls);

	/* connecting to a closed port is refused */
	c = socket(AF_INET, SOCK_STREAM, 0);
	errno = 0;
	check("tcp: a closed port refuses (ECONNREFUSED)",
	      connect(c, (struct sockaddr *)&addr, sizeof(addr)) < 0 && errno == ECONNREFUSED);
	close(c);
}

static void test_udp(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	char buf[64] = "";
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	struct pollfd p = { .fd = a, .events = POLLIN };

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	check("udp: bind", bind(a, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
			   getsockname(a, (struct sockaddr *)&addr, &len) == 0);
	check("udp: sendto", sendto(b, "datagram", 8, 0, (struct sockaddr *)&addr, sizeof(addr)) == 8);
	check("udp: poll sees it", poll(&p, 1, 5000) == 1 && (p.revents & POLLIN));
	check("udp: recv", recv(a, buf, sizeof(buf), 0) == 8 && !memcmp(buf, "datagram", 8));
	close(a);
	close(b);
}

int main(void)
{
	test_socketpair();
	test_unix();
	test_scm_rights();
	test_tcp();
	test_udp();
	return gt_done();
}
