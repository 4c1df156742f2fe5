// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "log.h"

/* The master fd, with the pty's name as the message (runc sends it so). */
static bool send_master(const char *socket_path, int master, const char *name)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { (void *)name, strlen(name) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	int sock;
	bool ok;

	if (strlen(socket_path) >= sizeof(addr.sun_path)) {
		oci_error("--console-socket path too long");
		return false;
	}
	strcpy(addr.sun_path, socket_path);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof(int));
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ok = sock >= 0 && connect(sock, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
	     sendmsg(sock, &msg, 0) >= 0;
	if (!ok)
		oci_error("--console-socket %s: %s", socket_path, strerror(errno));
	if (sock >= 0)
		close(sock);
	return ok;
}

bool console_setup(const char *socket_path, unsigned int rows, unsigned int cols, int *slave)
{
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct termios t;
	char *name;
	bool ok;

	*slave = -1;
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
	    !(name = ptsname(master))) {
		oci_error("cannot open a pseudo-terminal: %s", strerror(errno));
		if (master >= 0)
			close(master);
		return false;
	}
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0 || tcgetattr(*slave, &t) != 0) {
		oci_error("cannot open %s: %s", name, strerror(errno));
		close(master);
		return false;
	}
	/* Bytes pass unchanged: echo, ^C and line editing are the guest pty's. */
	cfmakeraw(&t);
	tcsetattr(*slave, TCSANOW, &t);
	if (rows && cols)
		ioctl(master, TIOCSWINSZ, &ws);
	ok = send_master(socket_path, master, name);
	close(master);
	if (!ok) {
		close(*slave);
		*slave = -1;
	}
	return ok;
}
